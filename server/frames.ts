/**
 * One client frame (or a batch of them), from raw ws data to every answer it causes: the
 * rate limit, inflate and decode, ping → pong, the size check, dedup and append, ack, echo.
 * Reaches rooms only through the RoomStore interface; the room's other members hear
 * of a stored message through its watch (fan-out.ts), not from here.
 */
import { CloseCodes } from '../protocol/close-codes';
import { decodeClientFrames, utf8Length, type ClientChatMessage, type ClientFrame, type HistoryRequest } from '../protocol/codec';
import type { ConversationRequest } from '../protocol/conversations';
import { inboundText, type RawFrameData } from '../protocol/framing';
import { WireErrorCodes } from '../protocol/wire-errors';
import { andThen, isPromiseLike, type Awaitable } from './awaitable';
import { flushOut, now, reply, type Client, type ServerContext, type Subscription } from './context';
import { refuse } from './conversation-access';
import { handleConversationRequest } from './conversation-frames';
import { answerHistory } from './history';
import { mentionsIn } from './mentions';
import { isAction } from '../protocol/message-actions';
import { targetOf } from './revisions';
import type { Appended, NewMessage } from './room-store';

/**
 * Handles one frame: a single client frame, or a `batch` of them (feature `batch`),
 * whose frames are handled one after another exactly as if each had come alone (rate
 * limit, size, dedup, order). Returns a Promise only when the room store answered with
 * one; the caller (the client's SerialQueue) then holds this client's later frames back.
 */
export function handleFrame(ctx: ServerContext, client: Client, data: RawFrameData, isBinary: boolean): Awaitable<void> {
  if (!withinRate(ctx, client)) return;
  const text = frameText(ctx, client, data, isBinary);
  if (text === undefined) return;
  const decoded = decodeClientFrames(text, ctx.options.maxFrameBytes);
  for (const e of decoded.errors) {
    reply(client, {
      type: 'error',
      message: e.detail,
      code: e.code === 'UNKNOWN_TYPE' ? WireErrorCodes.unsupported : WireErrorCodes.badFrame,
      ...(e.id ? { id: e.id } : {}),
    });
  }
  // The first frame was counted before inflating; each further one of a batch counts too.
  return inOrder(decoded.frames, (frame, i) => (i > 0 && !withinRate(ctx, client) ? false : handleOne(ctx, client, frame)));
}

/** Runs `each` over `items` in order, waiting for any Promise it returns; `false` stops. */
function inOrder<T>(items: readonly T[], each: (item: T, i: number) => Awaitable<void> | false, from = 0): Awaitable<void> {
  for (let i = from; i < items.length; i++) {
    const r = each(items[i]!, i);
    if (r === false) return;
    if (isPromiseLike(r)) return Promise.resolve(r).then(() => inOrder(items, each, i + 1));
  }
}

function handleOne(ctx: ServerContext, client: Client, frame: ClientFrame): Awaitable<void> {
  const chat = acceptChat(ctx, client, frame);
  if (!chat) return;
  if (chat.type !== 'chat_message' && chat.type !== 'history') return handleConversationRequest(ctx, client, chat);
  const id = chat.type === 'chat_message' ? chat.id || undefined : undefined;
  const sub = subscriptionFor(client, chat.conv);
  if (!sub) return refuse(client, chat.conv, id ? { id } : chat.type === 'history' && chat.ref !== undefined ? { ref: chat.ref } : {});
  if (chat.type === 'history') return answerHistory(sub, chat);
  if (client.refusingUntil !== undefined) {
    if (id !== client.refusingUntil) return notStored(client, id, 'an earlier message was not stored; send it first');
    delete client.refusingUntil;
  }
  const conv = sub.room.name;
  const acked = client.multi ? { conv } : {};
  if (chat.attachments) return withAttachments(ctx, sub, chat, id, acked);
  if (chat.recall_of !== undefined && ctx.files && sub.room.page) return recallWithFiles(ctx, sub, chat, id, acked);
  return stored(ctx, sub, chat, newMessage(ctx, sub, chat, id), id, acked);
}

/** Feature `files`: the message's attachments, each checked (files.ts attachable), then stored as any message. */
function withAttachments(ctx: ServerContext, sub: Subscription, chat: ClientChatMessage, id: string | undefined, acked: { conv?: string }) {
  const client = sub.client;
  const refusal = (message: string, code: string) => reply(client, { type: 'error', message, code, ...(id ? { id } : {}), ...acked });
  if (!ctx.files) return refusal('unsupported: this server takes no files', WireErrorCodes.unsupported);
  if (isAction(chat)) return refusal('an edit or recall carries no attachments', WireErrorCodes.badFrame);
  return ctx.files.attachable(client.user, sub.room.name, chat.attachments!).then((attachments) => {
    if (!Array.isArray(attachments)) return refusal(attachments.message, attachments.code);
    return stored(ctx, sub, chat, { ...newMessage(ctx, sub, chat, id), attachments }, id, acked);
  });
}

/**
 * A recall of a message that carried files: once the recall is stored, and before it is acked,
 * those files are revoked, so nobody downloads what the sender took back (by id or by hash).
 */
function recallWithFiles(ctx: ServerContext, sub: Subscription, chat: ClientChatMessage, id: string | undefined, acked: { conv?: string }) {
  const target = chat.recall_of!;
  return Promise.resolve(sub.room.page!(target + 1, 1)).then((page) => {
    const m = page.messages.find((x) => x.seq === target && x.user === sub.client.user);
    const files = (m?.attachments ?? []).map((a) => a.id);
    const revoke = files.length > 0 ? () => ctx.files!.revoke(files) : undefined;
    return stored(ctx, sub, chat, newMessage(ctx, sub, chat, id), id, acked, revoke);
  });
}

