/**
 * Which way a connection to the chat server goes: directly, or through which
 * proxies, in order. First match wins:
 *   1. the "Proxy" setting (file, UOS_CHAT_PROXY or --proxy; the usual layering), when it is `none` or a URL;
 *   2. with `system` (the default): the environment (HTTPS_PROXY for wss://, HTTP_PROXY for ws://,
 *      ALL_PROXY for both, NO_PROXY; upper and lower case), read by `proxy-from-env`;
 *   3. in the app: the desktop's answer (Chromium's resolveProxy: deepin/GNOME proxy settings, PAC, WPAD),
 *      handed in by main as `system` so the core never imports Electron. The CLI has no such step.
 * Pure decisions: nothing here opens a socket (proxy-agent.ts does).
 */
import { getProxyForUrl } from 'proxy-from-env';

/** Where the decision came from, as doctor and diagnostics show it. */
export type ProxySource = 'settings' | 'flag' | 'env' | 'system' | 'default';

/** One way to try: straight to the server, or through one proxy (its URL may carry user:password). */
export type ProxyRoute = { kind: 'direct' } | { kind: 'proxy'; url: string };

export interface ProxyDecision {
  source: ProxySource;
  /** Tried in order; the first that reaches the server is used. Never empty. */
  routes: ProxyRoute[];
  /** Why, in a few words, without credentials (e.g. the system's raw answer, or "NO_PROXY matches"). */
  note?: string;
}

/** Decides afresh for each connection attempt (a laptop moves between networks). */
export type ProxyResolver = (serverUrl: string) => Promise<ProxyDecision>;

/** The desktop's answer for a URL, in PAC form (`PROXY a:3128; SOCKS5 b:1080; DIRECT`). */
export type SystemProxyLookup = (serverUrl: string) => Promise<string>;

export const PROXY_SCHEMES = ['http:', 'https:', 'socks5:', 'socks5h:'] as const;

export const DIRECT: ProxyRoute = { kind: 'direct' };

/** `system`, `none`, or a proxy URL with one of PROXY_SCHEMES and a host (user:password allowed). */
export function checkProxySetting(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (v === 'system' || v === 'none') return v;
  try {
    const u = new URL(v);
    if (!(PROXY_SCHEMES as readonly string[]).includes(u.protocol) || !u.hostname) return undefined;
    if ((u.pathname !== '' && u.pathname !== '/') || u.search || u.hash) return undefined;
    return v.replace(/\/$/, '');
  } catch {
    return undefined;
  }
}

/** A proxy named for people and logs: scheme, host and port, never the user or password. */
export function describeProxy(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '<invalid proxy URL>';
  }
}

export function describeRoute(route: ProxyRoute): string {
  return route.kind === 'direct' ? 'DIRECT' : describeProxy(route.url);
}

/**
 * A PAC-style answer → routes. `PROXY h:p` → http://, `HTTPS h:p` → https://, `SOCKS5 h:p` → socks5h://
 * (Chromium's SOCKS5 resolves names at the proxy too), `SOCKS`/`SOCKS4 h:p` → socks4a://. Unknown entries
 * are skipped; nothing usable means DIRECT.
 */
export function parsePacAnswer(answer: string): ProxyRoute[] {
  const schemes: Record<string, string> = {
    PROXY: 'http',
    HTTP: 'http',
    HTTPS: 'https',
    SOCKS5: 'socks5h',
    SOCKS: 'socks4a',
    SOCKS4: 'socks4a',
  };
  const routes: ProxyRoute[] = [];
  for (const entry of answer.split(';').slice(0, 32)) {
    const [kind = '', hostPort] = entry.trim().split(/\s+/);
    const upper = kind.toUpperCase();
    if (upper === 'DIRECT') routes.push(DIRECT);
    else if (schemes[upper] && hostPort && URL.canParse(`${schemes[upper]}://${hostPort}`))
      routes.push({ kind: 'proxy', url: `${schemes[upper]}://${hostPort}` });
  }
  return routes.length > 0 ? routes : [DIRECT];
}

