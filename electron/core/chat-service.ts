/**
 * The host side of the IPC contract, shared by Electron main and the test host:
 * validates every call from a renderer, runs it on the core, and pushes status
 * and log changes to every attached window — batched to at most one push per
 * frame, so a burst of inbound messages cannot flood the renderer.
 */
import { SNAPSHOT_PAGE, type AccountInfo, type ChooseCaBundleResult, type CopyDiagnosticsResult, type InvokeChannel, type InvokeMap, type LeftoverView, type LogEntry, type NoticeId, type OlderQuery, type SearchQuery, type PushChannel, type PushMap, type SaveSettingsResult, type SettingsPatchIn, type SettingsView, type ShowLogFolderResult } from '../common/contract';
import type { Status } from '../common/state';
import { checkInvokeArg, isInvokeChannel } from '../common/validate';
import type { Leftover } from './accounts';
import type { ChatClient } from './client';

export interface PushSink {
  push<P extends PushChannel>(channel: P, payload: PushMap[P]): void;
}

export type FrameScheduler = (fn: () => void) => void;

/** ~60 Hz: one batch per display frame. */
export const frameScheduler: FrameScheduler = (fn) => {
  setTimeout(fn, 16);
};

/** Where settings come from: the SettingsStore in the app and the test host. */
export interface SettingsPort {
  view(): SettingsView;
  save(patch: SettingsPatchIn): Promise<SaveSettingsResult>;
}

/** For hosts without a settings file (benchmarks): shows what the client uses, refuses changes. */
export function readOnlySettings(view: SettingsView): SettingsPort {
  return { view: () => view, save: async () => ({ ok: false, problems: [{ field: 'file', code: 'READ_ONLY' }] }) };
}

/** Help for a bug report: the log folder and the diagnostics. Main does these with Electron's shell and clipboard. */
export interface SupportPort {
  showLogFolder(): Promise<ShowLogFolderResult>;
  copyDiagnostics(): Promise<CopyDiagnosticsResult>;
  /** The CA bundle field's "Choose…": the system's file dialog, the file checked (main/ca-chooser.ts). */
  chooseCaBundle?(): Promise<ChooseCaBundleResult>;
}

/** For hosts without log files or a clipboard (benchmarks): says so. */
export const noSupport: SupportPort = {
  showLogFolder: async () => ({ ok: false, folder: '', detail: 'this host keeps no log files' }),
  copyDiagnostics: async () => ({ ok: false, detail: 'this host has no clipboard' }),
};

/** One-time notices: which to show, and remembering one the person dismissed (core/notices.ts in the app). */
export interface NoticePort {
  pending(): NoticeId[];
  dismiss(id: NoticeId): Promise<void>;
}

/** For hosts with nothing to tell (benchmarks, tests that do not care). */
export const noNotices: NoticePort = { pending: () => [], dismiss: async () => undefined };

export class InvalidCallError extends Error {
  readonly code = 'INVALID_IPC_CALL';
}

