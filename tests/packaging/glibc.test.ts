/**
 * The glibc floor checker (build/glibc-floor.mjs) on real ELF files: ones gcc builds here (one importing a
 * GLIBC_2.36 symbol, one importing nothing), a real prebuilt native module, and an app directory that mixes
 * Electron's own files with one we add. The packaged app itself is checked in package.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// @ts-expect-error -- plain .mjs build script without type declarations
import * as floor from '../../build/glibc-floor.mjs';

const { checkGlibcFloor, compareVersions, elfFilesWeAdd, glibcSymbols, tooNewSymbols, GLIBC_FLOOR } = floor as {
  checkGlibcFloor(appDir: string, dist: string, floor?: string): Promise<string[]>;
  compareVersions(a: string, b: string): number;
  elfFilesWeAdd(appDir: string, dist: string): Promise<string[]>;
  glibcSymbols(text: string): Array<{ symbol: string; version: string }>;
  tooNewSymbols(file: string, floor?: string): Array<{ symbol: string; version: string }>;
  GLIBC_FLOOR: string;
};

const root = path.resolve(__dirname, '../..');
const hasGcc = spawnSync('gcc', ['--version']).status === 0;

function gcc(dir: string, name: string, source: string, extra: string[] = []): string {
  writeFileSync(path.join(dir, `${name}.c`), source);
  const out = path.join(dir, `${name}.so`);
  const r = spawnSync('gcc', ['-shared', '-fPIC', ...extra, '-o', out, path.join(dir, `${name}.c`)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

test('the floor is glibc 2.28 (UOS 20 / deepin 20, Debian 10); versions compare numerically', () => {
  assert.equal(GLIBC_FLOOR, '2.28');
  assert.equal(compareVersions('2.28', '2.28'), 0);
  assert.equal(compareVersions('2.29', '2.28'), 1);
  assert.equal(compareVersions('2.3.4', '2.28'), -1, '2.3.4 is older than 2.28');
  assert.equal(compareVersions('2.28.1', '2.28'), 1);
  assert.deepEqual(glibcSymbols('  1: 0 0 FUNC GLOBAL DEFAULT UND memcpy@GLIBC_2.14 (2)\n  2: 0 0 FUNC GLOBAL DEFAULT 12 x@@GLIBC_2.2.5'), [
    { symbol: 'memcpy', version: '2.14' },
    { symbol: 'x', version: '2.2.5' },
  ]);
});

test('a module importing a symbol newer than 2.28 fails; one importing nothing passes', { skip: !hasGcc && 'gcc not installed' }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glibc-'));
  const tooNew = gcc(dir, 'new', '#include <stdlib.h>\nunsigned f(void) { return arc4random(); }\n'); // arc4random: glibc 2.36
  assert.deepEqual(
    tooNewSymbols(tooNew).map((s) => `${s.symbol}@${s.version}`),
    ['arc4random@2.36'],
  );
  const plain = gcc(dir, 'plain', 'int g(void) { return 1; }\n', ['-nostdlib']);
  assert.deepEqual(tooNewSymbols(plain), []);
});

test('a real prebuilt native module (resvg, a devDependency) is within the floor', (t) => {
  const dir = path.join(root, 'node_modules/@resvg/resvg-js-linux-x64-gnu');
  const node = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.node')) : undefined;
  if (!node) return t.skip('no x64-gnu resvg module installed here');
  assert.deepEqual(tooNewSymbols(path.join(dir, node)), []);
  assert.ok(tooNewSymbols(path.join(dir, node), '2.10').length > 0, 'the same module against a 2.10 floor: the check sees its symbols');
});

test(
  "in an app directory only the ELF files we add are checked, not Electron's own",
  { skip: !hasGcc && 'gcc not installed' },
  async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'glibc-app-'));
    const dist = path.join(work, 'dist');
    const app = path.join(work, 'app');
    mkdirSync(dist);
    mkdirSync(path.join(app, 'resources/app.asar.unpacked/node_modules/m/build/Release'), { recursive: true });
    const tooNew = gcc(work, 'new', '#include <stdlib.h>\nunsigned f(void) { return arc4random(); }\n');
    // Electron's own ELF files (here: too new, which is Electron's business) …
    for (const f of ['electron', 'libffmpeg.so']) copyFileSync(tooNew, path.join(dist, f));
    copyFileSync(tooNew, path.join(app, 'uos-chat-electron'));
    copyFileSync(tooNew, path.join(app, 'libffmpeg.so'));
    writeFileSync(path.join(app, 'resources/app.asar'), 'not elf');
    // … and one native module of ours.
    const ours = 'resources/app.asar.unpacked/node_modules/m/build/Release/m.node';
    copyFileSync(tooNew, path.join(app, ours));
    assert.deepEqual(await elfFilesWeAdd(app, dist), [ours]);
    assert.deepEqual(await checkGlibcFloor(app, dist), [`${ours}: arc4random@GLIBC_2.36`]);
    const cli = spawnSync(process.execPath, [path.join(root, 'build/glibc-floor.mjs'), app, dist], { encoding: 'utf8' });
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /newer than GLIBC_2\.28: .*m\.node: arc4random@GLIBC_2\.36/);
  },
);
