/**
 * The host side of the IPC contract, shared by Electron main and the test host:
 * validates every call from a renderer, runs it on the core, and pushes status
 * and log changes to every attached window — batched to at most one push per
 * frame, so a burst of inbound messages cannot flood the renderer.
 */
import {
  INVOKE_TABLE,
  SNAPSHOT_PAGE,
  type AccountInfo,
  type ChooseCaBundleResult,
  type ConversationsView,
  type SendToArg,
  type CreateRoomArg,
  type InviteArg,
  type SetDraftArg,
  type SetNotifyArg,
  type NotifyLevel,
  type SendResult,
  type StartDmResult,
  type MembersResult,
  type UsersResult,
  type CopyDiagnosticsResult,
  type Handlers,
  type InvokeArgs,
  type InvokeKey,
  type InvokeResults,
  type LeftoverView,
  type NoticeId,
  type OlderQuery,
  type SaveSettingsResult,
  type SearchQuery,
  type SearchResult,
  type SettingsPatchIn,
  type SettingsView,
  type ShowLogFolderResult,
} from '../../common/contract';
import type { ArgCheck } from '../../common/ipc-args';
import type { Leftover } from '../store/accounts';
import type { ChatClient } from '../connection/client';
import { searchAcross } from '../conversations/search-across';
import { FILE_KEYS, FileCalls, type FileKey, type FilePort, type FileShell } from './file-calls';
import { InvalidCallError } from './invalid-call';
import { PushBatch, type FrameScheduler, type PushSink } from './push-batch';

export { frameScheduler, type FrameScheduler, type PushSink } from './push-batch';
export { InvalidCallError } from './invalid-call';
export type { FilePort, FileShell } from './file-calls';

/** Where settings come from: the SettingsStore in the app and the test host. */
export interface SettingsPort {
  view(): SettingsView;
  save(patch: SettingsPatchIn): Promise<SaveSettingsResult>;
}

/** Help for a bug report: the log folder and the diagnostics. Main does these with Electron's shell and clipboard. */
export interface SupportPort {
  showLogFolder(): Promise<ShowLogFolderResult>;
  copyDiagnostics(): Promise<CopyDiagnosticsResult>;
  /** The CA bundle field's "Choose…": the system's file dialog, the file checked (main/ca-chooser.ts). */
  chooseCaBundle?(): Promise<ChooseCaBundleResult>;
}

/** One-time notices: which to show, and remembering one the person dismissed (core/notices.ts in the app). */
export interface NoticePort {
  pending(): NoticeId[];
  dismiss(id: NoticeId): Promise<void>;
}

/** Many conversations (core/conversations ConversationDesk): which one the window shows, and the list. */
export interface DeskPort {
  readonly current: string;
  client(): ChatClient;
  clientOf(id: string): ChatClient | undefined;
  view(): ConversationsView;
  open(id: string): boolean;
  markRead(id: string): void;
  setNotify(id: string, level: NotifyLevel): boolean;
  setDraft(id: string, text: string): boolean;
  users(): Promise<UsersResult>;
  members(conv: string): Promise<MembersResult>;
  startDm(user: string): Promise<StartDmResult>;
  createRoom(room: CreateRoomArg): Promise<StartDmResult>;
  invite(conv: string, user: string): Promise<MembersResult>;
  on<K extends keyof DeskPortEvents>(event: K, cb: (value: DeskPortEvents[K]) => void): () => void;
}

interface DeskPortEvents {
  switched: ChatClient;
  changed: ConversationsView;
}

export interface ChatServiceDeps {
  /** The one room's client; with `desk`, the current conversation's client at start. */
  client: ChatClient;
  desk?: DeskPort;
  settings: SettingsPort;
  support: SupportPort;
  notices: NoticePort;
  /** When batched pushes go out (frameScheduler in the app). */
  schedule: FrameScheduler;
  /** Feature `files`: the FileDesk, and what only main does with files. */
  files?: FilePort;
  fileShell?: FileShell;
}

/** The table as checks by key: lets a generic key's check be typed by that key. */
const CHECKS: { readonly [K in InvokeKey]: { readonly check: ArgCheck<InvokeArgs[K]> } } = INVOKE_TABLE;

/** Channel name → the table's key, for calls that arrive by name. */
const KEY_OF_CHANNEL = new Map<string, InvokeKey>(
  (Object.keys(INVOKE_TABLE) as InvokeKey[]).map((key) => [INVOKE_TABLE[key].channel, key]),
);

