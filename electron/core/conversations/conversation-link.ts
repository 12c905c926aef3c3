/**
 * ConversationLink: the one socket that carries all of a user's conversations (feature
 * `conversations`, protocol/conversations.ts). It owns a Transport of its own; each
 * conversation is a ChannelSocket that a ChatClient drives as if it were its own socket,
 * so a user in 200 conversations holds 1 connection. The link subscribes channels (many
 * in one frame), names the conversation in what they send, hands each the frames that name
 * it, and answers requests (create, join, …) by `ref`.
 *
 * A server without the feature (the design notes' service) says so in its hello: the link
 * reports `legacy` and the caller keeps to one room per connection, as before.
 */
import type { Reason } from '../../common/errors';
import { reason } from '../../common/errors';
import type { ProxyReport } from '../network/proxy-agent';
import {
  CloseCodes,
  encodeFrame,
  Features,
  type ConnectionStatus,
  type ConversationEvent,
  type ConversationInfo,
  type ConversationRequest,
  type ErrorFrame,
  type ServerChatMessage,
  type ServerFrame,
  type SubscribeEntry,
} from '../../../protocol';
import { MAX_SUBSCRIBE } from '../../../protocol/conversations';
import { systemClock, type Clock } from '../base/clock';
import { Emitter } from '../base/emitter';
import { connectUrl, defaultClientConfig, transportOptions, type ClientConfig } from '../connection/client-config';
import { Transport, wsSocketFactory, type SocketFactory } from '../connection/transport';
import { ChannelSocket, type ChannelHost } from './channel-socket';
import { ConversationList } from './conversation-list';
import { PendingRequests, type Answer, type Asked } from './pending-requests';

export interface LinkEvents extends Record<string, unknown> {
  /** The server greeted: `multi` when it speaks the extension (with the list), false for a one-room server. */
  ready: { multi: boolean; user?: string };
  /** The conversation list changed (greeting, a new or changed conversation, one left, a read marker). */
  list: readonly ConversationInfo[];
  /** Every conversation event, as it came. */
  event: ConversationEvent;
  /** A message newer than any counted in its conversation (live or caught up): notifications follow these. */
  message: { conv: string; message: ServerChatMessage; own: boolean; mention: boolean };
  /** The shared socket ended. */
  closed: Reason;
  problem: Reason;
}

export interface LinkDeps {
  config: Partial<ClientConfig> & { url: string };
  clock?: Clock;
  socketFactory?: SocketFactory;
  /** How long a request waits for its answer. */
  requestTimeoutMs?: number;
}

/** Features a channel's ChatClient may use: the shared socket's framing (batch, zdict1) is the link's business. */
const CHANNEL_HIDDEN: ReadonlySet<string> = new Set([Features.batch, Features.zdict1, Features.conversations]);

export class ConversationLink extends Emitter<LinkEvents> implements ChannelHost {
  private config: ClientConfig;
  private readonly transport: Transport;
  private readonly channels = new Map<string, ChannelSocket>();
  /** Channels waiting to be named in the next `subscribe` frame. */
  private subscribing = new Map<string, SubscribeEntry>();
  private subscribeQueued = false;
  /** Which conversation a sent message id is for, so an error naming only the id finds its channel. */
  private readonly idConv = new Map<string, string>();
  private readonly requests: PendingRequests;
  private hello: ConnectionStatus | undefined;
  private greeted = false;
  readonly list = new ConversationList();
  /** Conversations announced after the greeting (made, joined, invited to): a first subscription starts at the read marker. */
  private readonly announced = new Set<string>();
  /** Set once a server said it has no conversations: channels are refused, callers fall back. */
  legacy = false;

