/**
 * Behind a proxy, with real parts: Debian's tinyproxy (HTTP CONNECT, Basic auth) and microsocks
 * (SOCKS5), the reference server on loopback, the CLI as a person runs it and the core in-process.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient } from '../../electron/core/connection/client';
import { loadCaBundle } from '../../electron/core/network/ca-bundle';
import { proxyResolver, type ProxyDecision } from '../../electron/core/network/proxy-decision';
import type { ProxyReport } from '../../electron/core/network/proxy-agent';
import { tcpTarget } from '../../electron/cli/doctor-proxy';
import { makePki, type TestPki } from '../helpers/certs';
import { runTs, type Proc } from '../helpers/proc';
import { freePort } from '../helpers/ports';
import { startMicrosocks, startTinyproxy, type RunningProxy, type Tinyproxy } from '../helpers/proxies';
import { testServer, type TestServer } from '../helpers/server';
import { stateIs, withTimeout } from '../helpers/wait';

const CREDS = { user: 'user', pass: 'pass' };
/** No proxy variable from the machine running the tests leaks in; each test sets its own. */
const NO_PROXY_ENV = Object.fromEntries(
  ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap((v) => [
    [v, ''],
    [v.toUpperCase(), ''],
  ]),
);
const BASE_ENV = {
  ...NO_PROXY_ENV,
  UOS_CHAT_PROXY: '',
  DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent',
  DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
};

let dir: string;
let srv: TestServer;
let tls: TestServer;
let pki: TestPki;
let tiny: Tinyproxy;
let socks: RunningProxy;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-proxy-'));
  pki = makePki();
  srv = await testServer();
  tls = await testServer({ tls: { cert: pki.good.cert, key: pki.good.key } });
  tiny = await startTinyproxy({ connectPorts: [srv.port, tls.port] });
  socks = await startMicrosocks();
});

