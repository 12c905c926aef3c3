/**
 * ChatClient: the connection core shared by the Electron main process and the CLI.
 * Pure Node — never imports `electron`. Clock, socket factory, outbox store and
 * randomness are injected; one composition root (main, CLI, tests) wires them.
 *
 * The front object over three parts, which do not know each other:
 * - transport.ts: the socket, the hello, decoding, heartbeat and ping, the close paths;
 * - delivery.ts: the outbox, pacing, the in-flight window, acks and refusals;
 * - timeline.ts: the message log and its store, the resume point, incoming chat, the gap marker.
 * client-parts.ts builds and wires them. What stays here: the lifecycle, the account (client-account.ts), what the machine says
 * (network, power, sleep), the backoff, and the connection state.
 */
import type { MessageEntry, OlderEntries, SendResult, Snapshot } from '../../common/contract';
import { reason, type Reason } from '../../common/errors';
import {
  CloseCodes,
  Features,
  MAX_HISTORY_PAGE,
  refusalReason,
  WireErrorCodes,
  type ConnectionStatus,
  type ErrorFrame,
  type ServerFrame,
} from '../../../protocol';
import { State, type ConnectionState, type MachineState, type Status } from '../../common/state';
import { backoffDelay } from './backoff';
import type { AccountSession } from './client-account';
import {
  connectUrl,
  defaultClientConfig,
  transportOptions,
  type ClientConfig,
  type ClientDiagnostics,
  type ClientDeps,
  type ClientEvents,
  type LogLine,
} from './client-config';
import { systemClock, type Clock, type TimerHandle } from '../base/clock';
import { createClientParts, routeFrame, type ClientParts } from './client-parts';
import type { Delivery, OutgoingFiles } from './delivery';
import { Emitter } from '../base/emitter';
import type { HistoryPager } from './history-pager';
import type { ClientActionFields } from '../../../protocol/message-actions';
import { redactUrl } from './socket-errors';
import { maskSecret } from '../support/redact';
import type { Timeline } from './timeline';
import type { Transport } from './transport';

export { defaultClientConfig, type ClientConfig, type ClientDeps, type ClientEvents, type LogLine } from './client-config';
export { PER_MESSAGE_DEFLATE } from '../../../protocol/framing';
export { wsSocketFactory, type SocketFactory, type TlsInfo } from './transport';

export class ChatClient extends Emitter<ClientEvents> {
  private config: ClientConfig;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly transport: Transport;
  private readonly delivery: Delivery;
  private readonly timeline: Timeline;
  private readonly pager: HistoryPager;
  private readonly parts: ClientParts;
  /** Per-account outbox and history (without stores: one outbox, memory only); `leftovers()`, `discard(key)`: the other accounts'. */
  readonly account: AccountSession;

  private state: ConnectionState = State.disconnected(reason('STOPPED'));
  private machine: MachineState = { network: 'unknown', powerSave: false };
  private attempt = 0;
  private connectedSince = 0;
  private retryTimer: TimerHandle | undefined;
  private started = false;
  private suspended = false;

  constructor(deps: ClientDeps) {
    super();
    this.config = { ...defaultClientConfig, ...deps.config };
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.parts = createClientParts(this.config, deps, this.clock, {
      emit: (event, value) => this.emit(event, value),
      problem: (why) => this.problem(why),
      log: (level, message) => this.emitLog(level, message),
      ready: (hello) => this.onReady(hello),
      frame: (frame) => this.onFrame(frame),
      closed: (why, wasReady) => this.onClosed(why, wasReady),
    });
    ({
      timeline: this.timeline,
      account: this.account,
      delivery: this.delivery,
      transport: this.transport,
      pager: this.pager,
    } = this.parts);
  }

  // ---- lifecycle ------------------------------------------------------------

