/**
 * A stand-in for the `electron` module, for running the real built main.js and
 * preload.js under plain Node (the Electron binary cannot be downloaded here).
 * It records what the app asks of Electron, and links preload's ipcRenderer to
 * main's ipcMain the way Electron does, with a sender frame the test chooses.
 *
 * It is at least as strict as Electron 45, never kinder: where Electron's behaviour
 * is unclear, it does the harsher thing. Each modelled behaviour names its source.
 */
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { chromiumFileUrl, createIpc, createRendererSide, type FakeFrame } from './fake-electron-ipc';
import { createTrayModule } from './fake-electron-tray';
import { createDialogModule } from './fake-electron-dialog';
import { createFilesModule } from './fake-electron-files';

export { chromiumFileUrl, type FakeFrame } from './fake-electron-ipc';

export interface FakeElectronOptions {
  /** Emit `second-instance` right after `ready`, as when a second launch came during start-up. */
  secondInstanceAtStartUp?: boolean;
  /** Called when the app's process would end (after `quit`, or app.exit). A child-process harness exits here. */
  onExit?: (code: number) => void;
  /** safeStorage's Linux backend; 'basic_text' when there is no keyring. */
  safeStorageBackend?: 'gnome_libsecret' | 'kwallet5' | 'basic_text' | 'unknown';
  /** Notification.isSupported(). */
  notificationsSupported?: boolean;
  /** What requestSingleInstanceLock() answers (false: another instance runs). */
  singleInstanceLock?: boolean;
  /** session.defaultSession.resolveProxy's answer for a URL, in PAC form (default 'DIRECT'). */
  resolveProxy?: (url: string) => string;
  /** A StatusNotifier host shows tray icons (deepin's dock); false: none does (fake-electron-tray.ts). Default true. */
  trayHost?: boolean;
  /** app.getLocale() (default 'en-US'). */
  locale?: string;
}

/**
 * Switches Chromium reads before main.js runs: appending them from main has no effect at all.
 * The ozone platform is chosen during browser start-up (Legcord/Legcord#342: appendSwitch('ozone-platform')
 * leaves the app on XWayland; only `--ozone-platform=…` on the command line works). Unsure whether
 * enable-wayland-ime is read as early, the stand-in takes the harsher view.
 */
export const START_UP_ONLY_SWITCHES = new Set(['ozone-platform', 'ozone-platform-hint', 'enable-wayland-ime']);

export class FakeWebContents extends EventEmitter {
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  /** Where pushes go: the linked preload's ipcRenderer, when there is one. */
  rendererSink: ((channel: string, payload: unknown) => void) | undefined;
  mainFrame: FakeFrame = { url: '', parent: null };
  destroyed = false;

  send(channel: string, payload: unknown): void {
    // "Object has been destroyed" once the window is closed (BrowserWindow 'closed' docs: do not use it any more).
    if (this.destroyed) throw new TypeError('Object has been destroyed');
    this.sent.push({ channel, payload });
    this.emit('test:sent', channel, payload);
    this.rendererSink?.(channel, payload);
  }

  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = fn;
  }

  /** Fires a cancellable event the way Electron does; true when a listener prevented it. */
  fireCancellable(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

/** What was on disk in `dir` when the process ended: writes that finish later never happened. */
/** Every file under `dir` by its relative path; a file over 1 MB as its size only (an upload's copy, say). */
function snapshotDir(dir: string, under = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(path.join(dir, under))) {
    const rel = under ? `${under}/${name}` : name;
    const st = statSync(path.join(dir, rel));
    if (st.isDirectory()) for (const [k, v] of snapshotDir(dir, rel)) files.set(k, v);
    else if (st.isFile()) files.set(rel, st.size > 1024 * 1024 ? `<${st.size} bytes>` : readFileSync(path.join(dir, rel), 'utf8'));
  }
  return files;
}

