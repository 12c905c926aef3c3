/**
 * A host for the real renderer in Debian's Chromium (playwright-core), with
 * the real core behind it:
 *
 *   dist/renderer  ── tiny static http server on 127.0.0.1:0
 *   ChatClient (MemoryOutboxStore) ── real reference server (testServer())
 *   SettingsStore ── a real settings file in a temp dir; saving applies to the
 *                    client (reconfigure), as Electron main does
 *   ChatService(client, store) ── the same host side Electron main uses
 *   window.chat ── createChatApi() over a Playwright binding (invoke) and
 *                  page.evaluate pushes (status / entries), see ui-host-preload.ts
 *
 * Only loopback is used. Every wait is an awaited condition with a timeout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ChatClient, type ClientConfig } from '../../electron/core/client';
import { ChatService } from '../../electron/core/chat-service';
import { MemoryOutboxStore } from '../../electron/core/outbox';
import { loadCaBundle } from '../../electron/core/ca-bundle';
import { writeFileAtomic } from '../../electron/core/atomic-file';
import { SettingsStore } from '../../electron/core/settings-store';
import { SETTINGS_VERSION, type Settings, type SettingsPatch } from '../../electron/core/settings';
import type { PushChannel } from '../../electron/common/contract';
import type { Locale } from '../../electron/common/words';
import type { ServerOptions } from '../../server/server';
import { testServer, type TestServer } from './server';
import { stateIs } from './wait';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = path.join(ROOT, 'tests/artifacts');
const DIST = path.join(ROOT, 'dist/renderer');

export const CHROMIUM = process.env.UOS_CHAT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Quick but real backoff: the reconnecting state lasts long enough to be seen. */
export const FAST: Partial<ClientConfig> = {
  backoff: { baseMs: 300, capMs: 1200, rateLimitedMs: 1500, tlsMs: 1500 },
  helloTimeoutMs: 1000,
  handshakeTimeoutMs: 3000,
};

// ---- the renderer build -----------------------------------------------------------

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

let rendererDir: Promise<string> | undefined;

/**
 * dist/renderer when it is newer than its sources (npm test builds it first);
 * otherwise a fresh Vite build into a private temp dir, so parallel test files
 * never race on dist/.
 */