  constructor(deps: LinkDeps) {
    super();
    this.config = { ...defaultClientConfig, ...deps.config };
    const clock = deps.clock ?? systemClock;
    this.requests = new PendingRequests(clock, deps.requestTimeoutMs ?? 10_000);
    this.transport = new Transport({
      clock,
      socketFactory: deps.socketFactory ?? wsSocketFactory,
      options: transportOptions(this.config),
      host: {
        ready: (hello) => this.onHello(hello),
        frame: (frame) => this.onFrame(frame),
        closed: (why) => this.onClosed(why),
        problem: (why) => this.emit('problem', why),
      },
    });
  }

  /** Greeted by a server with the extension, and still connected. */
  get alive(): boolean {
    return this.greeted && this.transport.isReady;
  }

  /** How the shared socket's last connection went through the proxy decision (the channels make none). */
  get proxy(): ProxyReport | undefined {
    return this.transport.info().proxy;
  }

  /** The user id the server greeted us as. */
  get user(): string | undefined {
    return this.hello?.user_id;
  }

  /** Feature `files`: the largest file the server takes, as its last greeting said. */
  get maxFileBytes(): number | undefined {
    return this.hello?.max_file_bytes;
  }

  /** What the server announced on this connection (none before its greeting). */
  get features(): readonly string[] {
    return this.hello?.features ?? [];
  }

  /** Opens the shared socket unless it is open or opening. */
  open(): Reason | undefined {
    if (this.transport.active) return undefined;
    this.greeted = false;
    return this.transport.open(this.sharedUrl());
  }

  close(): void {
    this.transport.close(CloseCodes.normal, 'client stopped');
    this.transport.stopHeartbeat();
    this.endAll(reason('STOPPED'));
  }

  /** Another server or token: closed, the list forgotten; the next channel opens the new one. */
  reconfigure(config: Partial<ClientConfig> & { url: string }): void {
    this.close();
    this.config = { ...defaultClientConfig, ...config };
    this.transport.configure(transportOptions(this.config));
    this.legacy = false;
    this.hello = undefined;
    this.announced.clear();
    if (this.list.apply({ type: 'conversation_list', conversations: [] })) this.emit('list', this.list.all());
  }

  /** Power save: the shared socket's heartbeat is the one that keeps it alive. */
  setPowerSave(on: boolean): void {
    this.transport.setHeartbeatInterval(on ? this.config.powerSaveHeartbeatMs : this.config.heartbeatMs);
  }

  /** Sends a request and resolves with its answer; rejects with the server's refusal (a Reason) or a timeout. */
  request<T extends Asked>(frame: T): Promise<Answer<T>> {
    if (!this.alive) return Promise.reject(reason('CONNECTION_LOST', 'not connected'));
    const { ref, answer } = this.requests.add(frame.type);
    this.transport.write(encodeFrame({ ...frame, ref } as ConversationRequest));
    return answer as Promise<Answer<T>>;
  }

  /** Marks `conv` read up to `seq` (no answer: every device of ours gets a `read_marker`). */
  markRead(conv: string, seq: number): boolean {
    if (!this.alive) return false;
    this.transport.write(encodeFrame({ type: 'read', conv, seq }));
    return true;
  }

  /** A socket factory for one conversation's ChatClient: its socket is a channel of this link. */
  channelFactory(conv: string): SocketFactory {
    return (url) => {
      const channel = new ChannelSocket(conv, this);
      this.channels.get(conv)?.ended(CloseCodes.normal, 'replaced');
      this.channels.set(conv, channel);
      const refused = this.legacy ? reason('REJECTED', 'the server has no conversations') : this.open();
      if (refused) {
        channel.ended(CloseCodes.goingAway, refused.detail ?? refused.code, refused);
      } else {
        this.subscribing.set(conv, { conv, ...this.cursorFor(conv, url) });
        if (this.alive) this.queueSubscribe();
      }
      return channel as never;
    };
  }

  // ---- ChannelHost --------------------------------------------------------------

