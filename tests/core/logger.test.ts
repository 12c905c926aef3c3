/**
 * The log file: levels and sources, redaction, rotation at its cap, a disk that fails
 * (reported once, never thrown, tried again later), and flushing what is queued.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultLogDir, Logger, logFileName, type LogFs, type LoggerOptions } from '../../electron/core/support/logger';
import { redactText, secretsOf } from '../../electron/core/support/redact';

const TOKEN = 'tok-LOGGER-9d41e7-secret';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uos-chat-log-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A logger whose queue is written only when the test says (run()), at a fixed time. */
function manualLogger(options: LoggerOptions) {
  const pending: Array<() => void> = [];
  let now = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
  const echoed: string[] = [];
  const logger = new Logger({ now: () => now, schedule: (fn) => pending.push(fn), echo: (l) => echoed.push(l), ...options });
  const run = () => pending.splice(0).forEach((fn) => fn());
  return { logger, echoed, run, advance: (ms: number) => (now += ms), scheduled: () => pending.length };
}

const read = (dir: string, i = 0) => fs.readFileSync(path.join(dir, logFileName(i)), 'utf8');

test('lines carry time, level and source; below the level nothing is written; one write per turn', (t) => {
  const dir = tempDir(t);
  const { logger, echoed, run, scheduled } = manualLogger({ dir, level: 'info' });
  logger.for('core').info('connecting');
  logger.for('monitor').warn('system bus unavailable');
  logger.for('settings').debug('not shown at info');
  assert.equal(scheduled(), 1, 'a burst is one scheduled write');
  assert.equal(fs.existsSync(path.join(dir, logFileName(0))), false, 'nothing written before the turn ends');
  run();
  assert.equal(
    read(dir),
    '2025-01-02T03:04:05.678Z INFO  [core] connecting\n2025-01-02T03:04:05.678Z WARN  [monitor] system bus unavailable\n',
  );
  assert.deepEqual(echoed, ['[uos-chat] info core: connecting', '[uos-chat] warn monitor: system bus unavailable']);
  assert.equal(fs.statSync(path.join(dir, logFileName(0))).mode & 0o777, 0o600, 'the file is private');
});

test('secrets are masked in the file and on stderr: known tokens in every form, URL passwords, token= pairs, Authorization', (t) => {
  const dir = tempDir(t);
  const { logger, echoed, run } = manualLogger({ dir, secrets: () => [TOKEN, undefined] });
  const log = logger.for('core');
  log.warn(`connection closed: 4000 (/ws/chat/?token=${encodeURIComponent(TOKEN)}&since=4)`);
  log.info(`server said ${TOKEN} and ${Buffer.from(TOKEN).toString('base64')}`);
  log.info('proxy http://alice:hunter2-proxy@proxy.example:3128 chosen');
  log.info('GET /ws/chat/?since=1&access_token=unknown-secret-1 HTTP/1.1');
  log.info('Proxy-Authorization: Basic dXNlcjpwYXNzLXNlY3JldA==');
  run();
  const text = read(dir) + echoed.join('\n');
  for (const leak of [TOKEN, encodeURIComponent(TOKEN), 'hunter2-proxy', 'unknown-secret-1', 'dXNlcjpwYXNzLXNlY3JldA=='])
    assert.ok(!text.includes(leak), `leaked ${leak}: ${text}`);
  assert.match(text, /since=4/, 'the rest of the line stays readable');
  assert.match(text, /alice:\*\*\*@proxy\.example:3128/);
  assert.match(text, /access_token=\*\*\*/);
});

test('redactText leaves ordinary text alone', () => {
  const plain = 'connected to ws://127.0.0.1:8765/ws/chat/ in 12 ms; 3 messages; key hint: press Enter';
  assert.equal(redactText(plain), plain);
});

test('control characters are shown, not obeyed; a huge line is cut', (t) => {
  const dir = tempDir(t);
  const { logger, run } = manualLogger({ dir });
  logger.for('core').warn('reason \u001b[31mred\u001b[0m\rover');
  logger.for('core').warn('x'.repeat(20_000));
  run();
  const [first, second] = read(dir).split('\n');
  assert.match(first!, /reason \\x1b\[31mred\\x1b\[0m\\x0dover$/);
  assert.ok(second!.length < 8_300 && /… \(11808 more characters\)$/.test(second!), second!.slice(-60));
});

test('rotation: the file never passes its cap, older files shift up, only `files` are kept, no line is split', (t) => {
  const dir = tempDir(t);
  const { logger, run } = manualLogger({ dir, maxBytes: 2_048, files: 3 });
  const log = logger.for('main');
  for (let i = 0; i < 400; i += 1) {
    log.info(`line ${String(i).padStart(4, '0')} ${'·'.repeat(i % 40)}`);
    if (i % 7 === 0) run();
  }
  run();
  assert.deepEqual(fs.readdirSync(dir).sort(), [logFileName(0), logFileName(1), logFileName(2)].sort());
  const kept = [2, 1, 0].map((i) => read(dir, i));
  for (const text of kept) {
    assert.ok(Buffer.byteLength(text) <= 2_048, `a file is ${Buffer.byteLength(text)} bytes`);
    assert.ok(text.endsWith('\n'));
  }
  const numbers = kept
    .join('')
    .trim()
    .split('\n')
    .map((l) => Number(/line (\d+)/.exec(l)![1]));
  assert.equal(numbers.at(-1), 399, 'the newest line is in the current file');
  assert.deepEqual(
    numbers,
    numbers.map((_, i) => numbers[0]! + i),
    'oldest first, nothing lost between the kept files',
  );
  assert.ok(numbers[0]! > 0, 'the oldest lines went');
});

test('an existing file counts towards the cap (appending after a restart)', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, logFileName(0)), 'x'.repeat(2_000) + '\n');
  const { logger, run } = manualLogger({ dir, maxBytes: 2_048 });
  logger.for('main').info('the first line of this run, too long to fit in the old file');
  run();
  assert.match(read(dir, 1), /^x+\n$/);
  assert.match(read(dir), /first line of this run/);
});