const NOT_YOURS: SendResult = { ok: false, reason: { code: 'FORBIDDEN', detail: 'not one of your conversations' } };

export class ChatService implements Omit<Handlers, FileKey> {
  private client: ChatClient;
  private readonly desk: DeskPort | undefined;
  private clientOffs: Array<() => void> = [];
  private readonly settings: SettingsPort;
  private readonly support: SupportPort;
  private readonly notices: NoticePort;
  private readonly pushes: PushBatch;
  private readonly files: FileCalls;
  /** The account in use, as last announced (undefined: no per-account stores). */
  private account: AccountInfo | undefined;
  private readonly offs: Array<() => void> = [];

  constructor(deps: ChatServiceDeps) {
    ({ client: this.client, settings: this.settings, support: this.support, notices: this.notices } = deps);
    this.pushes = new PushBatch(deps.schedule);
    this.files = new FileCalls(deps.files, deps.fileShell);
    this.desk = deps.desk;
    this.bind(this.desk?.client() ?? this.client);
    if (this.desk) {
      this.offs.push(
        this.desk.on('switched', (client) => {
          // What the previous conversation had not pushed yet is not this window's any more.
          this.pushes.dropEntries();
          this.bind(client);
          this.pushes.set('chat:status', client.status());
          this.pushes.set('chat:account', { server: this.account?.server ?? client.diagnostics().url, room: this.desk!.current });
        }),
        this.desk.on('changed', (view) => this.pushes.set('chat:conversations', view)),
      );
    }
    const files = deps.files;
    if (files) {
      this.offs.push(
        files.onDidChange((what) =>
          what === 'uploads' ? this.pushes.set('chat:uploads', files.uploads()) : this.pushes.set('chat:downloads', files.downloadsList()),
        ),
      );
    }
  }

  /** Follows `client`'s status, entries and account: the window shows this one. */
  private bind(client: ChatClient): void {
    this.clientOffs.forEach((off) => off());
    this.client = client;
    // A client made early (asked for while the old ones were stopping) may have announced its account before this.
    const announced = client.account.view;
    if (announced) this.account = { server: announced.server, room: announced.room };
    this.clientOffs = [
      client.on('status', (status) => this.pushes.set('chat:status', status)),
      client.on('entries', (entries) => this.pushes.addEntries(entries)),
      client.on('account', (view) => {
        this.account = { server: view.server, room: view.room };
        this.pushes.set('chat:account', this.account);
      }),
    ];
  }

  attach(sink: PushSink): () => void {
    return this.pushes.attach(sink);
  }

  dispose(): void {
    this.offs.forEach((off) => off());
    this.clientOffs.forEach((off) => off());
    this.pushes.clear();
  }

  /** Validates and runs one call. Throws InvalidCallError for anything outside the contract. */
  async handle(channel: unknown, arg: unknown): Promise<InvokeResults[InvokeKey]> {
    const key = typeof channel === 'string' ? KEY_OF_CHANNEL.get(channel) : undefined;
    if (key === undefined) throw new InvalidCallError('unknown channel');
    return this.run(key, arg);
  }

  private async run<K extends InvokeKey>(key: K, arg: unknown): Promise<InvokeResults[K]> {
    const checked = CHECKS[key].check(arg);
    if (!checked.ok) throw new InvalidCallError(checked.error);
    // Typed through `Handlers`: this class and FileCalls implement it between them, so every channel has its method.
    const target = (FILE_KEYS.has(key) ? this.files : this) as unknown as Handlers;
    const handler: Handlers[K] = target[key];
    return handler.call(target, checked.value);
  }

  getSnapshot() {
    return this.client.snapshot(SNAPSHOT_PAGE);
  }

  getOlder(q: OlderQuery) {
    return this.client.olderEntries(q.before, q.limit);
  }

  search(q: SearchQuery): SearchResult {
    if (this.desk?.view().multi) return { entries: searchAcross(this.desk, q.text, q.limit) };
    return { entries: this.client.search(q.text, q.limit) };
  }

  send(text: string) {
    return this.client.send(text);
  }

  retry(key: string) {
    return this.client.retry(key);
  }

  reconnectNow(): null {
    this.client.reconnectNow();
    return null;
  }

  getSettings() {
    return this.settings.view();
  }

  saveSettings(patch: SettingsPatchIn) {
    return this.settings.save(patch);
  }

  showLogFolder() {
    return this.support.showLogFolder();
  }

  copyDiagnostics() {
    return this.support.copyDiagnostics();
  }

