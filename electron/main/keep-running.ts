/**
 * A chat app that keeps running: the tray icon, closing the window into the tray, starting hidden
 * (--hidden, from the autostart entry) and the autostart entry itself.
 *
 * Closing keeps the app only where a tray host shows the icon (a StatusNotifier host on the session
 * bus, core/dbus/tray-host.ts) and the "Keep running in the tray" setting is on; otherwise closing
 * quits as before: a hidden window with no way back would be worse. For the same reason a --hidden
 * start without a host shows the window, and a host that goes away (the dock crashed) while the window
 * is hidden brings the window back. Quitting (tray menu, Ctrl+Q, signals) always goes through
 * app.quit() and lifecycle.ts's save-everything before-quit; during it nothing is kept.
 */
import type * as Electron from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SettingsKey } from '../common/settings-fields';
import { localeFor, trayText } from '../common/tray-words';
import { writeFileAtomic } from '../core/store';
import { applyAutostart, autostartFile, launcherPath, TrayHostMonitor } from '../core/desktop';
import type { ConnectionKind } from '../common/state';
import type { ConversationClients, ConversationDesk, DeskTotals } from '../core/conversations';
import type { Settings } from '../core/settings';
import { openTray, type TrayHandle } from './tray';
import type { ChatWindowHandle } from './window';

/** The connection the tray speaks of: the shown conversation's (they share one socket), and reconnecting all. */
export interface ConnectionPort {
  kind(): ConnectionKind;
  onChange(cb: () => void): () => void;
  reconnect(): void;
}

/** The desk's current conversation's connection, followed across switches. */
export function deskConnection(desk: ConversationDesk, clients: ConversationClients): ConnectionPort {
  return {
    kind: () => desk.client().status().connection.kind,
    onChange(cb) {
      let offStatus = desk.client().on('status', cb);
      const offSwitched = desk.on('switched', (client) => {
        offStatus();
        offStatus = client.on('status', cb);
        cb();
      });
      return () => {
        offStatus();
        offSwitched();
      };
    },
    reconnect: () => clients.reconnectNow(),
  };
}

export interface KeepRunningOptions {
  settings: () => Settings;
  connection: ConnectionPort;
  quitting: () => boolean;
  userData: string;
  env: NodeJS.ProcessEnv;
  /** dist/electron/tray. */
  iconDir: string;
  log: (line: string) => void;
}

export interface KeepRunning {
  /** For the window's 'close': keep the app (hide the window) instead of closing it. */
  keepOnClose(): boolean;
  /** Whether a --hidden start may stay hidden (a tray host shows the way back). */
  mayStartHidden(): boolean;
  /** What waits: the tray's tooltip and icon say the unread total and whether a mention waits. */
  setUnread(t: DeskTotals): void;
  /** The window was shown or hidden (the menu says Show or Hide). */
  visibilityChanged(): void;
  attachWindow(w: ChatWindowHandle): void;
  /** Settings saved: autostart entry, tray words. */
  settingsChanged(s: Settings, changed: SettingsKey[]): void;
  stop(): Promise<void>;
}

// long-function: the tray, the host, the window and the notice share this state; each part is a few lines
export async function openKeepRunning(electron: typeof Electron, o: KeepRunningOptions): Promise<KeepRunning> {
  const host = new TrayHostMonitor({ env: o.env });
  const hostNow = await host.start();
  o.log(
    `tray: ${hostNow ? 'a StatusNotifier host is registered' : `no tray host (${host.problem ?? 'none registered'}); closing the window quits`}`,
  );
  let win: ChatWindowHandle | undefined;
  let unread: DeskTotals = { unread: 0, mentions: 0 };
  const locale = () => localeFor(o.settings().language, electron.app.getLocale());
  const tray: TrayHandle = openTray(electron, {
    iconDir: o.iconDir,
    locale,
    windowVisible: () => win?.visible() ?? false,
    showWindow: () => win?.focus(),
    hideWindow: () => win?.hide(),
    reconnect: () => o.connection.reconnect(),
    quit: () => electron.app.quit(),
  });
  const update = () => tray.update(o.connection.kind(), unread);
  const offStatus = o.connection.onChange(update);
  update();
  host.on('change', (present) => {
    o.log(`tray: ${present ? 'a tray host appeared' : 'the tray host went away'}`);
    if (!present && win && !win.visible() && !o.quitting()) win.focus(); // no way back otherwise
  });
  const notice = trayNotice(electron.Notification, path.join(o.userData, 'tray-notice.json'), () => trayText[locale()], o.log);
  const autostart = (s: Settings) =>
    applyAutostart(s.autostart === 'on', launcherPath(o.env, existsSync), autostartFile(o.env)).then(
      (file) => o.log(`autostart: ${s.autostart === 'on' ? `entry written to ${file}` : 'no entry'}`),
      (err: Error) => o.log(`autostart: not changed: ${err.message}`),
    );
  let autostartDone: Promise<void> = autostart(o.settings());

  return {
    keepOnClose() {
      const keep = !o.quitting() && host.present() && o.settings().closeToTray === 'on';
      if (keep) notice.showOnce();
      return keep;
    },
    mayStartHidden: () => host.present(),
    setUnread(t) {
      unread = t;
      update();
    },
    visibilityChanged: () => tray.refresh(),
    attachWindow(w) {
      win = w;
      tray.refresh();
    },
    settingsChanged(s, changed) {
      if (changed.includes('autostart')) autostartDone = autostartDone.then(() => autostart(s));
      if (changed.includes('language')) tray.refresh();
    },
    async stop() {
      offStatus();
      host.stop();
      await Promise.allSettled([autostartDone, notice.settled()]);
    },
  };
}

/**
 * "UOS Chat keeps running in the tray", once ever (remembered in tray-notice.json); the
 * notification is referenced until clicked or closed (electron#16922).
 */
function trayNotice(
  Notification: typeof Electron.Notification,
  file: string,
  words: () => (typeof trayText)['en'],
  log: (line: string) => void,
) {
  let shown: Promise<boolean> = readFile(file, 'utf8').then(
    () => true,
    () => false,
  );
  let held: Electron.Notification | undefined;
  return {
    showOnce() {
      shown = shown.then(async (before) => {
        if (before) return true;
        if (Notification.isSupported()) {
          const t = words();
          const n = new Notification({ title: t.keepsRunning, body: t.keepsRunningBody });
          held = n;
          const release = () => void (held === n && (held = undefined));
          n.on('click', release);
          n.on('close', release);
          n.show();
        }
        await writeFileAtomic(file, `${JSON.stringify({ version: 1, shown: true })}\n`).catch((err: Error) =>
          log(`tray notice: not remembered: ${err.message}`),
        );
        return true;
      });
    },
    settled: () => shown,
  };
}