const ENV_PROXY_VARS = ['https_proxy', 'http_proxy', 'all_proxy'];

/**
 * The environment's proxy for the server: proxy-from-env, with the WebSocket scheme mapped
 * (wss → https, ws → http) so HTTPS_PROXY/HTTP_PROXY/ALL_PROXY and NO_PROXY apply as for web URLs.
 * proxy-from-env reads process.env (that is the environment the app and the CLI run in).
 * `undefined`: no proxy variable is set at all, so the environment decides nothing.
 */
export function environmentProxy(serverUrl: string): ProxyDecision | undefined {
  const env = process.env;
  const anySet = ENV_PROXY_VARS.some((name) => env[name] || env[name.toUpperCase()]);
  if (!anySet) return undefined;
  const u = new URL(serverUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  // An explicit port keeps ws://host's default (80) and wss://host's (443) through the scheme change.
  if (!u.port) u.port = serverUrl.startsWith('wss:') ? '443' : '80';
  const proxy = getProxyForUrl(u.toString());
  if (proxy) return { source: 'env', routes: [{ kind: 'proxy', url: proxy }] };
  const forScheme = ['all_proxy', u.protocol === 'https:' ? 'https_proxy' : 'http_proxy'].some(
    (name) => env[name] || env[name.toUpperCase()],
  );
  // A variable for this scheme is set but NO_PROXY excludes the host: the environment says "direct".
  return forScheme ? { source: 'env', routes: [DIRECT], note: 'NO_PROXY matches the server' } : undefined;
}

export interface ProxyContext {
  /** The "Proxy" setting in force: `system`, `none` or a URL. */
  setting: string;
  /** Which layer set it. */
  settingSource: 'settings' | 'flag' | 'env';
  /** The desktop's answer (the app only). */
  system?: SystemProxyLookup;
}

/** The resolver the client calls before each connection attempt. */
export function proxyResolver(ctx: ProxyContext): ProxyResolver {
  return async (serverUrl) => {
    if (ctx.setting === 'none') return { source: ctx.settingSource, routes: [DIRECT], note: 'proxy set to none' };
    if (ctx.setting !== 'system') return { source: ctx.settingSource, routes: [{ kind: 'proxy', url: ctx.setting }] };
    const fromEnv = environmentProxy(serverUrl);
    if (fromEnv) return fromEnv;
    if (ctx.system) {
      const answer = await ctx.system(serverUrl);
      return { source: 'system', routes: parsePacAnswer(answer), note: `system answer: ${redactPacAnswer(answer)}` };
    }
    return { source: 'default', routes: [DIRECT], note: 'no proxy configured' };
  };
}

/** A PAC answer names hosts only, but a hand-made one could carry user:password@: keep that out of logs. */
function redactPacAnswer(answer: string): string {
  return answer.replace(/[^\s;@/]+@/g, '').slice(0, 300);
}

/** The setting as the settings dialog may see it: a URL loses its password (the user name stays). */
export function proxyWithoutPassword(setting: string): string {
  if (setting === 'system' || setting === 'none' || !URL.canParse(setting)) return setting;
  const u = new URL(setting);
  if (!u.password) return setting;
  u.password = '';
  return u.toString().replace(/\/$/, '');
}

export function proxyHasPassword(setting: string | undefined): boolean {
  return setting !== undefined && URL.canParse(setting) && new URL(setting).password !== '';
}

/**
 * A proxy URL saved from the dialog without a password, for the same scheme, user and host as the
 * saved one that has a password: the dialog never sees the password, so keep it.
 */
export function keepProxyPassword(next: string, saved: string | undefined): string {
  if (!saved || !proxyHasPassword(saved) || proxyHasPassword(next)) return next;
  return proxyWithoutPassword(saved) === next ? saved : next;
}
