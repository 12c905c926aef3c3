/**
 * Layered settings: typed defaults → settings file → environment → command-line
 * flags. Every layer is validated; a bad value is reported with its source and
 * ignored (the layer below stays in force). The file layer lives in
 * settings-store.ts.
 */

export const SETTINGS_VERSION = 1;

export type Compression = 'deflate' | 'zlib' | 'off';
export type Language = 'auto' | 'zh-CN' | 'en';

export interface Settings {
  version: typeof SETTINGS_VERSION;
  serverUrl: string;
  token?: string;
  caFile?: string;
  compression: Compression;
  language: Language;
}

/** The reference server started by `npm start` listens here. */
export const DEFAULT_SERVER_URL = 'ws://127.0.0.1:8765/ws/chat/';

export const defaultSettings: Settings = {
  version: SETTINGS_VERSION,
  serverUrl: DEFAULT_SERVER_URL,
  compression: 'deflate',
  language: 'auto',
};

export type SettingsPatch = Partial<Omit<Settings, 'version'>>;

export interface Checked {
  patch: SettingsPatch;
  problems: string[];
}

const COMPRESSIONS: Compression[] = ['deflate', 'zlib', 'off'];
const LANGUAGES: Language[] = ['auto', 'zh-CN', 'en'];

export function checkServerUrl(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > 2048) return undefined;
  try {
    const u = new URL(v);
    return u.protocol === 'ws:' || u.protocol === 'wss:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Validates untrusted values (file, env, flags, renderer). `source` names where they came from. */
export function checkSettings(raw: Record<string, unknown>, source: string): Checked {
  const patch: SettingsPatch = {};
  const problems: string[] = [];
  const bad = (field: string, why: string) => problems.push(`${source}: ${field} ${why}`);
  if (raw.serverUrl !== undefined) {
    const url = checkServerUrl(raw.serverUrl);
    if (url) patch.serverUrl = url;
    else bad('serverUrl', 'must be a ws:// or wss:// URL');
  }
  if (raw.token !== undefined) {
    if (typeof raw.token === 'string' && raw.token.length <= 4096 && !/[\s]/.test(raw.token)) patch.token = raw.token;
    else bad('token', 'must be a string without spaces (value not shown)');
  }
  if (raw.caFile !== undefined) {
    if (typeof raw.caFile === 'string' && raw.caFile.length <= 4096) patch.caFile = raw.caFile;
    else bad('caFile', 'must be a file path');
  }
  if (raw.compression !== undefined) {
    if (COMPRESSIONS.includes(raw.compression as Compression)) patch.compression = raw.compression as Compression;
    else bad('compression', `must be one of ${COMPRESSIONS.join(', ')}`);
  }
  if (raw.language !== undefined) {
    if (LANGUAGES.includes(raw.language as Language)) patch.language = raw.language as Language;
    else bad('language', `must be one of ${LANGUAGES.join(', ')}`);
  }
  return { patch, problems };
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): Checked {
  const raw: Record<string, unknown> = {};
  if (env.UOS_CHAT_SERVER) raw.serverUrl = env.UOS_CHAT_SERVER;
  if (env.UOS_CHAT_TOKEN) raw.token = env.UOS_CHAT_TOKEN;
  if (env.UOS_CHAT_CA) raw.caFile = env.UOS_CHAT_CA;
  if (env.UOS_CHAT_COMPRESSION) raw.compression = env.UOS_CHAT_COMPRESSION;
  if (env.UOS_CHAT_LANG) raw.language = env.UOS_CHAT_LANG;
  return checkSettings(raw, 'environment');
}

/** `--server URL --token T --ca FILE --compression M --lang L` (and `--flag=value`). Unknown flags are left alone (Chromium has many). */
export function settingsFromArgs(argv: readonly string[]): Checked {
  const names: Record<string, keyof SettingsPatch> = {
    '--server': 'serverUrl',
    '--token': 'token',
    '--ca': 'caFile',
    '--compression': 'compression',
    '--lang': 'language',
  };
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const field = names[flag];
    if (!field) continue;
    raw[field] = eq > 0 ? arg.slice(eq + 1) : argv[++i];
  }
  return checkSettings(raw, 'command line');
}

export function mergeSettings(...layers: SettingsPatch[]): Settings {
  return Object.assign({}, defaultSettings, ...layers) as Settings;
}
