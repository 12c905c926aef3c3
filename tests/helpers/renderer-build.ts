/**
 * What the UI tests and benchmarks load into Chromium: the renderer (a Vite
 * build) and the init script that stands in for the preload (esbuild bundle of
 * ui-host-preload.ts). Each is built once per process.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist/renderer');

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

let rendererDir: Promise<string> | undefined;

/**
 * dist/renderer when it is newer than its sources (npm test builds it first);
 * otherwise a fresh Vite build into a private temp dir, so parallel test files
 * never race on dist/.
 */
export function rendererBuild(): Promise<string> {
  rendererDir ??= (async () => {
    const sources = [
      path.join(ROOT, 'renderer/index.html'),
      path.join(ROOT, 'renderer/src'),
      path.join(ROOT, 'renderer/vite.config.mts'),
      path.join(ROOT, 'electron/common'),
    ];
    let built: number;
    try {
      built = statSync(path.join(DIST, 'index.html')).mtimeMs;
    } catch {
      built = 0;
    }
    const newest = Math.max(...sources.map(newestMtime));
    if (built >= newest) return DIST;
    const outDir = path.join(os.tmpdir(), `uos-chat-renderer-${process.pid}`);
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    const { build } = await import('vite');
    await build({
      configFile: path.join(ROOT, 'renderer/vite.config.mts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
    return outDir;
  })();
  return rendererDir;
}

let preloadBundle: Promise<string> | undefined;

/** The init script that builds `window.chat` in the page (see ui-host-preload.ts). */
export function preloadScript(): Promise<string> {
  preloadBundle ??= esbuild({
    entryPoints: [path.join(ROOT, 'tests/helpers/ui-host-preload.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  }).then((r) => {
    const out = r.outputFiles[0];
    if (!out) throw new Error('esbuild produced no preload bundle');
    return out.text;
  });
  return preloadBundle;
}
