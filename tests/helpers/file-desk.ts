/**
 * A FileDesk for alice over the reference server, for the core's files tests: a private room with
 * bob (who sees what is posted), staging in pieces, and waiting on the desk's changes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConversationClients } from '../../electron/core/conversations';
import { FileDesk } from '../../electron/core/files';
import { conversationPeer } from './conversation-peer';
import { THREE } from './conversation-stores';
import { testServer } from './server';
import { withTimeout } from './wait';

export const FAST = { backoff: { baseMs: 10, capMs: 50, rateLimitedMs: 50, tlsMs: 50 } };
export const KB = 1024;
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
export type T = { after(fn: () => Promise<void> | void): void };

/** A desk for alice over `url`, with every conversation followed; `changes` resolves on a condition. */
export async function deskOf(t: T, url: string, dataDir: string, transfer = {}) {
  const clients = new ConversationClients({ config: { url, token: 'token-alice', ...FAST } });
  await withTimeout(clients.start(), 5_000, 'the greeting');
  clients.followAll();
  const waiters = new Set<() => void>();
  /** The first file's bytes done, as the queue reported them. */
  const progress: number[] = [];
  const desk: FileDesk = new FileDesk({
    clients,
    dataDir,
    downloadsDir: () => path.join(dataDir, 'Downloads'),
    onChange: () => {
      const done = desk.uploads()[0]?.files[0]?.done;
      if (done !== undefined && progress.at(-1) !== done) progress.push(done);
      waiters.forEach((w) => w());
    },
    transfer: { retryDelayMs: 0, ...transfer },
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await desk.stop();
    await clients.stop();
  };
  t.after(stop);
  await desk.start();
  const changes = (check: () => boolean, what: string, ms = 10_000) =>
    withTimeout(
      new Promise<void>((resolve) => {
        const w = () => {
          if (!check()) return;
          waiters.delete(w);
          resolve();
        };
        waiters.add(w);
        w();
      }),
      ms,
      what,
    );
  return { clients, desk, stop, changes, progress, watch: (w: () => void) => waiters.add(w) };
}

export async function stage(desk: FileDesk, conv: string, name: string, bytes: Buffer, piece = 256 * KB): Promise<string> {
  const begun = desk.staging.begin(conv, name, bytes.length);
  assert.ok(begun.ok);
  for (let at = 0; at < bytes.length; at += piece) await desk.staging.append(begun.stage, at, bytes.subarray(at, at + piece));
  return begun.stage;
}

export async function setUp(t: T) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-desk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const srv = await testServer({ tokens: THREE, dataDir: path.join(dir, 'server') });
  t.after(() => srv.stop());
  const bob = await conversationPeer(srv.url, 'token-bob');
  t.after(() => bob.close());
  const conv = (await bob.request({ type: 'create', name: '文件', kind: 'private', members: ['alice'] })).conversation.id as string;
  await bob.subscribe([{ conv }]);
  return { dir, srv, bob, conv, data: path.join(dir, 'app') };
}
