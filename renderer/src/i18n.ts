/**
 * Every string the renderer shows, in zh-CN and en. Words for reason codes
 * come from electron/common/words.ts (shared with the CLI and the logs).
 */
import { describeReason, type Locale } from '../../electron/common/words';
import type { ReasonCode } from '../../electron/common/errors';
import type { Compression, LanguageSetting, SettingsView } from '../../electron/common/contract';

export type SettingsField = SettingsView['overridden'][number];

export type { Locale };

export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

export interface Strings {
  appName: string;
  /** Names of the languages, in their own language: shown on the switch. */
  languageName: Record<Locale, string>;
  languageSwitch: string;
  connected: string;
  connecting: (attempt: number) => string;
  reconnecting: (attempt: number) => string;
  nextTryIn: (seconds: number) => string;
  retryingNow: string;
  reconnectNow: string;
  offline: string;
  authFailed: string;
  disconnected: string;
  powerSave: string;
  powerSaveHint: (heartbeatSeconds: number) => string;
  loading: string;
  emptyLog: string;
  emptyLogHint: string;
  logLabel: string;
  /** Marks own messages beside the sender's name. */
  youTag: string;
  server: string;
  pending: string;
  sent: string;
  failed: string;
  retry: string;
  gap: string;
  newMessages: (count: number) => string;
  inputLabel: string;
  placeholder: string;
  send: string;
  sending: string;
  keyHint: string;
  bytes: (used: string, limit: string) => string;
  tooLong: string;
  sendFailed: (why: string) => string;
  unexpectedError: string;
  /** Status label: a TLS (certificate) problem while reconnecting. */
  tlsProblem: string;
  /** Status label: the server said it failed (SERVER_ERROR) while reconnecting. */
  serverError: string;
  attempt: (attempt: number) => string;
  openSettings: string;
  // ---- settings ----
  settings: string;
  settingsTitle: string;
  settingsIntro: string;
  serverUrl: string;
  serverUrlHint: string;
  token: string;
  tokenUnchanged: string;
  tokenNone: string;
  tokenHint: string;
  clearToken: string;
  caFile: string;
  caFilePlaceholder: string;
  caFileHint: string;
  compression: string;
  compressionName: Record<Compression, string>;
  compressionHint: Record<Compression, string>;
  language: string;
  languageOption: Record<LanguageSetting, string>;
  /** `system`: the name of the language 'auto' picks now. */
  languageHint: (system: string) => string;
  overriddenNote: string;
  save: string;
  saving: string;
  cancel: string;
  close: string;
  problemsTitle: string;
  warningsTitle: string;
  saveFailed: string;
  settingsSaved: string;
  /** Words for the problems main reports for a field (its own English text is kept for anything else). */
  fieldProblem: Record<SettingsField, string>;
  caUnreadable: (file: string) => string;
  overriddenWarning: (field: string) => string;
  fieldName: Record<SettingsField, string>;
}

