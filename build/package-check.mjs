// Offline packaging dry run (used by tests/packaging/package.test.ts; also `npm run package:check`).
//
// Runs electron-builder with the real config (build/electron-builder.config.cjs) against a STAND-IN
// Electron distribution (no Electron binary can be downloaded here), for x64 and arm64:
//   - the `dir` target completely: release/linux{,-arm64}-unpacked with resources/app.asar, fuses flipped
//     (the stand-in binary carries a fuse wire so @electron/fuses has something to flip), locales pruned;
//   - the `deb` and `AppImage` targets up to the point where they would run fpm / appimagetool (both
//     downloaded by electron-builder, impossible offline): electron-builder's `effectiveOptionComputed`
//     hook hands us the generated .desktop files, fpm arguments and the after-install script, then stops.
// Writes <out>/report.json and <out>/desktop/*.desktop. Needs `node build/build.mjs` first.
//
//   node build/package-check.mjs [--out DIR] [--arch x64,arm64]
import { createRequire } from 'node:module';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Electron's default fuse wire (V1), as in a freshly downloaded binary: '1' enabled, '0' disabled. */
export const standInFuseWire = {
  RunAsNode: '1',
  EnableCookieEncryption: '0',
  EnableNodeOptionsEnvironmentVariable: '1',
  EnableNodeCliInspectArguments: '1',
  EnableEmbeddedAsarIntegrityValidation: '0',
  OnlyLoadAppFromAsar: '0',
  LoadBrowserProcessSpecificV8Snapshot: '0',
  GrantFileProtocolExtraPrivileges: '1',
};

/**
 * A directory shaped like an unpacked electron-vX-linux-<arch>.zip. Only the layout is real: `electron`
 * is a shell script whose comment holds the fuse sentinel + wire, the other binaries are placeholders.
 */
export async function createStandInElectron(dir, version) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'locales'), { recursive: true });
  await mkdir(path.join(dir, 'resources'), { recursive: true });
  const { SENTINEL } = require('@electron/fuses/dist/constants.js');
  const wire = Object.values(standInFuseWire).join('');
  const script = Buffer.concat([
    Buffer.from('#!/bin/sh\n# Stand-in for the Electron binary (offline packaging check); it cannot run an app.\n# '),
    Buffer.from(SENTINEL),
    Buffer.from([1, wire.length]),
    Buffer.from(`${wire}\necho "stand-in Electron ${version}: not a real binary" >&2\nexit 1\n`),
  ]);
  await writeFile(path.join(dir, 'electron'), script, { mode: 0o755 });
  const helper = '#!/bin/sh\necho "stand-in: not a real binary" >&2\nexit 1\n';
  for (const exe of ['chrome-sandbox', 'chrome_crashpad_handler']) {
    await writeFile(path.join(dir, exe), helper, { mode: 0o755 });
  }
  const placeholders = [
    'LICENSE',
    'LICENSES.chromium.html',
    'chrome_100_percent.pak',
    'chrome_200_percent.pak',
    'resources.pak',
    'icudtl.dat',
    'snapshot_blob.bin',
    'v8_context_snapshot.bin',
    'vk_swiftshader_icd.json',
    'libEGL.so',
    'libGLESv2.so',
    'libffmpeg.so',
    'libvk_swiftshader.so',
    'libvulkan.so.1',
    ...['en-US', 'zh-CN', 'de', 'fr', 'ja'].map((l) => `locales/${l}.pak`),
  ];
  for (const f of placeholders) await writeFile(path.join(dir, f), `stand-in ${f}\n`);
  await writeFile(path.join(dir, 'version'), `${version}\n`);
  return dir;
}

