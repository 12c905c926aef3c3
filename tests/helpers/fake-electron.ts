/**
 * A stand-in for the `electron` module, for running the real built main.js and
 * preload.js under plain Node (the Electron binary cannot be downloaded here).
 * It records what the app asks of Electron, and links preload's ipcRenderer to
 * main's ipcMain the way Electron does, with a sender frame the test chooses.
 */
import { EventEmitter } from 'node:events';
import Module from 'node:module';

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

type Handler = (event: unknown, arg: unknown) => unknown;

export class FakeWebContents extends EventEmitter {
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  /** Where pushes go: the linked preload's ipcRenderer, when there is one. */
  rendererSink: ((channel: string, payload: unknown) => void) | undefined;
  mainFrame: FakeFrame = { url: '', parent: null };

  send(channel: string, payload: unknown): void {
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

export function createFakeElectron(userData: string) {
  const switches: Array<{ name: string; value?: string }> = [];
  const windows: FakeBrowserWindow[] = [];
  const handlers = new Map<string, Handler>();
  const exposed = new Map<string, unknown>();
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
  };

  class FakeApp extends EventEmitter {
    quitCalls = 0;
    singleInstance = true;
    commandLine = {
      appendSwitch: (name: string, value?: string) => switches.push(value === undefined ? { name } : { name, value }),
    };
    requestSingleInstanceLock() {
      return this.singleInstance;
    }
    whenReady() {
      return Promise.resolve();
    }
    getPath(name: string) {
      if (name !== 'userData') throw new Error(`fake electron: getPath(${name}) not expected`);
      return userData;
    }
    quit() {
      this.quitCalls += 1;
    }
    exit(code: number) {
      throw new Error(`app.exit(${code})`);
    }
  }
  const app = new FakeApp();

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    loadedFile: string | undefined;
    focused = 0;
    minimized = false;
    maximized = false;
    title: string;
    bounds: { x: number; y: number; width: number; height: number };
    constructor(readonly options: Record<string, any>) {
      super();
      this.title = options.title ?? '';
      this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadFile(file: string) {
      this.loadedFile = file;
      this.webContents.mainFrame = { url: `file://${file}`, parent: null };
      queueMicrotask(() => this.emit('ready-to-show'));
      return Promise.resolve();
    }
    show() {}
    focus() {
      this.focused += 1;
      this.emit('focus');
    }
    blur() {
      this.emit('blur');
    }
    setTitle(title: string) {
      this.title = title;
    }
    maximize() {
      this.maximized = true;
    }
    isMaximized() {
      return this.maximized;
    }
    getNormalBounds() {
      return { ...this.bounds };
    }
    isMinimized() {
      return this.minimized;
    }
    restore() {
      this.minimized = false;
    }
    close() {
      this.emit('close', { preventDefault() {} });
      this.emit('closed');
    }
  }

  const ipcMain = {
    handle(channel: string, fn: Handler) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, fn);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
    on() {
      throw new Error('fake electron: main must use ipcMain.handle only');
    },
  };

  /** Calls a main handler as if from `frame` (default: the window's top frame). */
  async function invokeAs(frame: FakeFrame, channel: string, arg: unknown): Promise<unknown> {
    const h = handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h({ senderFrame: frame, sender: windows[0]?.webContents }, arg);
  }

  /** The renderer side: what the sandboxed preload may require('electron') for. */
  function rendererModule(frame: () => FakeFrame) {
    const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
    const ipcRenderer = {
      invoke: (channel: string, arg: unknown) => invokeAs(frame(), channel, arg),
      on(channel: string, l: (event: unknown, payload: unknown) => void) {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(l);
        return ipcRenderer;
      },
      removeListener(channel: string, l: (event: unknown, payload: unknown) => void) {
        listeners.get(channel)?.delete(l);
        return ipcRenderer;
      },
      send() {
        throw new Error('fake electron: preload must use invoke only');
      },
    };
    const deliver = (channel: string, payload: unknown) => {
      // Electron structured-clones IPC payloads: so do we.
      const copy = structuredClone(payload);
      for (const l of listeners.get(channel) ?? []) l({}, copy);
    };
    const contextBridge = {
      exposeInMainWorld(name: string, api: unknown) {
        if (exposed.has(name)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${name}`);
        exposed.set(name, api);
      },
    };
    return { module: { ipcRenderer, contextBridge }, deliver, listeners };
  }

  const notifications: FakeNotification[] = [];
  class FakeNotification extends EventEmitter {
    static isSupported() {
      return true;
    }
    shown = false;
    constructor(readonly options: { title: string; body: string }) {
      super();
      notifications.push(this);
    }
    show() {
      this.shown = true;
    }
    click() {
      this.emit('click', {});
    }
  }

  /** safeStorage with a reversible stand-in cipher, so tests can see that the file holds no plain token. */
  const safeStorage = {
    available: true,
    isEncryptionAvailable: () => safeStorage.available,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (plain: string) => Buffer.from(`sealed:${Buffer.from(plain).toString('hex')}`),
    decryptString: (sealed: Buffer) => Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'hex').toString(),
  };

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    Notification: FakeNotification,
    safeStorage,
    session: { defaultSession: session },
  };

  return { electron, app, windows, handlers, switches, session, exposed, invokeAs, rendererModule, notifications, safeStorage };
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
