/**
 * Settings → what the ChatClient connects with. The app (at start and on every
 * save), the CLI and the UI test host all map settings the same way, here.
 */
import { loadCaBundle, type CaBundle } from '../network/ca-bundle';
import type { ClientConfig } from './client';
import { proxyResolver, type ProxyContext } from '../network/proxy-decision';
import type { Settings } from '../settings/settings';

export type ConnectionConfig = Pick<ClientConfig, 'url' | 'token' | 'compression' | 'tls' | 'proxy' | 'readReceipts'>;

/** Where the proxy setting came from, and (the app only) the desktop's proxy answer. */
export type ProxyWiring = Omit<ProxyContext, 'setting'>;

/**
 * `token` is always present (undefined when none) so that `reconfigure` clears a removed token.
 * `ca`: the trusted CAs for `settings.caFile`, when the caller has read them already (to report their problems).
 * `proxy`: which layer set the "Proxy" setting and the system's resolver; the proxy decision itself is
 * made afresh before every connection (proxy-decision.ts).
 */
export function settingsToClientConfig(
  settings: Settings,
  ca: CaBundle = loadCaBundle({ userFile: settings.caFile }),
  proxy: ProxyWiring = { settingSource: 'settings' },
): ConnectionConfig {
  return {
    url: settings.serverUrl,
    token: settings.token,
    compression: settings.compression,
    tls: { ca: ca.ca },
    proxy: proxyResolver({ ...proxy, setting: settings.proxy }),
    readReceipts: settings.readReceipts !== 'off',
  };
}
