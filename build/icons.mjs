// Renders build/icon.svg (the ONE icon source) to every hicolor size:
//   dist/icons/<size>x<size>.png   (dist/ is git-ignored; electron-builder's linux.icon points here)
// with @resvg/resvg-js (prebuilt binaries from the npm registry, so `npm ci` is all it needs).
//
//   node build/icons.mjs            render (skips sizes that are newer than the SVG)
//   node build/icons.mjs --force    render all
import { createRequire } from 'node:module';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { iconSizes } = require('./desktop-entry.cjs');

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const iconSource = path.join(root, 'build/icon.svg');
export const iconDir = path.join(root, 'dist/icons');

/** @returns {Promise<Array<{size: number, file: string}>>} */
export async function generateIcons({ force = false, outDir = iconDir } = {}) {
  const { Resvg } = await import('@resvg/resvg-js');
  const svg = await readFile(iconSource);
  const srcTime = (await stat(iconSource)).mtimeMs;
  await mkdir(outDir, { recursive: true });
  const out = [];
  for (const size of iconSizes) {
    const file = path.join(outDir, `${size}x${size}.png`);
    const existing = await stat(file).catch(() => null);
    if (force || !existing || existing.mtimeMs < srcTime) {
      const png = new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();
      await writeFile(file, png);
    }
    out.push({ size, file });
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const icons = await generateIcons({ force: process.argv.includes('--force') });
  console.log(`icons: ${icons.map((i) => i.size).join(', ')} → ${path.relative(root, iconDir)}/`);
}