test('close() writes what is queued at once; later lines go to stderr only', (t) => {
  const dir = tempDir(t);
  const { logger, echoed } = manualLogger({ dir });
  logger.for('main').info('queued before quit');
  logger.close();
  assert.match(read(dir), /queued before quit/);
  logger.for('main').info('after close');
  assert.doesNotMatch(read(dir), /after close/);
  assert.equal(echoed.at(-1), '[uos-chat] info main: after close');
});

test('a failing disk (ENOSPC, then EACCES) is reported once, never thrown, and tried again a minute later', (t) => {
  const dir = tempDir(t);
  let failure: string | undefined = 'ENOSPC';
  const failing =
    (fn: (...a: any[]) => any) =>
    (...args: any[]) => {
      if (failure) throw Object.assign(new Error(`${failure}: simulated`), { code: failure });
      return fn(...args);
    };
  const flaky: LogFs = { ...fs, openSync: failing(fs.openSync), writeSync: failing(fs.writeSync) };
  const reports: string[] = [];
  const { logger, run, advance } = manualLogger({ dir, fs: flaky, report: (l) => reports.push(l) });
  const log = logger.for('core');
  log.info('lost 1');
  run();
  failure = 'EACCES';
  log.info('lost 2');
  run();
  advance(61_000);
  log.info('lost 3');
  run();
  assert.equal(reports.length, 1, reports.join('\n'));
  assert.match(reports[0]!, /cannot be written \(ENOSPC/);
  failure = undefined;
  advance(30_000);
  log.info('still waiting');
  run();
  assert.equal(fs.existsSync(path.join(dir, logFileName(0))), false, 'not tried again within the minute');
  advance(31_000);
  log.info('back');
  run();
  const text = read(dir);
  assert.match(text, /writable again; 4 lines were not written/);
  assert.match(text, /\[core\] back\n$/);
  assert.equal(reports.length, 1);
});

test('a file that fails mid-write (ENOSPC on write) is closed and reported, the app goes on', (t) => {
  const dir = tempDir(t);
  let full = false;
  const flaky: LogFs = {
    ...fs,
    writeSync: (...args: any[]) =>
      full
        ? (() => {
            throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
          })()
        : (fs.writeSync as any)(...args),
  };
  const reports: string[] = [];
  const { logger, run } = manualLogger({ dir, fs: flaky, report: (l) => reports.push(l) });
  logger.for('main').info('written');
  run();
  full = true;
  assert.doesNotThrow(() => {
    logger.for('main').info('not written');
    run();
    logger.close();
  });
  assert.equal(reports.length, 1);
  assert.equal(
    read(dir),
    read(dir)
      .split('\n')
      .filter((l) => l.includes('written') && !l.includes('not'))
      .join('\n') + '\n',
  );
});

test('defaultLogDir: Electron userData (XDG_CONFIG_HOME or ~/.config) + UOSChat/logs', () => {
  assert.equal(defaultLogDir({}, '/home/li'), '/home/li/.config/UOSChat/logs');
  assert.equal(defaultLogDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/li'), '/cfg/UOSChat/logs');
  assert.equal(defaultLogDir({ XDG_CONFIG_HOME: 'relative' }, '/home/li'), '/home/li/.config/UOSChat/logs');
});

test('secretsOf: the token whole; of a proxy URL only its password; `system` and hosts stay readable', () => {
  const secrets = secretsOf({
    serverUrl: 'ws://chat.example/ws/',
    token: TOKEN,
    proxy: 'http://alice:p%40ss-9f@proxy.example:3128',
    compression: 'deflate',
  });
  assert.deepEqual(secrets.sort(), [TOKEN, 'p%40ss-9f', 'p@ss-9f'].sort());
  assert.deepEqual(secretsOf({ proxy: 'system', language: 'auto' }), []);
  assert.equal(redactText('system: Debian; proxy http://proxy.example:3128', secrets), 'system: Debian; proxy http://proxy.example:3128');
});
