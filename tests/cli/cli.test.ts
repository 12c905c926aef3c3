/**
 * `npm run cli -- send|listen` round-trips against `npm run server`: real processes, real sockets.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTs, startServerProcess, type Proc } from '../helpers/proc';
import { withTimeout } from '../helpers/wait';

let dir: string;
let server: Proc;
let url: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-cli-'));
  const tokens = path.join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify({ 'secret-alice-token': 'alice', 'secret-bob-token': 'bob' }));
  ({ proc: server, url } = await startServerProcess(['--tokens', tokens]));
});

after(async () => {
  server?.kill();
  await server?.exited;
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runTs('electron/cli/main.ts', args, { XDG_DATA_HOME: path.join(dir, 'xdg'), ...env });
const exit = (p: Proc, ms = 20_000) => withTimeout(p.exited, ms, 'the CLI to exit');

test('send is delivered (acked) and listen prints it as one JSON line', async () => {
  const listen = cli(['listen', '--server', url, '--token', 'secret-bob-token', '--count', '1', '--timeout', '20']);
  await listen.line((l) => JSON.parse(l).state === 'connected', 15_000, 'listen connected');

  const send = cli([
    'send',
    '--server',
    url,
    '--token',
    'secret-alice-token',
    '--data-dir',
    path.join(dir, 'a'),
    'hello from the CLI 你好',
  ]);
  const { code } = await exit(send);
  assert.equal(code, 0, send.stderr.join('\n'));
  const frames = send.stdout.map((l) => JSON.parse(l));
  assert.equal(frames[0].type, 'connection_status');
  assert.ok(
    frames.some((f) => f.type === 'ack' && typeof f.seq === 'number'),
    'an ack frame was printed',
  );

  assert.equal((await exit(listen)).code, 0);
  const lines = listen.stdout.map((l) => JSON.parse(l));
  const msg = lines.find((l) => l.event === 'message');
  assert.equal(msg.user, 'alice');
  assert.equal(msg.text, 'hello from the CLI 你好');
  assert.ok(
    lines.every((l) => typeof l.event === 'string'),
    'every line is a JSON event',
  );
  assert.ok(lines.some((l) => l.event === 'status' && l.state === 'connecting'));
});

test('a bad token exits 3 with one line of words, and the token is never printed', async () => {
  const send = cli(['send', '--server', url, '--token', 'not-a-valid-token-xyz', '--data-dir', path.join(dir, 'b'), 'hi']);
  const { code } = await exit(send);
  assert.equal(code, 3);
  assert.match(send.stderr.join('\n'), /authentication failed/);
  const everything = [...send.stdout, ...send.stderr, ...server.stderr].join('\n');
  assert.ok(!everything.includes('not-a-valid-token-xyz'), 'token leaked into output or server log');
  assert.ok(!server.stderr.join('\n').includes('secret-alice-token'), 'token leaked into the server log');
});

test('an unreachable server exits 5 within the timeout, and the message is kept for next time', async () => {
  const dataDir = path.join(dir, 'c');
  const send = cli(['send', '--server', 'ws://127.0.0.1:9/ws/chat/', '--token', 't', '--data-dir', dataDir, '--timeout', '2', 'kept']);
  const { code } = await exit(send);
  assert.equal(code, 5);
  assert.match(send.stderr.join('\n'), /server unreachable/);
  assert.match(send.stderr.join('\n'), /kept in .*accounts\/[0-9a-f]{24}\/outbox\.jsonl/);

  // A run against another server, as another user, sends only its own message: the kept one belongs to its account.
  const listen = cli(['listen', '--server', url, '--token', 'secret-bob-token', '--count', '1', '--timeout', '20']);
  await listen.line((l) => JSON.parse(l).state === 'connected', 15_000, 'listen connected');
  const again = cli(['send', '--server', url, '--token', 'secret-alice-token', '--data-dir', dataDir, 'new']);
  assert.equal((await exit(again)).code, 0, again.stderr.join('\n'));
  assert.equal((await exit(listen)).code, 0);
  const texts = listen.stdout
    .map((l) => JSON.parse(l))
    .filter((l) => l.event === 'message')
    .map((l) => l.text);
  assert.deepEqual(texts, ['new']);
  // The next run for the unreachable server's account still has it.
  const later = cli([
    'send',
    '--server',
    'ws://127.0.0.1:9/ws/chat/',
    '--token',
    't',
    '--data-dir',
    dataDir,
    '--timeout',
    '1',
    'also kept',
  ]);
  assert.equal((await exit(later)).code, 5);
  assert.match(later.stderr.join('\n'), /2 message\(s\) kept in/);
});

test('too large exits 2; usage errors exit 1', async () => {
  const big = cli(['send', '--server', url, '--token', 'secret-alice-token', '--data-dir', path.join(dir, 'd'), 'x'.repeat(10_241)]);
  const r = await exit(big);
  assert.equal(r.code, 2);
  assert.match(big.stderr.join('\n'), /message too large/);
  const usage = cli(['send', '--token', 'x', 'hi']);
  assert.equal((await exit(usage)).code, 1);
  assert.match(usage.stderr.join('\n'), /--server URL is required/);
  const badUrl = cli(['send', '--server', 'http://127.0.0.1/', 'hi']);
  assert.equal((await exit(badUrl)).code, 1);
  assert.match(badUrl.stderr.join('\n'), /ws:\/\/ or wss:\/\//);
});