after(async () => {
  await tiny?.close();
  await socks?.close();
  await srv?.stop();
  await tls?.stop();
  pki?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

let runs = 0;
function send(server: string, text: string, env: Record<string, string>, extra: string[] = []): Proc {
  const dataDir = path.join(dir, `cli-${++runs}`);
  return runTs('electron/cli/main.ts', ['send', '--server', server, '--data-dir', dataDir, '--timeout', '8', ...extra, text], {
    ...BASE_ENV,
    UOS_CHAT_TOKEN: 'token-alice',
    ...env,
  });
}
const exit = (p: Proc) => withTimeout(p.exited, 20_000, `the CLI to exit: ${p.stderr.join(' | ')}`);
const connectsTo = (port: number) => new RegExp(`CONNECT localhost:${port} HTTP/1.1`, 'g');
const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

test('CLI over ws://: HTTP_PROXY with user:password goes through tinyproxy (its log shows the CONNECT) and is acknowledged', async () => {
  const before = count(tiny.log(), connectsTo(srv.port));
  const p = send(`ws://localhost:${srv.port}/ws/chat/`, 'hi through the proxy', { HTTP_PROXY: tiny.url(CREDS) });
  assert.equal((await exit(p)).code, 0, p.stderr.join('\n'));
  assert.ok(
    p.stdout.some((l) => JSON.parse(l).type === 'ack'),
    'acknowledged',
  );
  assert.equal(count(tiny.log(), connectsTo(srv.port)), before + 1, 'one CONNECT in tinyproxy’s log');
});

test('CLI over wss://: HTTPS_PROXY, TLS end to end to the server with the test CA (the proxy sees only the tunnel)', async () => {
  const before = count(tiny.log(), connectsTo(tls.port));
  const p = send(`wss://localhost:${tls.port}/ws/chat/`, 'secret over TLS', { HTTPS_PROXY: tiny.url(CREDS) }, ['--ca', pki.ca.certFile]);
  assert.equal((await exit(p)).code, 0, p.stderr.join('\n'));
  assert.equal(count(tiny.log(), connectsTo(tls.port)), before + 1);
  assert.doesNotMatch(tiny.log(), /secret over TLS/, 'the proxy never saw the message');
  // Without our CA the server's certificate is refused — verification is not the proxy's, and not off.
  const untrusted = send(`wss://localhost:${tls.port}/ws/chat/`, 'untrusted', { HTTPS_PROXY: tiny.url(CREDS) });
  assert.equal((await exit(untrusted)).code, 4, untrusted.stderr.join('\n'));
});

test('CLI: a dead proxy fails with the proxy named (no password), exit 5, does not go direct, and keeps the message', async () => {
  const dead = await freePort();
  const seenBefore = srv.logs.length;
  const p = send(`ws://localhost:${srv.port}/ws/chat/`, 'kept', { HTTP_PROXY: `http://user:s3cret@127.0.0.1:${dead}` });
  assert.equal((await exit(p)).code, 5);
  const err = p.stderr.join('\n');
  assert.match(err, /proxy unreachable/);
  assert.match(err, new RegExp(`http://127\\.0\\.0\\.1:${dead}`));
  assert.doesNotMatch(err, /s3cret/);
  assert.match(err, /1 message\(s\) kept in/);
  assert.equal(srv.logs.slice(seenBefore).filter((l) => /alice/.test(l)).length, 0, 'nothing reached the server directly');
});

test('CLI: without credentials tinyproxy answers 407, said in words', async () => {
  const p = send(`ws://localhost:${srv.port}/ws/chat/`, 'no password', { HTTP_PROXY: tiny.url() });
  assert.equal((await exit(p)).code, 5);
  assert.match(p.stderr.join('\n'), /the proxy needs a user name and password \(407\).*HTTP 407/);
});

test('CLI: NO_PROXY=localhost,127.0.0.1 goes direct even with a dead proxy set', async () => {
  const dead = await freePort();
  const p = send(`ws://localhost:${srv.port}/ws/chat/`, 'direct', {
    HTTP_PROXY: `http://127.0.0.1:${dead}`,
    NO_PROXY: 'localhost,127.0.0.1',
  });
  assert.equal((await exit(p)).code, 0, p.stderr.join('\n'));
});

test('CLI doctor: the decision, where it came from, the proxy’s answer to CONNECT and its time', async () => {
  const p = runTs('electron/cli/main.ts', ['doctor', '--server', `ws://localhost:${srv.port}/ws/chat/`, '--proxy', tiny.url(CREDS)], {
    ...BASE_ENV,
    UOS_CHAT_TOKEN: 'token-alice',
  });
  assert.equal((await exit(p)).code, 0, p.stderr.join('\n'));
  const out = p.stdout.join('\n');
  assert.match(out, new RegExp(`✔ Proxy +http://127\\.0\\.0\\.1:${tiny.port} — from the --proxy flag`));
  assert.match(out, /answer +http:\/\/127\.0\.0\.1:\d+: HTTP 200 Connection established in [\d.]+ ms/);
  // Behind a proxy the TCP line checks the proxy, and says so (the server may be out of reach from here).
  assert.match(
    out,
    new RegExp(`✔ TCP +to the proxy http://127\\.0\\.0\\.1:${tiny.port} \\(the server is reached through it\\): connected in [\\d.]+ ms`),
  );
  assert.doesNotMatch(out, /user:pass/);
});

test('CLI doctor: with a dead proxy the TCP line is ✘ for the proxy, not ✔ for the server it never reached', async () => {
  const dead = await freePort();
  const p = runTs(
    'electron/cli/main.ts',
    ['doctor', '--server', `ws://localhost:${srv.port}/ws/chat/`, '--proxy', `http://user:s3cret@127.0.0.1:${dead}`, '--json'],
    { ...BASE_ENV, UOS_CHAT_TOKEN: 'token-alice' },
  );
  await exit(p);
  const report = JSON.parse(p.stdout.join('\n')) as { tcp: { ok: boolean; via?: string; error?: string } };
  assert.equal(report.tcp.ok, false, 'the server is reachable directly, but the proxy is not');
  assert.equal(report.tcp.via, `http://127.0.0.1:${dead}`);
  assert.match(report.tcp.error ?? '', /ECONNREFUSED/);
  assert.doesNotMatch(p.stdout.join('\n'), /s3cret/);
});

test('doctor TCP target: the proxy that worked, else the first proxy tried, else the server; default ports', () => {
  const report = (r: Partial<ProxyReport>): ProxyReport => ({ source: 'system', routes: [], failures: [], ...r });
  const server = 'wss://chat.example/ws/chat/';
  assert.deepEqual(tcpTarget(server, undefined), { host: 'chat.example', port: 443 });
  assert.deepEqual(tcpTarget(server, report({ routes: ['http://a:3128', 'DIRECT'], used: 'DIRECT' })), { host: 'chat.example', port: 443 });
  assert.deepEqual(tcpTarget(server, report({ routes: ['http://a:3128', 'socks5h://b'], used: 'socks5h://b' })), {
    host: 'b',
    port: 1080,
    via: 'socks5h://b',
  });
  assert.deepEqual(tcpTarget(server, report({ routes: ['DIRECT', 'http://a:3128'] })), { host: 'a', port: 3128, via: 'http://a:3128' });
  assert.deepEqual(tcpTarget('ws://[::1]:8765/ws/chat/', report({ routes: ['DIRECT'] })), { host: '::1', port: 8765 });
});

/** A client on the in-process core, with the proxy setting `setting` (as the app maps it). */
function clientVia(setting: string, url = srv.url.replace('127.0.0.1', 'localhost')): ChatClient {
  return new ChatClient({
    config: {
      url,
      token: 'token-bob',
      proxy: proxyResolver({ setting, settingSource: 'settings' }),
      backoff: { baseMs: 50, capMs: 200, rateLimitedMs: 1000, tlsMs: 60_000, proxyMs: 60_000 },
    },
  });
}

test('core: socks5h:// through microsocks connects and delivers; the proxy resolves the name', async (t) => {
  const c = clientVia(socks.url());
  t.after(() => c.stop());
  const started = performance.now();
  await c.start();
  await stateIs(c, 'connected', 10_000);
  const ms = performance.now() - started;
  const r = await c.send('via socks');
  assert.ok(r.ok);
  await withTimeout(new Promise<void>((res) => c.on('outbox', (n) => n === 0 && res())), 5_000, 'the ack');
  const proxy = c.diagnostics().proxy!;
  assert.equal(proxy.used, `socks5h://127.0.0.1:${socks.port}`);
  assert.equal(proxy.answer, 'SOCKS granted');
  console.log(`connected through microsocks in ${ms.toFixed(1)} ms (SOCKS handshake ${proxy.ms} ms)`);
});

test('core: a name the SOCKS proxy cannot resolve → PROXY_DNS_FAILED; it waits its backoff (no fast loop)', async (t) => {
  const c = clientVia(socks.url(), 'ws://no-such-host.invalid:80/ws/chat/');
  t.after(() => c.stop());
  const attempts: number[] = [];
  c.on('status', (s) => s.connection.kind === 'connecting' && attempts.push(s.connection.attempt));
  await c.start();
  const s = await stateIs(c, 'reconnecting', 10_000);
  assert.ok(s.connection.kind === 'reconnecting');
  assert.equal(s.connection.reason.code, 'PROXY_DNS_FAILED');
  assert.ok(s.connection.delayMs >= 60_000, `waits at least its floor (${s.connection.delayMs} ms)`);
  assert.equal(attempts.length, 1);
});

test('core: HTTP CONNECT refused by the proxy (port not allowed: 403) → PROXY_REFUSED', async (t) => {
  const other = await testServer();
  t.after(() => other.stop());
  const c = clientVia(tiny.url(CREDS), other.url.replace('127.0.0.1', 'localhost'));
  t.after(() => c.stop());
  await c.start();
  const s = await stateIs(c, 'reconnecting', 10_000);
  assert.ok(s.connection.kind === 'reconnecting');
  assert.equal(s.connection.reason.code, 'PROXY_REFUSED');
  assert.match(s.connection.reason.detail ?? '', /HTTP 403/);
});

test('core: a PAC-style list is tried in order: a dead proxy, then tinyproxy; and a dead proxy then DIRECT', async (t) => {
  const dead = await freePort();
  const list = async (answer: string): Promise<ProxyDecision> => {
    const resolve = proxyResolver({ setting: 'system', settingSource: 'settings', system: async () => answer });
    return resolve(srv.url);
  };
  const through = new ChatClient({
    config: {
      url: srv.url.replace('127.0.0.1', 'localhost'),
      token: 'token-bob',
      proxy: () => list(`PROXY 127.0.0.1:${dead}; PROXY user:pass@127.0.0.1:${tiny.port}; DIRECT`),
    },
  });
  t.after(() => through.stop());
  const before = count(tiny.log(), connectsTo(srv.port));
  await through.start();
  await stateIs(through, 'connected', 10_000);
  const report = through.diagnostics().proxy!;
  assert.equal(report.source, 'system');
  assert.equal(report.used, `http://127.0.0.1:${tiny.port}`);
  assert.match(report.failures[0] ?? '', new RegExp(`127\\.0\\.0\\.1:${dead}: .*ECONNREFUSED`));
  assert.equal(count(tiny.log(), connectsTo(srv.port)), before + 1);

  const direct = new ChatClient({ config: { url: srv.url, token: 'token-bob', proxy: () => list(`PROXY 127.0.0.1:${dead}; DIRECT`) } });
  t.after(() => direct.stop());
  await direct.start();
  await stateIs(direct, 'connected', 10_000);
  assert.equal(direct.diagnostics().proxy!.used, 'DIRECT');
});

test('core: connect time through tinyproxy vs direct (measured, printed)', async (t) => {
  const time = async (c: ChatClient) => {
    t.after(() => c.stop());
    const started = performance.now();
    await c.start();
    await stateIs(c, 'connected', 10_000);
    return performance.now() - started;
  };
  const direct = await time(new ChatClient({ config: { url: srv.url, token: 'token-bob' } }));
  const proxied = await time(clientVia(tiny.url(CREDS)));
  const tlsProxied = await time(
    new ChatClient({
      config: {
        url: tls.url.replace('127.0.0.1', 'localhost'),
        token: 'token-bob',
        tls: { ca: loadCaBundle({ userFile: pki.ca.certFile }).ca },
        proxy: proxyResolver({ setting: tiny.url(CREDS), settingSource: 'settings' }),
      },
    }),
  );
  console.log(
    `connect to ready: direct ${direct.toFixed(1)} ms, through tinyproxy ${proxied.toFixed(1)} ms, wss through tinyproxy ${tlsProxied.toFixed(1)} ms`,
  );
});
