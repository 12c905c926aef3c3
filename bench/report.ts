/**
 * The results: bench/results/latest.json (everything) and latest.md (one table).
 * Every figure sits beside its baseline from the same run (or a labelled
 * reference constant), with the ratio and the target.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { round, stats, type MachineInfo, type Stats } from './lib';

export interface Target {
  /** What the limit applies to. */
  on: 'value' | 'ratio';
  op: '<=' | '>=';
  limit: number;
  text: string;
}

export interface Baseline {
  label: string;
  /** measured: in this run; reference: a quoted constant, not measured here. */
  kind: 'measured' | 'reference';
  value: Stats;
}

export interface Figure {
  id: string;
  section: string;
  name: string;
  unit: string;
  /** Median and spread over the repeats. */
  value: Stats;
  baseline?: Baseline;
  /** value.median / baseline.median (measured baselines only). */
  ratio?: number;
  target?: Target;
  /** null: no target, or not judged (tiny run). */
  met: boolean | null;
  note?: string;
  details?: Record<string, unknown>;
}

export interface Results {
  schema: 'uos-chat-bench/1';
  mode: 'full' | 'tiny';
  startedAt: string;
  finishedAt: string;
  wallMs: number;
  machine: MachineInfo;
  notes: string[];
  figures: Figure[];
  errors: Array<{ section: string; error: string }>;
}

export function figure(f: {
  id: string;
  section: string;
  name: string;
  unit: string;
  samples: number[];
  baseline?: { label: string; kind: 'measured' | 'reference'; samples: number[] };
  target?: Target;
  note?: string;
  details?: Record<string, unknown>;
}): Figure {
  const value = stats(f.samples);
  const out: Figure = { id: f.id, section: f.section, name: f.name, unit: f.unit, value, met: null };
  if (f.baseline) {
    out.baseline = { label: f.baseline.label, kind: f.baseline.kind, value: stats(f.baseline.samples) };
    // A baseline of nothing (no timer fired in a tiny run's few seconds) gives no ratio.
    if (f.baseline.kind === 'measured' && out.baseline.value.median !== 0) out.ratio = round(value.median / out.baseline.value.median, 3);
  }
  if (f.target) {
    out.target = f.target;
    const x = f.target.on === 'ratio' ? out.ratio : value.median;
    out.met = x === undefined || !Number.isFinite(x) ? null : f.target.op === '<=' ? x <= f.target.limit : x >= f.target.limit;
  }
  if (f.note) out.note = f.note;
  if (f.details) out.details = f.details;
  return out;
}

function num(x: number, unit: string): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  const s =
    abs >= 1000
      ? Math.round(x).toLocaleString('en-US')
      : abs >= 100
        ? x.toFixed(0)
        : abs >= 10
          ? x.toFixed(1)
          : abs >= 1
            ? x.toFixed(2)
            : x.toFixed(3);
  return unit ? `${s} ${unit}` : s;
}

function spread(s: Stats, unit: string): string {
  if (s.n <= 1) return `${num(s.median, unit)} (n=1)`;
  return `${num(s.median, unit)} [${num(s.min, '')}–${num(s.max, '')}, n=${s.n}]`;
}

export function markdown(r: Results): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`# UOS Chat benchmarks (${r.mode})`);
  lines.push('');
  lines.push(
    `${r.startedAt} · ${m.cores} cores ${m.cpuModel} · Node ${m.node} · Chromium ${m.chromium ?? '?'} · ${m.platform} ${m.kernel} · load ${m.loadavgAtStart.join('/')} → ${(m.loadavgAtEnd ?? []).join('/')} · wall ${(r.wallMs / 1000).toFixed(1)} s`,
  );
  lines.push('');
  lines.push('Values: median [min–max, n = repeats]. Ratio = value / baseline (medians).');
  lines.push('');
  lines.push('| figure | value | baseline (same run) | ratio | target | met |');
  lines.push('|---|---|---|---|---|---|');
  for (const f of r.figures) {
    const base = f.baseline
      ? `${f.baseline.kind === 'reference' ? 'reference constant: ' : ''}${f.baseline.label}: ${spread(f.baseline.value, f.unit)}`
      : '—';
    const ratio = f.ratio !== undefined ? `${f.ratio.toFixed(2)}×` : '—';
    const target = f.target ? f.target.text : '—';
    const met = f.met === null ? '—' : f.met ? '✅ yes' : '❌ no';
    lines.push(`| ${f.name} | ${spread(f.value, f.unit)} | ${base} | ${ratio} | ${target} | ${met} |`);
  }
  if (r.errors.length > 0) {
    lines.push('');
    lines.push('## Errors');
    for (const e of r.errors) lines.push(`- ${e.section}: ${e.error.split('\n')[0]}`);
  }
  if (r.notes.length > 0) {
    lines.push('');
    lines.push('## Notes');
    for (const n of r.notes) lines.push(`- ${n}`);
  }
  const withNotes = r.figures.filter((f) => f.note);
  if (withNotes.length > 0) {
    lines.push('');
    lines.push('## Method');
    for (const f of withNotes) lines.push(`- **${f.name}**: ${f.note}`);
  }
  lines.push('');
  return lines.join('\n');
}

