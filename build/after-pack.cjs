// electron-builder afterPack hook (build/electron-builder.config.cjs): puts the launcher in front of Electron.
//
// electron-builder points every way of starting at <appOutDir>/<executableName>: the deb's desktop Exec
// (it refuses a custom Exec, electron-builder#3418), its /usr/bin link (after-install) and the AppImage's
// AppRun (BIN="$APPDIR/<executableName>"). So after packing:
//   1. flip the Electron fuses on the real binary (done here, not through `electronFuses` in the config,
//      because electron-builder flips them on <executableName> AFTER this hook, which is then the launcher);
//   2. rename the binary <executableName>-electron;
//   3. install build/launcher/uos-chat as bin/<executableName> and link <executableName> -> bin/<executableName>.
// The UOS store layout (build/uos-deb.mjs) starts from this same output; its entry Execs files/bin/uos-chat.
'use strict';

const path = require('node:path');
const fs = require('node:fs/promises');
const { app } = require('./desktop-entry.cjs');

/**
 * Electron fuses for the packaged binary. The app never needs Node-mode or NODE_OPTIONS (its CA handling
 * does not use NODE_OPTIONS / NODE_EXTRA_CA_CERTS), so both are off; it only ever loads resources/app.asar.
 * Same meaning as electron-builder's `electronFuses` option (passed to its generateFuseConfig).
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

/** Where things are in a packed app directory (also used by build/uos-deb.mjs and the tests). */
const layout = Object.freeze({
  launcherSource: path.join(__dirname, 'launcher', app.executableName),
  launcher: `bin/${app.executableName}`,
  electronBinary: `${app.executableName}-electron`,
  entry: app.executableName,
});

async function afterPack(context) {
  if (context.electronPlatformName !== 'linux') return;
  const dir = context.appOutDir;
  const entry = path.join(dir, context.packager.executableName);
  if (context.packager.executableName !== layout.entry)
    throw new Error(`executableName ${context.packager.executableName} ≠ ${layout.entry}`);
  await context.packager.addElectronFuses(context, await context.packager.generateFuseConfig(electronFuses));
  await fs.rename(entry, path.join(dir, layout.electronBinary));
  await fs.mkdir(path.join(dir, 'bin'), { recursive: true });
  await fs.copyFile(layout.launcherSource, path.join(dir, layout.launcher));
  await fs.chmod(path.join(dir, layout.launcher), 0o755);
  await fs.symlink(layout.launcher, entry);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.electronFuses = electronFuses;
module.exports.layout = layout;
