/**
 * The frames of the conversations extension (protocol/conversations.ts), for a connection
 * that asked for it: list, subscribe, create, open_dm, join, leave, invite, read, users and
 * search. Every path into a conversation's messages goes through a membership check
 * (conversation-access.ts) first; a refusal is an `error` with code `forbidden`, and the
 * connection stays up for the user's other conversations.
 */
import type { ConversationRequest } from '../protocol/conversations';
import { WireErrorCodes } from '../protocol/wire-errors';
import { andThen, type Awaitable } from './awaitable';
import { now, reply, type Client, type ServerContext } from './context';
import { joinRoom, memberOf, refuse } from './conversation-access';
import { publish } from './conversation-events';
import { infoOf, listFor } from './conversation-info';
import { newConversationId, type ConversationMeta } from './conversation-store';
import { searchFor } from './conversation-search';
import { handleReceipts } from './receipts';
import { subscribeAll } from './subscribe-frame';
import { unsubscribe } from './subscriptions';

type Request<T extends ConversationRequest['type']> = Extract<ConversationRequest, { type: T }>;

export function handleConversationRequest(ctx: ServerContext, client: Client, frame: ConversationRequest): Awaitable<void> {
  if (!client.multi) {
    const message = 'conversation frames need the conversations feature (connect with features=conversations)';
    return reply(client, { type: 'error', message, code: WireErrorCodes.unsupported });
  }
  switch (frame.type) {
    case 'list':
      return andThen(listFor(ctx, client.user), (conversations) =>
        reply(client, { type: 'conversation_list', conversations, ...refOf(frame) }),
      );
    case 'subscribe':
      return subscribeAll(ctx, client, frame.conversations);
    case 'create':
      return create(ctx, client, frame);
    case 'open_dm':
      return openDm(ctx, client, frame);
    case 'join':
      return join(ctx, client, frame);
    case 'leave':
      return leave(ctx, client, frame);
    case 'invite':
      return invite(ctx, client, frame);
    case 'read':
      return markRead(ctx, client, frame);
    case 'users':
      return reply(client, { type: 'user_list', users: ctx.users.list(), ...refOf(frame) });
    case 'receipts':
    case 'receipts_setting':
      return handleReceipts(ctx, client, frame);
    case 'search':
      return andThen(searchFor(ctx, client.user, frame), (messages) =>
        messages === undefined
          ? refuse(client, frame.conv, refOf(frame))
          : reply(client, { type: 'search_results', messages, ...refOf(frame) }),
      );
  }
}

const refOf = (frame: { ref?: string }) => (frame.ref !== undefined ? { ref: frame.ref } : {});

/** Answers with the conversation as this user sees it. */
function answer(ctx: ServerContext, client: Client, meta: ConversationMeta, frame: { ref?: string }): Awaitable<void> {
  return andThen(infoOf(ctx, client.user, meta), (conversation) => reply(client, { type: 'conversation', conversation, ...refOf(frame) }));
}

function unknownUser(client: Client, user: string, frame: { ref?: string }): void {
  reply(client, { type: 'error', message: `unknown user: ${user}`, code: WireErrorCodes.unknownUser, ...refOf(frame) });
}

function create(ctx: ServerContext, client: Client, frame: Request<'create'>): Awaitable<void> {
  const stranger = frame.members.find((m) => !ctx.users.has(m));
  if (stranger !== undefined) return unknownUser(client, stranger, frame);
  const members = [...new Set([client.user, ...frame.members])];
  const meta: ConversationMeta = { id: newConversationId(), name: frame.name, kind: frame.kind, members, created: now() };
  return andThen(ctx.conversations.create(meta), (stored) =>
    andThen(publish(ctx, { kind: 'members', conv: stored.id, added: members, removed: [] }), () => answer(ctx, client, stored, frame)),
  );
}

