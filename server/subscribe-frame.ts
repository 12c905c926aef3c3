/**
 * The `subscribe` frame: each named conversation, in order, is checked (members only),
 * subscribed from its cursor, and answered with `subscribed` (its seq, and `gap` when the
 * cursor is older than the kept history), then its replay, then what came live meanwhile.
 * One refused or failed conversation costs only itself.
 */
import type { SubscribeEntry } from '../protocol/conversations';
import { WireErrorCodes } from '../protocol/wire-errors';
import { andThen, isPromiseLike, type Awaitable } from './awaitable';
import { reply, type Client, type ServerContext } from './context';
import { memberOf, refuse } from './conversation-access';
import { sendReplay, subscribe, unsubscribe } from './subscriptions';

export function subscribeAll(ctx: ServerContext, client: Client, entries: readonly SubscribeEntry[], from = 0): Awaitable<void> {
  for (let i = from; i < entries.length; i++) {
    const step = subscribeOne(ctx, client, entries[i]!);
    if (isPromiseLike(step)) return Promise.resolve(step).then(() => subscribeAll(ctx, client, entries, i + 1));
  }
}

function subscribeOne(ctx: ServerContext, client: Client, entry: SubscribeEntry): Awaitable<void> {
  const failed = (err: unknown) => {
    const sub = client.subs.get(entry.conv);
    if (sub) unsubscribe(ctx, sub);
    ctx.options.log(`user ${client.user}: could not subscribe to ${entry.conv}: ${(err as Error).message}`);
    reply(client, {
      type: 'error',
      message: 'conversation not available now; try again',
      code: WireErrorCodes.serverError,
      conv: entry.conv,
    });
  };
  try {
    const step = andThen(memberOf(ctx, client.user, entry.conv), (meta) => {
      if (!meta) return refuse(client, entry.conv);
      const cursor = { history: entry.history ?? 0, ...(entry.since !== undefined ? { since: entry.since } : {}) };
      return andThen(ctx.store.room(meta.id), (room) =>
        andThen(subscribe(ctx, client, room, meta, cursor), (opened) => {
          reply(client, { type: 'subscribed', conv: meta.id, seq: opened.seq, ...(opened.replay.gap ? { gap: true } : {}) });
          sendReplay(opened);
        }),
      );
    });
    return isPromiseLike(step) ? Promise.resolve(step).catch(failed) : step;
  } catch (err) {
    return failed(err);
  }
}
