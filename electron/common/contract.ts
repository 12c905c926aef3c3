/**
 * The one IPC contract: the channel table and the payload types (ipc-types.ts).
 * main and preload import it; the renderer imports it with `import type` only.
 * There is deliberately no generic invoke/send: each channel is named here, once, in INVOKE_TABLE;
 * the window's API (ChatApi), the argument check and the host's Handlers are derived from it.
 */
import {
  checkAccountKey,
  checkAct,
  checkConversationId,
  checkCreateRoom,
  checkInvite,
  checkSendTo,
  checkSetDraft,
  checkSetNotify,
  checkUserId,
  checkMessageKey,
  checkNoticeId,
  checkOlderQuery,
  checkSearchQuery,
  checkSendText,
  checkSettingsPatch,
  noArg,
  type ArgCheck,
} from './ipc-args';
import type {
  AccountInfo,
  ChooseCaBundleResult,
  ConversationsView,
  CopyDiagnosticsResult,
  CreateRoomArg,
  LeftoverView,
  LogEntry,
  MessageActArg,
  NoticeId,
  NotifyLevel,
  OlderEntries,
  SaveSettingsResult,
  SearchResult,
  SendResult,
  StartDmResult,
  MembersResult,
  UsersResult,
  SettingsPatchIn,
  SettingsView,
  ShowLogFolderResult,
  Snapshot,
} from './ipc-types';
import type { Status } from './state';
import { checkDownload, checkId, checkImageRef, checkSendFiles, checkStageChunk, checkStageFile } from './ipc-file-args';
import type {
  CopyImageResult,
  DownloadArg,
  DownloadResult,
  DownloadView,
  FilePlaces,
  SendFilesArg,
  SendFilesResult,
  ShowDownloadResult,
  StageFileResult,
  UploadView,
} from './ipc-file-types';

export * from './ipc-types';
export * from './ipc-file-types';

/**
 * One invoke channel: its name on the wire, the check of its one argument, and how the window's
 * method's parameters become that argument. `result` exists for its type only.
 */
export interface ChannelSpec<Name extends string, Arg, Result, Params extends unknown[]> {
  readonly channel: Name;
  readonly check: ArgCheck<Arg>;
  readonly toArg: (...params: Params) => Arg;
  readonly result?: Result;
}

/** `channel<R>()(name, check, toArg)`: R is given, the rest inferred (TypeScript has no partial inference). */
function channel<Result>() {
  return <Name extends string, Arg, Params extends unknown[]>(
    name: Name,
    check: ArgCheck<Arg>,
    toArg: (...params: Params) => Arg,
  ): ChannelSpec<Name, Arg, Result, Params> => ({ channel: name, check, toArg });
}

const none = () => null;

/**
 * Feature `files` (ipc-file-types.ts): the window hands main the bytes of what the person chose,
 * never a path; main keeps the uploads, downloads and images (core/files FileDesk).
 */
const FILE_TABLE = {
  /** A file to send to `conv`, by name and size: a stage id for its bytes, or why not (too large). */
  stageFile: channel<StageFileResult>()('chat:stage-attachment', checkStageFile, (conv: string, name: string, size: number) => ({
    conv,
    name,
    size,
  })),
  /** The next bytes of a staged file, in order (at most MAX_STAGE_CHUNK a call). */
  stageChunk: channel<null>()('chat:stage-chunk', checkStageChunk, (stage: string, offset: number, bytes: Uint8Array) => ({
    stage,
    offset,
    bytes,
  })),
  /** A staged file the person removed before sending. */
  dropStaged: channel<null>()('chat:drop-staged', checkId('drop-staged'), (stage: string) => stage),
  /** Staged files as one message with `caption`: queued (the upload's view), sent once every file is stored. */
  sendFiles: channel<SendFilesResult>()('chat:send-attachments', checkSendFiles, (arg: SendFilesArg) => arg),
  getUploads: channel<UploadView[]>()('chat:get-uploads', noArg('chat:get-uploads'), none),
  cancelUpload: channel<boolean>()('chat:cancel-upload', checkId('cancel-upload'), (id: string) => id),
  retryUpload: channel<boolean>()('chat:retry-upload', checkId('retry-upload'), (id: string) => id),
  getDownloads: channel<DownloadView[]>()('chat:get-downloads', noArg('chat:get-downloads'), none),
  /** To the downloads folder, under a name of its own; never opened. */
  download: channel<DownloadResult>()('chat:download', checkDownload, (arg: DownloadArg) => arg),
  /** Main's save dialog, then the download to where the person chose (the viewer's Save as). */
  saveAttachmentAs: channel<DownloadResult>()('chat:save-attachment-as', checkDownload, (arg: DownloadArg) => arg),
  /** The file manager at a finished download (by the download's id: the window never names a path). */
  showDownload: channel<ShowDownloadResult>()('chat:show-download', checkId('show-download'), (id: string) => id),
  /** An image attachment onto the clipboard (main reads it from its image cache). */
  copyImage: channel<CopyImageResult>()('chat:copy-image', checkImageRef, (conv: string, id: string) => ({ conv, id })),
  getFilePlaces: channel<FilePlaces>()('chat:get-attachment-places', noArg('chat:get-attachment-places'), none),
} as const;

