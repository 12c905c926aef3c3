/**
 * Chaos behind a proxy: two clients exchange messages through Debian's tinyproxy (HTTP CONNECT, Basic
 * auth), and tinyproxy itself is stopped and started again mid-stream, three times. Each restart is
 * triggered by progress (after every RESTART_EVERY acknowledgements), never by a timer, so it lands
 * while messages are in flight however fast the machine is. While the proxy is down, each connection
 * attempt fails with PROXY_UNREACHABLE and waits its backoff. Nothing may be lost, nothing doubled,
 * per-sender order kept, and both outboxes end empty.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient } from '../../electron/core/connection/client';
import { FileOutboxStore } from '../../electron/core/store/outbox-file';
import { proxyResolver } from '../../electron/core/network/proxy-decision';
import type { LogEntry } from '../../electron/common/contract';
import { startTinyproxy } from '../helpers/proxies';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';

const PER_CLIENT = Number(process.env.CHAOS_PROXY_MESSAGES ?? 1_000);
const BATCH = 50;
const RESTARTS = 3;
/** Acknowledgements (both clients together) between restarts: the restarts fall inside the run. */
const RESTART_EVERY = Math.floor((2 * PER_CLIENT) / (RESTARTS + 1));

test(
  `chaos behind a proxy: ${2 * PER_CLIENT} messages, tinyproxy restarted ${RESTARTS} times mid-stream — zero lost, zero duplicated, order kept`,
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-chaos-proxy-'));
    const srv = await testServer({
      dataDir: path.join(dir, 'server'),
      historyLimit: 4 * PER_CLIENT,
      rateLimit: { messages: 1_000_000, windowMs: 60_000 },
      pingIntervalMs: 0,
    });
    const tiny = await startTinyproxy({ connectPorts: [srv.port] });
    const proxy = proxyResolver({ setting: tiny.url({ user: 'user', pass: 'pass' }), settingSource: 'settings' });
    // Short waits, the proxy's included: while tinyproxy is down every attempt is PROXY_UNREACHABLE.
    const backoff = { baseMs: 20, capMs: 300, rateLimitedMs: 1000, tlsMs: 1000, proxyMs: 50 };
    const mk = (name: 'alice' | 'bob') =>
      new ChatClient({
        config: { url: srv.url.replace('127.0.0.1', 'localhost'), token: `token-${name}`, backoff, proxy, logLimit: 4 * PER_CLIENT },
        outboxStore: new FileOutboxStore(path.join(dir, name, 'outbox.jsonl')),
      });
    const alice = mk('alice');
    const bob = mk('bob');
    t.after(async () => {
      await alice.stop();
      await bob.stop();
      await tiny.close();
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const received = { alice: [] as string[], bob: [] as string[] };
    const track = (who: 'alice' | 'bob', c: ChatClient, from: string) =>
      c.on('entries', (es: LogEntry[]) => {
        for (const e of es) if (e.kind === 'message' && !e.own && e.text.startsWith(`${from}-`)) received[who].push(e.text);
      });
    track('alice', alice, 'bob');
    track('bob', bob, 'alice');

    // Restarts by progress: after every RESTART_EVERY acknowledgements (own messages turning 'sent'), one at a time.
    let acked = 0;
    let restarts = 0;
    let restarting: Promise<void> = Promise.resolve();
    const proxyDownSeen = { alice: 0, bob: 0 };
    let connections = 0;
    for (const [who, c] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      c.on('entries', (es: LogEntry[]) => {
        acked += es.filter((e) => e.kind === 'message' && e.own && e.delivery === 'sent').length;
        if (restarts < RESTARTS && acked >= (restarts + 1) * RESTART_EVERY) {
          restarts += 1;
          restarting = restarting.then(async () => {
            await tiny.stop();
            await tiny.start();
          });
        }
      });
      let wasConnected = false;
      c.on('status', (s) => {
        if (s.connection.kind === 'reconnecting' && s.connection.reason.code === 'PROXY_UNREACHABLE') proxyDownSeen[who] += 1;
        const isConnected = s.connection.kind === 'connected';
        if (isConnected && !wasConnected) connections += 1;
        wasConnected = isConnected;
      });
    }

    await alice.start();
    await bob.start();
    const started = Date.now();
    for (let b = 0; b < PER_CLIENT / BATCH; b++) {
      const sends: Promise<unknown>[] = [];
      for (let i = b * BATCH; i < (b + 1) * BATCH; i++) sends.push(alice.send(`alice-${i}`), bob.send(`bob-${i}`));
      const results = await Promise.all(sends);
      assert.ok(
        results.every((r) => (r as { ok: boolean }).ok),
        'every send was queued',
      );
      await new Promise((r) => setImmediate(r));
    }

    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => {
          if (
            alice.pendingCount() === 0 &&
            bob.pendingCount() === 0 &&
            new Set(received.alice).size >= PER_CLIENT &&
            new Set(received.bob).size >= PER_CLIENT
          )
            resolve();
        };
        for (const c of [alice, bob]) for (const e of ['entries', 'outbox', 'status'] as const) c.on(e, check);
        check();
      }),
      90_000,
      `the run to drain (${restarts} restarts so far, ${acked} acks)`,
    );
    await withTimeout(restarting, 10_000, 'the last restart to finish');
    const drainedAt = Date.now();

    for (const [who, from] of [
      ['alice', 'bob'],
      ['bob', 'alice'],
    ] as const) {
      const got = received[who];
      assert.equal(new Set(got).size, PER_CLIENT, `${who}: lost ${PER_CLIENT - new Set(got).size}`);
      assert.equal(got.length, PER_CLIENT, `${who}: ${got.length - new Set(got).size} duplicated`);
      const indexes = got.map((text) => Number(text.slice(from.length + 1)));
      assert.equal(
        indexes.findIndex((v, i) => i > 0 && v < indexes[i - 1]!),
        -1,
        `${who}: order of ${from}'s messages broken`,
      );
    }
    await Promise.all([alice.saveOutbox(), bob.saveOutbox()]);
    for (const name of ['alice', 'bob']) {
      assert.deepEqual(
        await new FileOutboxStore(path.join(dir, name, 'outbox.jsonl')).load(),
        { items: [] },
        `${name}'s outbox on disk is empty`,
      );
    }
    assert.equal(restarts, RESTARTS, 'tinyproxy was restarted mid-stream');
    // Every connection went through tinyproxy (one CONNECT each), and connections came back through it after the
    // restarts. Not "two per restart": a client that had nothing left to send or receive may still be in its backoff
    // when the run drains (a fresh clone once saw 7 CONNECTs for 7 connections), so count what actually connected.
    const tunnels = tiny.log().match(new RegExp(`CONNECT localhost:${srv.port} `, 'g'))?.length ?? 0;
    assert.ok(connections > 2, `clients reconnected through the restarted proxy (${connections} connections)`);
    assert.ok(tunnels >= connections, `every connection went through the proxy (${tunnels} CONNECTs for ${connections} connections)`);
    console.log(
      `chaos behind a proxy: ${2 * PER_CLIENT} messages, ${restarts} tinyproxy restarts, ${tunnels} tunnels for ${connections} connections, ` +
        `PROXY_UNREACHABLE seen alice ${proxyDownSeen.alice} / bob ${proxyDownSeen.bob}; lost 0, duplicated 0; ${drainedAt - started} ms`,
    );
  },
);
