/**
 * The tray icon: its look follows unread messages, mentions and the connection (normal, a red dot,
 * an orange ring for a waiting @mention, greys when offline or failing), its tooltip says them
 * ("UOS Chat: connected · 3 unread · 1 mention"), and its menu shows or
 * hides the window, says the status in words, reconnects now, and quits through app.quit() (the one
 * save-everything way out, lifecycle.ts).
 *
 * Electron collects a Tray nobody references, and the icon goes with it (Tray docs; Electron FAQ "My
 * app's tray disappeared after a few minutes"): the handle returned here holds it, and main holds the
 * handle for the app's life. On Linux a changed menu shows only after setContextMenu again (Tray docs,
 * Platform Considerations), so every change builds and sets the whole menu anew.
 */
import type * as Electron from 'electron';
import * as path from 'node:path';
import type { ConnectionKind } from '../common/state';
import type { DeskTotals } from '../core/conversations';
import { trayLook, trayText, trayTooltip, type TrayLook } from '../common/tray-words';
import type { Locale } from '../common/words';

export interface TrayOptions {
  /** dist/electron/tray: normal.png, unread.png, mention.png, offline.png (build/tray-icons.mjs). */
  iconDir: string;
  locale: () => Locale;
  windowVisible: () => boolean;
  showWindow: () => void;
  hideWindow: () => void;
  reconnect: () => void;
  quit: () => void;
}

export interface TrayHandle {
  update(kind: ConnectionKind, waiting: DeskTotals): void;
  /** The words again (the language setting changed). */
  refresh(): void;
  destroy(): void;
}

export function openTray(electron: Pick<typeof Electron, 'Tray' | 'Menu' | 'nativeImage'>, o: TrayOptions): TrayHandle {
  const image = (look: TrayLook) => electron.nativeImage.createFromPath(path.join(o.iconDir, `${look}.png`));
  let kind: ConnectionKind = 'connecting';
  let unread = 0;
  let mentions = 0;
  let look: TrayLook = 'normal';
  let tray: Electron.Tray | undefined = new electron.Tray(image(look));

  const render = () => {
    if (!tray) return;
    const t = trayText[o.locale()];
    const nextLook = trayLook(kind, unread, mentions);
    if (nextLook !== look) tray.setImage(image((look = nextLook)));
    tray.setToolTip(trayTooltip(o.locale(), kind, unread, mentions));
    const visible = o.windowVisible();
    tray.setContextMenu(
      electron.Menu.buildFromTemplate([
        { label: visible ? t.hide : t.show, click: () => (visible ? o.hideWindow() : o.showWindow()) },
        { type: 'separator' },
        { label: `${t.app}${t.colon}${t.status[kind]}`, enabled: false },
        { label: t.reconnect, enabled: kind !== 'connected', click: () => o.reconnect() },
        { type: 'separator' },
        { label: t.quit, click: () => o.quit() },
      ]),
    );
  };
  render();

  return {
    update(nextKind, waiting) {
      if (nextKind === kind && waiting.unread === unread && waiting.mentions === mentions) return;
      kind = nextKind;
      ({ unread, mentions } = waiting);
      render();
    },
    refresh: render,
    destroy() {
      tray?.destroy();
      tray = undefined;
    },
  };
}