  /** Loads the account's history and outbox (its pending messages show at once) and connects. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.account.open(this.config);
    this.connect();
  }

  /** Closes cleanly; queued messages stay in the outbox for next time. */
  async stop(): Promise<void> {
    this.started = false;
    this.cancelRetry();
    this.transport.stopHeartbeat();
    this.closeConn(CloseCodes.normal, 'client stopped');
    this.setState(State.disconnected(reason('STOPPED')));
    await this.account.switching?.catch(() => undefined);
    await this.delivery.persist().catch((err) => this.emitLog('error', `outbox write failed on stop: ${(err as Error).message}`));
    if (!this.started) this.timeline.closeHistory();
  }

  /** Connect now, skipping any backoff wait (the status label's "reconnect now"). */
  reconnectNow(): void {
    if (!this.started || this.suspended) return;
    if (this.transport.active) {
      if (this.transport.helloDone) return;
      this.closeConn(CloseCodes.normal, 'reconnect now');
    }
    this.cancelRetry();
    this.connect();
  }

  /** New server URL, token or TLS trust (settings): applied without a restart. */
  reconfigure(patch: Partial<ClientConfig>): void {
    const serverChanged = patch.url !== undefined && patch.url !== this.config.url;
    this.config = { ...this.config, ...patch };
    this.transport.configure(transportOptions(this.config));
    const accountChanged = this.account.changed(this.config);
    if (serverChanged && !this.account.perAccount) this.timeline.forgetResumePoint();
    if (!this.started) return;
    this.attempt = 0;
    this.cancelRetry();
    this.closeConn(CloseCodes.normal, 'reconfigured');
    if (!accountChanged) return this.connect();
    // Another account: its own outbox and history. What waits in the old one stays there.
    this.account.open(this.config).then(
      () => this.connect(),
      (err) => this.emitLog('error', `could not open the account's stores: ${(err as Error).message}`),
    );
  }

  // ---- what the machine says (D-Bus monitors) ---------------------------------

  setNetwork(network: MachineState['network']): void {
    const prev = this.machine.network;
    if (prev === network) return;
    this.machine = { ...this.machine, network };
    if (network === 'offline') {
      this.cancelRetry();
      this.closeConn(CloseCodes.goingAway, 'network down');
      if (this.started && !this.suspended) this.setState(State.offline(reason('NETWORK_DOWN')));
      else this.emitStatus();
      return;
    }
    this.emitStatus();
    // Back online (or "unknown", which may be online): connect at once, no backoff.
    if (prev === 'offline' && this.started && !this.suspended && !this.transport.active) {
      this.attempt = 0;
      this.cancelRetry();
      this.connect();
    }
  }

  setPowerSave(on: boolean): void {
    if (this.machine.powerSave === on) return;
    this.machine = { ...this.machine, powerSave: on };
    this.transport.setHeartbeatInterval(on ? this.config.powerSaveHeartbeatMs : this.config.heartbeatMs);
    this.emitStatus();
  }

  /** Before sleep: close cleanly so the server is not left holding a dead socket. */
  suspend(): void {
    if (this.suspended) return;
    this.suspended = true;
    this.cancelRetry();
    this.closeConn(CloseCodes.goingAway, 'suspend');
    if (this.started) this.setState(State.disconnected(reason('SUSPENDED')));
  }

