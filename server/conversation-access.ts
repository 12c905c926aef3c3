/**
 * Who may reach a conversation. The answer for "not a member" and for "no such
 * conversation" is the same refusal, with the same words, so a third user learns nothing
 * from an id, guessed or not. Rooms named in the URL (the design notes' `room=`) are public
 * rooms: joined on connect, created on first use, as the one room was before.
 */
import { WireErrorCodes } from '../protocol/wire-errors';
import { andThen, type Awaitable } from './awaitable';
import { now, reply, type Client, type ServerContext } from './context';
import { publish } from './conversation-events';
import { CREATED_ID, RESERVED_ROOM_PREFIX, type ConversationMeta } from './conversation-store';

export const FORBIDDEN_WORDS = 'forbidden: not a member of this conversation, or no such conversation';

/** The conversation when `user` is a member; undefined otherwise (refuse with `refuse`). */
export function memberOf(ctx: ServerContext, user: string, id: string): Awaitable<ConversationMeta | undefined> {
  if (id.startsWith(RESERVED_ROOM_PREFIX)) return undefined;
  return andThen(ctx.conversations.get(id), (meta) => (meta?.members.includes(user) ? meta : undefined));
}

/** Whether `user` is a member of conversation `id` now (the files' privacy rule, server/files.ts). */
export async function isMember(ctx: ServerContext, user: string, id: string): Promise<boolean> {
  return (await memberOf(ctx, user, id)) !== undefined;
}

/** The `forbidden` error, naming the conversation (and the message or request) it is about. */
export function refuse(client: Client, conv: string | undefined, about: { id?: string; ref?: string } = {}): void {
  reply(client, {
    type: 'error',
    message: FORBIDDEN_WORDS,
    code: WireErrorCodes.forbidden,
    ...(conv !== undefined ? { conv } : {}),
    ...(about.id ? { id: about.id } : {}),
    ...(about.ref !== undefined ? { ref: about.ref } : {}),
  });
}

/**
 * The room a URL names, for a connection without the conversations feature: a public room
 * (joined, and made on first use), or a private room or DM the user is in. Undefined:
 * refuse. A name shaped like a created id that does not exist is refused, not made, so a
 * room cannot be made in advance under an id the server might hand out.
 */
export function urlRoom(ctx: ServerContext, user: string, name: string): Awaitable<ConversationMeta | undefined> {
  if (name.startsWith(RESERVED_ROOM_PREFIX)) return undefined;
  return andThen(ctx.conversations.get(name), (meta) => {
    if (meta) return meta.kind === 'room' ? joinRoom(ctx, user, meta) : meta.members.includes(user) ? meta : undefined;
    if (CREATED_ID.test(name)) return undefined;
    const fresh: ConversationMeta = { id: name, name, kind: 'room', members: [], created: now() };
    return andThen(ctx.conversations.create(fresh), (created) => (created.kind === 'room' ? joinRoom(ctx, user, created) : undefined));
  });
}

/** Makes `user` a member of the public room, telling everyone when that is new. */
export function joinRoom(ctx: ServerContext, user: string, meta: ConversationMeta): Awaitable<ConversationMeta | undefined> {
  if (meta.members.includes(user)) return meta;
  return andThen(ctx.conversations.addMember(meta.id, user), (added) => {
    if (!added) return undefined;
    const joined = { ...meta, members: [...meta.members, user] };
    return andThen(publish(ctx, { kind: 'members', conv: meta.id, added: [user], removed: [] }), () => joined);
  });
}