export class ChatService {
  private readonly sinks = new Set<PushSink>();
  private pendingEntries = new Map<string, LogEntry>();
  private pendingStatus: Status | undefined;
  /** The log was replaced (account opened, history cleared): pushed after the entries before it. */
  private pendingAccount: AccountInfo | undefined;
  /** The account in use, as last announced (undefined: no per-account stores). */
  private account: AccountInfo | undefined;
  private scheduled = false;
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly client: ChatClient,
    private readonly settings: SettingsPort = readOnlySettings({
      serverUrl: client.diagnostics().url,
      hasToken: false,
      caFile: '',
      proxy: 'system',
      proxyHasPassword: false,
      compression: client.diagnostics().compression,
      language: 'auto',
      closeToTray: 'off',
      autostart: 'off',
      overridden: [],
    }),
    private readonly schedule: FrameScheduler = frameScheduler,
    private readonly support: SupportPort = noSupport,
    private readonly notices: NoticePort = noNotices,
  ) {
    this.offs.push(
      client.on('status', (status) => {
        this.pendingStatus = status;
        this.kick();
      }),
      client.on('entries', (entries) => {
        for (const e of entries) {
          // Latest version wins; a changed entry keeps its place in the batch.
          this.pendingEntries.delete(e.key);
          this.pendingEntries.set(e.key, e);
        }
        this.kick();
      }),
      client.on('account', (view) => {
        this.account = { server: view.server, room: view.room };
        this.pendingAccount = this.account;
        this.kick();
      }),
    );
  }

  attach(sink: PushSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  dispose(): void {
    this.offs.forEach((off) => off());
    this.sinks.clear();
  }

  /** Validates and runs one call. Throws InvalidCallError for anything outside the contract. */
  async handle(channel: unknown, arg: unknown): Promise<InvokeMap[InvokeChannel]['result']> {
    if (!isInvokeChannel(channel)) throw new InvalidCallError(`unknown channel`);
    const checked = checkInvokeArg(channel, arg);
    if (!checked.ok) throw new InvalidCallError(checked.error);
    switch (channel) {
      case 'chat:get-snapshot':
        return this.client.snapshot(SNAPSHOT_PAGE);
      case 'chat:get-older': {
        const q = checked.value as OlderQuery;
        return this.client.olderEntries(q.before, q.limit);
      }
      case 'chat:search': {
        const q = checked.value as SearchQuery;
        return { entries: this.client.search(q.text, q.limit) };
      }
      case 'chat:send':
        return this.client.send(checked.value as string);
      case 'chat:retry':
        return this.client.retry(checked.value as string);
      case 'chat:reconnect-now':
        this.client.reconnectNow();
        return null;
      case 'chat:get-settings':
        return this.settings.view();
      case 'chat:save-settings':
        return this.settings.save(checked.value as SettingsPatchIn);
      case 'chat:show-log-folder':
        return this.support.showLogFolder();
      case 'chat:copy-diagnostics':
        return this.support.copyDiagnostics();
      case 'chat:choose-ca-bundle':
        return this.support.chooseCaBundle?.() ?? { ok: false, code: 'UNAVAILABLE' };
      case 'chat:get-notices':
        return this.notices.pending();
      case 'chat:dismiss-notice':
        await this.notices.dismiss(checked.value as NoticeId);
        return null;
      case 'chat:get-leftovers':
        return (await this.client.account.leftovers()).map(leftoverView);
      case 'chat:discard-leftovers':
        return this.discardLeftovers(checked.value as string);
      case 'chat:clear-history':
        this.clearHistory();
        return null;
    }
    throw new InvalidCallError('unknown channel');
  }

  /** Only a key the window was shown: never the account in use, never a guessed directory. */
  private async discardLeftovers(key: string): Promise<number> {
    const leftovers = await this.client.account.leftovers();
    if (!leftovers.some((l) => l.key === key)) throw new InvalidCallError('discard-leftovers: no messages are waiting for that account (not among get-leftovers)');
    return this.client.account.discard(key);
  }

  /** The window shows only what is still waiting afterwards: it is told to fetch the snapshot again. */
  private clearHistory(): void {
    this.client.clearHistory();
    this.pendingAccount = this.account ?? { server: this.client.diagnostics().url, room: '' };
    this.kick();
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const status = this.pendingStatus;
    const entries = [...this.pendingEntries.values()];
    const account = this.pendingAccount;
    this.pendingStatus = undefined;
    this.pendingEntries = new Map();
    this.pendingAccount = undefined;
    for (const sink of this.sinks) {
      try {
        if (status) sink.push('chat:status', status);
        if (entries.length > 0) sink.push('chat:entries', entries);
        if (account) sink.push('chat:account', account);
      } catch {
        // A window that went away; it detaches itself on close.
      }
    }
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
