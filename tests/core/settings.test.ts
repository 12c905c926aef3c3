/**
 * Settings: layered defaults → file → env → flags, validated, saved atomically
 * with mode 0600, corrupt files set aside, tokens sealed and never shown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { changesConnection } from '../../electron/common/settings-fields';
import { settingsToClientConfig } from '../../electron/core/connection/connection-settings';
import { formatSettingsProblem, mergeSettings, settingsFromArgs, settingsFromEnv } from '../../electron/core/settings/settings';
import { SettingsStore, type SecretBox } from '../../electron/core/settings/settings-store';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'uos-chat-settings-'));
const box: SecretBox = {
  available: () => true,
  encrypt: (p) => Buffer.from(p).reverse().toString('base64'),
  decrypt: (s) => {
    if (s === 'garbage') throw new Error('wrong key');
    return Buffer.from(s, 'base64').reverse().toString();
  },
};

test('env and flags are validated and name their source', () => {
  const env = settingsFromEnv({ UOS_CHAT_SERVER: 'http://nope', UOS_CHAT_COMPRESSION: 'zlib', UOS_CHAT_TOKEN: 'has space' });
  assert.deepEqual(env.patch, { compression: 'zlib' });
  assert.equal(env.problems.length, 2);
  assert.ok(env.problems.every((p) => p.source === 'environment'));
  assert.deepEqual(
    env.problems.map((p) => [p.field, p.code]),
    [
      ['serverUrl', 'BAD_URL'],
      ['token', 'BAD_TOKEN'],
    ],
  );
  assert.ok(!JSON.stringify(env.problems).includes('has space'), 'a bad token is not echoed');
  assert.ok(!env.problems.map(formatSettingsProblem).join().includes('has space'), 'a bad token is not echoed');
  const args = settingsFromArgs(['--server=wss://chat.example/ws', '--lang', 'zh-CN', '--no-sandbox', '--compression', 'bogus']);
  assert.deepEqual(args.patch, { serverUrl: 'wss://chat.example/ws', language: 'zh-CN' });
  assert.deepEqual(args.problems, [{ field: 'compression', code: 'NOT_ALLOWED', source: 'command line' }]);
  assert.match(formatSettingsProblem(args.problems[0]!), /command line: compression must be one of deflate, zlib, off/);
});

test('a corrupt settings file is set aside and the defaults are used', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'settings.json');
  writeFileSync(file, '{"serverUrl": "ws://half');
  const store = new SettingsStore({ file, overrides: {}, now: () => 7 });
  const problems = await store.load();
  assert.equal(problems[0]?.code, 'BAD_CONFIG');
  assert.match(problems[0]!.detail!, /moved to .*settings\.json\.corrupt-7, defaults in use/);
  assert.ok(existsSync(`${file}.corrupt-7`));
  assert.equal(store.current().serverUrl, 'ws://127.0.0.1:8765/ws/chat/');
});

test('save: validated, atomic, 0600, token sealed, applied with what changed; overrides win and say so', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'settings.json');
  const applied: string[][] = [];
  const store = new SettingsStore({ file, overrides: { compression: 'off' }, secrets: box });
  store.onDidChange(({ changed }) => applied.push(changed));
  await store.load();
  const bad = await store.save({ serverUrl: 'ftp://x', caFile: path.join(dir, 'missing.crt') });
  assert.equal(bad.ok, false);
  assert.ok(!existsSync(file), 'nothing saved on a bad patch');

  const ok = await store.save({ serverUrl: 'wss://chat.example/ws/', token: 'sekrit-token', compression: 'zlib' });
  assert.ok(ok.ok);
  assert.equal(ok.settings.hasToken, true);
  assert.deepEqual(ok.settings.overridden, ['compression']);
  assert.deepEqual(ok.warnings, [{ field: 'compression', code: 'OVERRIDDEN' }]);
  assert.equal(store.current().compression, 'off', 'the override still wins');
  assert.deepEqual(applied, [['serverUrl', 'token']]);
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes('sekrit-token'));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['settings.json'], 'no temp files left');

  // Reload: the sealed token comes back.
  const again = new SettingsStore({ file, overrides: {}, secrets: box });
  assert.deepEqual(await again.load(), []);
  assert.equal(again.current().token, 'sekrit-token');
  // Clearing the token.
  const cleared = await again.save({ token: '' });
  assert.ok(cleared.ok && !cleared.settings.hasToken);
  assert.equal(again.current().token, undefined);
});

test('a token that cannot be decrypted is reported, not fatal; without a secret box the 0600 file holds it', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'settings.json');
  writeFileSync(file, JSON.stringify({ version: 1, serverUrl: 'ws://127.0.0.1:1/', tokenSealed: 'garbage' }));
  const store = new SettingsStore({ file, overrides: {}, secrets: box });
  const problems = await store.load();
  assert.match(problems[0]!.detail!, /could not be decrypted \(wrong key\); please enter it again/);
  assert.equal(store.current().serverUrl, 'ws://127.0.0.1:1/');
  assert.equal(store.current().token, undefined);

  const plain = new SettingsStore({ file: path.join(dir, 'plain.json'), overrides: {} });
  await plain.load();
  assert.ok((await plain.save({ token: 'plain-token' })).ok);
  assert.equal(statSync(path.join(dir, 'plain.json')).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'plain.json'), 'utf8')).token, 'plain-token');
});

test('read status: on by default; off from the file, the environment or a flag reaches the connection as readReceipts: false', () => {
  assert.equal(settingsToClientConfig(mergeSettings()).readReceipts, true, 'on by default');
  assert.equal(settingsToClientConfig(mergeSettings({ readReceipts: 'off' })).readReceipts, false);
  const env = settingsFromEnv({ UOS_CHAT_READ_RECEIPTS: 'off' });
  assert.deepEqual(env.patch, { readReceipts: 'off' });
  const args = settingsFromArgs(['--read-receipts', 'maybe']);
  assert.deepEqual(args.problems, [{ field: 'readReceipts', code: 'NOT_ALLOWED', source: 'command line' }]);
  assert.deepEqual(settingsFromArgs(['--read-receipts=off']).patch, { readReceipts: 'off' });
  assert.ok(changesConnection(['readReceipts']), 'a change reconnects: the server learns it at the greeting');
});
