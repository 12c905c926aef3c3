/**
 * Profiling aid for the UI figures (not part of npm run bench):
 *   node --import tsx bench/profile-ui.ts [N] [OUTDIR] [paint]
 * Chromium's CPU profiler (CDP Profiler domain) over (1) a reload of a page on a core
 * holding N messages, until the newest row is painted, and (2) 5 s of 5,000 msgs/s
 * arriving. Writes OUTDIR/ui-first-paint.cpuprofile and ui-live.cpuprofile and prints
 * the top functions of each (bench/cpuprofile-top.ts), and Chromium traces of the reload
 * and of live arrivals (top renderer main-thread events). `paint`: the first paint only.
 *
 *   node --import tsx bench/profile-ui.ts ab ROUNDS name=DIR name=DIR…
 * A/B of renderer builds (e.g. dist/renderer copied aside before a change): fresh pages (as the
 * bench's first paint, not reloads) of each build in rotated order, ROUNDS after a warm-up, on one
 * core holding 100,000 messages (AB_N to change). Prints each page's marks and the medians, with
 * the ratio to the first build of the first paint and of main-thread CPU. AB_TRACE=DIR: a
 * Chromium trace of each build's last page there.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startCore } from './clients';
import { topOf } from './cpuprofile-top';
import { sleep, startServerProc, textForFrame, until } from './lib';
import { launch, openPage, type Browserish } from './page-host';
import { initScript } from './ui';
import { serveStatic } from '../tests/helpers/ui-host';
import type { ChatClient } from '../electron/core/connection';

/** Top-level (depth 0) event time on the renderer's main thread, by event name, plus their direct children. */
function traceTop(file: string): string {
  const data = JSON.parse(readFileSync(file, 'utf8')) as {
    traceEvents: Array<{
      name: string;
      ph: string;
      ts: number;
      dur?: number;
      pid: number;
      tid: number;
      args?: { name?: string; data?: { type?: string; functionName?: string; url?: string } };
    }>;
  };
  const ev = data.traceEvents;
  const main = ev.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return 'no renderer main thread in the trace';
  const mine = ev
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const byName = new Map<string, number>();
  const stack: Array<{ end: number }> = [];
  for (const e of mine) {
    while (stack.length && stack[stack.length - 1]!.end <= e.ts) stack.pop();
    if (stack.length <= 2 && stack.length >= 1) {
      const detail = e.args?.data?.type ?? e.args?.data?.functionName ?? '';
      const k = `${'  '.repeat(stack.length - 1)}${e.name}${detail ? ` (${detail})` : ''}`;
      byName.set(k, (byName.get(k) ?? 0) + (e.dur ?? 0));
    }
    stack.push({ end: e.ts + (e.dur ?? 0) });
  }
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 30)
    .map(([k, us]) => `${(us / 1000).toFixed(1).padStart(9)} ms  ${k}`)
    .join('\n');
}

const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'v8',
  'blink',
  'cc',
  'loading',
  'blink.user_timing',
];

/** Read in the page once the newest row is painted (a string: tsx's helpers do not exist in the page). */
const AB_READ = `(() => {
  const m = (n) => performance.getEntriesByName(n)[0]?.startTime ?? 0;
  const P = window.__benchPaint;
  return { paint: P.newestPaintedAt, boot: m('chat:boot'), snapshotIn: m('chat:snapshot-in'), evaluated: m('chat:modules-evaluated'),
    mount: m('chat:mount'), commit: m('chat:first-commit') };
})()`;

type Metrics = { metrics: Array<{ name: string; value: number }> };
const threadTime = (m: Metrics) => m.metrics.find((x) => x.name === 'ThreadTime')?.value ?? 0;

