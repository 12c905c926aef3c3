// The glibc floor: every ELF file WE add to a package (native .node modules, helpers next to the launcher)
// must run on UOS 20 / deepin 20, which are Debian 10-based with glibc 2.28. Electron's own binaries are not
// ours to check: official Electron builds target glibc 2.26+ through Chromium's Debian sysroot.
//
// `readelf --dyn-syms --wide` (binutils) names the version each imported symbol needs (`memcpy@GLIBC_2.14`);
// unlike objdump it reads any architecture, so arm64 modules are checked on an amd64 machine too.
//
//   node build/glibc-floor.mjs APP_DIR ELECTRON_DIST     (exit 1 and the symbols when one is too new)
// Used by tests/packaging/glibc.test.ts and tests/packaging/package.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

export const GLIBC_FLOOR = '2.28';

/** -1, 0, 1 for dotted numeric versions ("2.28" < "2.28.1" < "2.3" is false: numeric parts). */
export function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** `symbol@GLIBC_x.y` pairs in readelf --dyn-syms output (imported `@` and defined `@@` alike). */
export function glibcSymbols(readelfText) {
  const out = [];
  for (const m of readelfText.matchAll(/(\S+?)@@?GLIBC_(\d+(?:\.\d+)+)/g)) out.push({ symbol: m[1], version: m[2] });
  return out;
}

/** The symbols of one ELF file that need a glibc newer than `floor`. Throws if readelf cannot read it. */
export function tooNewSymbols(file, floor = GLIBC_FLOOR) {
  const r = spawnSync('readelf', ['--dyn-syms', '--wide', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`readelf: ${r.error.message} (install binutils)`);
  if (r.status !== 0) throw new Error(`readelf ${file}: ${r.stderr.trim()}`);
  return glibcSymbols(r.stdout).filter((s) => compareVersions(s.version, floor) > 0);
}

async function isElf(file) {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead === 4 && head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    await fh.close();
  }
}

/**
 * ELF files in a packed app directory that did not come from the Electron distribution `electronDist`
 * (compared by relative path; Electron's `electron` is renamed to `renamedElectron` by build/after-pack.cjs).
 */
export async function elfFilesWeAdd(appDir, electronDist, renamedElectron = 'uos-chat-electron') {
  const found = [];
  const visit = async (rel) => {
    for (const e of await readdir(path.join(appDir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await visit(r);
      else if (e.isFile() && (await isElf(path.join(appDir, r)))) found.push(r);
    }
  };
  await visit('');
  const fromElectron = (r) => existsSync(path.join(electronDist, r === renamedElectron ? 'electron' : r));
  return found.filter((r) => !fromElectron(r)).sort();
}

/** Every too-new symbol of every ELF file we add, as `file: symbol@GLIBC_x.y` lines (empty: all fine). */
export async function checkGlibcFloor(appDir, electronDist, floor = GLIBC_FLOOR) {
  const problems = [];
  for (const rel of await elfFilesWeAdd(appDir, electronDist)) {
    for (const s of tooNewSymbols(path.join(appDir, rel), floor)) problems.push(`${rel}: ${s.symbol}@GLIBC_${s.version}`);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [appDir, electronDist] = process.argv.slice(2);
  if (!appDir || !electronDist) throw new Error('usage: node build/glibc-floor.mjs APP_DIR ELECTRON_DIST');
  // No top-level await: the tests load this module through tsx's CommonJS transform.
  void checkGlibcFloor(appDir, electronDist).then((problems) => {
    for (const p of problems) console.error(`newer than GLIBC_${GLIBC_FLOOR}: ${p}`);
    process.exitCode = problems.length ? 1 : 0;
  });
}
