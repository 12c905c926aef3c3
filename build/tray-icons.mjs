// Renders the tray icon's three looks from build/icon.svg (the ONE icon source) at 32×32:
//   dist/electron/tray/normal.png    as the app icon
//   dist/electron/tray/unread.png    with a red dot (unread messages)
//   dist/electron/tray/mention.png   with an orange ring (an @mention waits): told apart by shape, not colour alone
//   dist/electron/tray/offline.png   in greys (offline, reconnecting or failing)
// dist/electron/** goes into app.asar; main loads them with nativeImage.createFromPath (electron/main/tray.ts).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TRAY_SIZE = 32;

/** @param {string} svg */
export function trayVariants(svg) {
  const dot = '<circle cx="404" cy="108" r="100" fill="#e53935" stroke="#ffffff" stroke-width="24"/>';
  const ring =
    '<circle cx="392" cy="120" r="112" fill="#ffffff"/><circle cx="392" cy="120" r="80" fill="none" stroke="#f57c00" stroke-width="56"/>';
  return {
    normal: svg,
    unread: svg.replace('</svg>', `${dot}</svg>`),
    mention: svg.replace('</svg>', `${ring}</svg>`),
    offline: svg.replaceAll('#38b2ff', '#b4b4b4').replaceAll('#0a66d8', '#6a6a6a').replaceAll('#e4f0ff', '#e8e8e8'),
  };
}

export async function generateTrayIcons(outDir = path.join(root, 'dist/electron/tray')) {
  const { Resvg } = await import('@resvg/resvg-js');
  const svg = await readFile(path.join(root, 'build/icon.svg'), 'utf8');
  await mkdir(outDir, { recursive: true });
  for (const [name, source] of Object.entries(trayVariants(svg))) {
    const png = new Resvg(source, { fitTo: { mode: 'width', value: TRAY_SIZE }, background: 'rgba(0,0,0,0)' }).render().asPng();
    await writeFile(path.join(outDir, `${name}.png`), png);
  }
}