function parseArgs(argv) {
  const opts = { out: path.join(root, 'tests/artifacts/packaging'), arch: ['x64', 'arm64'] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') opts.out = path.resolve(argv[++i]);
    else if (argv[i] === '--arch') opts.arch = argv[++i].split(',');
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return opts;
}

export async function packageCheck({ out, arch }) {
  for (const f of ['dist/electron/main.js', 'dist/electron/preload.js', 'dist/renderer/index.html']) {
    if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: run \`node build/build.mjs\` first`);
  }
  refuseDownloads(out);
  await rm(out, { recursive: true, force: true });
  await mkdir(path.join(out, 'desktop'), { recursive: true });

  const config = require(path.join(root, 'build/electron-builder.config.cjs'));
  const electronVersion = config.electronVersion;
  const standIn = await createStandInElectron(path.join(out, 'electron-standin'), electronVersion);

  const report = { electronVersion, arches: {}, deb: [], appImage: [] };
  const { build, Platform, Arch } = require('electron-builder');
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget(['dir', 'deb', 'AppImage'], ...arch.map((a) => Arch[a])),
    publish: 'never',
    config: {
      ...config,
      electronDist: standIn,
      directories: { ...config.directories, output: path.join(out, 'release') },
    },
    effectiveOptionComputed: (computed) => recordTargetInputs(computed, out, report),
  });
  // The real binary: afterPack (build/after-pack.cjs) renamed it and put the launcher at config.executableName.
  const { layout } = require(path.join(root, 'build/after-pack.cjs'));
  for (const a of arch) report.arches[a] = await inspectUnpacked(out, a, layout.electronBinary);
  report.electronDist = standIn;
  await writeFile(path.join(out, 'report.json'), JSON.stringify(report, null, 2));
  return report;
}

/** Any download attempt must fail at once rather than hang: point every proxy knob at a closed port. */
function refuseDownloads(out) {
  const dead = 'http://127.0.0.1:9';
  Object.assign(process.env, {
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    ELECTRON_GET_USE_PROXY: '1',
    GLOBAL_AGENT_HTTP_PROXY: dead,
    GLOBAL_AGENT_HTTPS_PROXY: dead,
    HTTP_PROXY: dead,
    HTTPS_PROXY: dead,
    http_proxy: dead,
    https_proxy: dead,
    ELECTRON_BUILDER_CACHE: path.join(out, 'cache'),
    USE_HARD_LINKS: 'false',
  });
  delete process.env.NO_PROXY;
  delete process.env.no_proxy;
}

/**
 * Called by the deb target with [fpmArgs, desktopFile] and by the AppImage target with
 * {desktop, desktopFileName}, right before they would run fpm / appimagetool. `true` = stop there.
 */
async function recordTargetInputs(computed, out, report) {
  if (Array.isArray(computed)) {
    const [args, desktopFile] = computed;
    const archName = args[args.indexOf('--architecture') + 1];
    const afterInstall = await readFile(args[args.indexOf('--after-install') + 1], 'utf8');
    const afterRemove = await readFile(args[args.indexOf('--after-remove') + 1], 'utf8');
    const desktop = await readFile(desktopFile, 'utf8');
    const file = path.join(out, 'desktop', `deb-${archName}.desktop`);
    await writeFile(file, desktop);
    report.deb.push({ arch: archName, args, desktop, desktopPath: file, afterInstall, afterRemove });
    return true;
  }
  if (computed && typeof computed === 'object' && 'desktop' in computed) {
    const file = path.join(out, 'desktop', `appimage-${report.appImage.length}.desktop`);
    await writeFile(file, computed.desktop);
    report.appImage.push({ desktop: computed.desktop, desktopFileName: computed.desktopFileName, desktopPath: file });
    return true;
  }
  return false;
}

/** The unpacked app of one arch: what its asar holds and which fuses its Electron binary has. */
async function inspectUnpacked(out, a, electronBinary) {
  const asar = require('@electron/asar');
  const { getCurrentFuseWire } = require('@electron/fuses');
  const appOutDir = path.join(out, 'release', a === 'x64' ? 'linux-unpacked' : `linux-${a}-unpacked`);
  const asarPath = path.join(appOutDir, 'resources/app.asar');
  const files = asar.listPackage(asarPath, { isPack: false }).map((f) => f.replace(/\\/g, '/').replace(/^\//, ''));
  const packageJson = JSON.parse(asar.extractFile(asarPath, 'package.json').toString('utf8'));
  const fuses = await getCurrentFuseWire(path.join(appOutDir, electronBinary));
  const debArch = { x64: 'amd64', arm64: 'arm64' }[a];
  return { debArch, appOutDir, asarPath, files, packageJson, fuses };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  const report = await packageCheck(opts);
  console.log(`package-check: ${Object.keys(report.arches).join(', ')} → ${path.relative(root, opts.out)}/report.json`);
}
