/**
 * The chat window: secure preferences, remembered size and position, pushes
 * from the core, and attention while it is in the background (unread count in
 * the title, a notification that focuses the window when clicked).
 *
 * Electron holds main-process notifications only weakly (electron/electron#16922): one
 * nobody references is collected and its click reaches nobody. So the latest one is kept
 * until it is clicked, closed or replaced (a replaced one is dismissed: it could not be
 * clicked any more).
 */
import type * as Electron from 'electron';
import { Attention, type WindowState } from '../core/desktop';
import type { ChatService } from '../core/service';
import type { ChatClient } from '../core/connection';
import { systemClock } from '../core/base';
import type { MainPaths } from './app';
import { hardenContents, secureWebPreferences } from './security';

export const APP_TITLE = 'UOS Chat';

export interface ChatWindowOptions {
  paths: MainPaths;
  service: ChatService;
  client: ChatClient;
  state: WindowState;
  saveState: (state: WindowState) => Promise<void>;
  log: (line: string) => void;
  /** Started with --hidden: not shown once painted (the tray or a notification click shows it). */
  hidden?: boolean;
  /** Asked on the window's 'close': true keeps the app running, the window only hidden (keep-running.ts). */
  keepOnClose?: () => boolean;
  /** The unread count changed (the tray shows it). */
  onUnread?: (unread: number) => void;
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
  const attention = windowAttention(electron.Notification, o.client, () => win, focus, o.onUnread);
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

/** Unread count in the title and a notification while the window is in the background; a click focuses it. */
function windowAttention(
  Notification: typeof Electron.Notification,
  client: ChatClient,
  win: () => Electron.BrowserWindow | undefined,
  focus: () => void,
  onUnread?: (unread: number) => void,
): { setFocused(focused: boolean): void; dispose(): void } {
  const notifications = heldNotifications(Notification, focus);
  const attention = new Attention(
    {
      setTitle: (title) => {
        win()?.setTitle(title);
        onUnread?.(attention.unreadCount);
      },
      notify: notifications.show,
    },
    { baseTitle: APP_TITLE, from: (user, fromServer) => (fromServer ? APP_TITLE : user), clock: systemClock },
  );
  const offEntries = client.on('entries', (entries) => attention.onEntries(entries));
  return {
    setFocused: (focused) => attention.setFocused(focused),
    dispose() {
      offEntries();
      notifications.dismiss();
    },
  };
}

/** One notification at a time, referenced until it is clicked, closed or replaced (electron#16922). */
function heldNotifications(Notification: typeof Electron.Notification, onClick: () => void) {
  let current: Electron.Notification | undefined;
  return {
    show(title: string, body: string) {
      if (!Notification.isSupported()) return;
      current?.close();
      const n = new Notification({ title, body, silent: false });
      current = n;
      const release = () => {
        if (current === n) current = undefined;
      };
      n.on('click', () => {
        release();
        onClick();
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
