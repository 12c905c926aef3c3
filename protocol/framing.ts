/**
 * Wire framing shared by the client (electron/core/connection/transport.ts) and the reference
 * server (server/): raw ws data → text with a capped zlib inflate, text → a zlib
 * binary frame or a text frame, the permessage-deflate options both sides offer, the
 * zlib preset dictionary (feature `zdict1`) and the coalescing of frames queued in one
 * turn into one `batch` frame (feature `batch`); see docs/PROTOCOL.md.
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
    // The dictionary is only used when the frame asks for it (zlib's FDICT flag), so plain zlib inflates the same.
    return { ok: true, text: inflateSync(raw, { maxOutputLength: maxBytes, dictionary: ZLIB_DICTIONARY }).toString('utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, error: 'too-large', detail: `zlib frame inflates past ${maxBytes} bytes` };
    }
    return { ok: false, error: 'not-zlib', detail: `binary frame is not zlib data: ${(err as Error).message}` };
  }
}

/** A frame ready for `ws.send`: zlib-compressed binary, or the text itself. */
export type OutboundFrame = { data: Buffer; binary: true } | { data: string; binary: false };

/** `dictionary`: only for a peer that announced `zdict1`; others get plain zlib, as the design notes' client inflates it. */
export function outboundFrame(text: string, zlib: boolean, dictionary = false): OutboundFrame {
  return zlib ? { data: zlibFrame(text, dictionary), binary: true } : { data: text, binary: false };
}

/** The design notes' binary frame: the JSON text, zlib-compressed (with our preset dictionary when negotiated). */
export function zlibFrame(text: string, dictionary = false): Buffer {
  return deflateSync(Buffer.from(text, 'utf8'), dictionary ? { dictionary: ZLIB_DICTIONARY } : {});
}

/**
 * The zlib preset dictionary `zdict1`: the protocol's own vocabulary, most frequent last
 * (zlib finds the nearest match cheapest). Only frame keys and fixed values, never chat
 * text, so it is as good for every room and language. Frozen: a change is a new feature name.
 */
export const ZLIB_DICTIONARY = Buffer.from(
  [
    '{"type":"connection_status","status":"connected","user_id":"","features":["ack","seq","resume","dedup","history","batch","zdict1"],',
    '"rate_limit":{"messages":,"window_s":},"max_message_bytes":,"gap":true,',
    '{"type":"history_page","messages":[],"has_older":false}{"type":"pong","timestamp":"',
    '{"type":"error","message":"","code":"bad_frame","too_large","server_error"',
    '{"type":"chat_response","message":"',
    '"replay":true,',
    '{"type":"ack","id":"","seq":,"timestamp":"2026-01-01T00:00:00.000Z"},',
    '{"type":"batch","messages":[{"type":"chat_message","id":"","user":"","message":"","seq":,"timestamp":"2026-',
    '{"type":"chat_message","id":"","message":"","timestamp":"2026-',
  ].join(''),
  'utf8',
);

/** Largest batch frame we build, in bytes of JSON text: well under the reference server's 64 KiB inbound cap. */
export const BATCH_MAX_BYTES = 32 * 1024;
/** Most frames in one batch (a receiver refuses more). */
export const BATCH_MAX_FRAMES = 500;
/** How every batch we build starts; a single frame never does (we never send a lone `batch`). */
const BATCH_PREFIX = '{"type":"batch","messages":[';

/**
 * What FrameBatcher sends for a connection in `mode`: zlib mode, every frame as zlib; off,
 * text; deflate (permessage-deflate negotiated), a batch of 1 KiB or more as a zlib binary
 * frame made here, synchronously, and a single frame or a smaller batch as text for ws
 * (which compresses it from 1 KiB). Not
 * through ws's permessage-deflate: its async zlib pool made receiving batches ~4× slower
 * than inflateSync (bench/notes/compression.md). Both ends accept zlib binary frames in
 * every mode. Senders pass binary frames to ws with `compress: false`.
 */
export function frameEncoder(mode: 'deflate' | 'zlib' | 'off', dictionary: boolean): (text: string, batch: boolean) => OutboundFrame {
  if (mode === 'zlib') return (text) => ({ data: zlibFrame(text, dictionary), binary: true });
  if (mode === 'off') return (text) => ({ data: text, binary: false });
  // A small batch (an ack and a reply in one turn) goes as text: a zlib stream costs ~25 µs to
  // set up and end on each side, which was half a round trip, and saves next to nothing there.
  return (text, batch) =>
    batch && text.length >= PER_MESSAGE_DEFLATE.threshold
      ? { data: zlibFrame(text, dictionary), binary: true }
      : { data: text, binary: false };
}

/**
 * Coalesces the frames written in one turn of the event loop (a flush of the outbox, a
 * burst of fan-out) into `{"type":"batch","messages":[…]}` frames, sent at the end of
 * the turn (a microtask: no timer, no added latency). One frame alone goes as itself.
 * Only for a peer that announced `batch`. Order is kept: every frame to that peer goes
 * through here.
 */
export class FrameBatcher {
  private texts: string[] = [];
  private dones: Array<(err?: Error) => void> = [];
  private scheduled = false;

  constructor(
    /** Sends one finished frame (text, or the zlib binary of it). */
    private readonly send: (frame: OutboundFrame, done?: (err?: Error) => void) => void,
    /** `batch`: the text is a batch of several frames (compressed where a single frame might not be). */
    private readonly encode: (text: string, batch: boolean) => OutboundFrame,
  ) {}

  push(text: string, done?: (err?: Error) => void): void {
    this.texts.push(text);
    if (done) this.dones.push(done);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Sends what is queued now (before a close, so nothing queued is lost behind it). */
  flush(): void {
    this.scheduled = false;
    const texts = this.texts;
    const dones = this.dones;
    if (texts.length === 0) return;
    this.texts = [];
    this.dones = [];
    // One frame in the turn (a message typed, an ack): as itself, without grouping (the round trip's path).
    if (texts.length === 1) return this.send(this.encode(texts[0]!, false), dones[0]);
    const chunks = batchTexts(texts);
    for (let i = 0; i < chunks.length; i++) {
      // The callbacks ride on the last frame: ws reports writes in order.
      const last = i === chunks.length - 1 && dones.length > 0;
      const text = chunks[i]!;
      this.send(
        this.encode(text, text.startsWith(BATCH_PREFIX)),
        last ? (dones.length === 1 ? dones[0] : (err) => dones.forEach((d) => d(err))) : undefined,
      );
    }
  }
}

/** Frames (JSON texts, in order) as few texts as the limits allow: one frame alone as itself, several as a batch. */
export function batchTexts(texts: readonly string[]): string[] {
  const out: string[] = [];
  let group: string[] = [];
  let bytes = 0;
  const close = () => {
    if (group.length === 1) out.push(group[0]!);
    else if (group.length > 1) out.push(`${BATCH_PREFIX}${group.join(',')}]}`);
    group = [];
    bytes = 0;
  };
  for (const t of texts) {
    const size = Buffer.byteLength(t, 'utf8') + 1;
    if (group.length > 0 && (bytes + size > BATCH_MAX_BYTES || group.length >= BATCH_MAX_FRAMES)) close();
    group.push(t);
    bytes += size;
  }
  close();
  return out;
}
