/**
 * `npm run bench` must not rot: run every benchmark once at a tiny size (bench/run.ts --tiny)
 * and check the shape of what it writes — not the speeds (a tiny run judges nothing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkShape, REQUIRED_FIGURES, type Results } from '../../bench/report';
// Type-only: keeps the whole bench (every figure module) under npm test's typecheck.
import type { runBench } from '../../bench/run';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('bench --tiny: every figure once, results JSON and markdown in shape', { timeout: 120_000 }, (t) => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-bench-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/run.ts'), '--tiny', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 110_000,
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
  t.diagnostic(`bench --tiny took ${Date.now() - started} ms`);
  assert.equal(r.status, 0, `bench --tiny exited ${r.status ?? r.signal}\n${r.stderr.slice(-4000)}`);

  const results = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')) as Results;
  assert.deepEqual(checkShape(results), []);
  assert.equal(results.mode, 'tiny');
  assert.deepEqual(results.errors, []);
  assert.ok(results.machine.cores >= 1 && results.machine.chromium && /^v\d+/.test(results.machine.node));
  const ids = results.figures.map((f) => f.id);
  for (const id of REQUIRED_FIGURES) assert.ok(ids.includes(id), `figure ${id}`);
  for (const f of results.figures) {
    assert.ok(Number.isFinite(f.value.median), `${f.id}: a finite value`);
    assert.equal(f.met, null, `${f.id}: a tiny run judges no target`);
  }
  // Baselines sit beside their figures: measured ones with a ratio, reference constants labelled.
  const rt = results.figures.find((f) => f.id === 'roundtrip.p50')!;
  assert.equal(rt.baseline?.kind, 'measured');
  assert.equal(typeof rt.ratio, 'number');
  assert.equal(results.figures.find((f) => f.id === 'dbus.flush')!.baseline?.kind, 'reference');

  const md = readFileSync(path.join(out, 'latest.md'), 'utf8');
  assert.match(md, /^\| figure \| value \| baseline \(same run\) \| ratio \| target \| met \|$/m);
  const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| figure'));
  assert.equal(rows.length, results.figures.length, 'one table row per figure');
  assert.match(md, /reference constant: /);
});

// Referenced so the type import is not elided as unused by tooling that checks that.
export type RunBench = typeof runBench;
