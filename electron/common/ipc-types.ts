/**
 * The payload types of the IPC contract (contract.ts re-exports them beside the channel table).
 * Pure data: the renderer reaches them with `import type` only.
 */
import type { Attachment } from '../../protocol/attachments';
import type { Reason } from './errors';
import type { Compression, LanguageSetting, SettingsKey, SettingsPatchValues, SettingsValues, SwitchSetting } from './settings-fields';
import type { Status } from './state';

export type { Compression, LanguageSetting, SettingsKey, SwitchSetting };

export type Delivery = 'pending' | 'sent' | 'failed';

export interface MessageEntry {
  kind: 'message';
  /** Stable key across updates: the client id for own messages, else `seq:N` / `srv:N`. */
  key: string;
  /** Place in the core's log, set once when the entry is first added and strictly increasing (see `order` on MarkerEntry). */
  order?: number;
  id?: string;
  seq?: number;
  user: string;
  text: string;
  /** ISO 8601. */
  timestamp: string;
  own: boolean;
  /** `chat_response` frames: the server itself answered. */
  fromServer?: boolean;
  delivery: Delivery;
  failure?: Reason;
  /** Feature `reply_to`: the seq of the message this one answers (look it up by `seq` in the same conversation). */
  replyTo?: number;
  /** Feature `edit`: the seq of the edit that gave it its text (shown "(edited)"). */
  edited?: number;
  /** Feature `recall`: its sender recalled it; `text` is empty. */
  recalled?: boolean;
  /** Feature `files`: what it carries, as the server described it (fetched by id over HTTP). */
  attachments?: Attachment[];
  /** An edit or recall of this own message waits in the outbox for the server. */
  pendingAction?: 'edit' | 'recall';
  /** The server refused the last edit or recall of it (the message itself stays as it was): why, and which it was. */
  actionFailure?: Reason;
  failedAction?: 'edit' | 'recall';
}

export interface MarkerEntry {
  kind: 'marker';
  key: string;
  /**
   * Place in the core's log: set once when the entry is first added, strictly increasing,
   * unchanged by updates. A window that holds only part of the log uses it to tell a new
   * entry (order above its newest: append) from an update to one it has not loaded (skip;
   * it is fetched fresh with `chat:get-older`), and as the cursor for `chat:get-older`.
   */
  order?: number;
  /** `gap`: earlier messages may be missing (resume older than the server's history). */
  marker: 'gap';
  timestamp: string;
}

export type LogEntry = MessageEntry | MarkerEntry;

export interface Snapshot {
  status: Status;
  /** Over IPC: the newest SNAPSHOT_PAGE entries; older ones come from `chat:get-older`. */
  entries: LogEntry[];
  /** The core's log holds entries older than `entries[0]`. */
  hasOlder: boolean;
}

/** Entries before an `order`, oldest first. */
export interface OlderEntries {
  entries: LogEntry[];
  /** More entries before `entries[0]`. */
  hasOlder: boolean;
}

export interface OlderQuery {
  /** Entries with an `order` below this. */
  before: number;
  /** At most this many (the newest of them), 1…MAX_PAGE. */
  limit: number;
}

/**
 * Why pages: a snapshot of the whole log (up to the core's 5,000 entries, 100,000 in the
 * benchmark) is megabytes to clone across IPC before the first paint; a page is tens of KB.
 */
export const SNAPSHOT_PAGE = 200;
export const MAX_PAGE = 1_000;

/**
 * `chat:search`: stored messages containing `text` (Chinese or Latin substrings), newest first: of the
 * current account on a one-room server, of every conversation of the user's on a server with them.
 */
export interface SearchQuery {
  /** 1…MAX_SEARCH_CHARS characters. */
  text: string;
  /** At most this many, 1…MAX_PAGE. */
  limit: number;
}

/** A search result; `conv` names its conversation (a server with conversations: every result has one). */
export interface SearchEntry extends MessageEntry {
  conv?: { id: string; name: string };
}

export interface SearchResult {
  entries: SearchEntry[];
}

