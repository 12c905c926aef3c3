/** The shape of every string the renderer shows; each locale's table fills it in (en.ts, zh-CN.ts). */
import type { Compression, LanguageSetting, NoticeId, SettingsView } from '../../../electron/common/contract';
import type { Locale } from './locales';
import { en } from './en';
import { zh } from './zh-CN';
import { FILE_WORDS, type FileStrings } from './file-words';

export type SettingsField = SettingsView['overridden'][number];

export interface Strings extends FileStrings {
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
  /** Replies, edits and recalls (features reply_to, edit, recall). */
  messageTools: (user: string) => string;
  reply: string;
  edit: string;
  recall: string;
  recallConfirm: string;
  recallYes: string;
  edited: string;
  recalledBy: (user: string) => string;
  recalledByYou: string;
  quoteOf: (user: string) => string;
  quoteElsewhere: string;
  quoteRecalled: string;
  replyingTo: (user: string) => string;
  editingMessage: string;
  cancelReply: string;
  cancelEdit: string;
  saveEdit: string;
  actionPending: (kind: 'edit' | 'recall') => string;
  actionFailed: (kind: 'edit' | 'recall', why: string) => string;
  /** Read status on own messages (feature receipts). */
  readDm: string;
  unreadDm: string;
  unreadBy: (n: number) => string;
  allRead: string;
  readBy: (names: string) => string;
  notReadBy: (names: string) => string;
  gap: string;
  /** Day separators in the log. */
  today: string;
  yesterday: string;
  newMessages: (count: number) => string;
  // ---- search (Ctrl+F) ----
  search: string;
  /** The header button's tooltip: names the shortcut. */
  searchTitle: string;
  searchLabel: string;
  searchPlaceholder: string;
  searchClose: string;
  searchResults: string;
  searchHint: string;
  searching: string;
  /** `more`: the result list stops at its limit (the newest ones are shown). */
  searchFound: (count: number, more: boolean) => string;
  searchNone: (query: string) => string;
  /** Which conversation a search result is in (a server with conversations). */
  searchResultIn: (conversation: string) => string;
  searchFailed: string;
  /** While the search panel's code loads, and if it cannot. */
  searchOpening: string;
  searchUnavailable: string;
  /** Jumping to a result: older pages load first. */
  jumpLoading: string;
  jumpShown: (when: string) => string;
  jumpGone: string;
  /** `count`: how many messages back we page in at most (formatted). */
  jumpTooFar: (count: string) => string;
  jumpFailed: string;
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
  /**
   * The line under the token field that says, in words, what is saved (a placeholder is not reliably
   * read once the field has focus): saved, saved and about to be replaced by what was typed, about
   * to be removed, or none.
   */
  tokenState: Record<'saved' | 'replacing' | 'removing' | 'none', string>;
  /** The button beside a saved token's line: empties the field and puts focus there. */
  tokenReplace: string;
  /** Its accessible name (it contains the visible word, WCAG 2.5.3). */
  tokenReplaceLabel: string;
  clearToken: string;
  caFile: string;
  caFilePlaceholder: string;
  caFileHint: string;
  /** The CA field's button: the system's file dialog. */
  caChoose: string;
  /** Why the chosen file was not taken (`detail`: what the system or the parser said). */
  caChooseProblem: (code: 'CA_UNREADABLE' | 'CA_NO_CERTIFICATES' | 'UNAVAILABLE', file: string, detail: string) => string;
  proxy: string;
  /** The proxy's modes: follow the system, go direct, or a proxy typed here. */
  proxyMode: Record<'system' | 'none' | 'manual', string>;
  proxyHint: Record<'system' | 'none' | 'manual', string>;
  proxyUrl: string;
  proxyUrlPlaceholder: string;
  /** Under the URL when a password is saved (it is never shown). */
  proxyPasswordKept: string;
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
  /** Words for a value main refused (BAD_URL, BAD_TOKEN, NOT_A_PATH, NOT_ALLOWED): each field has its one check, so by field. */
  fieldProblem: Record<SettingsField, string>;
  caUnreadable: (file: string) => string;
  overriddenWarning: (field: string) => string;
  /** `detail`: why the file could not be written, as the system said it. */
  settingsNotSaved: (detail: string) => string;
  /** A host that cannot change settings (benchmarks). */
  settingsReadOnly: string;
  // ---- help for a bug report (settings dialog) ----
  supportTitle: string;
  supportHint: string;
  openLogFolder: string;
  copyDiagnostics: string;
  /** `folder`: where the log files are. */
  logFolderOpened: (folder: string) => string;
  /** `detail`: what the system said; `folder`: where to find the files by hand. */
  logFolderFailed: (folder: string, detail: string) => string;
  diagnosticsCopied: string;
  diagnosticsFailed: (detail: string) => string;
  fieldName: Record<SettingsField, string>;
  // ---- one-time notices from main (shown until dismissed, then never again) ----
  notice: Record<NoticeId, { title: string; body: string }>;
  /** The button that closes a one-time notice for good. */
  noticeDismiss: string;
  // ---- messages waiting for another account (banner above the log) ----
  leftoversLabel: string;
  /** "2 messages waiting for chat.example.com" (`host`: the server's host). */
  leftoversWaiting: (count: number, host: string) => string;
  /** The room, and the user when the server reported one for that account. */
  leftoversDetail: (room: string, user?: string) => string;
  leftoversLater: string;
  leftoversLaterHint: string;
  leftoversDiscard: string;
  leftoversConfirm: (count: number, host: string) => string;
  leftoversDiscardYes: string;
  leftoversKeep: string;
  leftoversDiscarded: (count: number, host: string) => string;
  leftoversDiscardFailed: string;
  // ---- settings: this account's history ----
  historyTitle: string;
  historyHint: string;
  clearHistory: string;
  clearHistoryConfirm: string;
  clearHistoryYes: string;
  historyCleared: string;
  clearHistoryFailed: string;
  // ---- conversations (sidebar) ----
  conversationsLabel: string;
  /** "3 unread" (for screen readers; the badge shows the number). */
  unreadCount: (n: number) => string;
  /** "2 mentions" (the badge shows @2). */
  mentionCount: (n: number) => string;
  kindRoom: string;
  kindPrivate: string;
  kindDm: string;
  membersCount: (n: number) => string;
  noConversations: string;
  showConversations: string;
  hideConversations: string;
  /** The header's notification level control. */
  notifyLabel: string;
  notifyAll: string;
  notifyMentions: string;
  notifyMuted: string;
  /** A muted conversation's dot, for screen readers: "muted, new messages". */
  mutedUnread: string;
  membersTitle: string;
  membersFailed: (why: string) => string;
  // ---- new message (a DM from the user directory) ----
  newMessage: string;
  newMessageTitle: string;
  newMessageSearch: string;
  newMessageUsers: string;
  newMessageLoading: string;
  newMessageNone: string;
  newMessageFailed: (why: string) => string;
  newRoom: string;
  newRoomTitle: string;
  newRoomName: string;
  newRoomPrivate: string;
  /** The legend over the member checkboxes, with how many are chosen. */
  newRoomMembers: (chosen: number) => string;
  newRoomCreate: string;
  newRoomBack: string;
  newRoomFailed: (why: string) => string;
  membersInvite: string;
  membersInviteLabel: string;
  membersInviteNone: string;
  membersInviteFailed: (why: string) => string;
  // ---- quick switcher (Ctrl+K) ----
  switcherTitle: string;
  switcherPlaceholder: string;
  switcherNone: string;
  switcherHint: string;
}

const table: Record<Locale, Strings> = { en: { ...en, ...FILE_WORDS.en }, 'zh-CN': { ...zh, ...FILE_WORDS['zh-CN'] } };

export function strings(locale: Locale): Strings {
  return table[locale];
}