// long-function: one stand-in module; its parts (app, windows, notifications, safeStorage) share its state
export function createFakeElectron(userData: string, options: FakeElectronOptions = {}) {
  const switches: Array<{ name: string; value?: string }> = [];
  /** Names of appended switches that had no effect (too late, or read only at start-up). */
  const ignoredSwitches: string[] = [];
  const windows: FakeBrowserWindow[] = [];
  const lifecycle: string[] = [];
  /** Test hooks: 'notification' (index) when one is created. */
  const hooks = new EventEmitter();
  const ipc = createIpc(
    () => windows[0]?.webContents,
    () => app.exited === undefined,
  );
  type PermissionRequest = (wc: unknown, permission: string, cb: (ok: boolean) => void) => void;
  type PermissionCheck = (...args: unknown[]) => boolean;
  type Headers = (details: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void;
  interface FakeSession {
    permissionRequestHandler?: PermissionRequest;
    permissionCheckHandler?: PermissionCheck;
    headersHandler?: Headers;
    setPermissionRequestHandler(fn: PermissionRequest): void;
    setPermissionCheckHandler(fn: PermissionCheck): void;
    webRequest: { onHeadersReceived(fn: Headers): void };
    /** URLs main asked resolveProxy about, in order. */
    proxyLookups: string[];
    resolveProxy(url: string): Promise<string>;
  }
  const session: FakeSession = {
    setPermissionRequestHandler(fn) {
      session.permissionRequestHandler = fn;
    },
    setPermissionCheckHandler(fn) {
      session.permissionCheckHandler = fn;
    },
    webRequest: {
      onHeadersReceived(fn) {
        session.headersHandler = fn;
      },
    },
    proxyLookups: [],
    /**
     * "Resolves with the proxy information for url", a PAC-style string such as
     * `PROXY a:3128; SOCKS5 b:1080; DIRECT` (https://www.electronjs.org/docs/latest/api/session#sesresolveproxyurl).
     * Harsher than Electron: refused before 'ready' (the session module is unusable until then).
     */
    resolveProxy(url) {
      if (!app.ready) return Promise.reject(new Error('session cannot be used before app is ready'));
      session.proxyLookups.push(url);
      return Promise.resolve(options.resolveProxy?.(url) ?? 'DIRECT');
    },
  };

  const app = createApp();
  const trayState = { host: options.trayHost ?? true };
  const tray = createTrayModule(
    () => app.ready,
    () => trayState.host,
  );
  const dialogs = createDialogModule(
    () => app.ready,
    (w) => windows.includes(w as FakeBrowserWindow),
  );
  const filesModule = createFilesModule(() => app.ready);
  let lastRenderer: ReturnType<typeof rendererModule> | undefined;

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    loadedFile: string | undefined;
    /** focus() calls; whether the window got focus is the window manager's choice (see focus()). */
    focused = 0;
    minimized = false;
    maximized = false;
    destroyed = false;
    title: string;
    bounds: { x: number; y: number; width: number; height: number };
    /** "Returns BrowserWindow[] - An array of all opened browser windows" (BrowserWindow docs). */
    static getAllWindows(): FakeBrowserWindow[] {
      return [...windows];
    }
    constructor(readonly options: Record<string, any>) {
      super();
      // "You cannot use this module until the ready event of the app module is emitted" (BrowserWindow docs).
      if (!app.ready) throw new Error('Cannot create BrowserWindow before app is ready');
      this.title = options.title ?? '';
      this.visible = options.show !== false; // show defaults to true (BrowserWindowConstructorOptions)
      this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    private live(): void {
      if (this.destroyed) throw new TypeError('Object has been destroyed');
    }
    loadFile(file: string) {
      this.live();
      this.loadedFile = file;
      this.webContents.mainFrame = { url: chromiumFileUrl(file), parent: null };
      queueMicrotask(() => this.emit('ready-to-show'));
      return Promise.resolve();
    }
    /** Visible after show() until hide() (BrowserWindow docs, show/hide/isVisible). */
    visible = false;
    show() {
      this.live();
      if (this.visible) return;
      this.visible = true;
      this.emit('show'); // BrowserWindow docs, event 'show'
      hooks.emit('window-shown');
    }
    hide() {
      this.live();
      if (!this.visible) return;
      this.visible = false;
      this.emit('hide'); // event 'hide'; no 'blur' here (harsher: Electron may or may not send one first)
    }
    isVisible() {
      this.live();
      return this.visible;
    }
    /**
     * A request: with focus-stealing prevention (KWin's FocusStealingPreventionLevel, deepin's
     * dde-kwin sets it; GNOME Shell alike) the window manager may refuse, and then no 'focus'
     * event comes (BrowserWindow.focus() docs promise none). The stand-in always refuses; a test
     * gives focus with userFocus(), as a person clicking the window does.
     */
    focus() {
      this.live();
      this.focused += 1;
    }
    userFocus() {
      this.emit('focus');
    }
    blur() {
      this.emit('blur');
    }
    setTitle(title: string) {
      this.live();
      this.title = title;
    }
    maximize() {
      this.live();
      this.maximized = true;
    }
    isMaximized() {
      this.live();
      return this.maximized;
    }
    getNormalBounds() {
      this.live();
      return { ...this.bounds };
    }
    isMinimized() {
      this.live();
      return this.minimized;
    }
    restore() {
      this.live();
      this.minimized = false;
    }
    isDestroyed() {
      return this.destroyed;
    }
    /**
     * The close button, or win.close(): 'close' (preventable), then 'closed', after which the
     * object is destroyed (BrowserWindow docs, events 'close' and 'closed'). When the last window
     * goes, outside app.quit(): 'window-all-closed' if anyone listens, else the app quits (app docs).
     * True when the window closed.
     */
    close(): boolean {
      if (this.destroyed) return true;
      let prevented = false;
      lifecycle.push('close');
      this.emit('close', { preventDefault: () => (prevented = true) });
      if (prevented) return false;
      this.destroyed = true;
      this.webContents.destroyed = true;
      windows.splice(windows.indexOf(this), 1);
      lifecycle.push('closed');
      this.emit('closed');
      if (windows.length === 0 && !app.quitting) app.lastWindowClosed();
      return true;
    }
  }

  // Notifications as libnotify shows them: the shade keeps an id, Electron keeps the JS object only weakly.
  const notifications: NotificationRecord[] = [];
  const notificationState = { supported: options.notificationsSupported ?? true };
  class FakeNotification extends EventEmitter {
    /** False where no notification server answers (Notification.isSupported() docs); show() then throws here (harsher). */
    static isSupported() {
      return notificationState.supported;
    }
    private readonly record: NotificationRecord;
    constructor(options: { title: string; body: string; silent?: boolean }) {
      super();
      // Held weakly, like Electron's main-process notifications (electron/electron#16922): once V8
      // collects the object, a click on it reaches nobody.
      this.record = { options: { ...options }, shown: false, closed: false, ref: new WeakRef(this) };
      notifications.push(this.record);
      hooks.emit('notification', notifications.length - 1);
    }
    show() {
      if (!notificationState.supported) throw new Error('fake electron: notifications are not supported here');
      this.record.shown = true;
    }
    /** "Dismisses the notification" (Notification docs); 'close' is not guaranteed, so none is emitted. */
    close() {
      this.record.closed = true;
    }
  }

  /** A click in the shade; false when it reached no object (dismissed, never shown, or collected). */
  function clickNotification(index: number): boolean {
    const record = notifications[index];
    const n = record?.ref.deref();
    if (!record || !n || !record.shown || record.closed) return false;
    record.closed = true;
    n.emit('click', {});
    return true;
  }

  /**
   * safeStorage as on Linux: unavailable before 'ready' ("On Linux, returns true if the app has
   * emitted the ready event and the secret key is available", safeStorage docs); encryptString
   * throws when it is unavailable. With no keyring the backend is 'basic_text': "encrypted" with a
   * hard-coded password, i.e. not protected (getSelectedStorageBackend docs). A reversible stand-in
   * cipher, so tests can see that the file holds no plain token.
   */
  const safeStorage = {
    backend: options.safeStorageBackend ?? 'gnome_libsecret',
    isEncryptionAvailable: () => app.ready && safeStorage.backend !== 'unknown',
    getSelectedStorageBackend: () => {
      if (!app.ready) throw new Error('safeStorage cannot be used before app is ready');
      return safeStorage.backend;
    },
    encryptString: (plain: string) => {
      if (!safeStorage.isEncryptionAvailable())
        throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
      return Buffer.from(`sealed:${Buffer.from(plain).toString('hex')}`);
    },
    decryptString: (sealed: Buffer) => {
      if (!safeStorage.isEncryptionAvailable())
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.');
      return Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'hex').toString();
    },
  };

  /** shell.openPath resolves with an error message, '' on success (shell docs); clipboard keeps the last text. */
  const desktop = { opened: [] as string[], clipboard: '' };
  const shell = {
    openPath: async (p: string) => {
      desktop.opened.push(p);
      return '';
    },
    ...filesModule.shell,
  };
  const clipboard = {
    writeText: (text: string) => void (desktop.clipboard = text),
    readText: () => desktop.clipboard,
    write: filesModule.clipboardWrite,
  };

  const electron = {
    app,
    shell,
    clipboard,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: ipc.ipcMain,
    Notification: FakeNotification,
    safeStorage,
    session: { defaultSession: session },
    ...tray.module,
    ...dialogs.module,
    nativeImage: { ...tray.module.nativeImage, createFromBuffer: filesModule.createFromBuffer },
    protocol: filesModule.protocol,
    ClipboardItem: filesModule.ClipboardItem,
  };

  /** The renderer side for the window's preload: what a sandboxed preload may require('electron') for. */
  function rendererModule(frame: () => FakeFrame) {
    return createRendererSide(ipc.invokeAs, frame);
  }

  return {
    electron,
    app,
    windows,
    lifecycle,
    hooks,
    handlers: ipc.handlers,
    switches,
    ignoredSwitches,
    session,
    get exposed(): Map<string, unknown> {
      return exposedOf(lastRenderer);
    },
    invokeAs: ipc.invokeAs,
    rendererModule: (frame: () => FakeFrame) => (lastRenderer = rendererModule(frame)),
    notifications,
    notificationState,
    clickNotification,
    safeStorage,
    desktop,
    trayState,
    trays: tray.trays,
    trayHooks: tray.trayHooks,
    shownTray: tray.shownTray,
    clickTrayItem: tray.clickTrayItem,
    dialogState: dialogs.dialogState,
    files: filesModule.state,
    fetchScheme: filesModule.fetchScheme,
  };

  /**
   * The app object and its lifecycle, as in Electron's Browser (shell/browser/browser.cc) and the app docs
   * (https://www.electronjs.org/docs/latest/api/app):
   * - 'ready' comes only after main has finished its first tick ("The ready event is only fired after the
   *   main process has finished running the first tick of the event loop").
   * - quit(): 'before-quit' (preventable), then every window's 'close' and 'closed', then 'will-quit'
   *   (preventable), then 'quit', then the process ends. 'window-all-closed' is not emitted on this path
   *   ("If the user pressed Cmd + Q, or the developer called app.quit() … the window-all-closed event
   *   would not be emitted"). A window that prevents its close cancels the quit.
   * - After 'quit' the process is gone: the stand-in runs the whole sequence in one go, so work started
   *   in 'close' or later never finishes, and it records what was on disk at that moment (diskAtExit).
   * - app.exit(): "All windows will be closed immediately without asking the user, and the before-quit
   *   and will-quit events will not be emitted."
   * - commandLine.appendSwitch works only before 'ready' ("…in your app's main script before the ready
   *   event of the app module is emitted", command-line-switches docs), and never for START_UP_ONLY_SWITCHES.
   */
  function createApp(): FakeAppT {
    const self = new EventEmitter() as FakeAppT;
    let resolveReady: () => void = () => {};
    const readyPromise = new Promise<void>((r) => (resolveReady = r));
    let resolveExit: (code: number) => void = () => {};
    const exitPromise = new Promise<number>((r) => (resolveExit = r));
    Object.assign(self, {
      quitCalls: 0,
      singleInstance: options.singleInstanceLock ?? true,
      ready: false,
      quitting: false,
      exited: undefined,
      diskAtExit: undefined,
      commandLine: {
        appendSwitch: (name: string, value?: string) => {
          switches.push(value === undefined ? { name } : { name, value });
          if (self.ready || START_UP_ONLY_SWITCHES.has(name)) ignoredSwitches.push(name);
        },
      },
      requestSingleInstanceLock: () => self.singleInstance,
      getVersion: () => '0.0.0-standin',
      // "This API must be called after the ready event is emitted" (app.getLocale docs).
      getLocale: () => {
        if (!self.ready) throw new Error('fake electron: app.getLocale() before ready');
        return options.locale ?? 'en-US';
      },
      whenReady: () => readyPromise,
      isReady: () => self.ready,
      getPath(name: string) {
        if (name !== 'userData') throw new Error(`fake electron: getPath(${name}) not expected`);
        return userData;
      },
      whenExited: () => exitPromise,
      quit() {
        self.quitCalls += 1;
        if (self.exited !== undefined || self.quitting) return;
        if (emitPreventable('before-quit')) return;
        self.quitting = true;
        for (const w of [...windows]) {
          if (!w.close()) {
            self.quitting = false; // Browser::OnWindowCloseCancelled: quitting is cancelled
            return;
          }
        }
        if (emitPreventable('will-quit')) {
          self.quitting = false;
          return;
        }
        lifecycle.push('quit');
        self.emit('quit', {}, 0);
        die(0);
      },
      exit(code = 0) {
        if (self.exited !== undefined) return;
        for (const w of [...windows]) {
          w.destroyed = true;
          w.webContents.destroyed = true;
        }
        windows.length = 0;
        die(code);
      },
      lastWindowClosed() {
        if (self.listenerCount('window-all-closed') > 0) {
          lifecycle.push('window-all-closed');
          self.emit('window-all-closed');
        } else self.quit();
      },
    });
    function emitPreventable(event: string): boolean {
      let prevented = false;
      lifecycle.push(event);
      self.emit(event, { preventDefault: () => (prevented = true) });
      return prevented;
    }
    function die(code: number) {
      self.exited = code;
      self.diskAtExit = snapshotDir(userData);
      lifecycle.push(`exit ${code}`);
      resolveExit(code);
      options.onExit?.(code);
    }
    setImmediate(() => {
      if (self.exited !== undefined) return;
      self.ready = true;
      self.emit('ready');
      resolveReady();
      // Emitted after 'ready' (second-instance docs: "guaranteed to be emitted after the ready event");
      // a listener added after an await is too late for it.
      if (options.secondInstanceAtStartUp) self.emit('second-instance', {}, [process.execPath], process.cwd());
    });
    return self;
  }
}