export const MAX_SEARCH_CHARS = 200;

/**
 * `chat:get-leftovers`: messages still waiting for another account (another server, token or room) than
 * the one in use. They are never sent anywhere else; they go out when that account is used again, or are
 * discarded (`chat:discard-leftovers` with the `key`).
 */
export interface LeftoverView {
  /** The account's key: what `chat:discard-leftovers` takes. */
  key: string;
  /** The server without query or credentials: `wss://chat.example.com/ws/chat/`. */
  server: string;
  /** What the window names: the server's host, with the port when not the default (`chat.example.com`). */
  host: string;
  room: string;
  /** The user the server reported for that account, when it did. */
  identity?: string;
  count: number;
}

/** `chat:account`: the account whose log the window shows (its stores just opened, or its history was cleared). */
export interface AccountInfo {
  server: string;
  room: string;
}

/** Which messages of a conversation notify: every one, only @mentions, or none but @mentions (muted: a dot, no count). */
export type NotifyLevel = 'all' | 'mentions' | 'muted';

/** One conversation in the sidebar (feature `conversations`): counts after the user's read marker. */
export interface ConversationView {
  id: string;
  name: string;
  kind: 'room' | 'private' | 'dm';
  /** How many members it has (a DM: 2). */
  members: number;
  unread: number;
  mentions: number;
  last?: { user: string; text: string; timestamp: string; recalled?: boolean };
  notify: NotifyLevel;
  /** What was typed and not sent, kept across switches and restarts. */
  draft?: string;
}

/**
 * The sidebar: `multi` false on a server without conversations (the design notes' service),
 * where the window shows its one room and no list. `current`: the conversation the log,
 * composer and search are about.
 */
export interface ConversationsView {
  multi: boolean;
  current: string;
  list: ConversationView[];
  /** Read status of the current conversation (feature `receipts`), when the server keeps it. */
  receipts?: ReceiptsView;
}

/**
 * Who has read how far in a conversation: each member's read marker (a member has read a message
 * when theirs is at or past its seq). `off`: the user does not share read status, so sees none.
 */
export interface ReceiptsView {
  conv: string;
  members: string[];
  read: Record<string, number>;
  off?: boolean;
}

/** Someone in the server's user directory (the "New message" dialog). */
export interface UserView {
  id: string;
  display?: string;
}

/** The directory, with who this window's user is (not offered as a DM partner); or why it cannot be had now. */
export type UsersResult = { ok: true; users: UserView[]; me?: string } | { ok: false; reason: Reason };

/** Who is in a conversation, with display names where the directory has them; or why not. */
export type MembersResult = { ok: true; members: UserView[] } | { ok: false; reason: Reason };

/** A DM found or made on the server, and shown: the list with it current; or the server's refusal. */
export type StartDmResult = { ok: true; view: ConversationsView } | { ok: false; reason: Reason };

/** `chat:create-room`: a room the user makes (public: anyone may join; private: members only), with the first members. */
export interface CreateRoomArg {
  name: string;
  private: boolean;
  /** User ids besides the user themself (the server adds them). */
  members: string[];
}

/** `chat:invite`: someone added to a room of the user's (a DM stays two). */
export interface InviteArg {
  conv: string;
  user: string;
}

/** How much of a conversation notifies (the header's bell). */
export interface SetNotifyArg {
  conv: string;
  level: NotifyLevel;
}

/** The unsent text of a conversation, kept across switches and restarts. */
export interface SetDraftArg {
  conv: string;
  text: string;
}

/** A message for a named conversation: the composer says which it belongs to, so a switch cannot redirect it. */
export interface SendToArg {
  conv: string;
  text: string;
}

/** What can be done to a sent message (features `reply_to`, `edit`, `recall`). */
export type MessageActKind = 'reply' | 'edit' | 'recall';

/**
 * A reply to, or an edit or recall of, the message with `seq` in conversation `conv` (the one
 * shown, by id). `text`: the reply or the new text; '' for a recall.
 */
