/**
 * Wire framing shared by the client (electron/core/transport.ts) and the reference
 * server (server/): raw ws data → text with a capped zlib inflate, text → a zlib
 * binary frame or a text frame, and the permessage-deflate options both sides offer.
 *
 * Pure apart from `node:zlib` (enforced by tests/architecture.test.ts): no ws, no
 * sockets, so both ends and the benchmarks can use it as is.
 */
import { deflateSync, inflateSync } from 'node:zlib';

/**
 * permessage-deflate for chat-sized frames: ws applies its size threshold only when
 * no-context-takeover is negotiated; with context takeover every ~150-byte frame
 * goes through async zlib (a process-wide pool of 10), which made draining an
 * outbox of 10,000 messages 6× slower. Frames of 1 KiB and more are still compressed.
 */
export const PER_MESSAGE_DEFLATE = { threshold: 1024, clientNoContextTakeover: true, serverNoContextTakeover: true } as const;

/** What ws hands a `message` listener (ws.RawData), without importing ws. */
export type RawFrameData = Buffer | ArrayBuffer | Buffer[];

export type InboundText =
  | { ok: true; text: string }
  /** `too-large`: a zlib frame inflates past the cap (a bomb stops there). `not-zlib`: a binary frame that is not zlib data. */
  | { ok: false; error: 'too-large' | 'not-zlib'; detail: string };

export function toBuffer(data: RawFrameData): Buffer {
  return Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/**
 * A received frame as text. Binary frames are the design notes' zlib-compressed JSON,
 * inflated with a hard cap of `maxBytes`; text frames are UTF-8.
 */
export function inboundText(data: RawFrameData, isBinary: boolean, maxBytes: number): InboundText {
  const raw = toBuffer(data);
  if (!isBinary) return { ok: true, text: raw.toString('utf8') };
  try {
    return { ok: true, text: inflateSync(raw, { maxOutputLength: maxBytes }).toString('utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, error: 'too-large', detail: `zlib frame inflates past ${maxBytes} bytes` };
    }
    return { ok: false, error: 'not-zlib', detail: `binary frame is not zlib data: ${(err as Error).message}` };
  }
}

/** A frame ready for `ws.send`: zlib-compressed binary, or the text itself. */
export type OutboundFrame = { data: Buffer; binary: true } | { data: string; binary: false };

export function outboundFrame(text: string, zlib: boolean): OutboundFrame {
  return zlib ? { data: zlibFrame(text), binary: true } : { data: text, binary: false };
}

/** The design notes' binary frame: the JSON text, zlib-compressed. */
export function zlibFrame(text: string): Buffer {
  return deflateSync(Buffer.from(text, 'utf8'));
}