const en: Strings = {
  appName: 'UOS Chat',
  languageName: { 'zh-CN': '中文', en: 'English' },
  languageSwitch: 'Language',
  connected: 'Connected',
  connecting: (n) => (n > 1 ? `Connecting… (attempt ${n})` : 'Connecting…'),
  reconnecting: (n) => `Reconnecting (attempt ${n})`,
  nextTryIn: (s) => `next try in ${s} s`,
  retryingNow: 'trying now…',
  reconnectNow: 'Reconnect now',
  offline: 'Offline — waiting for network',
  authFailed: 'Sign-in failed',
  disconnected: 'Disconnected',
  powerSave: 'Power saving',
  powerSaveHint: (s) => `Power saving mode: the connection is checked every ${s} s`,
  loading: 'Loading…',
  emptyLog: 'No messages yet',
  emptyLogHint: 'Say hello — your message will appear here.',
  logLabel: 'Messages',
  youTag: '(you)',
  server: 'server',
  pending: 'Sending…',
  sent: 'Sent',
  failed: 'Not sent',
  retry: 'Retry',
  gap: 'Earlier messages may be missing',
  newMessages: (n) => (n === 1 ? '1 new message ↓' : `${n} new messages ↓`),
  inputLabel: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  sending: 'Sending…',
  keyHint: 'Enter to send · Shift+Enter for a new line',
  bytes: (used, limit) => `${used} / ${limit} bytes`,
  tooLong: 'too long',
  sendFailed: (why) => `Not sent: ${why}`,
  unexpectedError: 'something went wrong — please try again',
  tlsProblem: 'TLS problem',
  serverError: 'Server error',
  attempt: (n) => `retrying (attempt ${n})`,
  openSettings: 'Open settings',
  settings: 'Settings',
  settingsTitle: 'Settings',
  settingsIntro: 'Changes are saved on this computer and take effect at once.',
  serverUrl: 'Server address',
  serverUrlHint: 'A ws:// or wss:// address, for example wss://chat.example.com/ws/chat/',
  token: 'Access token',
  tokenUnchanged: 'unchanged',
  tokenNone: 'no token saved',
  tokenHint: 'The saved token is never shown. Type a new one to replace it.',
  clearToken: 'Remove the saved token',
  caFile: 'CA certificate bundle',
  caFilePlaceholder: 'none — system certificates only',
  caFileHint: 'Path to a PEM file with your organisation’s certificate authority, for a wss:// server with a private certificate.',
  compression: 'Compression',
  compressionName: { deflate: 'deflate (recommended)', zlib: 'zlib frames', off: 'off' },
  compressionHint: {
    deflate: 'Standard WebSocket compression (permessage-deflate); works with most servers.',
    zlib: 'Binary frames of zlib-compressed JSON, for servers built that way.',
    off: 'Plain text frames; use it if a proxy has trouble with compression.',
  },
  language: 'Language',
  languageOption: { auto: 'Automatic', 'zh-CN': '中文', en: 'English' },
  languageHint: (system) => `Automatic follows the system language (now ${system}).`,
  overriddenNote: 'Set by an environment variable or command-line flag, so it cannot be changed here.',
  save: 'Save',
  saving: 'Saving…',
  cancel: 'Cancel',
  close: 'Close',
  problemsTitle: 'The settings were not saved:',
  warningsTitle: 'Saved, but note:',
  saveFailed: 'The settings could not be saved — please try again.',
  settingsSaved: 'Settings saved',
  fieldProblem: {
    serverUrl: 'The server address must start with ws:// or wss://.',
    token: 'The token must not contain spaces.',
    caFile: 'The CA bundle must be a file path.',
    compression: 'Choose one of the compression modes.',
    language: 'Choose one of the languages.',
  },
  caUnreadable: (file) => `The CA bundle file cannot be read: ${file}`,
  overriddenWarning: (field) => `${field} is set by an environment variable or command-line flag, which wins over the settings file.`,
  fieldName: { serverUrl: 'Server address', token: 'Access token', caFile: 'CA certificate bundle', compression: 'Compression', language: 'Language' },
};

const zh: Strings = {
  appName: 'UOS 聊天',
  languageName: { 'zh-CN': '中文', en: 'English' },
  languageSwitch: '语言',
  connected: '已连接',
  connecting: (n) => (n > 1 ? `正在连接…（第 ${n} 次尝试）` : '正在连接…'),
  reconnecting: (n) => `正在重新连接（第 ${n} 次尝试）`,
  nextTryIn: (s) => `${s} 秒后重试`,
  retryingNow: '正在重试…',
  reconnectNow: '立即重连',
  offline: '离线——等待网络',
  authFailed: '登录失败',
  disconnected: '已断开',
  powerSave: '节能模式',
  powerSaveHint: (s) => `节能模式：每 ${s} 秒检查一次连接`,
  loading: '正在加载…',
  emptyLog: '还没有消息',
  emptyLogHint: '打个招呼吧——你的消息会显示在这里。',
  logLabel: '消息',
  youTag: '（我）',
  server: '服务器',
  pending: '正在发送…',
  sent: '已发送',
  failed: '未发送',
  retry: '重试',
  gap: '更早的消息可能缺失',
  newMessages: (n) => `${n} 条新消息 ↓`,
  inputLabel: '消息',
  placeholder: '输入消息…',
  send: '发送',
  sending: '正在发送…',
  keyHint: 'Enter 发送 · Shift+Enter 换行',
  bytes: (used, limit) => `${used} / ${limit} 字节`,
  tooLong: '过长',
  sendFailed: (why) => `未发送：${why}`,
  unexpectedError: '出了点问题，请重试',
  tlsProblem: '证书问题',
  serverError: '服务器错误',
  attempt: (n) => `正在重试（第 ${n} 次尝试）`,
  openSettings: '打开设置',
  settings: '设置',
  settingsTitle: '设置',
  settingsIntro: '更改保存在这台电脑上，并立即生效。',
  serverUrl: '服务器地址',
  serverUrlHint: '以 ws:// 或 wss:// 开头，例如 wss://chat.example.com/ws/chat/',
  token: '访问令牌',
  tokenUnchanged: '保持不变',
  tokenNone: '尚未保存令牌',
  tokenHint: '已保存的令牌不会显示。输入新令牌即可替换。',
  clearToken: '删除已保存的令牌',
  caFile: 'CA 证书文件',
  caFilePlaceholder: '无——仅使用系统证书',
  caFileHint: '单位证书颁发机构的 PEM 文件路径，用于使用私有证书的 wss:// 服务器。',
  compression: '压缩',
  compressionName: { deflate: 'deflate（推荐）', zlib: 'zlib 帧', off: '关闭' },
  compressionHint: {
    deflate: '标准 WebSocket 压缩（permessage-deflate），适用于大多数服务器。',
    zlib: '以 zlib 压缩 JSON 的二进制帧，适用于按此方式实现的服务器。',
    off: '纯文本帧；如果代理无法处理压缩，请选择此项。',
  },
  language: '语言',
  languageOption: { auto: '自动', 'zh-CN': '中文', en: 'English' },
  languageHint: (system) => `“自动”跟随系统语言（当前为${system}）。`,
  overriddenNote: '已由环境变量或命令行参数设置，无法在此更改。',
  save: '保存',
  saving: '正在保存…',
  cancel: '取消',
  close: '关闭',
  problemsTitle: '设置未保存：',
  warningsTitle: '已保存，但请注意：',
  saveFailed: '无法保存设置，请重试。',
  settingsSaved: '设置已保存',
  fieldProblem: {
    serverUrl: '服务器地址必须以 ws:// 或 wss:// 开头。',
    token: '令牌不能包含空格。',
    caFile: 'CA 证书必须是文件路径。',
    compression: '请选择一种压缩方式。',
    language: '请选择一种语言。',
  },
  caUnreadable: (file) => `无法读取 CA 证书文件：${file}`,
  overriddenWarning: (field) => `“${field}”已由环境变量或命令行参数设置，优先于设置文件。`,
  fieldName: { serverUrl: '服务器地址', token: '访问令牌', caFile: 'CA 证书文件', compression: '压缩', language: '语言' },
};

