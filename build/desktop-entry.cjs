// The app's identity on Linux and its freedesktop desktop entry, in ONE place.
//
// Used by:
//   build/electron-builder.config.cjs  linux.desktop.entry / executableArgs / category for the deb and AppImage
//                                      (electron-builder renders those with its own generator)
//   build/uos-deb.mjs                  the UOS app-store layout (/opt/apps/<appid>/entries/applications/<appid>.desktop),
//                                      rendered by renderDesktopEntry() below in the same key order
//   tests/packaging/package.test.ts    validates every rendered entry with desktop-file-validate
//
// CommonJS on purpose: electron-builder loads its config with require(), and .mjs/.ts callers can import it too.
'use strict';

const app = Object.freeze({
  /** npm name (package.json "name"). */
  name: 'uos-chat',
  /**
   * package.json "productName". No spaces: electron-builder puts the deb under /opt/<productName>/ and
   * Electron's userData is ~/.config/<productName> (~/.config/UOSChat). It is also the X11 WM_CLASS class
   * Electron gives its windows (Browser::GetName()), hence StartupWMClass below.
   */
  productName: 'UOSChat',
  /** What people see (desktop entry Name). */
  displayName: 'UOS Chat',
  displayNameZh: 'UOS 聊天',
  /** The binary electron-builder renames `electron` to; no spaces. */
  executableName: 'uos-chat',
  /** Reverse-DNS id: electron-builder appId, UOS appid and the UOS .deb package name (lowercase). */
  appId: 'org.uoschat.uos-chat',
  wmClass: 'UOSChat',
  comment: 'Desktop chat client for UOS and deepin',
  commentZh: '适用于 UOS 和 deepin 的桌面聊天客户端',
  genericName: 'Chat Client',
  genericNameZh: '聊天客户端',
  keywords: 'chat;message;messenger;im;',
  keywordsZh: '聊天;消息;即时通讯;',
  /** Desktop entry Categories (main category Network + registered additional categories). */
  categories: 'Network;InstantMessaging;Chat;',
});

/** Every hicolor size we ship, rendered from build/icon.svg by build/icons.mjs. */
const iconSizes = Object.freeze([16, 24, 32, 48, 64, 128, 256, 512]);

/**
 * The keys electron-builder does not derive itself (it writes Name/Exec/Terminal/Type/Icon/StartupWMClass,
 * then these, then Comment from linux.description and Categories from linux.category).
 */
function desktopEntryExtras() {
  return {
    Name: app.displayName,
    'Name[zh_CN]': app.displayNameZh,
    GenericName: app.genericName,
    'GenericName[zh_CN]': app.genericNameZh,
    'Comment[zh_CN]': app.commentZh,
    Keywords: app.keywords,
    'Keywords[zh_CN]': app.keywordsZh,
    StartupWMClass: app.wmClass,
    StartupNotify: 'true',
  };
}

/** Quote one Exec argument per the Desktop Entry spec if it needs it. */
function execQuote(arg) {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

/**
 * A complete .desktop file for the launcher at `executable` and an icon theme name `icon`
 * (used for the UOS layout; same keys as electron-builder's deb/AppImage entries).
 */
function renderDesktopEntry({ executable, icon }) {
  const fields = {
    Name: app.displayName,
    // No switches: the launcher (build/launcher/uos-chat) picks the display backend and the sandbox.
    Exec: `${execQuote(executable)} %U`,
    Terminal: 'false',
    Type: 'Application',
    Icon: icon,
    ...desktopEntryExtras(),
    Comment: app.comment,
    Categories: app.categories,
  };
  return (
    '[Desktop Entry]\n' +
    Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') +
    '\n'
  );
}

module.exports = { app, iconSizes, desktopEntryExtras, renderDesktopEntry };
