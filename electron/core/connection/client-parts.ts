/**
 * Builds ChatClient's parts (timeline, account session, delivery, transport, history pager) and
 * wires them to each other. The parts do not know each other; this is the one place that says
 * which outcome of one goes to which other, so ChatClient itself keeps only the lifecycle and state.
 */
import { randomUUID } from 'node:crypto';
import type { Reason } from '../../common/errors';
import type { ConnectionStatus, ErrorFrame, ServerFrame } from '../../../protocol';
import type { Clock } from '../base/clock';
import { MemoryOutboxStore } from '../store/outbox';
import { AccountSession } from './client-account';
import { transportOptions, type ClientConfig, type ClientDeps, type ClientEvents, type LogLine } from './client-config';
import { Delivery, type DeliveryReport } from './delivery';
import { HistoryPager } from './history-pager';
import { actionRefusal, actionTarget } from './message-actions';
import { Timeline } from './timeline';
import type { OutboxItem } from '../store/outbox';
import type { MessageEntry } from '../../common/contract';
import { Transport, wsSocketFactory } from './transport';

/** What the parts report to ChatClient. */
export interface ClientPartsHost {
  emit<K extends 'entries' | 'outbox' | 'account' | 'filesRecalled'>(event: K, value: ClientEvents[K]): void;
  problem(why: Reason): void;
  log(level: LogLine['level'], message: string): void;
  ready(hello: ConnectionStatus | undefined): void;
  frame(frame: ServerFrame): void;
  closed(why: Reason, wasReady: boolean): void;
}

export interface ClientParts {
  timeline: Timeline;
  account: AccountSession;
  delivery: Delivery;
  transport: Transport;
  pager: HistoryPager;
}

export function createClientParts(config: ClientConfig, deps: ClientDeps, clock: Clock, host: ClientPartsHost): ClientParts {
  const timeline = new Timeline({
    clock,
    logLimit: config.logLimit,
    user: config.user ?? 'me',
    onEntries: (entries) => host.emit('entries', entries),
    onProblem: (why) => host.problem(why),
    onFilesRecalled: (ids) => host.emit('filesRecalled', ids),
  });
  const delivery = new Delivery({
    clock,
    store: deps.outboxStore ?? new MemoryOutboxStore(),
    maxOutbox: config.maxOutbox,
    sendWindow: config.sendWindow,
    newId: deps.newId ?? randomUUID,
    report: deliveryReport(timeline, host),
  });
  const account = new AccountSession(deps.accounts, {
    release: () =>
      delivery
        .persist()
        .catch((err) => host.log('error', `outbox write failed: ${(err as Error).message}`))
        .then(() => timeline.closeHistory()),
    useHistory: (opened) => {
      timeline.useHistory(opened.store);
      if (opened.problem) host.problem(opened.problem);
    },
    useOutbox: async (store) => {
      const { items, problem } = store ? await delivery.useOutbox(store) : await delivery.load();
      if (problem) host.problem(problem);
      timeline.showPending(items);
    },
    announce: (view) => host.emit('account', view),
  });
  const transport = new Transport({
    clock,
    socketFactory: deps.socketFactory ?? wsSocketFactory,
    options: transportOptions(config),
    host: {
      ready: (hello) => host.ready(hello),
      frame: (frame) => {
        // Whatever the frames of one socket read publish goes out as one list (timeline.ts).
        timeline.batchFrames();
        host.frame(frame);
      },
      closed: (why, wasReady) => host.closed(why, wasReady),
      problem: (why) => host.problem(why),
    },
  });
  return { timeline, account, delivery, transport, pager: new HistoryPager(clock) };
}

/** Hands a frame to the part it is for; an `error` frame goes back to ChatClient, which decides whose it is. */
export function routeFrame(
  frame: ServerFrame,
  parts: Pick<ClientParts, 'timeline' | 'delivery' | 'pager'>,
  onError: (frame: ErrorFrame) => void,
): void {
  switch (frame.type) {
    case 'chat_message': {
      const confirmed = parts.timeline.onChat(frame);
      // Our own message coming back (another device of ours, or a replay): it was delivered.
      if (confirmed !== undefined) parts.delivery.confirmed(confirmed, frame.seq);
      break;
    }
    case 'chat_response':
      parts.timeline.onResponse(frame);
      break;
    case 'ack':
      parts.delivery.acked(frame.id, frame.seq);
      break;
    case 'error':
      onError(frame);
      break;
    case 'history_page':
      parts.pager.onPage(frame);
      break;
    case 'connection_status': // the transport reports it as ready()
    case 'pong':
      break;
  }
}

/** Delivery's outcomes, to the timeline. */
function deliveryReport(timeline: Timeline, host: ClientPartsHost): DeliveryReport {
  return {
    // An edit or recall whose message went meanwhile shows as the item alone (the server will refuse it).
    queued: (item) => ({
      ok: true,
      entry: timeline.showPending([item])[0] ?? pendingOf(item),
      ...(actionTarget(item.action) !== undefined ? { actionId: item.id } : {}),
    }),
    actionRefusal: (action) => {
      const target = actionTarget(action);
      return target === undefined ? undefined : actionRefusal(timeline.messageBySeq(target), action);
    },
    delivered: (id, seq) => timeline.delivered(id, seq),
    refused: (id, why) => timeline.failed(id, why),
    outboxSize: (size) => host.emit('outbox', size),
    log: (level, message) => host.log(level, message),
  };
}

/** What `send` answers for a queued item the log shows no entry for. */
function pendingOf(item: OutboxItem): MessageEntry {
  return {
    kind: 'message',
    key: item.id,
    id: item.id,
    user: '',
    text: item.text,
    timestamp: item.createdAt,
    own: true,
    delivery: 'pending',
  };
}