/** Every invoke channel, by the name of the window's method. Add one here and the host must handle it. */
export const INVOKE_TABLE = {
  getSnapshot: channel<Snapshot>()('chat:get-snapshot', noArg('chat:get-snapshot'), none),
  /** Entries older than `before` (an entry's `order`), at most `limit`, oldest first. */
  getOlder: channel<OlderEntries>()('chat:get-older', checkOlderQuery, (before: number, limit: number) => ({ before, limit })),
  /** Stored messages containing `text`, newest first (the local history; works offline). */
  search: channel<SearchResult>()('chat:search', checkSearchQuery, (text: string, limit: number) => ({ text, limit })),
  send: channel<SendResult>()('chat:send', checkSendText, (text: string) => text),
  retry: channel<SendResult>()('chat:retry', checkMessageKey, (key: string) => key),
  reconnectNow: channel<null>()('chat:reconnect-now', noArg('chat:reconnect-now'), none),
  getSettings: channel<SettingsView>()('chat:get-settings', noArg('chat:get-settings'), none),
  /** Validated and saved by main, applied at once (reconnects when the server, token, CA or compression changed). */
  saveSettings: channel<SaveSettingsResult>()('chat:save-settings', checkSettingsPatch, (patch: SettingsPatchIn) => patch),
  /** Opens the folder of the log files (for a bug report) in the file manager. */
  showLogFolder: channel<ShowLogFolderResult>()('chat:show-log-folder', noArg('chat:show-log-folder'), none),
  /** Copies versions, system, launch and connection facts (no secrets) to the clipboard. */
  copyDiagnostics: channel<CopyDiagnosticsResult>()('chat:copy-diagnostics', noArg('chat:copy-diagnostics'), none),
  /** Main's file dialog for the CA bundle field: the path once the file reads and parses as certificates. */
  chooseCaBundle: channel<ChooseCaBundleResult>()('chat:choose-ca-bundle', noArg('chat:choose-ca-bundle'), none),
  /** The one-time notices to show now (not yet dismissed). */
  getNotices: channel<NoticeId[]>()('chat:get-notices', noArg('chat:get-notices'), none),
  /** The person closed the notice: main remembers it, so it does not come back on the next start. */
  dismissNotice: channel<null>()('chat:dismiss-notice', checkNoticeId, (id: NoticeId) => id),
  /** Messages waiting for other accounts (kept; they go out when that account is used again). */
  getLeftovers: channel<LeftoverView[]>()('chat:get-leftovers', noArg('chat:get-leftovers'), none),
  /** Deletes the messages waiting for the account `key` (one of getLeftovers' keys); resolves with how many. */
  discardLeftovers: channel<number>()('chat:discard-leftovers', checkAccountKey, (key: string) => key),
  /** Forgets this account's stored history on this computer; messages still waiting stay. */
  clearHistory: channel<null>()('chat:clear-history', noArg('chat:clear-history'), none),
  /** The sidebar: the user's conversations and which one the window shows. */
  getConversations: channel<ConversationsView>()('chat:get-conversations', noArg('chat:get-conversations'), none),
  /** Shows another conversation (one of the list): the log is replaced (a chat:account push follows). */
  openConversation: channel<ConversationsView>()('chat:select-conversation', checkConversationId, (id: string) => id),
  /** The person has seen the conversation to its newest message: its read marker moves (every device of theirs sees it). */
  markRead: channel<null>()('chat:mark-read', checkConversationId, (id: string) => id),
  /** A message for the named conversation (not whichever is shown when it arrives in main). */
  sendTo: channel<SendResult>()('chat:send-to', checkSendTo, (conv: string, text: string) => ({ conv, text })),
  /** Which messages of a conversation notify: all, only @mentions, or muted (a dot, no count; mentions still notify). */
  setNotify: channel<ConversationsView>()('chat:set-notify', checkSetNotify, (conv: string, level: NotifyLevel) => ({ conv, level })),
  /** Keeps what is typed in a conversation's composer (main remembers it across restarts). */
  setDraft: channel<null>()('chat:set-draft', checkSetDraft, (conv: string, text: string) => ({ conv, text })),
  /** The server's user directory, for "New message". */
  listUsers: channel<UsersResult>()('chat:list-users', noArg('chat:list-users'), none),
  /** The members of one of the user's conversations (the header's member list). */
  getMembers: channel<MembersResult>()('chat:get-members', checkConversationId, (conv: string) => conv),
  /** The DM with `user` (found again, or made), shown. */
  startDm: channel<StartDmResult>()('chat:start-dm', checkUserId, (user: string) => user),
  /** A room made by the user, with its first members, shown (the same answer as a DM's). */
  createRoom: channel<StartDmResult>()('chat:create-room', checkCreateRoom, (room: CreateRoomArg) => room),
  /** Adds `user` to one of the user's rooms; the answer is the new member list. */
  invite: channel<MembersResult>()('chat:invite', checkInvite, (conv: string, user: string) => ({ conv, user })),
  /** A reply to, or an edit or recall of, a message of the conversation shown (by its seq). */
  act: channel<SendResult>()('chat:act', checkAct, (act: MessageActArg) => act),
  ...FILE_TABLE,
} as const;