export interface MessageActArg {
  conv: string;
  kind: MessageActKind;
  seq: number;
  text: string;
}

/** `actionId`: an edit or recall's own id (`entry` is the message it names): its ack or refusal names it. */
export type SendResult = { ok: true; entry: MessageEntry; actionId?: string } | { ok: false; reason: Reason };

/**
 * Settings as the renderer sees them: every field of the table but the token, which never leaves main
 * (`hasToken` says whether one is saved). `caFile` is '' when none; `proxy` is `system`, `none`, or the
 * proxy URL without its password, which never leaves main either.
 */
export interface SettingsView extends Required<Omit<SettingsValues, 'token'>> {
  hasToken: boolean;
  /** The saved proxy URL has a password (kept when the URL is saved unchanged without one). */
  proxyHasPassword: boolean;
  /** Set by environment variables or flags, which win over the settings file. */
  overridden: SettingsKey[];
}

/**
 * Fields to change; absent fields stay. `token: ''` clears the token, `caFile: ''` removes the bundle;
 * a proxy URL without a password keeps the saved one for the same user and host.
 */
export type SettingsPatchIn = SettingsPatchValues;

/** The value is not what the field takes: a ws:// or wss:// URL, a token without spaces, a file path, one of the choices, a proxy. */
export type BadValueCode = 'BAD_URL' | 'BAD_TOKEN' | 'NOT_A_PATH' | 'NOT_ALLOWED' | 'BAD_PROXY';

/**
 * Why a settings value was refused (or, for OVERRIDDEN, saved but not in force): a stable code the
 * renderer puts in words, the field it is about ('file': the settings file as a whole), and detail
 * that is never secret. Main's logs put the same in English (formatSettingsProblem in the core).
 */
export type SettingsProblem =
  | { field: SettingsKey; code: BadValueCode }
  /** Saved, but an environment variable or command-line flag sets it, and wins. */
  | { field: SettingsKey; code: 'OVERRIDDEN' }
  /** `detail`: the file named. */
  | { field: 'caFile'; code: 'CA_UNREADABLE'; detail: string }
  /** `detail`: why writing the file failed. */
  | { field: 'file'; code: 'SAVE_FAILED'; detail: string }
  /** This host has no settings to change (benchmarks). */
  | { field: 'file'; code: 'READ_ONLY' };

export type SettingsProblemCode = SettingsProblem['code'];

export type SaveSettingsResult =
  { ok: true; settings: SettingsView; warnings: SettingsProblem[] } | { ok: false; problems: SettingsProblem[] };

/** The log folder opened in the file manager (`folder`: where it is, for the person to find by hand when opening fails). */
export type ShowLogFolderResult = { ok: true; folder: string } | { ok: false; folder: string; detail: string };

/** Diagnostics for a bug report, put on the clipboard by main: `text` is what was copied (never a secret). */
export type CopyDiagnosticsResult = { ok: true; text: string } | { ok: false; detail: string };

/**
 * The CA bundle chosen in the system's file dialog (parented to the window), read and parsed by main
 * before the settings field takes it: `certificates` found (PEM or DER). CANCELLED: the person closed the
 * dialog; CA_UNREADABLE: the file could not be read; CA_NO_CERTIFICATES: it holds no certificate that
 * parses; UNAVAILABLE: this host has no file dialog. `detail` is what the system or the parser said.
 */
export type ChooseCaBundleResult =
  | { ok: true; path: string; certificates: number }
  | { ok: false; code: 'CANCELLED' | 'UNAVAILABLE' }
  | { ok: false; code: 'CA_UNREADABLE' | 'CA_NO_CERTIFICATES'; path: string; detail: string };

/**
 * One-time notices main asks the window to show. `sandbox-off`: the launcher had to start Chromium with
 * --no-sandbox because this system disables user namespaces. Dismissed ones are remembered by main.
 */
export const NOTICE_IDS = ['sandbox-off'] as const;
export type NoticeId = (typeof NOTICE_IDS)[number];
