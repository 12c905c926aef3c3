/**
 * Compression: each mode round-trips between CLI and server processes, in both
 * directions; zip bombs in each mode close the connection with 1009 and a clear
 * reason, and the receiving process's peak memory stays flat (read from
 * /proc/<pid>/status VmHWM before and after the bomb).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import WebSocket from 'ws';
import { ChatClient } from '../../electron/core/connection/client';
import { rawServer } from '../helpers/raw-server';
import { runTs, startServerProcess } from '../helpers/proc';
import { testServer } from '../helpers/server';
import { stateIs, until, withTimeout } from '../helpers/wait';

const NO_DBUS = { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
const BOMB_BYTES = 64 * 1024 * 1024;

/** Peak resident memory of a process, in MiB. */
function peakMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN) / 1024;
}

for (const mode of ['deflate', 'zlib', 'off'] as const) {
  test(`compression ${mode}: CLI → server → CLI round trip`, async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `uos-chat-${mode}-`));
    writeFileSync(path.join(dir, 'tokens'), 'tok-a alice\ntok-b bob\n');
    const { proc: server, url } = await startServerProcess(['--tokens', path.join(dir, 'tokens'), '--compression', mode]);
    t.after(async () => {
      server.kill();
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    });
    const listen = runTs(
      'electron/cli/main.ts',
      ['listen', '--server', url, '--token', 'tok-b', '--compression', mode, '--count', '1', '--timeout', '20'],
      NO_DBUS,
    );
    await listen.line((l) => JSON.parse(l).state === 'connected', 15_000, 'listen connected');
    const text = `${mode}: ${'压缩测试 compression '.repeat(20)}`;
    const send = runTs(
      'electron/cli/main.ts',
      ['send', '--server', url, '--token', 'tok-a', '--compression', mode, '--data-dir', dir, text],
      NO_DBUS,
    );
    assert.equal((await withTimeout(send.exited, 20_000, 'send')).code, 0, send.stderr.join('\n'));
    assert.equal((await withTimeout(listen.exited, 20_000, 'listen')).code, 0);
    const got = listen.stdout.map((l) => JSON.parse(l)).find((l) => l.event === 'message');
    assert.equal(got.text, text);
  });
}

test('diagnostics show what was negotiated; zlib mode really sends binary zlib frames both ways', async (t) => {
  const srv = await testServer();
  t.after(() => srv.stop());
  const modes = { deflate: /permessage-deflate/, off: /^$/, zlib: /^$/ };
  for (const [mode, ext] of Object.entries(modes)) {
    const c = new ChatClient({ config: { url: srv.url, token: 'token-alice', compression: mode as 'deflate' } });
    await c.start();
    await stateIs(c, 'connected');
    assert.match(c.diagnostics().extensions, ext, mode);
    await c.stop();
  }
  // A raw peer sees what the zlib client puts on the wire, and answers in kind.
  const kinds: boolean[] = [];
  const raw = await rawServer((ws) => {
    ws.send(deflateSync(JSON.stringify({ type: 'connection_status', status: 'connected', features: ['ack'] })), { binary: true });
    ws.on('message', (data, isBinary) => {
      kinds.push(isBinary);
      const f = JSON.parse(inflateSync(data as Buffer).toString());
      if (f.type === 'chat_message') ws.send(deflateSync(JSON.stringify({ type: 'ack', id: f.id, seq: 1 })), { binary: true });
    });
  });
  t.after(() => raw.close());
  const z = new ChatClient({ config: { url: raw.url, compression: 'zlib' } });
  t.after(() => z.stop());
  await z.start();
  await stateIs(z, 'connected');
  await z.send('zipped');
  await until(z, () => z.pendingCount() === 0, 5000, 'acked over zlib');
  assert.deepEqual(kinds, [true]);
});

