/**
 * A bare ws peer speaking the conversations extension (protocol/conversations.ts), for
 * frame-level server tests: requests answered by `ref`, subscriptions awaited, messages
 * sent to a named conversation.
 */
import { wirePeer, type WirePeer } from '../scale/scale-kit';

export type Frame = Record<string, any>;

export interface ConversationPeer extends WirePeer {
  /** The conversation list the server greeted with. */
  readonly greeting: Frame;
  /** Sends `frame` with a fresh `ref` and resolves with the answer or error that carries it back. */
  request(frame: Frame): Promise<Frame>;
  /** Subscribes and resolves with each conversation's `subscribed` frame or `error`, in order. */
  subscribe(entries: Array<{ conv: string; since?: number; history?: number }>): Promise<Frame[]>;
  /** A chat message to `conv`; resolves with its ack or error. */
  say(conv: string, id: string, message: string): Promise<Frame>;
  /** Frames of `type` about `conv` seen so far. */
  seen(type: string, conv: string): Frame[];
}

let refs = 0;

export async function conversationPeer(
  url: string,
  token: string,
  extra: Record<string, string> = {},
  tls: { ca?: string[] } = {},
): Promise<ConversationPeer> {
  const peer = await wirePeer(url, { token, features: 'conversations', ...extra }, tls);
  const greeting = await peer.next((f) => f.type === 'conversation_list' || f.type === 'error', 10_000, 'conversation_list');
  const answerTo = (ref: string, what: string) => peer.next((f) => f.ref === ref, 10_000, what);
  return Object.assign(peer, {
    greeting,
    request(frame: Frame) {
      const ref = `r${++refs}`;
      peer.ws.send(JSON.stringify({ ...frame, ref }));
      return answerTo(ref, `the answer to ${String(frame.type)}`);
    },
    async subscribe(entries: Array<{ conv: string; since?: number; history?: number }>) {
      const from = peer.frames.length;
      peer.ws.send(JSON.stringify({ type: 'subscribe', conversations: entries }));
      const out: Frame[] = [];
      for (const e of entries) {
        out.push(
          await peer.next(
            (f) => peer.frames.indexOf(f) >= from && (f.type === 'subscribed' || f.type === 'error') && f.conv === e.conv,
            10_000,
            `subscribed ${e.conv}`,
          ),
        );
      }
      return out;
    },
    say(conv: string, id: string, message: string) {
      peer.ws.send(JSON.stringify({ type: 'chat_message', id, message, conv, timestamp: new Date().toISOString() }));
      return peer.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === id, 10_000, `the ack of ${id}`);
    },
    seen(type: string, conv: string) {
      return peer.frames.filter((f) => f.type === type && f.conv === conv);
    },
  });
}
