/**
 * The compression candidates of issue 18, frame by frame, without sockets: bytes and
 * CPU to encode and decode the same 10,000 fan-out frames (~200 bytes, word-like text
 * from the bench's generator) plus 10,000 acks, as each candidate would put them on the
 * wire. Decides between designs; the socket-level figures are bench/compression.ts.
 *
 *   node --import tsx bench/compression-candidates.ts [repeats]
 *
 * Prints one line per candidate: bytes / plain text bytes, and CPU ms (encode, decode).
 * Results and the decision: bench/notes/compression.md.
 */
import * as zlib from 'node:zlib';
import { batchTexts, ZLIB_DICTIONARY } from '../protocol/framing';
import { chatText, textForFrame } from './lib';

const N = 10_000;

/** Frames in the order a client gets them in the bench's flood: each message, and an ack for each of ours. */
function frames(): string[] {
  const textBytes = textForFrame(200);
  const out: string[] = [];
  const t = Date.parse('2026-11-30T04:00:00.000Z');
  for (let i = 0; i < N; i++) {
    out.push(
      JSON.stringify({
        type: 'chat_message',
        id: `f-0000001-${String(i).padStart(6, '0')}`,
        user: 'bob',
        message: chatText(textBytes, 1_000_003 + i),
        seq: 1000 + i,
        timestamp: new Date(t + i * 7).toISOString(),
      }),
    );
    out.push(JSON.stringify({ type: 'ack', id: crypto.randomUUID(), seq: 20_000 + i, timestamp: new Date(t + i * 7).toISOString() }));
  }
  return out;
}

/**
 * Z_SYNC_FLUSH on a kept stream, synchronously. Node has no public API for it (deflateSync
 * opens and closes a context per call; _processChunk without a callback closes the handle),
 * so this drives the stream's handle the way node:zlib's processChunkSync does. A candidate
 * measured here, not shipped: it leans on internals.
 */
type Handle = { writeSync(flush: number, inp: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void };
function syncFlush(stream: zlib.DeflateRaw | zlib.InflateRaw): (chunk: Buffer) => Buffer {
  const s = stream as unknown as { _handle: Handle; _writeState: Uint32Array };
  const out = Buffer.allocUnsafe(64 * 1024);
  return (chunk) => {
    const parts: Buffer[] = [];
    let inOff = 0;
    let inLen = chunk.length;
    // Bounded: each pass either fills the 64 KiB output (then goes on) or ends.
    for (let pass = 0; pass < 1024; pass++) {
      s._handle.writeSync(zlib.constants.Z_SYNC_FLUSH, chunk, inOff, inLen, out, 0, out.length);
      const [availOut, availIn] = [s._writeState[0]!, s._writeState[1]!];
      parts.push(Buffer.from(out.subarray(0, out.length - availOut)));
      if (availOut !== 0) break;
      inOff += inLen - availIn;
      inLen = availIn;
    }
    return Buffer.concat(parts);
  };
}

interface Candidate {
  name: string;
  encode(texts: string[]): Buffer[];
  decode(frames: Buffer[]): number;
}

const perFrame = (name: string, opts: zlib.ZlibOptions): Candidate => ({
  name,
  encode: (texts) => texts.map((t) => zlib.deflateSync(Buffer.from(t), opts)),
  decode: (fs) => fs.reduce((n, f) => n + zlib.inflateSync(f, { dictionary: ZLIB_DICTIONARY }).length, 0),
});

const keptContext = (name: string, group: (texts: string[]) => string[]): Candidate => ({
  name,
  encode: (texts) => {
    const d = syncFlush(zlib.createDeflateRaw());
    return group(texts).map((t) => d(Buffer.from(t)));
  },
  decode: (fs) => {
    const i = syncFlush(zlib.createInflateRaw());
    return fs.reduce((n, f) => n + i(f).length, 0);
  },
});

/** Batches as the flood produces them: every frame of one turn, here `size` at a time, capped like FrameBatcher. */
const inBatches = (size: number) => (texts: string[]) => {
  const out: string[] = [];
  for (let i = 0; i < texts.length; i += size) out.push(...batchTexts(texts.slice(i, i + size)));
  return out;
};

const batched = (name: string, size: number, opts: zlib.ZlibOptions): Candidate => {
  const inner = perFrame(name, opts);
  return { name, encode: (texts) => inner.encode(inBatches(size)(texts)), decode: inner.decode };
};

const CANDIDATES: Candidate[] = [
  {
    name: 'off (text frames)',
    encode: (ts) => ts.map((t) => Buffer.from(t)),
    decode: (fs) => fs.reduce((n, f) => n + f.toString().length, 0),
  },
  perFrame('zlib per frame (design notes, as shipped before)', {}),
  perFrame('zlib per frame + zdict1', { dictionary: ZLIB_DICTIONARY }),
  keptContext('kept context, sync flush, per frame (permessage-deflate with takeover, but sync)', (ts) => ts),
  batched('batch of 10, zlib', 10, {}),
  batched('batch of 10, zlib + zdict1', 10, { dictionary: ZLIB_DICTIONARY }),
  batched('batch of 50, zlib', 50, {}),
  batched('batch of 50, zlib + zdict1', 50, { dictionary: ZLIB_DICTIONARY }),
  batched('batch up to 32 KiB (≈170 frames), zlib', 500, {}),
  batched('batch up to 32 KiB, zlib + zdict1', 500, { dictionary: ZLIB_DICTIONARY }),
  keptContext('batch of 50, kept context, sync flush', inBatches(50)),
];

function cpu(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const repeats = Number(process.argv[2] ?? 3);
const texts = frames();
const plain = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
console.log(`${texts.length} frames, ${plain} bytes of JSON text; median of ${repeats} repeats`);
for (const c of CANDIDATES) {
  const enc: number[] = [];
  const dec: number[] = [];
  let bytes = 0;
  let count = 0;
  for (let r = 0; r < repeats; r++) {
    let out: Buffer[] = [];
    enc.push(cpu(() => (out = c.encode(texts))));
    dec.push(cpu(() => c.decode(out)));
    bytes = out.reduce((n, b) => n + b.length, 0);
    count = out.length;
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `${c.name}: ${count} frames, ${bytes} B = ${(bytes / plain).toFixed(3)}× text; encode ${med(enc).toFixed(0)} ms, decode ${med(dec).toFixed(0)} ms`,
  );
}
