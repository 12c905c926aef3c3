/**
 * The chat window: secure preferences, remembered size and position, pushes
 * from the core, and attention while it is in the background (the unread total in
 * the title, a notification that opens its conversation and focuses the window when clicked).
 *
 * Electron holds main-process notifications only weakly (electron/electron#16922): one
 * nobody references is collected and its click reaches nobody. So the latest one is kept
 * until it is clicked, closed or replaced (a replaced one is dismissed: it could not be
 * clicked any more).
 */
import type * as Electron from 'electron';
import type { WindowState } from '../core/desktop';
import type { ChatService } from '../core/service';
import {
  DeskAttention,
  type ConversationClients,
  type ConversationDesk,
  type DeskNotification,
  type DeskTotals,
} from '../core/conversations';
import { systemClock } from '../core/base';
import type { MainPaths } from './app';
import { hardenContents, secureWebPreferences } from './security';

export const APP_TITLE = 'UOS Chat';

export interface ChatWindowOptions {
  paths: MainPaths;
  service: ChatService;
  desk: ConversationDesk;
  clients: ConversationClients;
  state: WindowState;
  saveState: (state: WindowState) => Promise<void>;
  log: (line: string) => void;
  /** Started with --hidden: not shown once painted (the tray or a notification click shows it). */
  hidden?: boolean;
  /** Asked on the window's 'close': true keeps the app running, the window only hidden (keep-running.ts). */
  keepOnClose?: () => boolean;
  /** What waits changed: the unread total and the mentions (the tray shows it). */
  onUnread?: (totals: DeskTotals) => void;
  /** The window was shown or hidden. */
  onVisibility?: () => void;
}

export interface ChatWindowHandle {
  window(): Electron.BrowserWindow | undefined;
  focus(): void;
  hide(): void;
  visible(): boolean;
  /**
   * For quitting: saves the size and position now, while the window still exists (on app.quit()
   * the process ends right after the windows close, before a save started there could finish),
   * and resolves when every save so far has finished. Closes after this save only what changed since.
   */
  saveForExit(): Promise<void>;
}

export async function openChatWindow(electron: typeof Electron, o: ChatWindowOptions): Promise<ChatWindowHandle> {
  let win: Electron.BrowserWindow | undefined;
  const focus = () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  const attention = windowAttention(electron.Notification, o, () => win, focus);
  if (o.hidden) attention.setFocused(false); // nobody sees it: count unread and notify

  const w = secureChatWindow(electron.BrowserWindow, o);
  win = w;
  const detach = o.service.attach({ push: (channel, payload) => w.webContents.send(channel, payload) });
  w.on('focus', () => attention.setFocused(true));
  w.on('blur', () => attention.setFocused(false));
  w.on('hide', () => {
    attention.setFocused(false);
    o.onVisibility?.();
  });
  w.on('show', () => o.onVisibility?.());
  w.on('close', (e) => {
    if (o.keepOnClose?.()) {
      // Into the tray; never during app.quit().
      e.preventDefault();
      w.hide();
    }
  });
  const state = windowStateSaver(w, o);
  w.on('closed', () => {
    detach();
    attention.dispose();
    if (win === w) win = undefined;
  });
  w.once('ready-to-show', () => o.hidden || w.show());
  void w.loadFile(o.paths.indexHtml);

  const hide = () => win?.hide();
  const visible = () => Boolean(win && !win.isDestroyed() && win.isVisible());
  return { window: () => win, focus, hide, visible, saveForExit: state.saveForExit };
}

/** The window itself: remembered bounds, secure preferences, hardened contents; shown once it has painted. */
function secureChatWindow(BrowserWindow: typeof Electron.BrowserWindow, o: ChatWindowOptions): Electron.BrowserWindow {
  const { x, y, width, height, maximized } = o.state;
  const w = new BrowserWindow({
    width,
    height,
    ...(x !== undefined && y !== undefined ? { x, y } : {}),
    minWidth: 480,
    minHeight: 360,
    title: APP_TITLE,
    show: false,
    webPreferences: secureWebPreferences(o.paths.preload),
  });
  hardenContents(w.webContents);
  if (maximized) w.maximize();
  return w;
}

/** The unread total in the title, and a notification while the window is in the background; a click opens its conversation. */
function windowAttention(
  Notification: typeof Electron.Notification,
  o: Pick<ChatWindowOptions, 'desk' | 'clients' | 'onUnread'>,
  win: () => Electron.BrowserWindow | undefined,
  focus: () => void,
): { setFocused(focused: boolean): void; dispose(): void } {
  const notifications = heldNotifications(Notification, (conv) => {
    o.desk.open(conv); // false when it is gone from the list: the window still comes forward
    focus();
  });
  const attention = new DeskAttention({
    desk: o.desk,
    clients: o.clients,
    sink: { setTitle: (title) => win()?.setTitle(title), notify: notifications.show, totals: (t) => o.onUnread?.(t) },
    baseTitle: APP_TITLE,
    clock: systemClock,
  });
  return {
    setFocused: (focused) => attention.setFocused(focused),
    dispose() {
      attention.dispose();
      notifications.dismiss();
    },
  };
}

/** One notification at a time, referenced until it is clicked, closed or replaced (electron#16922). */
function heldNotifications(Notification: typeof Electron.Notification, onClick: (conv: string) => void) {
  let current: Electron.Notification | undefined;
  return {
    show({ title, body, conv }: DeskNotification) {
      if (!Notification.isSupported()) return;
      current?.close();
      const n = new Notification({ title, body, silent: false });
      current = n;
      const release = () => {
        if (current === n) current = undefined;
      };
      n.on('click', () => {
        release();
        onClick(conv);
      });
      n.on('close', release);
      n.show();
    },
    dismiss() {
      current?.close();
      current = undefined;
    },
  };
}

/**
 * Saves the bounds when the window closes, and for quitting. A state already saved (or being saved) is not
 * written again: the closes that follow saveForExit() during a quit start no write the process end could cut.
 * A quit can be cancelled (a page's beforeunload refuses the close: Browser::OnWindowCloseCancelled in
 * electron/shell/browser/browser.cc), and then a later close or quit saves whatever changed since.
 */
function windowStateSaver(w: Electron.BrowserWindow, o: ChatWindowOptions): { saveForExit(): Promise<void> } {
  let saving: Promise<void> = Promise.resolve();
  let lastSaved: string | undefined;
  const saveBounds = () => {
    if (w.isDestroyed()) return;
    const b = w.getNormalBounds();
    const state = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: w.isMaximized() };
    const key = JSON.stringify(state);
    if (key === lastSaved) return;
    lastSaved = key;
    saving = saving
      .then(() => o.saveState(state))
      .catch((err: Error) => {
        if (lastSaved === key) lastSaved = undefined; // not on disk: the next way out tries again
        o.log(`window state not saved: ${err.message}`);
      });
  };
  w.on('close', saveBounds);
  return {
    saveForExit() {
      saveBounds();
      return saving;
    },
  };
}