type Table = typeof INVOKE_TABLE;
export type InvokeKey = keyof Table;
type ArgOf<S> = S extends ChannelSpec<string, infer A, unknown, never> ? A : never;
type ResultOf<S> = S extends { result?: infer R } ? R : never;
type ParamsOf<S> = S extends { toArg: (...params: infer P) => unknown } ? P : never;

/** The argument and result of each invoke key. */
export type InvokeArgs = { [K in InvokeKey]: ArgOf<Table[K]> };
export type InvokeResults = { [K in InvokeKey]: ResultOf<Table[K]> };

/** Method name → channel name, as the table gives them. */
export const InvokeChannels = Object.fromEntries(Object.entries(INVOKE_TABLE).map(([key, spec]) => [key, spec.channel])) as {
  readonly [K in InvokeKey]: Table[K]['channel'];
};

export type InvokeChannel = Table[InvokeKey]['channel'];
/** The key of a channel name. */
export type KeyOfChannel<C extends InvokeChannel> = { [K in InvokeKey]: Table[K]['channel'] extends C ? K : never }[InvokeKey];
export type InvokeMap = { [C in InvokeChannel]: { arg: InvokeArgs[KeyOfChannel<C>]; result: InvokeResults[KeyOfChannel<C>] } };

/**
 * What the host (ChatService) implements: one method per channel, taking the checked argument.
 * A channel added to INVOKE_TABLE without its method here does not compile.
 */
export type Handlers = { [K in InvokeKey]: (arg: InvokeArgs[K]) => Promise<InvokeResults[K]> | InvokeResults[K] };

export const PushChannels = {
  status: 'chat:status',
  entries: 'chat:entries',
  account: 'chat:account',
  conversations: 'chat:conversations',
  uploads: 'chat:uploads',
  downloads: 'chat:downloads',
} as const;

export interface PushMap {
  'chat:status': Status;
  /** New or changed entries (upserts by `key`), batched at most once per frame. */
  'chat:entries': LogEntry[];
  /**
   * The log was replaced: another account's stores are in use (at start, after a server or token
   * change) or its history was cleared. Sent after the entries pushed before it; the window fetches
   * its snapshot (and the leftovers) again.
   */
  'chat:account': AccountInfo;
  /** The conversation list or the current conversation changed (at most once per frame). */
  'chat:conversations': ConversationsView;
  /** Every queued upload, whole, when one changed (progress included; at most once per frame). */
  'chat:uploads': UploadView[];
  /** The downloads of this run, whole, when one changed (at most once per frame). */
  'chat:downloads': DownloadView[];
}

export type PushChannel = keyof PushMap;

/** `window.chat`: the whole surface the renderer gets — one method per invoke channel, and the pushes. */
export type ChatApi = { readonly [K in InvokeKey]: (...params: ParamsOf<Table[K]>) => Promise<InvokeResults[K]> } & {
  onStatus(cb: (status: Status) => void): () => void;
  onEntries(cb: (entries: LogEntry[]) => void): () => void;
  /** The log was replaced (another account, or history cleared): fetch the snapshot and leftovers again. */
  onAccount(cb: (account: AccountInfo) => void): () => void;
  onConversations(cb: (view: ConversationsView) => void): () => void;
  onUploads(cb: (uploads: UploadView[]) => void): () => void;
  onDownloads(cb: (downloads: DownloadView[]) => void): () => void;
};

/** How a ChatApi reaches its host: ipcRenderer in preload, a Playwright binding in the test host. */
export interface ChatTransport {
  invoke<C extends InvokeChannel>(channel: C, arg: InvokeMap[C]['arg']): Promise<InvokeMap[C]['result']>;
  subscribe<P extends PushChannel>(channel: P, cb: (payload: PushMap[P]) => void): () => void;
}