/** Appends the message and answers its sender: ack (again, for a resend), or the refusal in words. */
function stored(
  ctx: ServerContext,
  sub: Subscription,
  chat: ClientChatMessage,
  message: NewMessage,
  id: string | undefined,
  acked: { conv?: string },
  /** Done once it is stored (not for a resend), before the ack. */
  then?: () => Promise<void>,
) {
  const client = sub.client;
  return andThen(appendOrReport(ctx, sub, message), (appended) => {
    if (!appended) return;
    if ('refused' in appended) {
      const { code, message: words } = appended.refused;
      return reply(client, { type: 'error', message: words, code, ...(id ? { id } : {}), ...acked });
    }
    if ('duplicateOf' in appended) {
      // A resend (only a message with an id can be one): ack again, broadcast nothing.
      if (id !== undefined) reply(client, { type: 'ack', id, seq: appended.duplicateOf, ...acked });
      return;
    }
    // The room's other members already have it: the store's watch fans out before append answers.
    const answer = () => {
      if (id !== undefined) reply(client, { type: 'ack', id, seq: appended.stored.seq, ...acked });
      if (ctx.options.echo) reply(client, { type: 'chat_response', message: chat.message });
    };
    if (!then) return answer();
    return then().then(answer, (err: Error) => {
      ctx.options.log(`room ${sub.room.name}: the recalled message's files were not revoked: ${err.message}`);
      answer();
    });
  });
}

/** The message as the room stores it. An edit or recall notifies nobody: its @mentions are not counted. */
function newMessage(ctx: ServerContext, sub: Subscription, chat: ClientChatMessage, id: string | undefined): NewMessage {
  const mentions = isAction(chat) ? [] : mentionsIn(chat.message, sub.meta.members, ctx.users, sub.client.user);
  const ref = targetOf(chat);
  const field = chat.reply_to !== undefined ? 'reply_to' : chat.edit_of !== undefined ? 'edit_of' : 'recall_of';
  return {
    type: 'chat_message',
    ...(id ? { id } : {}),
    user: sub.client.user,
    message: chat.message,
    timestamp: now(),
    conv: sub.room.name,
    ...(mentions.length > 0 ? { mentions } : {}),
    ...(ref !== undefined ? { [field]: ref } : {}),
  };
}

/**
 * The subscription a chat or history frame is for: the one named by `conv` (a connection with
 * the conversations feature must name it), or the URL's room. Undefined: not subscribed, so
 * refused, which is also how a conversation the user is not in is refused.
 */
function subscriptionFor(client: Client, conv: string | undefined): Subscription | undefined {
  if (conv !== undefined) return client.subs.get(conv);
  return client.multi ? undefined : client.subs.values().next().value;
}

/** False after closing the connection with 4008: the client sends faster than the limit. */
function withinRate(ctx: ServerContext, client: Client): boolean {
  if (client.limiter.take(Date.now())) return true;
  ctx.options.log(`user ${client.user}: rate limit exceeded, closing 4008`);
  reply(client, { type: 'error', message: 'Rate limit exceeded', code: WireErrorCodes.rateLimited });
  flushOut(client);
  client.ws.close(CloseCodes.rateLimited, 'rate limit exceeded');
  return false;
}

/** The chat message or history request in this frame, or undefined when the frame was answered (pong, error). */
function acceptChat(
  ctx: ServerContext,
  client: Client,
  frame: ClientFrame,
): ClientChatMessage | HistoryRequest | ConversationRequest | undefined {
  if (frame.type === 'ping') {
    reply(client, { type: 'pong' });
    return undefined;
  }
  if (frame.type !== 'chat_message') return frame;
  if (utf8Length(frame.message) > ctx.options.maxMessageBytes) {
    const id = frame.id || undefined;
    reply(client, { type: 'error', message: 'Message too large', code: WireErrorCodes.tooLarge, ...(id ? { id } : {}) });
    return undefined;
  }
  return frame;
}

/** The frame as text; zlib frames (design notes) are inflated with a hard cap, so a zip bomb stops there. */
function frameText(ctx: ServerContext, client: Client, data: RawFrameData, isBinary: boolean): string | undefined {
  const inbound = inboundText(data, isBinary, ctx.options.maxFrameBytes);
  if (inbound.ok) return inbound.text;
  if (inbound.error === 'too-large') {
    ctx.options.log(`user ${client.user}: ${inbound.detail}, closing 1009`);
    flushOut(client);
    client.ws.close(CloseCodes.tooBig, 'decompressed message too large');
  } else {
    reply(client, { type: 'error', message: 'Binary frame is not zlib-compressed JSON', code: WireErrorCodes.badFrame });
  }
  return undefined;
}

/** What the room made of the message, or undefined after telling the sender it was not stored. */
function appendOrReport(ctx: ServerContext, sub: Subscription, message: NewMessage): Awaitable<Appended | undefined> {
  const client = sub.client;
  // A failed write (disk full, permissions, a store gone away) must not take the whole server down.
  const report = (err: unknown): undefined => {
    ctx.options.log(`room ${sub.room.name}: append failed: ${(err as Error).message}`);
    if (message.id !== undefined) client.refusingUntil = message.id;
    notStored(client, message.id, 'Message not stored');
    return undefined;
  };
  try {
    const stored = sub.room.append(message, client.id);
    return isPromiseLike(stored) ? Promise.resolve(stored).catch(report) : stored;
  } catch (err) {
    return report(err);
  }
}

/** `server_error` with the id: not stored, not acked; the client keeps it and sends it again. */
function notStored(client: Client, id: string | undefined, message: string): void {
  reply(client, { type: 'error', message, code: WireErrorCodes.serverError, ...(id ? { id } : {}) });
}
