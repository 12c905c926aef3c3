/**
 * Crash: SIGKILL a CLI client mid-burst, start it again with the same data
 * dir — every message it had queued arrives exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient } from '../../electron/core/connection/client';
import { runTs } from '../helpers/proc';
import { testServer } from '../helpers/server';
import { stateIs, until, withTimeout } from '../helpers/wait';

const BURST = 2_000;

test(
  `SIGKILL mid-burst of ${BURST}: after a restart with the same data dir every queued message arrives exactly once`,
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-crash-'));
    const srv = await testServer({ rateLimit: { messages: 1_000_000, windowMs: 60_000 } });
    const bob = new ChatClient({ config: { url: srv.url, token: 'token-bob' } });
    t.after(async () => {
      await bob.stop();
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const received: string[] = [];
    bob.on('entries', (es) => es.forEach((e) => e.kind === 'message' && !e.own && received.push(e.text)));
    await bob.start();
    await stateIs(bob, 'connected');

    const args = ['send', '--server', srv.url, '--token', 'token-alice', '--data-dir', dir, '--timeout', '60', '--stdin'];
    const first = runTs(
      'electron/cli/main.ts',
      args,
      { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
      'pipe',
    );
    first.child.stdin!.write(Array.from({ length: BURST }, (_, i) => `burst ${i}`).join('\n') + '\n');
    // Mid-burst: some acks are in, many are not.
    const acks = () => first.stdout.filter((l) => l.includes('"type":"ack"')).length;
    await first.line(() => acks() >= 200, 30_000, '200 acks');
    first.kill('SIGKILL');
    const killed = await withTimeout(first.exited, 10_000, 'the kill');
    assert.equal(killed.signal, 'SIGKILL');
    const queued = first.stdout.filter((l) => l.includes('"event":"queued"')).map((l) => JSON.parse(l).text as string);
    const ackedBeforeKill = acks();
    assert.ok(queued.length > ackedBeforeKill, `killed mid-burst: ${queued.length} queued, ${ackedBeforeKill} acked`);

    const second = runTs(
      'electron/cli/main.ts',
      args,
      { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
      'pipe',
    );
    second.child.stdin!.end(); // nothing new: just deliver what the outbox holds
    const { code } = await withTimeout(second.exited, 60_000, 'the restarted client to drain');
    assert.equal(code, 0, second.stderr.join('\n'));

    await until(bob, () => queued.every((q) => received.includes(q)), 15_000, 'every queued message at bob');
    const counts = new Map<string, number>();
    for (const r of received) counts.set(r, (counts.get(r) ?? 0) + 1);
    const dupes = [...counts].filter(([, n]) => n > 1);
    assert.deepEqual(dupes, [], 'nothing arrives twice');
    const missing = queued.filter((q) => !counts.has(q));
    assert.deepEqual(missing, [], 'nothing queued is lost');
    console.log(
      `crash: ${BURST} piped, ${queued.length} queued before SIGKILL, ${ackedBeforeKill} acked before it; after restart ${received.length} received, 0 lost, 0 duplicated`,
    );
  },
);
