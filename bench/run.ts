/**
 * `npm run bench`: every figure of the "Benchmarks against the limits" issue,
 * written to bench/results/latest.json and latest.md.
 *
 *   node --import tsx bench/run.ts [--tiny] [--out DIR] [--only roundtrip,ui,…]
 *
 * --tiny runs each benchmark once at a tiny size (npm test's smoke test: shape,
 * not speed). Every section has its own time bound and the whole run a deadline;
 * a section that fails or times out is recorded under `errors` and the run goes on.
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CHROMIUM } from '../tests/helpers/ui-host';
import { benchCompression } from './compression';
import { benchConversations } from './conversations';
import { benchServerMemory } from './server-memory';
import { benchSwitching } from './switching';
import { benchDbusFlush } from './dbus-flush';
import { benchFiles } from './files';
import { benchIdle } from './idle';
import { FULL, machineInfo, round, ROOT, TINY, withTimeout, type Ctx } from './lib';
import { benchMemory } from './memory';
import { launch, type Browserish } from './page-host';
import { SECTIONS, writeResults, type Figure, type Results } from './report';
import { benchRoundtrip } from './roundtrip';
import { benchScale } from './scale';
import { benchHistory } from './history';
import { benchThroughput } from './throughput';
import { benchUi } from './ui';

type Section = (typeof SECTIONS)[number];

function parseArgs(argv: string[]): { tiny: boolean; out: string; only: Set<Section> } {
  let tiny = false;
  let out = path.join(ROOT, 'bench/results');
  let only = new Set<Section>(SECTIONS);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--tiny') tiny = true;
    else if (a === '--out') out = path.resolve(argv[++i] ?? out);
    else if (a === '--only') {
      const list = (argv[++i] ?? '').split(',').filter(Boolean);
      for (const s of list)
        if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`unknown section ${s}; one of ${SECTIONS.join(', ')}`);
      only = new Set(list as Section[]);
    } else throw new Error(`unknown argument ${a}`);
  }
  return { tiny, out, only };
}

/** Per-section bounds (full run); the whole run must stay under 10 minutes on 2 cores. */
const BOUND_MS: Record<Section, number> = {
  roundtrip: 90_000,
  throughput: 120_000,
  ui: 300_000,
  'dbus-flush': 60_000,
  compression: 180_000,
  memory: 120_000,
  scale: 120_000,
  history: 120_000,
  conversations: 240_000,
  files: 150_000,
  idle: 120_000,
};
const DEADLINE_MS = 9.5 * 60_000;

export async function runBench(argv: string[]): Promise<{ results: Results; files: { json: string; md: string } }> {
  const args = parseArgs(argv);
  const sizes = args.tiny ? TINY : FULL;
  const started = new Date();
  const t0 = performance.now();
  const machine = machineInfo();
  const notes: string[] = [
    'Shared 2-core machine: other agents run tests concurrently, so timings are noisy; load averages at start and end are in the machine line.',
    'Everything on loopback (127.0.0.1). The reference server (and the flooding/paced sender, a bare ws client) runs in its own Node process; the measured client in the bench process (memory: in its own child process).',
    'The server runs with a rate limit far above the benchmark rates (1e9 per 60 s) and no server pings.',
  ];
  let aborted: string | undefined;
  const ctx: Ctx = {
    sizes,
    notes,
    log: (l) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${l}\n`),
    check: () => {
      if (aborted) throw new Error(`${aborted}: stopped after its time bound`);
    },
  };
  const figures: Figure[] = [];
  const errors: Results['errors'] = [];
  try {
    machine.chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    machine.chromium = null;
  }
  let browser: Browserish | undefined;
  const needsBrowser = args.only.has('throughput') || args.only.has('ui');
  const run: Record<Section, () => Promise<Figure[]>> = {
    roundtrip: () => benchRoundtrip(ctx),
    throughput: () => benchThroughput(ctx, browser),
    ui: () => benchUi(ctx, browser),
    'dbus-flush': () => benchDbusFlush(ctx),
    compression: () => benchCompression(ctx),
    memory: () => benchMemory(ctx),
    scale: () => benchScale(ctx),
    history: () => benchHistory(ctx),
    conversations: async () => [...(await benchConversations(ctx)), ...(await benchServerMemory(ctx)), ...(await benchSwitching(ctx))],
    files: () => benchFiles(ctx),
    idle: () => benchIdle(ctx),
  };
  try {
    if (needsBrowser) {
      browser = await withTimeout(launch(), 120_000, 'renderer build and Chromium launch');
      machine.chromium = `${browser.version}${machine.chromium ? ` (${machine.chromium})` : ''}`;
    }
    for (const section of SECTIONS) {
      if (!args.only.has(section)) continue;
      const left = DEADLINE_MS - (performance.now() - t0);
      if (left <= 0) {
        errors.push({ section, error: 'skipped: the run deadline passed' });
        continue;
      }
      const bound = Math.min(args.tiny ? 60_000 : BOUND_MS[section], left);
      const s0 = performance.now();
      ctx.log(`» ${section}`);
      aborted = undefined;
      const running = run[section]();
      try {
        figures.push(...(await withTimeout(running, bound, section)));
      } catch (err) {
        // Let a timed-out section notice (ctx.check) and clean up before the next one starts.
        aborted = section;
        await withTimeout(running, 30_000, `${section} winding down`).catch(() => {});
        errors.push({ section, error: String((err as Error)?.stack ?? err) });
        ctx.log(`${section} failed: ${String((err as Error)?.message ?? err)}`);
      }
      notes.push(`${section}: ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await browser?.close();
  }
  machine.loadavgAtEnd = os.loadavg().map((x) => round(x, 2));
  const results: Results = {
    schema: 'uos-chat-bench/1',
    mode: args.tiny ? 'tiny' : 'full',
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    wallMs: Math.round(performance.now() - t0),
    machine,
    notes,
    figures,
    errors,
  };
  // A tiny run proves the code works; its numbers judge nothing.
  if (args.tiny) for (const f of results.figures) f.met = null;
  const files = writeResults(args.out, results);
  ctx.log(`wrote ${files.json} and ${files.md} (${(results.wallMs / 1000).toFixed(1)} s)`);
  return { results, files };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.join(ROOT, 'bench/run.ts');
if (isMain) {
  runBench(process.argv.slice(2)).then(
    ({ results }) => process.exit(results.errors.length > 0 ? 1 : 0),
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