  write(channel: ChannelSocket, text: string, done?: (err?: Error) => void): void {
    const frame = JSON.parse(text) as { type?: string; id?: string; conv?: string; ref?: string };
    if (frame.type === 'chat_message' || frame.type === 'history') frame.conv = channel.conv;
    if (frame.type === 'chat_message' && frame.id) this.idConv.set(frame.id, channel.conv);
    this.transport.write(JSON.stringify(frame), done);
  }

  release(channel: ChannelSocket): void {
    if (this.channels.get(channel.conv) === channel) this.channels.delete(channel.conv);
    this.subscribing.delete(channel.conv);
  }

  // ---- the shared socket ------------------------------------------------------------

  private sharedUrl(): string {
    const u = new URL(connectUrl(this.config, undefined, 'memory'));
    for (const p of ['room', 'since', 'history']) u.searchParams.delete(p);
    // Read status only for a user who shares theirs (ClientConfig.readReceipts): one who does not sees none.
    const receipts = this.config.readReceipts !== false ? [Features.receipts] : [];
    u.searchParams.set('features', [u.searchParams.get('features'), Features.conversations, ...receipts].filter(Boolean).join(','));
    return u.toString();
  }

  private onHello(hello: ConnectionStatus | undefined): void {
    this.hello = hello;
    if (hello?.features.includes(Features.conversations)) return; // the list follows
    this.legacy = true;
    this.emit('ready', { multi: false, ...(hello?.user_id ? { user: hello.user_id } : {}) });
    this.transport.close(CloseCodes.normal, 'one room per connection here');
    this.endAll(reason('REJECTED', 'the server has no conversations'));
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'chat_message':
        if (frame.conv !== undefined) this.counted(frame.conv, frame);
        return this.toChannel(frame.conv, frame);
      case 'history_page':
        return this.toChannel(frame.conv, frame);
      case 'ack':
        return this.toChannel(frame.conv ?? this.idConv.get(frame.id), frame, () => this.idConv.delete(frame.id));
      case 'error':
        return this.onError(frame);
      case 'pong':
      case 'chat_response':
      case 'connection_status':
        return;
      default:
        return this.onEvent(frame);
    }
  }

  private onEvent(event: ConversationEvent): void {
    if ('ref' in event && event.ref !== undefined) this.requests.answer(event.ref, event);
    if (event.type === 'subscribed') return this.channels.get(event.conv)?.opened(encodeFrame(this.channelHello(event)));
    if (event.type === 'left') this.channels.get(event.conv)?.ended(CloseCodes.forbidden, 'left the conversation');
    if (event.type === 'conversation' && this.greeted && !this.list.get(event.conversation.id)) this.announced.add(event.conversation.id);
    const changed = this.list.apply(event);
    this.emit('event', event);
    if (event.type === 'conversation_list' && !this.greeted) {
      this.greeted = true;
      this.tellReceiptsChoice();
      this.emit('ready', { multi: true, ...(this.user ? { user: this.user } : {}) });
      if (this.subscribing.size > 0) this.queueSubscribe();
    }
    if (changed) this.emit('list', this.list.all());
  }

  /** A message counted in the list (newer than what it had) is news: the list changed, and who may want to know hears it. */
  /** The server keeps whether the user shares read status: said at each greeting, so a change of the setting reaches it. */
  private tellReceiptsChoice(): void {
    if (!this.features.includes(Features.receipts)) return;
    this.request({ type: 'receipts_setting', share: this.config.readReceipts !== false }).catch((why: Reason) => this.emit('problem', why));
  }

  private counted(conv: string, message: ServerChatMessage): void {
    if (message.seq === undefined) return;
    const counted = this.list.onMessage(conv, message, this.user);
    // An edit or recall is no new message: the list may change (its preview), nobody is notified.
    if (counted === 'changed') this.emit('list', this.list.all());
    if (counted !== true) return;
    const me = this.user;
    const own = me !== undefined && message.user === me;
    this.emit('list', this.list.all());
    this.emit('message', { conv, message, own, mention: !own && me !== undefined && (message.mentions?.includes(me) ?? false) });
  }

  private onError(error: ErrorFrame): void {
    if (error.ref !== undefined && this.requests.refuse(error.ref, error)) return;
    const conv = error.conv ?? (error.id !== undefined ? this.idConv.get(error.id) : undefined);
    const channel = conv !== undefined ? this.channels.get(conv) : undefined;
    if (!channel) return this.emit('problem', reason('REJECTED', error.message));
    if (channel.readyState === 1) return channel.deliver(encodeFrame(error));
    // Refused while subscribing: the channel's client sees what a one-room client sees (4003, no retry).
    this.channels.delete(channel.conv);
    channel.ended(CloseCodes.forbidden, error.message);
  }

  private toChannel(conv: string | undefined, frame: ServerFrame, after?: () => void): void {
    const channel = conv !== undefined ? this.channels.get(conv) : undefined;
    channel?.deliver(encodeFrame(frame));
    after?.();
  }

  /** The hello a channel's client gets: the shared one, at this conversation's position. */
  private channelHello(s: { conv: string; seq: number; gap?: boolean }): ConnectionStatus {
    const h = this.hello;
    return {
      type: 'connection_status',
      status: 'connected',
      ...(h?.user_id ? { user_id: h.user_id } : {}),
      features: (h?.features ?? []).filter((f) => !CHANNEL_HIDDEN.has(f)),
      seq: s.seq,
      ...(s.gap ? { gap: true } : {}),
      ...(h?.rate_limit ? { rate_limit: h.rate_limit } : {}),
      ...(h?.max_message_bytes ? { max_message_bytes: h.max_message_bytes } : {}),
      ...(h?.recall_window_s !== undefined ? { recall_window_s: h.recall_window_s } : {}),
    };
  }

  /**
   * Where a channel starts: its client's resume point. A conversation announced since the
   * greeting starts after the user's read marker, so what came between its announcement and
   * this subscription is not missed (a new room's first messages, a DM's opening line); one
   * from the greeting without a resume point starts as its client asks (`history`, or now).
   */
  private cursorFor(conv: string, url: string): { since?: number; history?: number } {
    const cursor = cursorOf(url);
    if (cursor.since !== undefined || cursor.history !== undefined) return cursor;
    const read = this.announced.has(conv) ? this.list.get(conv)?.read : undefined;
    return read !== undefined ? { since: read } : cursor;
  }

  /** Channels opened in the same turn share one `subscribe` frame (at most MAX_SUBSCRIBE each). */
  private queueSubscribe(): void {
    if (this.subscribeQueued) return;
    this.subscribeQueued = true;
    queueMicrotask(() => {
      this.subscribeQueued = false;
      if (!this.alive) return;
      const entries = [...this.subscribing.values()];
      this.subscribing = new Map();
      for (let i = 0; i < entries.length; i += MAX_SUBSCRIBE)
        this.transport.write(encodeFrame({ type: 'subscribe', conversations: entries.slice(i, i + MAX_SUBSCRIBE) }));
    });
  }

  private onClosed(why: Reason): void {
    this.greeted = false;
    this.endAll(why);
    this.emit('closed', why);
  }

  private endAll(why: Reason): void {
    this.requests.failAll(why);
    const channels = [...this.channels.values()];
    this.channels.clear();
    this.subscribing.clear();
    this.idConv.clear();
    for (const c of channels) c.ended(1006, why.detail ?? why.code, why);
  }
}

/** A channel's cursor, from the URL its ChatClient would have connected with (`since`, `history`). */
function cursorOf(url: string): { since?: number; history?: number } {
  const q = new URL(url).searchParams;
  const since = q.get('since');
  const history = q.get('history');
  return {
    ...(since !== null && /^\d{1,15}$/.test(since) ? { since: Number(since) } : {}),
    ...(since === null && history !== null && /^\d{1,6}$/.test(history) ? { history: Number(history) } : {}),
  };
}
