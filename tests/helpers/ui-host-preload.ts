/**
 * The test host's stand-in for electron/preload/index.ts, bundled by esbuild
 * (format iife) and injected with page.addInitScript before any page script.
 *
 * It builds `window.chat` with the same createChatApi() the real preload uses,
 * on a transport whose invoke goes to the Playwright binding
 * `__uosChatInvoke` (→ ChatService.handle in Node) and whose subscribe
 * registers callbacks in a table that the host fills through
 * `__uosChatPushJson(channel, json)` (← ChatService.attach).
 *
 * Results and pushes cross CDP as one JSON string each: Playwright serializes an
 * object argument or result value by value (its own format, rebuilt in the page),
 * which costs far more than Electron's structured-clone IPC and swamped the
 * renderer's own work in the benchmarks. A string crosses in one piece.
 * `__uosChatPush(channel, object)` stays for tests that build payloads in the page.
 */
import { createChatApi } from '../../electron/common/chat-api';
import type { ChatTransport, InvokeChannel, PushChannel } from '../../electron/common/contract';

type Invoke = (channel: InvokeChannel, arg: unknown) => Promise<unknown>;

const table = new Map<PushChannel, Set<(payload: unknown) => void>>();

// Structured clone, as contextBridge and IPC do: the page never shares objects with the host side.
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

const transport: ChatTransport = {
  invoke: ((channel: InvokeChannel, arg: unknown) => {
    // Looked up per call: Playwright installs the binding alongside the init scripts.
    const binding = (window as unknown as { __uosChatInvoke?: Invoke }).__uosChatInvoke;
    if (typeof binding !== 'function') return Promise.reject(new Error('test host binding missing'));
    // The host answers with JSON text (see above); parse, then copy as contextBridge would.
    return binding(channel, withBytesTagged(clone(arg))).then((json) => clone(JSON.parse(json as string)));
  }) as ChatTransport['invoke'],
  subscribe: ((channel: PushChannel, cb: (payload: unknown) => void) => {
    let set = table.get(channel);
    if (!set) table.set(channel, (set = new Set()));
    const listener = (payload: unknown) => cb(clone(payload));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }) as ChatTransport['subscribe'],
};

/**
 * A Uint8Array argument (chat:stage-chunk's bytes) as tagged base64: Playwright's binding carries
 * JSON-like values, where Electron's IPC carries the typed array itself (page-bridge.ts decodes it).
 */
function withBytesTagged(arg: unknown): unknown {
  if (typeof arg !== 'object' || arg === null || !((arg as { bytes?: unknown }).bytes instanceof Uint8Array)) return arg;
  const bytes = (arg as { bytes: Uint8Array }).bytes;
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { ...arg, bytes: { __uosBytes: btoa(text) } };
}

function push(channel: PushChannel, payload: unknown): number {
  const set = table.get(channel);
  if (!set) return 0;
  for (const listener of [...set]) {
    try {
      listener(payload);
    } catch (err) {
      console.error(`chat push listener failed: ${String(err)}`);
    }
  }
  return set.size;
}

// Same shape as contextBridge.exposeInMainWorld('chat', …): a frozen object on a read-only property.
Object.defineProperty(window, 'chat', { value: createChatApi(transport), writable: false, configurable: false, enumerable: true });
Object.defineProperty(window, '__uosChatPush', { value: push, writable: false, configurable: false, enumerable: false });
Object.defineProperty(window, '__uosChatPushJson', {
  value: (channel: PushChannel, json: string) => push(channel, JSON.parse(json)),
  writable: false,
  configurable: false,
  enumerable: false,
});

// For the tests: every CSP violation the page meets.
const violations: string[] = [];
Object.defineProperty(window, '__cspViolations', { value: violations, writable: false, configurable: false, enumerable: false });
document.addEventListener('securitypolicyviolation', (e) => {
  violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || '?'}:${e.lineNumber}`);
});
