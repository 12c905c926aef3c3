/**
 * The desktop's proxy, for the core's proxy decision (electron/core/network/proxy-decision.ts).
 * Chromium's resolveProxy reads what the browser part of the app follows: the
 * deepin control center's proxy (gsettings com.deepin.wrap.gnome.system.proxy, the
 * GNOME /system/proxy path), a PAC file, WPAD, and Chromium's own --proxy-server flags.
 * Main asks; the core, which never imports Electron, gets only the function.
 */
import type * as Electron from 'electron';
import type { ProxyWiring } from '../core/connection';
import type { ProxyReport } from '../core/network';
import type { SettingsPatch } from '../core/settings';

/**
 * `fromArgs`/`fromEnv`: the flag and environment layers of the settings, to say where a
 * "Proxy" setting in force came from (the settings file otherwise).
 */
export function desktopProxyWiring(session: typeof Electron.session, fromArgs: SettingsPatch, fromEnv: SettingsPatch): ProxyWiring {
  return {
    settingSource: fromArgs.proxy ? 'flag' : fromEnv.proxy ? 'env' : 'settings',
    // Asked before every connection attempt, never cached: a laptop moves between networks, and
    // resolveProxy can answer DIRECT just after start-up, before the system's settings are read
    // (electron/electron#26166). Main builds the core only after 'ready', and the core connects
    // again, asking again, as soon as the network comes back.
    system: (serverUrl) => session.defaultSession.resolveProxy(asWebUrl(serverUrl)),
  };
}

/** Proxy settings and PAC scripts are written for web URLs: ask about https:// for wss://, http:// for ws://. */
function asWebUrl(serverUrl: string): string {
  const u = new URL(serverUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  return u.toString();
}

/** The last connection's way to the server in one line, for the diagnostics (the report holds no credentials). */
export function describeProxyReport(r: ProxyReport | undefined): string | undefined {
  if (!r) return undefined;
  const answered = r.used !== 'DIRECT' && r.answer ? ` (${r.answer}${r.ms !== undefined ? ` in ${r.ms} ms` : ''})` : '';
  const reached = r.used ? `${r.used}${answered}` : 'no route reached the server';
  const failed = r.failures.length > 0 ? `; failed first: ${r.failures.join(' | ')}` : '';
  return `${reached}; routes in order: ${r.routes.join('; ')}; from ${r.source}${r.note ? ` (${r.note})` : ''}${failed}`;
}