  /** After resume: reconnect at once. */
  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    this.attempt = 0;
    if (this.started) this.connect();
  }

  // ---- sending ----------------------------------------------------------------
  /** A message; `action`: a reply, or an edit or recall of an own message; `attachments`: ids from FileTransfer (`id`: the message's). */
  send(text: string, action?: ClientActionFields, attachments?: OutgoingFiles, id?: string): Promise<SendResult> {
    // For the account being switched to, not the one being left; without a switch at once (two turns fewer).
    const go = () => this.delivery.send(text, action, attachments, id);
    return this.account.switching ? this.account.switching.catch(() => undefined).then(go) : go();
  }

  /** Send a failed message again, under the same id (the server dedups by id). */
  async retry(key: string): Promise<SendResult> {
    const failed = this.timeline.failedOwn(key);
    if (!failed) return { ok: false, reason: reason('REJECTED', 'no failed message with that key') };
    return this.delivery.enqueue(failed);
  }

  // ---- read side ----------------------------------------------------------------

  status(): Status {
    return {
      connection: this.state,
      machine: this.machine,
      heartbeatMs: this.transport.heartbeatMs,
      maxMessageBytes: this.delivery.maxMessageBytes,
    };
  }

  /** The status and the log: all of it, or the newest `limit` entries (a window's first page). */
  snapshot(limit?: number): Snapshot {
    const page = this.timeline.page(limit);
    // Where the store ends the server may keep more: a window pages on, and olderEntries asks it.
    return {
      status: this.status(),
      ...page,
      hasOlder: page.hasOlder || (limit !== undefined && this.timeline.serverPageBefore() !== undefined),
    };
  }

  /** Up to `limit` entries below `order` `before`, oldest first: memory and store, then a server page (feature `history`). */
  async olderEntries(before: number, limit: number): Promise<OlderEntries> {
    const local = this.timeline.before(before, limit);
    const seq = local.hasOlder ? undefined : this.timeline.serverPageBefore();
    if (seq === undefined) return local;
    if (local.entries.length >= limit) return { ...local, hasOlder: true };
    if (!this.transport.isReady || !this.transport.info().features.includes(Features.history)) return local;
    const page = await this.pager.request(
      (text) => this.transport.write(text),
      seq,
      Math.min(MAX_HISTORY_PAGE, limit - local.entries.length),
    );
    if (!page) return local;
    const older = this.timeline.addOlderPage(page);
    return { entries: [...older.entries, ...local.entries], hasOlder: older.hasOlder };
  }

  /** The message a reply, edit or recall names: by its seq, or by its id (what `send` prints). */
  messageNamed(ref: string): MessageEntry | undefined {
    return /^\d{1,15}$/.test(ref) ? this.timeline.messageBySeq(Number(ref)) : this.timeline.messageByKey(ref);
  }

  /** Stored messages containing `text` (Chinese or Latin substrings), newest first. */
  search(text: string, limit = 100): MessageEntry[] {
    return this.timeline.search(text, limit);
  }

  /** Forgets the shown history of this account (Settings' "Clear history"); messages still waiting stay and show. */
  clearHistory(): void {
    this.timeline.clear();
    this.timeline.showPending(this.delivery.waiting());
  }

  /** Application-level ping (the design notes' `ping` → `pong`); resolves with the round trip in ms. */
  ping(timeoutMs = 5_000): Promise<number> {
    return this.transport.ping(timeoutMs, (cb) => this.on('frame', cb));
  }

  /** Resolves once the outbox on disk matches memory (after the writes in flight). */
  saveOutbox(): Promise<void> {
    return this.delivery.persist();
  }

  /** Messages still waiting for the server's ack. */
  pendingCount(): number {
    return this.delivery.size;
  }

  /** Diagnostics: negotiated extensions and server features of the current connection. */
  diagnostics(): ClientDiagnostics {
    return {
      url: redactUrl(this.config.url),
      compression: this.config.compression,
      ...this.transport.info(),
      lastSeq: this.timeline.lastSeq,
    };
  }

  // ---- connection machinery -------------------------------------------------------

  private connect(): void {
    if (!this.started || this.suspended || this.transport.active || this.account.switching) return;
    if (this.machine.network === 'offline') {
      this.setState(State.offline(reason('NETWORK_DOWN')));
      return;
    }
    this.attempt += 1;
    this.setState(State.connecting(this.attempt));
    if (!this.started || this.suspended || this.transport.active) return; // a status listener stopped or suspended us
    const url = connectUrl(this.config, this.timeline.lastSeq, this.account.perAccount ? 'stored' : 'memory');
    this.emitLog('info', `connecting to ${redactUrl(url)} (attempt ${this.attempt})`);
    const refused = this.transport.open(url);
    if (refused) this.scheduleReconnect(refused);
  }

  private onReady(hello: ConnectionStatus | undefined): void {
    if (hello?.user_id) this.account.identified(this.config, hello.user_id);
    if (hello) this.timeline.onHello(hello);
    else this.emitLog('warn', 'no connection_status from the server: treating it as a server without acks');
    const info = this.transport.info();
    this.delivery.attach(
      {
        acked: info.features.includes(Features.ack),
        features: info.features,
        isOpen: this.transport.stillCurrent(),
        write: (text, done) => this.transport.write(text, done),
      },
      hello,
    );
    this.connectedSince = this.clock.now();
    this.setState(State.connected(info.features, this.connectedSince));
    this.delivery.flush();
  }

  private onFrame(frame: ServerFrame): void {
    this.emit('frame', frame);
    routeFrame(frame, this.parts, this.onErrorFrame);
  }

  /** Made once: routeFrame runs for every frame, and a closure per call would be garbage per frame. */
  private readonly onErrorFrame = (error: ErrorFrame) => this.onServerError(error.message, error.code, error.id);

  private onServerError(message: string, code: string | undefined, id: string | undefined): void {
    this.emitLog('warn', `server error: ${message}`);
    // The close code that follows (4001) carries this; reporting it twice would only add noise.
    if (code === WireErrorCodes.unauthenticated) return;
    if (id && this.delivery.refused(id, code, message)) return;
    this.problem(reason(refusalReason(code, message), message));
  }

  private onClosed(why: Reason, wasReady: boolean): void {
    if (why.detail) why = { ...why, detail: this.scrub(why.detail) };
    this.delivery.detach();
    this.pager.cancel();
    if (wasReady && this.clock.now() - this.connectedSince >= this.config.stableAfterMs) this.attempt = 0;
    this.emitLog(why.code === 'STOPPED' ? 'info' : 'warn', `connection closed: ${why.code}${why.detail ? ` (${why.detail})` : ''}`);
    if (!this.started) return;
    if (this.suspended) return this.setState(State.disconnected(reason('SUSPENDED')));
    if (this.machine.network === 'offline') return this.setState(State.offline(reason('NETWORK_DOWN')));
    // A bad token, or a conversation we are not in, will not get better by retrying: one attempt, then wait for the person.
    if (why.code === 'AUTH_FAILED' || why.code === 'FORBIDDEN') return this.setState(State.authFailed(why));
    this.scheduleReconnect(why);
  }

  private scheduleReconnect(why: Reason): void {
    this.cancelRetry();
    const delayMs = backoffDelay(Math.max(this.attempt, 1), why.code, this.config.backoff, this.random);
    const retryAt = this.clock.now() + delayMs;
    // Timer first, then the status: a listener may call stop() while we emit, and must find the timer to cancel.
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delayMs);
    this.setState(State.reconnecting(this.attempt + 1, retryAt, delayMs, why));
  }

  private closeConn(code: number, text: string): void {
    this.transport.close(code, text);
    this.delivery.detach();
  }

  private cancelRetry(): void {
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
  }

  private setState(next: ConnectionState): void {
    this.state = next;
    this.emitStatus();
  }

  private emitStatus(): void {
    this.emit('status', this.status());
  }

  private problem(why: Reason): void {
    if (why.detail) why = { ...why, detail: this.scrub(why.detail) };
    this.emitLog('warn', `${why.code}${why.detail ? `: ${why.detail}` : ''}`);
    this.emit('problem', why);
  }

  private emitLog(level: LogLine['level'], message: string): void {
    this.emit('log', { level, message: this.scrub(message) });
  }

  /** A hostile or careless server may echo our request URL (close reason, error frame): our token is never logged or shown. */
  private scrub(text: string): string {
    return maskSecret(text, this.config.token);
  }
}