  async chooseCaBundle(): Promise<ChooseCaBundleResult> {
    return (await this.support.chooseCaBundle?.()) ?? { ok: false, code: 'UNAVAILABLE' };
  }

  getNotices() {
    return this.notices.pending();
  }

  async dismissNotice(id: NoticeId): Promise<null> {
    await this.notices.dismiss(id);
    return null;
  }

  async getLeftovers(): Promise<LeftoverView[]> {
    return (await this.client.account.leftovers()).map(leftoverView);
  }

  /** Only a key the window was shown: never the account in use, never a guessed directory. */
  async discardLeftovers(key: string): Promise<number> {
    const leftovers = await this.client.account.leftovers();
    if (!leftovers.some((l) => l.key === key)) {
      throw new InvalidCallError('discard-leftovers: no messages are waiting for that account (not among get-leftovers)');
    }
    return this.client.account.discard(key);
  }

  /** The window shows only what is still waiting afterwards: it is told to fetch the snapshot again. */
  clearHistory(): null {
    this.client.clearHistory();
    this.pushes.set('chat:account', this.account ?? { server: this.client.diagnostics().url, room: '' });
    return null;
  }

  getConversations(): ConversationsView {
    return this.desk?.view() ?? { multi: false, current: this.account?.room ?? 'lobby', list: [] };
  }

  openConversation(id: string): ConversationsView {
    if (this.desk ? !this.desk.open(id) : id !== this.getConversations().current) {
      throw new InvalidCallError('select-conversation: not one of your conversations');
    }
    return this.getConversations();
  }

  markRead(id: string): null {
    this.desk?.markRead(id);
    return null;
  }

  /** Only to a conversation of the user's; never to whichever one is shown when this arrives. */
  setNotify({ conv, level }: SetNotifyArg): ConversationsView {
    if (!this.desk?.setNotify(conv, level)) throw new InvalidCallError('set-notify: not one of your conversations');
    return this.getConversations();
  }

  setDraft({ conv, text }: SetDraftArg): null {
    // A one-room server: the window keeps its draft itself for this run (nothing to name it by across accounts).
    if (this.desk && !this.desk.setDraft(conv, text)) throw new InvalidCallError('set-draft: not one of your conversations');
    return null;
  }

  async listUsers(): Promise<UsersResult> {
    return this.desk ? this.desk.users() : { ok: false, reason: { code: 'REJECTED', detail: 'this server has no user directory' } };
  }

  async getMembers(conv: string): Promise<MembersResult> {
    return this.desk ? this.desk.members(conv) : { ok: false, reason: { code: 'REJECTED', detail: 'this server has no member lists' } };
  }

  async startDm(user: string): Promise<StartDmResult> {
    return this.desk ? this.desk.startDm(user) : { ok: false, reason: { code: 'REJECTED', detail: 'this server has no direct messages' } };
  }

  async createRoom(room: CreateRoomArg): Promise<StartDmResult> {
    return this.desk
      ? this.desk.createRoom(room)
      : { ok: false, reason: { code: 'REJECTED', detail: 'this server has no rooms to create' } };
  }

  async invite({ conv, user }: InviteArg): Promise<MembersResult> {
    return this.desk
      ? this.desk.invite(conv, user)
      : { ok: false, reason: { code: 'REJECTED', detail: 'this server has no member lists' } };
  }

  sendTo({ conv, text }: SendToArg): Promise<SendResult> | SendResult {
    const client = this.clientOf(conv);
    return client ? client.send(text) : NOT_YOURS;
  }

  act({ conv, kind, seq, text }: InvokeArgs['act']): Promise<SendResult> | SendResult {
    const client = this.clientOf(conv);
    const action = kind === 'reply' ? { reply_to: seq } : kind === 'edit' ? { edit_of: seq } : { recall_of: seq };
    return client ? client.send(text, action) : NOT_YOURS;
  }

  /** The client of one of the user's conversations (a one-room server: its one room). */
  private clientOf(conv: string): ChatClient | undefined {
    return this.desk ? this.desk.clientOf(conv) : conv === this.getConversations().current ? this.client : undefined;
  }
}

function leftoverView(l: Leftover): LeftoverView {
  let host = l.server;
  try {
    host = new URL(l.server).host || l.server;
  } catch {
    // account.json unreadable ('?'): the window shows what there is.
  }
  return { key: l.key, server: l.server, host, room: l.room, ...(l.user !== undefined ? { identity: l.user } : {}), count: l.count };
}
