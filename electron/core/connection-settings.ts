/**
 * Settings → what the ChatClient connects with. The app (at start and on every
 * save), the CLI and the UI test host all map settings the same way, here.
 */
import { loadCaBundle, type CaBundle } from './ca-bundle';
import type { ClientConfig } from './client';
import type { Settings } from './settings';

export type ConnectionConfig = Pick<ClientConfig, 'url' | 'token' | 'compression' | 'tls'>;

/**
 * `token` is always present (undefined when none) so that `reconfigure` clears a removed token.
 * `ca`: the trusted CAs for `settings.caFile`, when the caller has read them already (to report their problems).
 */
export function settingsToClientConfig(settings: Settings, ca: CaBundle = loadCaBundle({ userFile: settings.caFile })): ConnectionConfig {
  return { url: settings.serverUrl, token: settings.token, compression: settings.compression, tls: { ca: ca.ca } };
}