export function rendererBuild(): Promise<string> {
  rendererDir ??= (async () => {
    const sources = [
      path.join(ROOT, 'renderer/index.html'),
      path.join(ROOT, 'renderer/src'),
      path.join(ROOT, 'renderer/vite.config.mts'),
      path.join(ROOT, 'electron/common'),
    ];
    let built = 0;
    try {
      built = statSync(path.join(DIST, 'index.html')).mtimeMs;
    } catch {
      built = 0;
    }
    const newest = Math.max(...sources.map(newestMtime));
    if (built >= newest) return DIST;
    const outDir = path.join(os.tmpdir(), `uos-chat-renderer-${process.pid}`);
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    const { build } = await import('vite');
    await build({
      configFile: path.join(ROOT, 'renderer/vite.config.mts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
    return outDir;
  })();
  return rendererDir;
}

// ---- the init script (window.chat) --------------------------------------------------

let preloadBundle: Promise<string> | undefined;

export function preloadScript(): Promise<string> {
  preloadBundle ??= esbuild({
    entryPoints: [path.join(ROOT, 'tests/helpers/ui-host-preload.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  }).then((r) => {
    const out = r.outputFiles[0];
    if (!out) throw new Error('esbuild produced no preload bundle');
    return out.text;
  });
  return preloadBundle;
}

// ---- static files --------------------------------------------------------------------

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(dir: string): Promise<StaticServer> {
  const root = path.resolve(dir);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Chromium asks for one on http (Electron's file:// page does not): no content, no console noise.
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(root, `.${rel}`);
    if (req.method !== 'GET' || (file !== root && !file.startsWith(root + path.sep))) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
      },
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---- the host --------------------------------------------------------------------------

export interface UiHostOptions {
  locale?: Locale;
  viewport?: { width: number; height: number };
  /** Reference server options (port, tokens and log are set by testServer()). */
  server?: Partial<ServerOptions>;
  /** Saved in the settings file before start (default token-alice). */
  token?: string;
  /** More of the settings file before start (serverUrl defaults to the test server's). */
  settings?: SettingsPatch;
  /** The environment / command-line layer: wins over the file, shown read-only. */
  overrides?: SettingsPatch;
  client?: Partial<ClientConfig>;
  /** Backoff jitter; fixed so reconnect delays are predictable. */
  random?: () => number;
}

/** Fields whose change reconnects the client (language only re-renders). */
const CONNECTION_FIELDS: ReadonlyArray<keyof SettingsPatch> = ['serverUrl', 'token', 'caFile', 'compression'];

/** What Electron main does with the settings: the client's url, token, compression and trusted CAs. */
export function clientSettings(s: Settings): Pick<ClientConfig, 'url' | 'token' | 'compression' | 'tls'> {
  return { url: s.serverUrl, token: s.token, compression: s.compression, tls: { ca: loadCaBundle({ userFile: s.caFile }).ca } };
}

export interface UiHost {
  server: TestServer;
  client: ChatClient;
  service: ChatService;
  settings: SettingsStore;
  /** The settings file (JSON, mode 0600) in a temp dir removed by close(). */
  settingsFile: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console lines ("type: text") and uncaught page errors. */
  console: string[];
  pageErrors: string[];
  dialogs: string[];
  /** Another real client on the same server (stopped by close()). */
  peer(token?: string): Promise<ChatClient>;
  /** Violations reported by the page's `securitypolicyviolation` events. */
  cspViolations(): Promise<string[]>;
  /** Pushes a payload on a contract channel, exactly as ChatService does. */
  push<P extends PushChannel>(channel: P, payload: unknown): Promise<void>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startUiHost(options: UiHostOptions = {}): Promise<UiHost> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const close = async () => {
    const errors: unknown[] = [];
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  };
  try {
    const [dir, script] = await Promise.all([rendererBuild(), preloadScript()]);
    const files = await serveStatic(dir);
    cleanups.push(() => files.close());

    const server = await testServer(options.server);
    cleanups.push(() => server.stop());

    const clientConfig = (token: string) => ({
      url: server.url,
      token,
      ...FAST,
      ...options.client,
    });

    // The person's settings, as main keeps them: a file, the env/flag layer, and apply → reconfigure.
    const settingsDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-settings-'));
    cleanups.push(() => rmSync(settingsDir, { recursive: true, force: true }));
    const settingsFile = path.join(settingsDir, 'settings.json');
    const initial: SettingsPatch = { serverUrl: server.url, token: options.token ?? 'token-alice', ...options.settings };
    await writeFileAtomic(settingsFile, JSON.stringify({ version: SETTINGS_VERSION, ...initial }, null, 2) + '\n', 0o600);
    let client: ChatClient | undefined;
    const settings = new SettingsStore({
      file: settingsFile,
      overrides: options.overrides ?? {},
      apply: (s, changed) => {
        if (client && changed.some((f) => CONNECTION_FIELDS.includes(f))) client.reconfigure(clientSettings(s));
      },
    });
    const problems = await settings.load();
    if (problems.length > 0) throw new Error(`test settings file: ${problems.map((p) => p.detail ?? p.code).join('; ')}`);

    client = new ChatClient({
      config: { ...FAST, ...clientSettings(settings.current()), ...options.client },
      outboxStore: new MemoryOutboxStore(),
      random: options.random ?? (() => 0.9),
    });
    const theClient = client;
    cleanups.push(() => theClient.stop());
    const service = new ChatService(client, settings);
    cleanups.push(() => service.dispose());

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({
      locale: options.locale ?? 'en',
      viewport: options.viewport ?? { width: 960, height: 720 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);

    const consoleLines: string[] = [];
    const pageErrors: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => {});
    });

    // invoke: the page → ChatService.handle (validation included), as ipcMain.handle does.
    await exposeChatInvoke(page, service);
    await page.addInitScript({ content: script });
    // push: ChatService → the page, in order.
    const { push, detach } = attachPage(page, service, (line) => consoleLines.push(`host: ${line}`));
    cleanups.push(detach);

    await page.goto(files.url, { waitUntil: 'load' });
    await page.locator('[data-testid="status"]').waitFor({ timeout: 10_000 });
    await client.start();

    const peers: ChatClient[] = [];
    cleanups.push(async () => {
      await Promise.all(peers.map((p) => p.stop()));
    });

    return {
      server,
      client,
      service,
      settings,
      settingsFile,
      browser,
      context,
      page,
      console: consoleLines,
      pageErrors,
      dialogs,
      async peer(token = 'token-bob') {
        const p = new ChatClient({ config: clientConfig(token), outboxStore: new MemoryOutboxStore(), random: () => 0.9 });
        peers.push(p);
        await p.start();
        await stateIs(p, 'connected', 5_000);
        return p;
      },
      cspViolations: () => page.evaluate(() => [...((window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])]),
      push: async (channel, payload) => push(channel, payload),
      async screenshot(name) {
        mkdirSync(ARTIFACTS, { recursive: true });
        const file = path.join(ARTIFACTS, name.endsWith('.png') ? name : `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      close,
    };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}

/**
 * Console lines that are errors or warnings, less the one Chromium always prints for our meta CSP:
 * csp.ts's policy includes frame-ancestors, which only works as a header (main sends it).
 */
/**
 * Pushes from the ChatService into the page (`window.__uosChatPush`, set up by the
 * init script), in order — the test host's stand-in for webContents.send.
 * `push` is also handed to tests that drive the page directly; failures after
 * `detach` are not reported.
 */
/**
 * `__uosChatInvoke(channel, arg)` in the page → ChatService.handle, answered as JSON text
 * (ui-host-preload.ts parses it; why: see there). Errors reject in the page as before.
 */
export async function exposeChatInvoke(page: Page, service: ChatService, name = '__uosChatInvoke'): Promise<void> {
  await page.exposeBinding(name, async (_source, channel: unknown, arg: unknown) => JSON.stringify((await service.handle(channel, arg)) ?? null));
}

export function attachPage(
  page: Page,
  service: ChatService,
  onError: (line: string) => void,
): { push: (channel: PushChannel, payload: unknown) => Promise<void>; detach: () => void } {
  let open = true;
  // As JSON text: one string over CDP instead of Playwright's value-by-value serialization.
  const push = (channel: PushChannel, payload: unknown) =>
    page
      .evaluate(([c, json]) => {
        const w = window as unknown as { __uosChatPushJson?: (c: string, json: string) => void };
        w.__uosChatPushJson?.(c, json);
      }, [channel, JSON.stringify(payload)] as const)
      .catch((err: unknown) => {
        if (open) onError(`push ${channel} failed: ${String(err)}`);
      });
  const off = service.attach({ push: (channel, payload) => void push(channel, payload) });
  const detach = () => {
    open = false;
    off();
  };
  return { push, detach };
}

export function consoleProblems(lines: readonly string[]): string[] {
  return lines.filter(
    (l) => /^(error|warning): /.test(l) && !/directive 'frame-ancestors' is ignored when delivered via a <meta> element/.test(l),
  );
}

/** The CSP meta of a built or source index.html. */
export function cspMetaOf(htmlFile: string): string | undefined {
  const html = readFileSync(htmlFile, 'utf8');
  const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/i.exec(html);
  return m?.[1];
}
