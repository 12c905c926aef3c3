/**
 * The one table of settings fields: for each, where it can come from (the
 * settings file key, an environment variable, a command-line flag), how it is
 * checked, its default and whether it is secret. The core's checks, the IPC
 * shape check and the CLI's options read it; the settings dialog and the
 * contract take its types (SettingsKey, Compression, LanguageSetting).
 *
 * Pure (data and what is derived from it; its one import is the protocol's list of compressions),
 * as electron/common must be; the checks named by `check` are in electron/core/settings/settings.ts.
 */
import { COMPRESSIONS, type Compression } from '../../protocol/features';

export { COMPRESSIONS, type Compression };
export const LANGUAGES = ['auto', 'zh-CN', 'en'] as const;
/** A yes/no setting. */
export const SWITCHES = ['on', 'off'] as const;

export type LanguageSetting = (typeof LANGUAGES)[number];
export type SwitchSetting = (typeof SWITCHES)[number];

/**
 * How a value is checked: `ws-url` a ws:// or wss:// URL, `token` no whitespace, `path` a file path, `choice` one of `values`,
 * `proxy` `system`, `none` or an http://, https://, socks5:// or socks5h:// proxy URL (user:password@ allowed).
 */
export type FieldCheck = 'ws-url' | 'token' | 'path' | 'choice' | 'proxy';

export interface SettingsFieldSpec {
  /** The environment variable that sets it (empty values are ignored). */
  env: string;
  /** The command-line flag that sets it (`--flag VALUE` or `--flag=VALUE`), in the app and, with `cli`, the CLI. */
  flag: `--${string}`;
  /** What the flag takes, as the help text shows it. */
  flagValue: string;
  /** The CLI accepts the flag too (the CLI shows no words that a language would change). */
  cli: boolean;
  check: FieldCheck;
  /** Longest value the renderer may send. */
  maxLength: number;
  /** The allowed values, for `choice`. */
  values?: readonly string[];
  /** Never logged, never shown, never sent back to the renderer. */
  secret: boolean;
  /** A change reconfigures the connection (the client reconnects with it). */
  connection: boolean;
  /** In force when no layer sets it; absent means unset. */
  default?: string;
  /** A few words after the flag in the CLI's help, where the flag's value does not say enough. */
  help?: string;
}

export const SETTINGS_FIELDS = {
  serverUrl: {
    env: 'UOS_CHAT_SERVER',
    flag: '--server',
    flagValue: 'URL',
    cli: true,
    check: 'ws-url',
    maxLength: 2048,
    secret: false,
    connection: true,
    // The reference server started by `npm start` listens here.
    default: 'ws://127.0.0.1:8765/ws/chat/',
  },
  token: {
    env: 'UOS_CHAT_TOKEN',
    flag: '--token',
    flagValue: 'T',
    cli: true,
    check: 'token',
    maxLength: 4096,
    secret: true,
    connection: true,
  },
  caFile: {
    env: 'UOS_CHAT_CA',
    flag: '--ca',
    flagValue: 'FILE',
    cli: true,
    check: 'path',
    maxLength: 4096,
    secret: false,
    connection: true,
    help: 'extra trusted CA bundle',
  },
  proxy: {
    env: 'UOS_CHAT_PROXY',
    flag: '--proxy',
    flagValue: 'system|none|URL',
    cli: true,
    check: 'proxy',
    maxLength: 2048,
    // A manual proxy URL may carry user:password: sealed at rest like the token, shown without the password.
    secret: true,
    connection: true,
    // `system`: HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY, then (the app) the desktop's proxy settings and PAC.
    default: 'system',
    help: 'http(s)://, socks5(h):// [user:password@]host:port',
  },
  compression: {
    env: 'UOS_CHAT_COMPRESSION',
    flag: '--compression',
    flagValue: COMPRESSIONS.join('|'),
    cli: true,
    check: 'choice',
    maxLength: 16,
    values: COMPRESSIONS,
    secret: false,
    connection: true,
    default: 'deflate',
  },
  language: {
    env: 'UOS_CHAT_LANG',
    flag: '--lang',
    flagValue: LANGUAGES.join('|'),
    cli: false,
    check: 'choice',
    maxLength: 16,
    values: LANGUAGES,
    secret: false,
    connection: false,
    default: 'auto',
  },
  // Read status: whether others see when this user has read their messages; off, this user sees none either
  // (the rule of WeCom and DingTalk's read receipts, and Element's "send read receipts").
  readReceipts: {
    env: 'UOS_CHAT_READ_RECEIPTS',
    flag: '--read-receipts',
    flagValue: SWITCHES.join('|'),
    cli: true,
    check: 'choice',
    maxLength: 8,
    values: SWITCHES,
    secret: false,
    // The server learns it at the greeting, so a change reconnects.
    connection: true,
    default: 'on',
    help: 'share and see read status',
  },
  // Closing the window leaves the app in the tray, where a tray host is registered (else closing quits).
  closeToTray: {
    env: 'UOS_CHAT_CLOSE_TO_TRAY',
    flag: '--close-to-tray',
    flagValue: SWITCHES.join('|'),
    cli: false,
    check: 'choice',
    maxLength: 8,
    values: SWITCHES,
    secret: false,
    connection: false,
    default: 'on',
  },
  // An XDG autostart entry (~/.config/autostart) that starts the app to the tray at login.
  autostart: {
    env: 'UOS_CHAT_AUTOSTART',
    flag: '--autostart',
    flagValue: SWITCHES.join('|'),
    cli: false,
    check: 'choice',
    maxLength: 8,
    values: SWITCHES,
    secret: false,
    connection: false,
    default: 'off',
  },
} as const satisfies Record<string, SettingsFieldSpec>;

export type SettingsKey = keyof typeof SETTINGS_FIELDS;

type Spec<K extends SettingsKey> = (typeof SETTINGS_FIELDS)[K];
/** What a field holds: one of its `values`, else a string. */
export type FieldValue<K extends SettingsKey> = Spec<K> extends { values: readonly (infer V)[] } ? V : string;
type KeysWhere<Row> = { [K in SettingsKey]: Spec<K> extends Row ? K : never }[SettingsKey];
/** The fields with a default are always set; the others (the token, the CA file) may be unset. */
type Defaulted = KeysWhere<{ default: string }>;

/** Every field's value, as the core holds them (electron/core/settings: `Settings` adds the file's version). */
export type SettingsValues = { [K in Defaulted]: FieldValue<K> } & { [K in Exclude<SettingsKey, Defaulted>]?: FieldValue<K> };
/** Fields to change; absent fields stay. */
export type SettingsPatchValues = { [K in SettingsKey]?: FieldValue<K> };
/** The fields a change of which reconfigures the connection. */
export type ConnectionKey = KeysWhere<{ connection: true }>;

/** The same table with every row as a SettingsFieldSpec, for code that goes through all fields alike. */
export const FIELD_SPECS: Readonly<Record<SettingsKey, SettingsFieldSpec>> = SETTINGS_FIELDS;

/** The keys in table order (the order the file, the dialog and `overridden` use). */
export const SETTINGS_KEYS = Object.keys(SETTINGS_FIELDS) as SettingsKey[];

/** The fields a change of which reconfigures the connection (not the language, the tray or autostart). */
export const CONNECTION_KEYS = SETTINGS_KEYS.filter((k): k is ConnectionKey => FIELD_SPECS[k].connection);

/** Whether a change of these fields reconfigures the connection. */
export const changesConnection = (changed: readonly SettingsKey[]): boolean => changed.some((k) => FIELD_SPECS[k].connection);
