/**
 * Where the time goes in a V8 CPU profile (node --cpu-prof, or CDP Profiler from Chromium):
 *   node --import tsx bench/cpuprofile-top.ts FILE.cpuprofile [N]
 * Prints the top N functions by self time, and by total (inclusive) time.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function topOf(profile: Profile, n = 25): string {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0)));
  const label = (x: Node) => {
    const f = x.callFrame;
    const file = f.url.replace(/^.*\/(node_modules\/)?/, (m, nm) => (nm ? 'node_modules/' : '')).replace(/\?.*$/, '');
    return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
  };
  const selfBy = new Map<string, number>();
  const totalBy = new Map<string, number>();
  for (const [id, us] of self) {
    const x = byId.get(id)!;
    selfBy.set(label(x), (selfBy.get(label(x)) ?? 0) + us);
    // inclusive: every distinct ancestor frame label once per sample chain
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      totalBy.set(l, (totalBy.get(l) ?? 0) + us);
    }
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([l, us]) => `  ${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${l}`)
      .join('\n');
  return `profile: ${(total / 1000).toFixed(1)} ms sampled\n-- self time --\n${fmt(selfBy)}\n-- total (inclusive) time --\n${fmt(totalBy)}\n`;
}

if (process.argv[1]?.endsWith('cpuprofile-top.ts')) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cpuprofile-top.ts FILE.cpuprofile [N]');
  console.log(topOf(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25)));
}
