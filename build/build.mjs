// Builds everything the app needs into dist/:
//   dist/electron/main.js     main process (CommonJS; electron and runtime deps stay external)
//   dist/electron/preload.js  sandboxed preload: one self-contained file (it may only require 'electron')
//   dist/renderer/            the React UI (Vite)
//   dist/electron/tray/       the tray icon's looks, rendered from build/icon.svg (build/tray-icons.mjs)
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { generateTrayIcons } from './tray-icons.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const runtimeDeps = Object.keys(pkg.dependencies ?? {});
const only = process.argv[2];

async function buildElectron() {
  await generateTrayIcons();
  await esbuild({
    entryPoints: { main: path.join(root, 'electron/main/index.ts') },
    outdir: path.join(root, 'dist/electron'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['electron', ...runtimeDeps],
    logLevel: 'warning',
  });
  await esbuild({
    entryPoints: { preload: path.join(root, 'electron/preload/index.ts') },
    outdir: path.join(root, 'dist/electron'),
    bundle: true,
    // A sandboxed preload gets a browser-like environment with a limited require('electron').
    platform: 'browser',
    format: 'cjs',
    target: 'chrome120',
    external: ['electron'],
    logLevel: 'warning',
  });
}

async function buildRenderer() {
  await viteBuild({ configFile: path.join(root, 'renderer/vite.config.mts'), logLevel: 'warn' });
}

if (!only || only === 'electron') await buildElectron();
if (!only || only === 'renderer') await buildRenderer();
