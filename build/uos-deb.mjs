// The UOS app-store .deb, built with dpkg-deb from electron-builder's `--dir` output.
//
// Layout (UOS/deepin application packaging spec):
//   /opt/apps/<appid>/info                                            app metadata + permissions (JSON)
//   /opt/apps/<appid>/files/                                          the app (linux[-arm64]-unpacked)
//   /opt/apps/<appid>/files/bin/uos-chat                              the launcher (build/launcher/uos-chat)
//   /opt/apps/<appid>/entries/applications/<appid>.desktop            desktop entry, Exec=…/files/bin/uos-chat
//   /opt/apps/<appid>/entries/icons/hicolor/<n>x<n>/apps/<appid>.png  icons (build/icons.mjs)
// Package name = appid; Version = info's 4-part version; Depends/Maintainer/Homepage from
// build/electron-builder.config.cjs. Nothing is installed outside /opt/apps/<appid>.
// The store's rules (deepin/UOS 商店打包规范): no maintainer scripts at all ("禁止使用deb的postinst等钩子对系统进行
// 修改") and no way to gain root ("禁止应用以任何形式获取root权限"). So DEBIAN/ holds only control and md5sums,
// every mode is 0755 or 0644, and chrome-sandbox (a setuid-root helper) is not shipped: where user namespaces
// are disabled the launcher starts Electron with --no-sandbox and the app says so (docs/PACKAGING.md).
//
//   node build/uos-deb.mjs [--app-dir DIR] [--out release] [--arch x64|arm64] [--build-number N]
//     without --app-dir: every release/linux-unpacked (amd64) and release/linux-arm64-unpacked present
//   npm run package:uos   (electron-builder --dir for x64 and arm64 — downloads Electron — then this)
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { generateIcons } from './icons.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { app, iconSizes, renderDesktopEntry } = require('./desktop-entry.cjs');
const { layout } = require('./after-pack.cjs');
const config = require('./electron-builder.config.cjs');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));

/** UOS store permissions, declared in /opt/apps/<appid>/info. */
export const permissions = Object.freeze({
  // The app writes an XDG autostart entry ("Start UOS Chat when I log in", electron/core/desktop/autostart.ts)
  // and shows a tray icon (electron/main/tray.ts).
  autostart: true,
  notification: true,
  trayicon: true,
  clipboard: true,
  account: false,
  bluetooth: false,
  camera: false,
  audio_record: false,
  installed_apps: false,
});

/** Files electron-builder's deb target may have left in the --dir output that mean nothing here. */
const notShipped = new Set(['resources/apparmor-profile', 'resources/app-update.yml', 'resources/package-type']);
/** Never in the store package: a setuid-root helper is a way to gain root, which the store forbids. */
const forbidden = new Set(['chrome-sandbox']);

/** "1.2.3" / "1.2.3-beta.1" → "1.2.3.<build>" (UOS wants exactly four numeric parts). */
export function uosVersion(version, buildNumber = 0) {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`version ${version} is not x.y.z`);
  if (!Number.isInteger(buildNumber) || buildNumber < 0) throw new Error(`bad build number ${buildNumber}`);
  return `${m[1]}.${m[2]}.${m[3]}.${buildNumber}`;
}

/** Debian architecture of the unpacked app: from the ELF header of its binary, else from the dir name. */
export async function detectArch(appDir, executable) {
  const fh = await open(path.join(appDir, executable), 'r');
  try {
    const head = Buffer.alloc(20);
    await fh.read(head, 0, 20, 0);
    if (head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) {
      const machine = head.readUInt16LE(18);
      const arch = { 0x3e: 'amd64', 0xb7: 'arm64' }[machine];
      if (!arch) throw new Error(`unsupported ELF machine 0x${machine.toString(16)} in ${executable}`);
      return arch;
    }
  } finally {
    await fh.close();
  }
  const base = path.basename(appDir);
  if (base === 'linux-unpacked') return 'amd64';
  if (base === 'linux-arm64-unpacked') return 'arm64';
  throw new Error(`cannot tell the architecture of ${appDir}; pass --arch`);
}

async function walk(dir, rel = '') {
  const out = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push({ rel: r, dir: true }, ...(await walk(dir, r)));
    else out.push({ rel: r, dir: false, link: e.isSymbolicLink() });
  }
  return out;
}

