/**
 * What main's files glue (electron/main/files.ts) uses of Electron, for the stand-in electron module
 * (fake-electron.ts), at least as strict as Electron 45:
 *
 * protocol (https://www.electronjs.org/docs/latest/api/protocol):
 * - registerSchemesAsPrivileged "can only be used before the ready event of the app module gets
 *   emitted and can be called only once": the stand-in throws after ready and on a second call
 *   (harsher: Electron ignores both quietly, leaving the scheme unprivileged).
 * - "All methods unless specified can only be used after the ready event": handle and unhandle
 *   throw before it. handle on a scheme already handled throws (lib/browser/api/protocol.ts:
 *   "Failed to register protocol"); the handler must return a Response or a Promise of one.
 * - Harsher: a scheme handled without being registered as `standard` is refused here, since
 *   without it Chromium parses `uos-file://files/a/b` with no host (the URL the glue relies on).
 * - `fetchScheme(url)` is a renderer's request: GET, answered by the handler, or a network error
 *   (net::ERR_UNKNOWN_URL_SCHEME) when nothing handles the scheme.
 *
 * shell.showItemInFolder(fullPath) (shell docs: "Show the given file in a file manager"): recorded;
 * harsher, a path that is not absolute throws.
 *
 * clipboard.write([ClipboardItem]) resolves once written (clipboard docs; modelled on W3C's async
 * clipboard); ClipboardItem keeps its types. nativeImage.createFromBuffer "tries to decode as PNG
 * or JPEG": the stand-in decodes PNG only (harsher: JPEG gives an empty image), and toPNG gives the
 * PNG back.
 */
import * as path from 'node:path';

interface Privileges {
  standard?: boolean;
  secure?: boolean;
  [k: string]: boolean | undefined;
}

type Handler = (request: Request) => Response | Promise<Response>;

export function createFilesModule(ready: () => boolean) {
  const state = {
    privileged: undefined as Array<{ scheme: string; privileges?: Privileges }> | undefined,
    privilegedBeforeReady: false,
    handlers: new Map<string, Handler>(),
    shownInFolder: [] as string[],
    clipboardItems: [] as FakeClipboardItem[][],
  };
  const protocol = {
    registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges?: Privileges }>) {
      if (ready()) throw new Error('protocol.registerSchemesAsPrivileged must be called before app is ready');
      if (state.privileged) throw new Error('protocol.registerSchemesAsPrivileged can be called only once');
      state.privileged = schemes.map((s) => ({ ...s, privileges: { ...s.privileges } }));
      state.privilegedBeforeReady = true;
    },
    handle(scheme: string, handler: Handler) {
      if (!ready()) throw new Error('protocol.handle cannot be used before app is ready');
      if (state.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
      if (!state.privileged?.some((s) => s.scheme === scheme && s.privileges?.standard)) {
        throw new Error(`fake electron: ${scheme}: handled without registerSchemesAsPrivileged({ standard: true })`);
      }
      state.handlers.set(scheme, handler);
    },
    unhandle(scheme: string) {
      if (!ready()) throw new Error('protocol.unhandle cannot be used before app is ready');
      state.handlers.delete(scheme);
    },
    isProtocolHandled: (scheme: string) => state.handlers.has(scheme),
  };
  async function fetchScheme(url: string): Promise<Response> {
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = state.handlers.get(scheme);
    if (!handler) throw new TypeError(`net::ERR_UNKNOWN_URL_SCHEME ${url}`);
    const answer = await handler(new Request(url, { method: 'GET' }));
    if (!(answer instanceof Response)) throw new TypeError(`protocol handler for ${scheme} did not return a Response`);
    return answer;
  }
  const shell = {
    showItemInFolder(fullPath: string) {
      if (!path.isAbsolute(fullPath)) throw new TypeError(`showItemInFolder: ${fullPath} is not an absolute path`);
      state.shownInFolder.push(fullPath);
    },
  };
  const clipboardWrite = async (items: FakeClipboardItem[]) => {
    if (!Array.isArray(items) || !items.every((i) => i instanceof FakeClipboardItem))
      throw new TypeError('clipboard.write takes ClipboardItem[]');
    state.clipboardItems.push(items);
  };
  return { protocol, shell, clipboardWrite, ClipboardItem: FakeClipboardItem, createFromBuffer, fetchScheme, state };
}

export class FakeClipboardItem {
  readonly types: string[];
  constructor(readonly items: Record<string, unknown>) {
    this.types = Object.keys(items);
  }
  async getType(type: string): Promise<unknown> {
    if (!this.types.includes(type)) throw new Error(`ClipboardItem has no ${type}`);
    return this.items[type];
  }
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function createFromBuffer(buffer: Buffer) {
  const png =
    Buffer.isBuffer(buffer) && buffer.length > 24 && buffer.subarray(0, 8).equals(PNG) && buffer.toString('latin1', 12, 16) === 'IHDR';
  const size = png ? { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) } : { width: 0, height: 0 };
  return {
    isEmpty: () => !png,
    getSize: () => size,
    toPNG: () => (png ? Buffer.from(buffer) : Buffer.alloc(0)),
  };
}
