/**
 * electron/core/files (FileTransfer over the reference server): an upload cut three times by the
 * fault proxy arrives once and byte-exact, going on from the server's offset; one that gives up
 * goes on from its journal in the next run instead of starting over (both read off the wire:
 * one upload created, chunks never from 0 again); a download cut mid-way
 * resumes with a Range; and the chat connection's rules hold: through tinyproxy (CONNECT), over
 * TLS with the private CA, and refused without it (verification is never off).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileTransfer, TransferError, UploadJournal } from '../../electron/core/files';
import { proxyResolver } from '../../electron/core/network/proxy-decision';
import { makePki } from '../helpers/certs';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { faultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { download, filesBase, sha256 } from '../helpers/file-http';
import { startTinyproxy } from '../helpers/proxies';
import { testServer } from '../helpers/server';

const MB = 1024 * 1024;

async function setUp(t: { after(fn: () => Promise<void> | void): void }, extra: Parameters<typeof testServer>[0] = {}, ca?: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-transfer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const srv = await testServer({ tokens: THREE, dataDir: path.join(dir, 'server'), ...extra });
  t.after(() => srv.stop());
  const alice = await conversationPeer(srv.url, 'token-alice', { features: 'conversations' }, ca ? { ca: [ca] } : {});
  t.after(() => alice.close());
  const conv = (await alice.request({ type: 'create', name: 'f', kind: 'private', members: ['bob'] })).conversation.id as string;
  const file = (name: string, bytes: Buffer) => {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  return { dir, srv, conv, file };
}

/** From now on, what the clients ask through `proxy`: how many uploads they create, and where each chunk starts. */
function askedFor(proxy: FaultProxy): { creates: () => number; offsets: number[] } {
  let creates = 0;
  const offsets: number[] = [];
  proxy.onClientBytes = (chunk) => {
    const text = chunk.toString('latin1');
    creates += text.match(/^POST \/files\/uploads /gm)?.length ?? 0;
    for (const m of text.matchAll(/^upload-offset: (\d+)\r$/gim)) offsets.push(Number(m[1]));
  };
  return { creates: () => creates, offsets };
}

test('an upload cut three times by the network arrives once, byte-exact; a download cut mid-way resumes', async (t) => {
  const { dir, srv, conv, file } = await setUp(t);
  const proxy = await faultProxy(srv.port);
  t.after(() => proxy.close());
  const viaProxy = `ws://127.0.0.1:${proxy.port}/ws/chat/`;
  const bytes = randomBytes(6 * MB);
  const transfer = new FileTransfer({ config: { url: viaProxy, token: 'token-alice' }, chunkBytes: MB, retryDelayMs: 0 });
  // What the client asked for, read off the wire.
  const { creates, offsets } = askedFor(proxy);
  proxy.cutByTraffic({ nextBudget: () => 1.5 * MB, maxCuts: 3 });
  const a = await transfer.upload(conv, file('six.bin', bytes));
  proxy.onClientBytes = undefined;
  assert.equal(proxy.cuts, 3, 'the network was cut three times during the upload');
  assert.equal(creates(), 1, 'one upload, created once');
  assert.equal(offsets.filter((o) => o === 0).length, 1, `resumed, never restarted from 0: chunks at ${offsets.join(', ')}`);
  assert.ok(
    offsets.every((o, i) => i === 0 || o >= offsets[i - 1]!),
    `each chunk starts at or past the one before: ${offsets.join(', ')}`,
  );
  const d = await download(filesBase(srv.url), 'token-bob', `/files/${a.id}`);
  assert.equal(sha256(d.bytes), sha256(bytes));
  assert.deepEqual(readdirSync(path.join(dir, 'server/files/uploads')), [], 'no upload left half done');

  proxy.cutByTraffic({ nextBudget: () => 2 * MB, maxCuts: proxy.cuts + 2 });
  const out = path.join(dir, 'got.bin');
  const size = await new FileTransfer({ config: { url: viaProxy, token: 'token-bob' }, retryDelayMs: 0 }).download(a.id, out);
  assert.equal(size, bytes.length);
  assert.equal(proxy.cuts, 5, 'the download was cut twice');
  assert.equal(sha256(readFileSync(out)), sha256(bytes), 'byte-exact after the Range resumes');
});

test('a run that gives up mid-upload leaves its journal; the next run goes on from the server offset', async (t) => {
  const { dir, srv, conv, file } = await setUp(t);
  const proxy = await faultProxy(srv.port);
  t.after(() => proxy.close());
  const config = { url: `ws://127.0.0.1:${proxy.port}/ws/chat/`, token: 'token-alice' };
  const journal = path.join(dir, 'uploads.json');
  const bytes = randomBytes(4 * MB);
  const f = file('four.bin', bytes);
  // The first run: one try only, cut after about 2.5 MB.
  proxy.cutByTraffic({ nextBudget: () => 2.5 * MB, maxCuts: 1 });
  const first = new FileTransfer({ config, journal: new UploadJournal(journal), chunkBytes: MB, attempts: 1, retryDelayMs: 0 });
  await assert.rejects(first.upload(conv, f), TransferError);
  assert.equal(Object.keys(JSON.parse(readFileSync(journal, 'utf8'))).length, 1, 'the unfinished upload is remembered');
  const { creates, offsets } = askedFor(proxy);
  const second = new FileTransfer({ config, journal: new UploadJournal(journal), chunkBytes: MB, retryDelayMs: 0 });
  const a = await second.upload(conv, f);
  assert.equal(creates(), 0, 'the second run created no upload: it took the one from the journal');
  assert.ok(offsets[0]! >= MB, `it went on from the server's offset: chunks at ${offsets.join(', ')}`);
  assert.equal(sha256((await download(filesBase(srv.url), 'token-alice', `/files/${a.id}`)).bytes), sha256(bytes));
  assert.deepEqual(JSON.parse(readFileSync(journal, 'utf8')), {}, 'done: forgotten');
});

test('uploads take the chat connection’s proxy (tinyproxy CONNECT) and CAs; without the CA, TLS refuses', async (t) => {
  const pki = makePki();
  t.after(() => pki.cleanup());
  const { srv, conv, file } = await setUp(t, { tls: { cert: pki.good.cert, key: pki.good.key } }, pki.ca.cert);
  const tiny = await startTinyproxy({ connectPorts: [srv.port] });
  t.after(() => tiny.close());
  const bytes = randomBytes(100_000);
  const f = file('tls.bin', bytes);
  const proxy = proxyResolver({ setting: tiny.url({ user: 'user', pass: 'pass' }), settingSource: 'settings' });
  const ok = new FileTransfer({ config: { url: srv.url, token: 'token-alice', tls: { ca: [pki.ca.cert] }, proxy }, retryDelayMs: 0 });
  const a = await ok.upload(conv, f);
  assert.equal(a.size, bytes.length);
  assert.match(tiny.log(), /CONNECT/, 'it went through the proxy');
  const noCa = new FileTransfer({ config: { url: srv.url, token: 'token-alice' }, attempts: 1, retryDelayMs: 0 });
  const refused = await noCa.upload(conv, f).catch((err: TransferError) => err);
  assert.ok(refused instanceof TransferError);
  assert.match(refused.reason.detail ?? '', /certificate/i);
});
