/**
 * The stand-in's IPC and renderer side: ipcMain.handle, the sandboxed preload's
 * `require('electron')` (ipcRenderer, contextBridge), and the page URL Chromium
 * reports for a file loaded with loadFile. As strict as Electron 45, never kinder
 * (see fake-electron.ts for the rules).
 */
import { EventEmitter } from 'node:events';

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

type Handler = (event: unknown, arg: unknown) => unknown;

/**
 * The URL of a page loaded with `webContents.loadFile(file)`, as the frame reports it.
 * Electron builds it with Node's legacy url.format({protocol: 'file', slashes: true, pathname})
 * (lib/browser/api/web-contents.ts), which escapes only '?' and '#'; Chromium's GURL then
 * canonicalises the path (url/url_canon_path.cc): bytes outside printable ASCII, the space and
 * `"<>\`` are percent-encoded, a literal '%' is kept as it is. So `/下载/UOS 聊天/100%/x.html`
 * becomes `/%E4%B8%8B%E8%BD%BD/UOS%20%E8%81%8A%E5%A4%A9/100%/x.html` (Node's pathToFileURL
 * would say `100%25`). Written byte by byte here, independently of the product's code.
 */
export function chromiumFileUrl(file: string): string {
  const formatted = file.replace(/[?#]/g, encodeURIComponent);
  let path = '';
  for (const byte of Buffer.from(formatted, 'utf8')) {
    const ch = String.fromCharCode(byte);
    path += byte <= 0x20 || byte >= 0x7f || '"<>`'.includes(ch) ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return `file://${path}`;
}

/**
 * IPC arguments and results cross processes by the Structured Clone Algorithm: functions,
 * promises, symbols and DOM objects throw, prototypes and class identity are lost
 * (https://www.electronjs.org/docs/latest/api/ipc-renderer#ipcrendererinvokechannel-args).
 */
export function ipcClone<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    throw new Error('An object could not be cloned.');
  }
}

export function createIpc(senderOf: () => unknown, alive: () => boolean) {
  const handlers = new Map<string, Handler>();
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

  /**
   * Calls a main handler as if from `frame`. The renderer sees only the message of what the
   * handler threw, wrapped ("Errors thrown through handle in the main process are not transparent
   * ... only the message property ... is provided", ipcMain.handle docs); the original error is
   * kept as `cause` for tests that check what main threw.
   */
  async function invokeAs(frame: FakeFrame, channel: string, arg: unknown): Promise<unknown> {
    const cloned = ipcClone(arg);
    if (!alive()) throw new Error('fake electron: the main process has exited');
    const h = handlers.get(channel);
    if (!h) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    let result: unknown;
    try {
      result = await h({ senderFrame: frame, sender: senderOf() }, cloned);
    } catch (err) {
      throw new Error(`Error invoking remote method '${channel}': ${String(err)}`, { cause: err });
    }
    return ipcClone(result);
  }

  return { ipcMain, handlers, invokeAs };
}

/**
 * contextBridge: the page gets a copy of the API (functions proxied, everything else copied),
 * deep-frozen and defined read-only and non-configurable on its window
 * (https://www.electronjs.org/docs/latest/api/context-bridge; shell/renderer/api/electron_api_context_bridge.cc:
 * DeepFreeze, SetReadOnlyNonConfigurable). Values crossing a proxied function are copied too.
 */
function bridged(value: unknown, freeze = false): unknown {
  const done = <T extends object>(v: T): T => (freeze ? Object.freeze(v) : v);
  if (typeof value === 'function') {
    const fn = value as (...args: unknown[]) => unknown;
    return done((...args: unknown[]) => bridged(fn(...args.map((a) => bridged(a)))));
  }
  if (value instanceof Promise)
    return value.then(
      (v) => bridged(v),
      (err: unknown) => Promise.reject(new Error((err as Error)?.message ?? String(err))),
    );
  if (value === null || typeof value !== 'object') return value;
  // Typed arrays and ArrayBuffers are "Cloneable Types" (the docs' type support table): copied by
  // structured clone, not walked as objects, and not frozen (a non-empty typed array cannot be).
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return structuredClone(value);
  if (Array.isArray(value)) return done(value.map((v) => bridged(v, freeze)));
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = bridged(v, freeze);
  return done(copy);
}

export function createRendererSide(
  invokeAs: (frame: FakeFrame, channel: string, arg: unknown) => Promise<unknown>,
  frame: () => FakeFrame,
) {
  const listeners = new EventEmitter();
  /** The page's window (the main world), where contextBridge puts what the preload exposes. */
  const mainWorld: Record<string, unknown> = {};
  const ipcRenderer = {
    invoke: (channel: string, arg: unknown) => invokeAs(frame(), channel, arg),
    on(channel: string, l: (event: unknown, payload: unknown) => void) {
      listeners.on(channel, l);
      return ipcRenderer;
    },
    removeListener(channel: string, l: (event: unknown, payload: unknown) => void) {
      listeners.off(channel, l);
      return ipcRenderer;
    },
    send() {
      throw new Error('fake electron: preload must use invoke only');
    },
  };
  const deliver = (channel: string, payload: unknown) => {
    const copy = ipcClone(payload);
    for (const l of listeners.listeners(channel)) (l as (e: unknown, p: unknown) => void)({}, copy);
  };
  const contextBridge = {
    exposeInMainWorld(name: string, api: unknown) {
      if (name in mainWorld) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${name}`);
      Object.defineProperty(mainWorld, name, { value: bridged(api, true), writable: false, configurable: false, enumerable: true });
    },
  };
  return {
    module: { ipcRenderer, contextBridge },
    deliver,
    mainWorld,
    listenerCount: (channel: string) => listeners.listenerCount(channel),
  };
}
