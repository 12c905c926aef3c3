/**
 * The chat window: secure preferences, remembered size and position, pushes
 * from the core, and attention while it is in the background (unread count in
 * the title, a notification that focuses the window when clicked).
 */
import type * as Electron from 'electron';
import { Attention } from '../core/attention';
import type { ChatService } from '../core/chat-service';
import type { ChatClient } from '../core/client';
import { systemClock } from '../core/clock';
import type { WindowState } from '../core/window-state';
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
}

export interface ChatWindowHandle {
  window(): Electron.BrowserWindow | undefined;
  focus(): void;
  /** Resolves when the last window-state save has finished. */
  saved(): Promise<void>;
}

export async function openChatWindow(electron: typeof Electron, o: ChatWindowOptions): Promise<ChatWindowHandle> {
  const { BrowserWindow, Notification } = electron;
  let win: Electron.BrowserWindow | undefined;
  let saving: Promise<void> = Promise.resolve();

  const focus = () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  const attention = new Attention(
    {
      setTitle: (title) => win?.setTitle(title),
      notify: (title, body) => {
        if (!Notification.isSupported()) return;
        const n = new Notification({ title, body, silent: false });
        n.on('click', focus);
        n.show();
      },
    },
    { baseTitle: APP_TITLE, from: (user, fromServer) => (fromServer ? APP_TITLE : user), clock: systemClock },
  );
  const offEntries = o.client.on('entries', (entries) => attention.onEntries(entries));

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
  win = w;
  hardenContents(w.webContents);
  if (maximized) w.maximize();
  const detach = o.service.attach({ push: (channel, payload) => w.webContents.send(channel, payload) });
  w.on('focus', () => attention.setFocused(true));
  w.on('blur', () => attention.setFocused(false));
  w.on('close', () => {
    const b = w.getNormalBounds();
    saving = o.saveState({ x: b.x, y: b.y, width: b.width, height: b.height, maximized: w.isMaximized() }).catch((err: Error) =>
      o.log(`window state not saved: ${err.message}`),
    );
  });
  w.on('closed', () => {
    detach();
    offEntries();
    if (win === w) win = undefined;
  });
  w.once('ready-to-show', () => w.show());
  void w.loadFile(o.paths.indexHtml);

  return { window: () => win, focus, saved: () => saving };
}
