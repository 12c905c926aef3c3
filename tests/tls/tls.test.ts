/**
 * Real TLS with certificates made by openssl: custom CA bundles, each failure
 * in its own words, a long backoff on TLS errors, and trust fixed in settings
 * applied without a restart.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadCaBundle, parseBundle } from '../../electron/core/network/ca-bundle';
import { ChatClient } from '../../electron/core/connection/client';
import { describeReason } from '../../electron/common/words';
import { makePki, type Pem, type TestPki } from '../helpers/certs';
import { runTs, type Proc } from '../helpers/proc';
import { testServer, type TestServer } from '../helpers/server';
import { nextEvent, stateIs, withTimeout } from '../helpers/wait';

let pki: TestPki;
before(() => {
  pki = makePki();
});
after(() => pki.cleanup());

const noSystem = { uosFile: '/nonexistent/uos.crt', systemFile: '/nonexistent/system.crt' };

async function tlsServer(t: import('node:test').TestContext, pem: Pem): Promise<TestServer> {
  const srv = await testServer({ tls: { cert: pem.cert, key: pem.key } });
  t.after(() => srv.stop());
  return srv;
}

function client(t: import('node:test').TestContext, url: string, ca: string[]): ChatClient {
  const c = new ChatClient({ config: { url, token: 'token-alice', tls: { ca } } });
  t.after(() => c.stop());
  return c;
}

async function failure(c: ChatClient) {
  await c.start();
  const s = await nextEvent(c, 'status', (x) => x.connection.kind === 'reconnecting');
  assert.ok(s.connection.kind === 'reconnecting');
  return s.connection;
}

test('a custom CA bundle → connected, and the chain is visible for diagnostics', async (t) => {
  const srv = await tlsServer(t, pki.good);
  assert.match(srv.url, /^wss:/);
  const ca = loadCaBundle({ userFile: pki.ca.certFile, ...noSystem });
  assert.deepEqual(ca.problems, []);
  const c = client(t, srv.url, ca.ca);
  await c.start();
  await stateIs(c, 'connected');
  const tls = c.diagnostics().tls!;
  assert.match(tls.protocol ?? '', /TLSv1\.[23]/);
  assert.deepEqual(
    tls.chain.map((x) => x.subject),
    ['good', 'UOS Chat Test CA'],
  );
  assert.equal(ca.origin.get(tls.chain[1]!.fingerprint256), 'user');
});

test('no bundle → "unknown CA", with a long backoff, not a fast loop', async (t) => {
  const srv = await tlsServer(t, pki.good);
  const c = client(t, srv.url, loadCaBundle(noSystem).ca);
  const s = await failure(c);
  assert.equal(s.reason.code, 'TLS_UNKNOWN_CA');
  assert.ok(s.delayMs >= 120_000, `waits ${s.delayMs} ms before the next try`);
  assert.match(describeReason(s.reason.code), /unknown authority/);
});

test('expired → "expired"; wrong host → "hostname mismatch"; self-signed → "self-signed"', async (t) => {
  const ca = loadCaBundle({ userFile: pki.ca.certFile, ...noSystem }).ca;
  const cases: Array<[Pem, string, string]> = [
    [pki.expired, 'TLS_EXPIRED', 'expired'],
    [pki.wrongHost, 'TLS_HOSTNAME', 'does not match'],
    [pki.selfSigned, 'TLS_SELF_SIGNED', 'self-signed'],
  ];
  for (const [pem, code, words] of cases) {
    const srv = await tlsServer(t, pem);
    const s = await failure(client(t, srv.url, ca));
    assert.equal(s.reason.code, code, pem.certFile);
    assert.match(describeReason(s.reason.code), new RegExp(words));
  }
});

test('a corrupt bundle gives an error naming the file; certificates that parse and other sources are still used', async (t) => {
  const corrupt = path.join(pki.dir, 'corrupt.crt');
  writeFileSync(corrupt, '-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n');
  const missing = loadCaBundle({ userFile: path.join(pki.dir, 'missing.crt'), ...noSystem });
  assert.match(missing.problems[0]!.detail!, /missing\.crt: file not found/);
  // The corrupt user bundle is reported, and the UOS bundle (another source) still lets us in.
  const ca = loadCaBundle({ userFile: corrupt, uosFile: pki.ca.certFile, systemFile: '/nonexistent' });
  assert.equal(ca.problems.length, 1);
  assert.match(ca.problems[0]!.detail!, /corrupt\.crt: no PEM certificates found/);
  const srv = await tlsServer(t, pki.good);
  const c = client(t, srv.url, ca.ca);
  await c.start();
  await stateIs(c, 'connected');
  // Half-good file: one broken block, one good: the good one is used, the broken one counted.
  const mixed = parseBundle(`-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n${pki.ca.cert}`);
  assert.equal(mixed.pems.length, 1);
  assert.equal(mixed.rejected, 1);
});

test('after the person fixes the bundle, the client reconnects at once — no restart, no long wait', async (t) => {
  const srv = await tlsServer(t, pki.good);
  const c = client(t, srv.url, loadCaBundle(noSystem).ca);
  const s = await failure(c);
  assert.equal(s.reason.code, 'TLS_UNKNOWN_CA');
  const connected = nextEvent(c, 'status', (x) => x.connection.kind === 'connected', 5000);
  c.reconfigure({ tls: { ca: loadCaBundle({ userFile: pki.ca.certFile, ...noSystem }).ca } });
  await connected;
});

test('CLI: --ca connects over wss; without it exit 4 with the words; doctor shows the chain and the CA source', async (t) => {
  const srv = await tlsServer(t, pki.good);
  const env = { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
  const exit = (p: Proc) => withTimeout(p.exited, 20_000, `cli exit: ${p.stderr.join(' | ')} ${p.stdout.slice(-2).join(' | ')}`);
  const ok = runTs(
    'electron/cli/main.ts',
    ['send', '--server', srv.url, '--token', 'token-alice', '--ca', pki.ca.certFile, '--data-dir', path.join(pki.dir, 'a'), 'over TLS'],
    env,
  );
  assert.equal((await exit(ok)).code, 0, ok.stderr.join('\n'));
  const bad = runTs(
    'electron/cli/main.ts',
    ['send', '--server', srv.url, '--token', 'token-alice', '--data-dir', path.join(pki.dir, 'b'), '--timeout', '3', 'no trust'],
    env,
  );
  assert.equal((await exit(bad)).code, 4);
  assert.match(bad.stderr.join('\n'), /certificate from an unknown authority/);
  const doc = runTs('electron/cli/main.ts', ['doctor', '--server', srv.url, '--token', 'token-alice', '--ca', pki.ca.certFile], env);
  assert.equal((await exit(doc)).code, 0, doc.stderr.join('\n'));
  const out = doc.stdout.join('\n');
  assert.match(out, /✔ TLS +TLSv1\.[23]; trusted via your CA bundle \(.*ca\.crt\): UOS Chat Test CA/);
  assert.match(out, /certificate good/);
  const docBad = runTs('electron/cli/main.ts', ['doctor', '--server', srv.url, '--token', 'token-alice'], env);
  assert.equal((await exit(docBad)).code, 4);
  assert.match(docBad.stdout.join('\n'), /✘ WebSocket +certificate from an unknown authority/);
});
