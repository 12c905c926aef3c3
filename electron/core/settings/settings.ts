/**
 * Layered settings: typed defaults → settings file → environment → command-line
 * flags. Every layer is validated; a bad value is reported with its source and
 * ignored (the layer below stays in force). The fields (names, variables,
 * flags, checks, defaults) are the table in electron/common/settings-fields.ts;
 * the file layer lives in settings-store.ts.
 */
import type { BadValueCode, SettingsProblem } from '../../common/contract';
import {
  FIELD_SPECS,
  SETTINGS_FIELDS,
  SETTINGS_KEYS,
  type Compression,
  type FieldCheck,
  type LanguageSetting,
  type SettingsFieldSpec,
  type SettingsKey,
  type SettingsPatchValues,
  type SettingsValues,
} from '../../common/settings-fields';
import { checkProxySetting } from '../network/proxy-decision';

export const SETTINGS_VERSION = 1;

export type { Compression };
export type Language = LanguageSetting;

/**
 * The settings in force, one value per row of the table (SETTINGS_FIELDS): `proxy` is `system`, `none` or a
 * proxy URL (proxy-decision.ts); `closeToTray` keeps the app in the tray when the window is closed (where a
 * tray host exists); `autostart` starts it (to the tray) at login.
 */
export type Settings = { version: typeof SETTINGS_VERSION } & SettingsValues;

/** The reference server started by `npm start` listens here. */
export const DEFAULT_SERVER_URL = SETTINGS_FIELDS.serverUrl.default;

/** Each field's default from the table; the fields without one are unset. */
export const defaultSettings: Settings = {
  version: SETTINGS_VERSION,
  ...(Object.fromEntries(
    SETTINGS_KEYS.flatMap((k) => (FIELD_SPECS[k].default === undefined ? [] : [[k, FIELD_SPECS[k].default]])),
  ) as SettingsValues),
};

export type SettingsPatch = SettingsPatchValues;

/** A refused value, with where it came from ('environment', 'command line', the file's path, 'settings'). */
export type SourcedProblem = SettingsProblem & { source: string };

export interface Checked {
  patch: SettingsPatch;
  problems: SourcedProblem[];
}

export function checkServerUrl(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > SETTINGS_FIELDS.serverUrl.maxLength) return undefined;
  try {
    const u = new URL(v);
    return u.protocol === 'ws:' || u.protocol === 'wss:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Each kind of check in the table: the value to keep (normalized), or undefined, refused with `code`. */
const CHECKS: Record<FieldCheck, { accept: (v: unknown, spec: SettingsFieldSpec) => string | undefined; code: BadValueCode }> = {
  'ws-url': { accept: checkServerUrl, code: 'BAD_URL' },
  token: {
    accept: (v, spec) => (typeof v === 'string' && v.length <= spec.maxLength && !/[\s]/.test(v) ? v : undefined),
    code: 'BAD_TOKEN',
  },
  path: { accept: (v, spec) => (typeof v === 'string' && v.length <= spec.maxLength ? v : undefined), code: 'NOT_A_PATH' },
  choice: { accept: (v, spec) => (typeof v === 'string' && spec.values?.includes(v) ? v : undefined), code: 'NOT_ALLOWED' },
  proxy: {
    accept: (v, spec) => (typeof v === 'string' && v.length <= spec.maxLength ? checkProxySetting(v) : undefined),
    code: 'BAD_PROXY',
  },
};

/** Validates untrusted values (file, env, flags, renderer). `source` names where they came from. */
export function checkSettings(raw: Record<string, unknown>, source: string): Checked {
  const patch: Record<string, string> = {};
  const problems: SourcedProblem[] = [];
  for (const field of SETTINGS_KEYS) {
    if (raw[field] === undefined) continue;
    const spec = FIELD_SPECS[field];
    const check = CHECKS[spec.check];
    const value = check.accept(raw[field], spec);
    if (value !== undefined) patch[field] = value;
    else problems.push({ field, code: check.code, source });
  }
  // The checks above accept exactly the values each field's type allows.
  return { patch: patch as SettingsPatch, problems };
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): Checked {
  const raw: Record<string, unknown> = {};
  for (const field of SETTINGS_KEYS) {
    const value = env[SETTINGS_FIELDS[field].env];
    if (value) raw[field] = value;
  }
  return checkSettings(raw, 'environment');
}

const FIELD_OF_FLAG = new Map<string, SettingsKey>(SETTINGS_KEYS.map((field) => [SETTINGS_FIELDS[field].flag, field]));

/** `--server URL --token T --ca FILE --compression M --lang L` (and `--flag=value`). Unknown flags are left alone (Chromium has many). */
export function settingsFromArgs(argv: readonly string[]): Checked {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const field = FIELD_OF_FLAG.get(eq > 0 ? arg.slice(0, eq) : arg);
    if (!field) continue;
    raw[field] = eq > 0 ? arg.slice(eq + 1) : argv[++i];
  }
  return checkSettings(raw, 'command line');
}

export function mergeSettings(...layers: SettingsPatch[]): Settings {
  return Object.assign({}, defaultSettings, ...layers) as Settings;
}

/** The problem in English, for logs and the CLI; with its source in front when it has one. The token's value is never part of it. */
export function formatSettingsProblem(problem: SettingsProblem & { source?: string }): string {
  const text = problemText(problem);
  return problem.source === undefined ? text : `${problem.source}: ${text}`;
}

function problemText(p: SettingsProblem): string {
  switch (p.code) {
    case 'BAD_URL':
      return `${p.field} must be a ws:// or wss:// URL`;
    case 'BAD_TOKEN':
      return `${p.field} must be a string without spaces (value not shown)`;
    case 'NOT_A_PATH':
      return `${p.field} must be a file path`;
    case 'BAD_PROXY':
      return `${p.field} must be system, none, or an http://, https://, socks5:// or socks5h:// proxy URL (value not shown)`;
    case 'NOT_ALLOWED':
      return `${p.field} must be one of ${FIELD_SPECS[p.field].values?.join(', ')}`;
    case 'OVERRIDDEN':
      return `${p.field} is set by an environment variable or command-line flag, which wins over the settings file`;
    case 'CA_UNREADABLE':
      return `${p.field} ${p.detail} cannot be read`;
    case 'SAVE_FAILED':
      return `settings could not be saved: ${p.detail}`;
    case 'READ_ONLY':
      return 'settings cannot be changed here';
  }
}
