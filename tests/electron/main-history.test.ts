/**
 * Away and back through the built main.js on the stand-in, each start a process of its own, against
 * the reference server run with a data dir: alice's app sees three messages and quits; bob sends 500
 * while it is closed; the app starts again while the server is down and its window's snapshot already
 * holds the three (painted from the account's history store, before any network); the server comes
 * back and exactly the 500 are pushed to the window, in order, each once. With a server whose history
 * keeps only 100, the window gets a gap marker above the newest 100.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Snapshot } from '../../electron/common/contract';
import { ChatClient } from '../../electron/core/connection/client';
import { MemoryOutboxStore } from '../../electron/core/store/outbox';
import { startChatServer, type ChatServer, type ServerOptions } from '../../server/server';
import type { BriefEntry } from '../helpers/standin-child';
import { launchForTest, quitApp, type ChildEvent, type StandInProcess } from '../helpers/standin-process';
import { TOKENS } from '../helpers/server';
import { stateIs, until } from '../helpers/wait';

type Ctx = { after(fn: () => unknown): void };

function tempDir(t: Ctx, name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `uos-chat-${name}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The reference server with its rooms on disk, startable again on the same port with what it kept. */
async function serverOnDisk(t: Ctx, more: Partial<ServerOptions> = {}) {
  const options: Partial<ServerOptions> = {
    host: '127.0.0.1',
    port: 0,
    tokens: TOKENS,
    log: () => undefined,
    dataDir: tempDir(t, 'history-server'),
    rateLimit: { messages: 100_000, windowMs: 60_000 },
    ...more,
  };
  let server: ChatServer | undefined = await startChatServer(options);
  const port = server.port;
  const url = server.url;
  t.after(() => server?.close());
  return {
    url,
    async stop() {
      await server?.close();
      server = undefined;
    },
    async start() {
      server = await startChatServer({ ...options, port });
    },
  };
}

async function sendAsBob(url: string, texts: string[]): Promise<void> {
  const bob = new ChatClient({ config: { url, token: 'token-bob' }, outboxStore: new MemoryOutboxStore() });
  try {
    await bob.start();
    await stateIs(bob, 'connected');
    const queued = await Promise.all(texts.map((text) => bob.send(text)));
    assert.ok(
      queued.every((r) => r.ok),
      'every message queued',
    );
    await until(bob, () => bob.pendingCount() === 0, 60_000, `bob's ${texts.length} acked`);
  } finally {
    await bob.stop();
  }
}

function startApp(t: Ctx, userData: string, url: string): StandInProcess {
  return launchForTest(t, { userData, env: { UOS_CHAT_SERVER: url, UOS_CHAT_TOKEN: 'token-alice' } });
}

/** Every entry pushed to the window so far, in push order. */
const pushed = (app: StandInProcess): BriefEntry[] =>
  app.events.filter((e: ChildEvent) => e.ev === 'entries').flatMap((e) => e.entries as BriefEntry[]);
/** Others' messages pushed, first push of each key only (a later push of a key is an update in place). */
const othersPushed = (app: StandInProcess): string[] => {
  const seen = new Set<string>();
  const texts: string[] = [];
  for (const e of pushed(app)) {
    if (e.kind !== 'message' || e.own || seen.has(e.key)) continue;
    seen.add(e.key);
    texts.push(e.text!);
  }
  return texts;
};
const snapshotOf = (app: StandInProcess): Promise<Snapshot> => app.request('invoke', { channel: 'chat:get-snapshot', arg: null });
const textsOf = (s: Snapshot) => s.entries.map((e) => (e.kind === 'message' ? e.text : `[${e.marker}]`));

/** First start: connected, the three messages seen; then quit. */
async function seeThreeAndQuit(t: Ctx, userData: string, url: string): Promise<void> {
  const first = startApp(t, userData, url);
  await first.waitFor((e) => e.ev === 'status' && e.kind === 'connected', 'the first start to connect', 20_000);
  await sendAsBob(url, ['before 0', 'before 1', 'before 2']);
  await first.waitFor(
    (e) => e.ev === 'entries' && (e.entries as BriefEntry[]).some((x) => x.text === 'before 2'),
    'the three in the window',
  );
  await quitApp(first);
}

async function backWhileServerDown(t: Ctx, userData: string, srv: Awaited<ReturnType<typeof serverOnDisk>>): Promise<StandInProcess> {
  await srv.stop();
  const app = startApp(t, userData, srv.url);
  await app.waitFor((e) => e.ev === 'status' && e.kind !== 'connected' && e.kind !== undefined, 'a status push');
  const stored = await snapshotOf(app);
  assert.deepEqual(textsOf(stored), ['before 0', 'before 1', 'before 2'], 'the window paints what the store holds, with no server');
  assert.notEqual(stored.status.connection.kind, 'connected');
  await srv.start();
  await app.request('invoke', { channel: 'chat:reconnect-now', arg: null });
  return app;
}

test(
  'away and back in the app: the window paints the stored history first, then exactly the 500 sent meanwhile, in order, once',
  { timeout: 120_000 },
  async (t) => {
    const srv = await serverOnDisk(t);
    const userData = tempDir(t, 'history-app');
    await seeThreeAndQuit(t, userData, srv.url);
    const away = Array.from({ length: 500 }, (_, i) => `away ${i}`);
    await sendAsBob(srv.url, away);

    const app = await backWhileServerDown(t, userData, srv);
    await app.waitFor(
      (e) => e.ev === 'entries' && (e.entries as BriefEntry[]).some((x) => x.text === 'away 499'),
      'the 500 pushed',
      60_000,
    );
    assert.deepEqual(othersPushed(app), away, 'exactly what was missed, in order, once; nothing stored pushed again');
    assert.equal(pushed(app).filter((e) => e.kind === 'marker').length, 0, 'no gap: the server kept everything');
    const after = await snapshotOf(app);
    assert.deepEqual(textsOf(after).slice(-3), ['away 497', 'away 498', 'away 499']);
    await quitApp(app);
  },
);

test('away longer than the server keeps: a gap marker above the newest 100', { timeout: 120_000 }, async (t) => {
  const srv = await serverOnDisk(t, { historyLimit: 100 });
  const userData = tempDir(t, 'history-gap');
  await seeThreeAndQuit(t, userData, srv.url);
  const away = Array.from({ length: 500 }, (_, i) => `away ${i}`);
  await sendAsBob(srv.url, away);

  const app = await backWhileServerDown(t, userData, srv);
  await app.waitFor(
    (e) => e.ev === 'entries' && (e.entries as BriefEntry[]).some((x) => x.text === 'away 499'),
    'the newest pushed',
    60_000,
  );
  assert.deepEqual(othersPushed(app), away.slice(400), 'the newest 100 the server still has, in order, once');
  const after = await snapshotOf(app);
  const texts = textsOf(after);
  assert.deepEqual(
    texts.slice(0, 5),
    ['before 0', 'before 1', 'before 2', '[gap]', 'away 400'],
    'the gap sits between what was stored and what the server still had',
  );
  assert.equal(texts.length, 104);
  await quitApp(app);
});