interface NotificationRecord {
  options: { title: string; body: string; silent?: boolean };
  shown: boolean;
  closed: boolean;
  ref: WeakRef<EventEmitter>;
}

interface FakeAppT extends EventEmitter {
  quitCalls: number;
  singleInstance: boolean;
  ready: boolean;
  quitting: boolean;
  /** The exit code once the process has ended. */
  exited: number | undefined;
  /** The app's data directory as it was when the process ended. */
  diskAtExit: Map<string, string> | undefined;
  commandLine: { appendSwitch(name: string, value?: string): void };
  requestSingleInstanceLock(): boolean;
  getVersion(): string;
  getLocale(): string;
  whenReady(): Promise<void>;
  isReady(): boolean;
  getPath(name: string): string;
  whenExited(): Promise<number>;
  quit(): void;
  exit(code?: number): void;
  lastWindowClosed(): void;
}

function exposedOf(renderer: { mainWorld: Record<string, unknown> } | undefined): Map<string, unknown> {
  return new Map(Object.entries(renderer?.mainWorld ?? {}));
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** Makes `require('electron')` return the fake, for the duration of `fn`. */
export function withElectronStandIn<T>(fake: unknown, fn: () => T): T {
  const M = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = M._load;
  M._load = function (request: string, parent: unknown, isMain: boolean) {
    if (request === 'electron') return fake;
    return original.call(this, request, parent, isMain);
  };
  try {
    return fn();
  } finally {
    M._load = original;
  }
}