export function writeResults(dir: string, r: Results): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'latest.json');
  const md = path.join(dir, 'latest.md');
  writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  writeFileSync(md, markdown(r));
  return { json, md };
}

/** The sections every run reports, in order. */
export const SECTIONS = [
  'roundtrip',
  'throughput',
  'ui',
  'dbus-flush',
  'compression',
  'memory',
  'scale',
  'history',
  'conversations',
  'files',
  'idle',
] as const;

/** Figure ids every complete run has (the smoke test checks them). */
export const REQUIRED_FIGURES = [
  'roundtrip.p50',
  'roundtrip.p99',
  'durable.p50',
  'durable.p99',
  'throughput.core',
  'throughput.core-off',
  'throughput.ipc',
  'ui.first-paint',
  'ui.scroll-p99',
  'ui.live-longest-frame',
  'dbus.flush',
  'compression.bytes.deflate',
  'compression.bytes.zlib',
  'compression.cpu.deflate',
  'compression.cpu.zlib',
  'compression.burst.bytes.deflate',
  'compression.burst.bytes.zlib',
  'compression.burst.cpu.deflate',
  'compression.burst.cpu.zlib',
  'memory.rss-growth',
  'memory.rss-growth.node-defaults',
  'history.launch-snapshot',
  'history.search',
  'history.search-short',
  'history.write',
  'conversations.server-memory.connection',
  'conversations.server-memory.membership',
  'conversations.switch',
  'conversations.catch-up',
  'files.upload',
  'files.download',
  'files.client-peak-rss',
  'idle.core.cpu',
  'idle.core.cpu-power-save',
  'idle.core.wakeups',
  'idle.core.wakeups-power-save',
  'idle.server.cpu',
  'idle.server.memory',
] as const;

function isStats(v: unknown): boolean {
  const s = v as Stats;
  return (
    typeof s === 'object' &&
    s !== null &&
    ['median', 'min', 'max', 'q1', 'q3', 'n'].every((k) => typeof (s as unknown as Record<string, unknown>)[k] === 'number') &&
    Array.isArray(s.samples) &&
    s.samples.length === s.n &&
    s.n >= 1
  );
}

/** Problems with the shape of a results object (not its speeds); empty when fine. */
export function checkShape(r: unknown): string[] {
  const p: string[] = [];
  const o = r as Results;
  if (typeof o !== 'object' || o === null) return ['not an object'];
  if (o.schema !== 'uos-chat-bench/1') p.push('schema');
  if (o.mode !== 'full' && o.mode !== 'tiny') p.push('mode');
  if (typeof o.wallMs !== 'number') p.push('wallMs');
  const m = o.machine;
  if (!m || typeof m.cores !== 'number' || typeof m.cpuModel !== 'string' || typeof m.node !== 'string' || typeof m.chromium !== 'string')
    p.push('machine (cores, cpuModel, node, chromium)');
  if (!Array.isArray(o.figures)) return [...p, 'figures'];
  if (!Array.isArray(o.errors)) p.push('errors');
  for (const f of o.figures) {
    const at = `figure ${f?.id}`;
    if (typeof f.id !== 'string' || typeof f.name !== 'string' || typeof f.unit !== 'string' || typeof f.section !== 'string')
      p.push(`${at}: id/name/unit/section`);
    if (!isStats(f.value)) p.push(`${at}: value stats`);
    if (f.baseline) {
      if (!isStats(f.baseline.value) || typeof f.baseline.label !== 'string' || !['measured', 'reference'].includes(f.baseline.kind))
        p.push(`${at}: baseline`);
      if (f.baseline.kind === 'measured' && f.baseline.value?.median !== 0 && typeof f.ratio !== 'number') p.push(`${at}: ratio`);
    }
    if (f.target && (typeof f.target.limit !== 'number' || !['<=', '>='].includes(f.target.op))) p.push(`${at}: target`);
    if (!(f.met === null || typeof f.met === 'boolean')) p.push(`${at}: met`);
  }
  const ids = new Set(o.figures.map((f) => f.id));
  for (const id of REQUIRED_FIGURES) if (!ids.has(id)) p.push(`missing figure ${id}`);
  return p;
}
