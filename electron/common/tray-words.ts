/**
 * The tray's words (zh-CN and en) and which icon it shows: pure data and functions over the
 * connection state and the unread count, so main stays glue and the words are tested alone.
 */
import type { ConnectionKind } from './state';
import type { Locale } from './words';

export type TrayLook = 'normal' | 'unread' | 'mention' | 'offline';

interface TrayText {
  app: string;
  /** Between the app's name and the status: "UOS Chat: connected", "UOS Chat：已连接". */
  colon: string;
  show: string;
  hide: string;
  reconnect: string;
  quit: string;
  status: Record<ConnectionKind, string>;
  unread: (n: number) => string;
  mentions: (n: number) => string;
  keepsRunning: string;
  keepsRunningBody: string;
}

export const trayText: Record<Locale, TrayText> = {
  en: {
    app: 'UOS Chat',
    colon: ': ',
    show: 'Show window',
    hide: 'Hide window',
    reconnect: 'Reconnect now',
    quit: 'Quit UOS Chat',
    status: {
      connecting: 'connecting',
      connected: 'connected',
      reconnecting: 'reconnecting',
      offline: 'offline',
      'auth-failed': 'sign-in failed',
      disconnected: 'disconnected',
    },
    unread: (n) => `${n} unread`,
    mentions: (n) => (n === 1 ? '1 mention' : `${n} mentions`),
    keepsRunning: 'UOS Chat keeps running in the tray',
    keepsRunningBody: 'New messages still arrive. To quit, choose Quit in the tray menu or press Ctrl+Q.',
  },
  'zh-CN': {
    app: 'UOS Chat',
    colon: '：',
    show: '显示窗口',
    hide: '隐藏窗口',
    reconnect: '立即重新连接',
    quit: '退出 UOS Chat',
    status: {
      connecting: '正在连接',
      connected: '已连接',
      reconnecting: '正在重新连接',
      offline: '离线',
      'auth-failed': '登录失败',
      disconnected: '已断开',
    },
    unread: (n) => `${n} 条未读`,
    mentions: (n) => `${n} 条@我`,
    keepsRunning: 'UOS Chat 在托盘中继续运行',
    keepsRunningBody: '仍会收到新消息。要退出，请在托盘菜单中选择“退出”，或按 Ctrl+Q。',
  },
};

/** "UOS Chat: connected · 3 unread · 1 mention" / "UOS Chat：已连接 · 3 条未读 · 1 条@我". */
export function trayTooltip(locale: Locale, kind: ConnectionKind, unread: number, mentions = 0): string {
  const t = trayText[locale];
  const parts = [`${t.app}${t.colon}${t.status[kind]}`];
  if (unread > 0) parts.push(t.unread(unread));
  if (mentions > 0) parts.push(t.mentions(mentions));
  return parts.join(' · ');
}

/** Offline or failing wins over unread: a person must know messages may not be arriving. A mention wins over plain unread. */
export function trayLook(kind: ConnectionKind, unread: number, mentions = 0): TrayLook {
  if (kind !== 'connected' && kind !== 'connecting') return 'offline';
  if (mentions > 0) return 'mention';
  return unread > 0 ? 'unread' : 'normal';
}

/** The words' language: the setting, or for 'auto' the system's (Electron's app.getLocale()). */
export function localeFor(setting: string, systemLocale: string): Locale {
  if (setting === 'zh-CN' || setting === 'en') return setting;
  return systemLocale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
