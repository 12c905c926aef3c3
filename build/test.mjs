// `npm test`: typecheck, lint (Prettier and ESLint; skipped when a filter picks some tests), build,
// then every tests/**/*.test.ts under node's test runner.
// Prints node's own summary and a plain closing line "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const filter = process.argv[2];
console.log('» typecheck');
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.']);
if (filter) {
  console.log('» lint skipped (a filter was given; `npm run lint` runs it)');
} else {
  console.log('» lint');
  run(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--check', '--log-level=warn', '.']);
  run(process.execPath, ['node_modules/eslint/bin/eslint.js', '--max-warnings=0', '.']);
}
console.log('» build');
run(process.execPath, ['build/build.mjs']);

const files = findTests('tests').filter((f) => !filter || f.includes(filter));
mkdirSync('tests/artifacts', { recursive: true });
const tap = path.join('tests/artifacts', 'results.tap');
console.log(`» ${files.length} test files`);
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=180000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
const text = readFileSync(tap, 'utf8');
const count = (k) => Number((new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text) ?? [])[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
const skipped = count('skipped');
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(r.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