async function clientBomb(t: import('node:test').TestContext, mode: 'deflate' | 'zlib' | 'off') {
  const bomb = mode === 'zlib' ? deflateSync(Buffer.alloc(BOMB_BYTES)) : Buffer.alloc(mode === 'off' ? 1024 * 1024 : BOMB_BYTES, 0x61);
  let arm: () => void = () => {};
  let closed: Promise<number> = Promise.resolve(0);
  const srv = await rawServer(
    (ws) => {
      closed = withTimeout(new Promise<number>((r) => ws.once('close', (code) => r(code))), 15_000, 'the bombed socket to close');
      ws.send(JSON.stringify({ type: 'connection_status', status: 'connected', features: ['ack'] }));
      arm = () => ws.send(mode === 'zlib' ? bomb : bomb.toString(), { binary: mode === 'zlib' });
    },
    { perMessageDeflate: mode === 'deflate' },
  );
  t.after(() => srv.close());
  const listen = runTs('electron/cli/main.ts', ['listen', '--server', srv.url, '--compression', mode, '--timeout', '30'], NO_DBUS);
  t.after(async () => {
    listen.kill();
    await listen.exited;
  });
  await listen.line((l) => JSON.parse(l).state === 'connected', 15_000, 'connected');
  const before = peakMiB(listen.child.pid!);
  arm();
  const line = JSON.parse(await listen.line((l) => JSON.parse(l).reason === 'FRAME_TOO_LARGE', 15_000, 'FRAME_TOO_LARGE'));
  assert.match(line.words, /oversized frame/);
  const growth = peakMiB(listen.child.pid!) - before;
  return { growth, closeCode: await closed, line };
}

for (const mode of ['zlib', 'deflate', 'off'] as const) {
  test(`client under a ${mode === 'off' ? 'plain oversized frame' : `${mode} zip bomb`}: closed with 1009, clear reason, memory flat`, async (t) => {
    const { growth, closeCode } = await clientBomb(t, mode);
    console.log(`client ${mode} bomb (${mode === 'off' ? '1 MiB frame' : '64 MiB inflated'}): peak RSS growth ${growth.toFixed(1)} MiB`);
    assert.ok(growth < 16, `peak RSS grew ${growth.toFixed(1)} MiB`);
    // 1009 from our close (zlib) or from ws's own maxPayload check (permessage-deflate, plain).
    assert.equal(closeCode, 1009);
  });
}

test('server under zip bombs (zlib frame and permessage-deflate): closed with 1009, memory flat, still serving', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-bomb-'));
  writeFileSync(path.join(dir, 'tokens'), 'tok-a alice\n');
  const { proc: server, url } = await startServerProcess(['--tokens', path.join(dir, 'tokens')]);
  t.after(async () => {
    server.kill();
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  });
  const open = async (perMessageDeflate: boolean) => {
    const ws = new WebSocket(`${url}?token=tok-a`, { perMessageDeflate });
    await withTimeout(new Promise((r) => ws.once('message', r)), 5000, 'hello');
    return {
      ws,
      closed: withTimeout(new Promise<[number, string]>((r) => ws.once('close', (c, why) => r([c, why.toString()]))), 15_000, 'close'),
    };
  };
  const zlibBomb = deflateSync(Buffer.alloc(BOMB_BYTES));
  const plainBomb = Buffer.alloc(BOMB_BYTES, 0x61).toString();
  const before = peakMiB(server.child.pid!);
  const a = await open(false);
  a.ws.send(zlibBomb, { binary: true });
  assert.deepEqual(await a.closed, [1009, 'decompressed message too large']);
  const b = await open(true);
  b.ws.send(plainBomb);
  assert.equal((await b.closed)[0], 1009);
  const growth = peakMiB(server.child.pid!) - before;
  console.log(`server bombs (64 MiB inflated, zlib and permessage-deflate): peak RSS growth ${growth.toFixed(1)} MiB`);
  assert.ok(growth < 16, `server peak RSS grew ${growth.toFixed(1)} MiB`);
  const c = await open(false);
  c.ws.send(JSON.stringify({ type: 'ping' }));
  await withTimeout(new Promise((r) => c.ws.on('message', (d) => JSON.parse(d.toString()).type === 'pong' && r(null))), 5000, 'pong');
  c.ws.close();
});