/** One fresh page of the build at `url`: its marks (ms since navigation) and main-thread CPU. */
async function freshPaint(
  b: Browserish,
  client: ChatClient,
  script: string,
  url: string,
  traceTo?: string,
): Promise<Record<string, number>> {
  const bp = await openPage(b, client, script);
  const cdp = await bp.page.context().newCDPSession(bp.page);
  await cdp.send('Performance.enable');
  const before = (await cdp.send('Performance.getMetrics')) as Metrics;
  if (traceTo) await b.browser.startTracing(bp.page, { path: traceTo, categories: TRACE_CATEGORIES });
  await bp.page.goto(url, { waitUntil: 'load' });
  const end = performance.now() + 60_000;
  while (!(await bp.page.evaluate('window.__benchPaint.newestPaintedAt'))) {
    if (performance.now() > end) throw new Error('ab: the newest row was not painted within 60 s');
    await sleep(50);
  }
  const after = (await cdp.send('Performance.getMetrics')) as Metrics;
  if (traceTo) await b.browser.stopTracing();
  const m = (await bp.page.evaluate(AB_READ)) as Record<string, number>;
  await cdp.detach().catch(() => {});
  await bp.close();
  return { ...m, react: m.commit! - m.mount!, afterCommit: m.paint! - m.commit!, cpu: (threadTime(after) - threadTime(before)) * 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function abMain(rounds: number, builds: Array<{ name: string; dir: string }>) {
  const srv = await startServerProc();
  const b = await launch();
  const core = await startCore(srv.roomUrl('ab-ui', ''), { compression: 'off', logLimit: 200_000 });
  let received = 0;
  core.client.on('entries', (es) => (received += es.filter((e) => e.kind === 'message' && !e.own).length));
  const n = Number(process.env.AB_N ?? 100_000);
  await srv.flood('ab-ui', n, textForFrame(200));
  await until(() => received >= n, 120_000, 'fill');
  const script = initScript(core.client.snapshot().entries.at(-1)!.key);
  const served = await Promise.all(builds.map(async (x) => ({ ...x, files: await serveStatic(x.dir) })));
  const rows = new Map<string, Array<Record<string, number>>>(builds.map((x) => [x.name, []]));
  for (let r = 0; r <= rounds; r++) {
    // Rotated, so no build always follows another's page close.
    for (const x of served.map((_, i) => served[(i + r) % served.length]!)) {
      const trace = process.env.AB_TRACE && r === rounds ? path.join(process.env.AB_TRACE, `ab-${x.name}.trace.json`) : undefined;
      const row = await freshPaint(b, core.client, script, x.files.url, trace);
      if (r > 0) rows.get(x.name)!.push(row); // round 0 warms up
      console.log(
        `${r} ${x.name.padEnd(12)} ${Object.entries(row)
          .map(([k, v]) => `${k} ${v.toFixed(0)}`)
          .join('  ')}`,
      );
      await sleep(200);
    }
  }
  const first = rows.get(builds[0]!.name)!;
  for (const [name, rs] of rows) {
    const med = (k: string) => median(rs.map((x) => x[k]!));
    const ratio = (k: string) => (med(k) / median(first.map((x) => x[k]!))).toFixed(2);
    console.log(
      `median ${name.padEnd(12)} ${Object.keys(rs[0]!)
        .map((k) => `${k} ${med(k).toFixed(0)}`)
        .join('  ')}  | first paint ${ratio('paint')}x, CPU ${ratio('cpu')}x`,
    );
  }
  await core.stop();
  await b.close();
  for (const x of served) await x.files.close();
  await srv.stop();
}

async function main() {
  if (process.argv[2] === 'ab') {
    const builds = process.argv.slice(4).map((a) => ({ name: a.split('=')[0]!, dir: a.slice(a.indexOf('=') + 1) }));
    if (builds.length === 0 || builds.some((x) => !x.dir)) throw new Error('usage: profile-ui.ts ab ROUNDS name=DIR…');
    await abMain(Number(process.argv[3] ?? 6), builds);
    process.exit(0);
  }
  const n = Number(process.argv[2] ?? 100_000);
  const out = process.argv[3] ?? '/tmp/uos-chat-prof';
  mkdirSync(out, { recursive: true });
  const srv = await startServerProc();
  const b = await launch();
  const core = await startCore(srv.roomUrl('prof-ui', ''), { compression: 'off' });
  let received = 0;
  core.client.on('entries', (es) => (received += es.filter((e) => e.kind === 'message' && !e.own).length));
  await srv.flood('prof-ui', n, textForFrame(200));
  await until(() => received >= n, 120_000, 'fill');
  const lastKey = core.client.snapshot().entries.at(-1)!.key;
  const bp = await openPage(b, core.client);
  const painted = () => bp.page.locator(`[data-key="${lastKey}"]`).waitFor({ timeout: 60_000 });
  await bp.page.goto(b.files.url);
  await painted();
  const cdp = await bp.page.context().newCDPSession(bp.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await bp.page.reload();
  await painted();
  await sleep(200);
  let { profile } = await cdp.send('Profiler.stop');
  writeFileSync(path.join(out, 'ui-first-paint.cpuprofile'), JSON.stringify(profile));
  console.log('== first paint (reload → newest row) ==\n' + topOf(profile as never, 30));

  // The same reload in a Chromium trace: the CPU profile names only JS ("(program)" is
  // parsing, style, layout, paint); the trace says which.
  await sleep(300);
  await b.browser.startTracing(bp.page, { path: path.join(out, 'ui-first-paint.trace.json'), categories: TRACE_CATEGORIES });
  await bp.page.reload();
  await painted();
  await sleep(200);
  await b.browser.stopTracing();
  console.log(
    '== trace: first paint (reload → newest row), renderer main thread ==\n' + traceTop(path.join(out, 'ui-first-paint.trace.json')),
  );
  if (process.argv[4] === 'paint') {
    await bp.close();
    await core.stop();
    await b.close();
    await srv.stop();
    process.exit(0);
  }

  // Scrolling up 150 px per frame for 3 s (as bench/ui.ts does).
  await sleep(300);
  await cdp.send('Profiler.start');
  // A string, not a function: tsx's keepNames would inject a __name helper the page lacks.
  await bp.page.evaluate(`new Promise((resolve) => {
    const el = document.querySelector('[data-testid="log"]');
    const end = performance.now() + 3000;
    const step = () => {
      el.scrollTop -= 150;
      if (performance.now() < end) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  })`);
  ({ profile } = await cdp.send('Profiler.stop'));
  writeFileSync(path.join(out, 'ui-scroll.cpuprofile'), JSON.stringify(profile));
  console.log('== scrolling up 3 s ==\n' + topOf(profile as never, 25));
  await bp.page.evaluate(() => {
    const el = document.querySelector('[data-testid="log"]')!;
    el.scrollTop = el.scrollHeight;
  });

  await sleep(500);
  await cdp.send('Profiler.start');
  const before = received;
  const sent = await srv.paced('prof-ui', 5_000, 5_000, textForFrame(200));
  await until(() => received - before >= sent.sent, 30_000, 'live');
  await sleep(300);
  ({ profile } = await cdp.send('Profiler.stop'));
  writeFileSync(path.join(out, 'ui-live.cpuprofile'), JSON.stringify(profile));
  console.log('== live 5,000 msgs/s for 5 s ==\n' + topOf(profile as never, 30));

  // A Chromium trace of 3 s of live arrivals: where the renderer main thread's time goes
  // (the CPU profile above only names JS; "(program)" is native work).
  await sleep(500);
  await b.browser.startTracing(bp.page, { path: path.join(out, 'ui-live.trace.json'), categories: TRACE_CATEGORIES });
  const before2 = received;
  const sent2 = await srv.paced('prof-ui', 5_000, 3_000, textForFrame(200));
  await until(() => received - before2 >= sent2.sent, 30_000, 'live 2');
  await sleep(300);
  await b.browser.stopTracing();
  console.log('== trace: live, renderer main thread ==\n' + traceTop(path.join(out, 'ui-live.trace.json')));
  await bp.close();
  await core.stop();
  await b.close();
  await srv.stop();
  process.exit(0);
}
void main();