export async function buildUosDeb({ appDir, outDir, arch, buildNumber = 0 }) {
  const appid = app.appId;
  if (!/^[a-z0-9][a-z0-9+.-]+$/.test(appid) || appid.split('.').length < 3) throw new Error(`bad appid ${appid}`);
  const debArch = arch ? { x64: 'amd64', amd64: 'amd64', arm64: 'arm64' }[arch] : await detectArch(appDir, layout.electronBinary);
  if (!debArch) throw new Error(`unsupported arch ${arch}`);
  const version = uosVersion(pkg.version, buildNumber);

  const stage = path.join(outDir, `uos-${debArch}`);
  const base = path.join(stage, 'opt/apps', appid);
  await rm(stage, { recursive: true, force: true });
  const { desktop, info } = await stageApp({ appDir, base, appid, version, debArch });
  const { entries, installedBytes } = await normaliseModes(stage);
  await writeDebianDir({ stage, entries, installedBytes, appid, version, debArch });

  await mkdir(outDir, { recursive: true });
  const deb = path.join(outDir, `${appid}_${version}_${debArch}.deb`);
  const r = spawnSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, deb], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dpkg-deb failed (${r.status ?? r.signal}): ${r.stderr || r.error}`);
  return { deb, stage, appid, version, arch: debArch, info, desktop };
}

/** /opt/apps/<appid>/: files/ (the unpacked app), entries/ (desktop entry, icons) and info. */
async function stageApp({ appDir, base, appid, version, debArch }) {
  if (!existsSync(path.join(appDir, layout.launcher)))
    throw new Error(`${appDir} has no ${layout.launcher}: not packed with build/after-pack.cjs`);
  await mkdir(path.join(base, 'files'), { recursive: true });
  await cp(appDir, path.join(base, 'files'), {
    recursive: true,
    verbatimSymlinks: true, // files/uos-chat -> bin/uos-chat stays relative
    filter: (src) => {
      const rel = path.relative(appDir, src).split(path.sep).join('/');
      return !notShipped.has(rel) && !forbidden.has(rel);
    },
  });

  const desktop = renderDesktopEntry({ executable: `/opt/apps/${appid}/files/${layout.launcher}`, icon: appid });
  await mkdir(path.join(base, 'entries/applications'), { recursive: true });
  await writeFile(path.join(base, 'entries/applications', `${appid}.desktop`), desktop);
  const icons = await generateIcons();
  for (const { size, file } of icons) {
    const dir = path.join(base, `entries/icons/hicolor/${size}x${size}/apps`);
    await mkdir(dir, { recursive: true });
    await cp(file, path.join(dir, `${appid}.png`));
  }
  if (icons.length !== iconSizes.length) throw new Error('icon set incomplete');

  const info = { appid, name: app.displayName, version, arch: [debArch], permissions: { ...permissions } };
  await writeFile(path.join(base, 'info'), JSON.stringify(info, null, 2) + '\n');
  return { desktop, info };
}

/** Directories 0755, executables 0755, everything else 0644 (owner root via --root-owner-group): no setuid/setgid bit survives. */
async function normaliseModes(stage) {
  let installedBytes = 0;
  const entries = await walk(stage);
  for (const e of entries) {
    const p = path.join(stage, e.rel);
    if (e.link) continue;
    if (e.dir) {
      await chmod(p, 0o755);
      continue;
    }
    const st = await stat(p);
    installedBytes += st.size;
    await chmod(p, st.mode & 0o111 ? 0o755 : 0o644);
  }
  return { entries, installedBytes };
}

/** DEBIAN/: md5sums and control, nothing else (no maintainer scripts: the store rejects them). */
async function writeDebianDir({ stage, entries, installedBytes, appid, version, debArch }) {
  const debian = path.join(stage, 'DEBIAN');
  await mkdir(debian, { recursive: true });
  await chmod(debian, 0o755);
  const md5 = [];
  for (const e of entries) {
    if (e.dir || e.link) continue;
    const sum = createHash('md5')
      .update(await readFile(path.join(stage, e.rel)))
      .digest('hex');
    md5.push(`${sum}  ${e.rel}`);
  }
  await writeFile(path.join(debian, 'md5sums'), md5.join('\n') + '\n', { mode: 0o644 });
  const control = [
    `Package: ${appid}`,
    `Version: ${version}`,
    `Architecture: ${debArch}`,
    `Maintainer: ${config.linux.maintainer}`,
    `Installed-Size: ${Math.max(1, Math.ceil(installedBytes / 1024))}`,
    `Depends: ${config.deb.depends.join(', ')}`,
    `Section: net`,
    `Priority: optional`,
    `Homepage: ${config.extraMetadata.homepage}`,
    `Description: ${app.comment.replace(/^./, (c) => c.toLowerCase())}`,
    ` ${app.displayName} (${app.displayNameZh}) connects to a chat server over WebSocket, keeps`,
    ` unsent messages in a local outbox while offline and follows the network`,
    ` state of the desktop session. Packaged for the UOS application store.`,
  ].join('\n');
  await writeFile(path.join(debian, 'control'), control + '\n', { mode: 0o644 });
}

function parseArgs(argv) {
  const opts = { appDir: undefined, outDir: path.join(root, 'release'), arch: undefined, buildNumber: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--app-dir') opts.appDir = path.resolve(argv[++i]);
    else if (a === '--out') opts.outDir = path.resolve(argv[++i]);
    else if (a === '--arch') opts.arch = argv[++i];
    else if (a === '--build-number') opts.buildNumber = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  const appDirs = opts.appDir
    ? [opts.appDir]
    : ['linux-unpacked', 'linux-arm64-unpacked'].map((d) => path.join(root, 'release', d)).filter((d) => existsSync(d));
  if (appDirs.length === 0) throw new Error('no release/linux*-unpacked: run `npm run package:dir` (or pass --app-dir)');
  if (opts.arch && appDirs.length > 1) throw new Error('--arch needs --app-dir');
  for (const appDir of appDirs) {
    const r = await buildUosDeb({ ...opts, appDir });
    console.log(`uos-deb: ${path.relative(process.cwd(), r.deb)} (${r.appid} ${r.version} ${r.arch})`);
  }
}