function openDm(ctx: ServerContext, client: Client, frame: Request<'open_dm'>): Awaitable<void> {
  if (!ctx.users.has(frame.user)) return unknownUser(client, frame.user, frame);
  if (frame.user === client.user) {
    return reply(client, { type: 'error', message: 'a direct message needs another user', code: WireErrorCodes.badFrame, ...refOf(frame) });
  }
  const members = [client.user, frame.user].sort();
  const fresh: ConversationMeta = { id: newConversationId(), name: members.join(', '), kind: 'dm', members, created: now() };
  return andThen(ctx.conversations.dm(client.user, frame.user, fresh), (meta) => {
    const told = meta.id === fresh.id ? publish(ctx, { kind: 'members', conv: meta.id, added: members, removed: [] }) : undefined;
    return andThen(told, () => answer(ctx, client, meta, frame));
  });
}

function join(ctx: ServerContext, client: Client, frame: Request<'join'>): Awaitable<void> {
  return andThen(ctx.conversations.get(frame.conv), (meta) => {
    // A private room or DM is refused exactly like an id that does not exist.
    if (!meta || meta.kind !== 'room') return refuse(client, frame.conv, refOf(frame));
    return andThen(joinRoom(ctx, client.user, meta), (joined) =>
      joined ? answer(ctx, client, joined, frame) : refuse(client, frame.conv, refOf(frame)),
    );
  });
}

function leave(ctx: ServerContext, client: Client, frame: Request<'leave'>): Awaitable<void> {
  return andThen(memberOf(ctx, client.user, frame.conv), (meta) => {
    if (!meta) return refuse(client, frame.conv, refOf(frame));
    if (meta.kind === 'dm') {
      return reply(client, {
        type: 'error',
        message: 'a direct message cannot be left',
        code: WireErrorCodes.badFrame,
        conv: meta.id,
        ...refOf(frame),
      });
    }
    const sub = client.subs.get(meta.id);
    if (sub) unsubscribe(ctx, sub);
    return andThen(ctx.conversations.removeMember(meta.id, client.user), () =>
      andThen(publish(ctx, { kind: 'members', conv: meta.id, added: [], removed: [client.user] }), () =>
        reply(client, { type: 'left', conv: meta.id, ...refOf(frame) }),
      ),
    );
  });
}

function invite(ctx: ServerContext, client: Client, frame: Request<'invite'>): Awaitable<void> {
  return andThen(memberOf(ctx, client.user, frame.conv), (meta) => {
    // Only members invite; a DM stays two.
    if (!meta) return refuse(client, frame.conv, refOf(frame));
    if (meta.kind === 'dm') {
      return reply(client, {
        type: 'error',
        message: 'a direct message has exactly two members',
        code: WireErrorCodes.badFrame,
        ...refOf(frame),
      });
    }
    if (!ctx.users.has(frame.user)) return unknownUser(client, frame.user, frame);
    if (meta.members.includes(frame.user)) return answer(ctx, client, meta, frame);
    return andThen(ctx.conversations.addMember(meta.id, frame.user), () =>
      andThen(publish(ctx, { kind: 'members', conv: meta.id, added: [frame.user], removed: [] }), () =>
        answer(ctx, client, { ...meta, members: [...meta.members, frame.user] }, frame),
      ),
    );
  });
}

function markRead(ctx: ServerContext, client: Client, frame: Request<'read'>): Awaitable<void> {
  return andThen(memberOf(ctx, client.user, frame.conv), (meta) => {
    if (!meta) return refuse(client, frame.conv);
    return andThen(ctx.store.room(meta.id), (room) =>
      andThen(room.seq(), (seq) =>
        andThen(ctx.conversations.markRead(client.user, meta.id, Math.min(frame.seq, seq)), (marker) =>
          andThen(ctx.conversations.receiptsOff([client.user]), (off) =>
            publish(ctx, { kind: 'read', conv: meta.id, user: client.user, seq: marker, share: off.length === 0 }),
          ),
        ),
      ),
    );
  });
}
