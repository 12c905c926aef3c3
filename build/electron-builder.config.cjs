// electron-builder configuration: deb + AppImage for x64 and arm64 (`npm run package`, needs internet for
// Electron's zip, fpm and appimagetool). Kept out of package.json's "build" key on purpose.
// Identity and the desktop entry live in build/desktop-entry.cjs (shared with the UOS layout, build/uos-deb.mjs).
// Checked offline by tests/packaging/package.test.ts (via build/package-check.mjs). Notes: docs/PACKAGING.md.
'use strict';

const path = require('node:path');
const { app, desktopEntryExtras } = require('./desktop-entry.cjs');

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

/**
 * Electron fuses, flipped in the packaged binary right after packing (electron-builder → @electron/fuses).
 * The app never needs Node-mode or NODE_OPTIONS (its CA handling does not use NODE_OPTIONS /
 * NODE_EXTRA_CA_CERTS), so both are off; it only ever loads resources/app.asar.
 */
const electronFuses = Object.freeze({
  runAsNode: false, // ELECTRON_RUN_AS_NODE=1 would turn the app's binary into a plain Node.js
  enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS=--require … must not inject code
  enableNodeCliInspectArguments: false, // nor --inspect/--inspect-brk (same class of code injection)
  onlyLoadAppFromAsar: true, // no resources/app/ folder next to app.asar can replace the app
  enableCookieEncryption: true, // cookies encrypted with the OS keyring (libsecret); one-way: keep it on
  // enableEmbeddedAsarIntegrityValidation: macOS/Windows only, not supported on Linux.
  // grantFileProtocolExtraPrivileges: left at Electron's default; the UI is loaded from file://.
});

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
  electronFuses,

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
    // Exec=… --ozone-platform=x11 %U — see app.launchArgs in build/desktop-entry.cjs for why Exec carries it.
    executableArgs: [...app.launchArgs],
    desktop: { entry: desktopEntryExtras() },
  },
  deb: {
    depends: [...debDepends],
    recommends: [], // electron-builder would add libappindicator3-1; the app has no tray icon
    priority: 'optional',
    packageCategory: 'net',
    // electron-builder's template with a correct (unprivileged) user-namespace probe for chrome-sandbox.
    afterInstall: path.join(__dirname, 'electron-builder.after-install.tpl'),
  },
  appImage: {
    // AppRun itself adds --no-sandbox when unprivileged user namespaces are unavailable.
    artifactName: '${name}-${version}-${arch}.${ext}',
  },

  beforePack: async () => {
    const { generateIcons } = await import('./icons.mjs');
    await generateIcons();
  },
};

// build/uos-deb.mjs reads Maintainer/Homepage/Depends from here (linux.maintainer, extraMetadata.homepage, deb.depends).
module.exports = config;
