/**
 * Every string the renderer shows, in zh-CN and en. Words for reason codes
 * come from electron/common/words.ts (shared with the CLI and the logs).
 */
import { describeReason, type Locale } from '../../electron/common/words';
import type { ReasonCode } from '../../electron/common/errors';

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

const STORAGE_KEY = 'uos-chat.locale';

export function initialLocale(): Locale {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage unavailable: fall back to the system language
  }
  const langs = navigator.languages && navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return pickLocale(langs);
}

export function saveLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not fatal: the choice lasts for this window only
  }
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