const table: Record<Locale, Strings> = { en, 'zh-CN': zh };

export function strings(locale: Locale): Strings {
  return table[locale];
}

export function reasonText(code: ReasonCode, locale: Locale): string {
  return describeReason(code, locale);
}

/** zh, zh-CN, zh-Hans, zh-TW… → zh-CN (the only Chinese we have); anything else → en. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The system's language (navigator.languages), as one of ours. */
export function systemLocale(): Locale {
  const langs = navigator.languages && navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return pickLocale(langs);
}

/** The language setting (saved by main) → the locale to show: 'auto' follows the system. */
export function resolveLocale(setting: LanguageSetting | undefined): Locale {
  return setting === 'zh-CN' || setting === 'en' ? setting : systemLocale();
}

const FIELDS: readonly SettingsField[] = ['serverUrl', 'token', 'caFile', 'compression', 'language'];

export interface ProblemText {
  text: string;
  field?: SettingsField;
}

/**
 * A problem or warning from main (English, `settings: caFile … cannot be read`) in the person's
 * language where we know its shape, with the field it is about; anything else is kept as it came.
 */
export function describeSettingsProblem(raw: string, t: Strings): ProblemText {
  const m = /^settings: (serverUrl|token|caFile|compression|language) (.*)$/s.exec(raw);
  if (m) {
    const field = m[1] as SettingsField;
    const rest = m[2] ?? '';
    if (field === 'caFile') {
      const unreadable = /^(.*) cannot be read$/s.exec(rest);
      if (unreadable) return { text: t.caUnreadable(unreadable[1] ?? ''), field };
    }
    return { text: t.fieldProblem[field], field };
  }
  const w = /^(serverUrl|token|caFile|compression|language) is set by an environment variable/.exec(raw);
  if (w) {
    const field = w[1] as SettingsField;
    return { text: t.overriddenWarning(t.fieldName[field]), field };
  }
  const field = FIELDS.find((f) => raw.includes(` ${f} `));
  return field ? { text: raw, field } : { text: raw };
}

/** Formats a message time: just the time today, date and time otherwise. */
export function timeFormatters(locale: Locale) {
  const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
  const dateTime = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  const full = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'medium' });
  const number = new Intl.NumberFormat(locale);
  return {
    short(iso: string, now = new Date()): string {
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return '';
      const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
      return (sameDay ? time : dateTime).format(d);
    },
    full(iso: string): string {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : full.format(d);
    },
    number: (n: number) => number.format(n),
  };
}

export type TimeFormatters = ReturnType<typeof timeFormatters>;
