/**
 * The receiver's crash: SIGKILL the listening CLI (listen --data-dir) twice in the middle
 * of a 10,000-message stream from the reference server (run with --data-dir), each time
 * after it has shown a share of the stream (by progress, not time), and start it again
 * with the same data dir. Its history store ends with every message exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageEntry } from '../../electron/common/contract';
import { AccountDirectory } from '../../electron/core/store/accounts';
import { ChatClient } from '../../electron/core/connection/client';
import { SqliteHistory } from '../../electron/core/store/history-sqlite';
import { MemoryOutboxStore } from '../../electron/core/store/outbox';
import { runTs, startServerProcess, type Proc } from '../helpers/proc';
import { stateIs, until, withTimeout } from '../helpers/wait';

const STREAM = 10_000;
const NO_BUS = { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
const shown = (p: Proc) => p.stdout.filter((l) => l.includes('"event":"message"')).length;

test(
  `receiver SIGKILLed twice mid-stream of ${STREAM}: its store ends with every message exactly once`,
  { timeout: 180_000 },
  async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-receiver-crash-'));
    const tokens = path.join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify({ 'token-alice': 'alice', 'token-bob': 'bob' }));
    const { proc: server, url } = await startServerProcess([
      '--tokens',
      tokens,
      '--data-dir',
      path.join(dir, 'server'),
      '--rate-limit',
      '1000000/60',
      '--history',
      String(STREAM * 2),
    ]);
    const bob = new ChatClient({ config: { url, token: 'token-bob' }, outboxStore: new MemoryOutboxStore() });
    const listeners: Proc[] = [];
    t.after(async () => {
      await bob.stop();
      for (const l of listeners) l.kill('SIGKILL');
      server.kill();
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    });
    const data = path.join(dir, 'alice');
    // Progress across every run: messages shown (printed after they are stored). The producer
    // stays at most WINDOW ahead of it, so each kill falls in the middle of the stream.
    const WINDOW = 1_000;
    let shownTotal = 0;
    let progressed: () => void = () => {};
    const listen = () => {
      const p = runTs('electron/cli/main.ts', ['listen', '--server', url, '--token', 'token-alice', '--data-dir', data], NO_BUS);
      listeners.push(p);
      p.onLine((l) => {
        if (!l.includes('"event":"message"')) return;
        shownTotal += 1;
        progressed();
      });
      return p;
    };
    const reached = (n: number) =>
      shownTotal >= n
        ? Promise.resolve()
        : withTimeout(new Promise<void>((resolve) => (progressed = () => shownTotal >= n && resolve())), 60_000, `${n} messages shown`);

    const first = listen();
    await first.line((l) => l.includes('"state":"connected"'), 20_000, 'the listener connected');
    await bob.start();
    await stateIs(bob, 'connected');
    let sent = 0;
    const sending = (async () => {
      while (sent < STREAM) {
        const next = Math.min(sent + 250, STREAM);
        for (; sent < next; sent++) void bob.send(`stream ${sent}`);
        await reached(sent - WINDOW);
      }
      await until(bob, () => bob.pendingCount() === 0, 60_000, 'every message acked');
    })();

    // Kills by progress: after 2,000 shown, then after 3,000 more (counted from what the second run prints).
    for (const [run, mark] of [
      [first, 2_000],
      [undefined, 3_000],
    ] as const) {
      const p = run ?? listen();
      await p.line(() => shown(p) >= mark, 60_000, `${mark} messages shown`);
      p.kill('SIGKILL');
      assert.equal((await withTimeout(p.exited, 10_000, 'the kill')).signal, 'SIGKILL');
      assert.ok(sent < STREAM, `killed mid-stream (${sent} sent)`);
    }
    const last = listen();
    await sending;
    await last.line((l) => l.includes(`"text":"stream ${STREAM - 1}"`), 60_000, 'the last message');
    last.kill('SIGTERM');
    await last.exited;

    const account = new AccountDirectory({ base: data }).resolve({ url, token: 'token-alice' });
    const store = new SqliteHistory(path.join(account.dir, 'history.sqlite'));
    t.after(() => store.close());
    const entries = store.newest(STREAM * 2).entries.filter((e): e is MessageEntry => e.kind === 'message');
    const texts = entries.map((e) => e.text);
    assert.equal(texts.length, STREAM, `${texts.length} stored`);
    assert.equal(new Set(texts).size, STREAM, 'each once');
    assert.deepEqual(
      texts,
      Array.from({ length: STREAM }, (_, n) => `stream ${n}`),
      'in order',
    );
    assert.equal(store.resume().lastSeq, STREAM);
  },
);
