/**
 * A host for the real renderer in Debian's Chromium (playwright-core), with
 * the real core behind it:
 *
 *   dist/renderer  ── tiny static http server on 127.0.0.1:0 (static-server.ts)
 *   ChatClient (MemoryOutboxStore, or per-account stores under options.dataDir)
 *              ── real reference server (testServer())
 *   SettingsStore ── a real settings file in a temp dir; saving applies to the
 *                    client (reconfigure), as Electron main does
 *   ChatService(client, store) ── the same host side Electron main uses
 *   window.chat ── createChatApi() over a Playwright binding (invoke) and
 *                  page.evaluate pushes (status / entries), see ui-host-preload.ts
 *                  and page-bridge.ts
 *
 * Only loopback is used. Every wait is an awaited condition with a timeout.
 * The building blocks are also exported from here, for the tests and bench/ that import them.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { writeFileAtomic } from '../../electron/core/store/atomic-file';
import { AccountDirectory } from '../../electron/core/store/accounts';
import { ChatClient, type ClientConfig } from '../../electron/core/connection/client';
import { ConversationClients, ConversationDesk } from '../../electron/core/conversations';
import { FileDesk } from '../../electron/core/files';
import type { FileShell } from '../../electron/core/service/file-calls';
import { ChatService, frameScheduler, type NoticePort, type SupportPort } from '../../electron/core/service/chat-service';
import { noNotices } from './service-doubles';
import { settingsToClientConfig } from '../../electron/core/connection/connection-settings';
import { MemoryOutboxStore } from '../../electron/core/store/outbox';
import { SettingsStore } from '../../electron/core/settings/settings-store';
import { SETTINGS_VERSION, type Settings, type SettingsPatch } from '../../electron/core/settings/settings';
import type { PushChannel } from '../../electron/common/contract';
import { changesConnection } from '../../electron/common/settings-fields';
import type { Locale } from '../../electron/common/words';
import type { ServerOptions } from '../../server/server';
import { launchChromium } from './chromium';
import { attachPage, exposeChatInvoke, recordPage } from './page-bridge';
import { preloadScript, rendererBuild, ROOT } from './renderer-build';
import { serveStatic } from './static-server';
import { testServer, type TestServer } from './server';
import { stateIs } from './wait';

export { CHROMIUM, CHROMIUM_ARGS } from './chromium';
export { attachPage, consoleProblems, cspMetaOf, exposeChatInvoke } from './page-bridge';
export { preloadScript, rendererBuild, ROOT } from './renderer-build';
export { serveStatic, type StaticServer } from './static-server';

export const ARTIFACTS = path.join(ROOT, 'tests/artifacts');

/** Quick but real backoff: the reconnecting state lasts long enough to be seen. */
export const FAST: Partial<ClientConfig> = {
  backoff: { baseMs: 300, capMs: 1200, rateLimitedMs: 1500, tlsMs: 1500 },
  helloTimeoutMs: 1000,
  handshakeTimeoutMs: 3000,
};

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
  /** The log folder and diagnostics buttons' host side (default: both succeed, see hostSupport). */
  support?: SupportPort;
  /** One-time notices the host has for the window (default: none). */
  notices?: NoticePort;
  /**
   * The app's data directory: the client keeps its outbox and history per account under
   * `<dataDir>/accounts/`, as Electron main does with userData. Not removed by close(), so a
   * test can stop this host and start another on the same directory (a restart with history);
   * give the second host `server: { port: first.server.port }` so it is the same account
   * (the account is server URL + identity + room).
   * Default: no accounts, one outbox in memory.
   */
  dataDir?: string;
  /**
   * Every conversation of the user over one socket (ConversationClients and ConversationDesk, as main does);
   * with a dataDir, files too (FileDesk).
   */
  conversations?: boolean;
}

/** What the window asked of main's share of files (file-calls.ts FileShell): recorded, and answered as a person would. */
export interface FileShellCalls {
  shown: string[];
  /** Where each Save as went (the "dialog" answers `<dataDir>/Saved/<name>`). */
  savedTo: string[];
  copiedBytes: number[];
}

function hostFileShell(imageBase: string, dataDir: string, calls: FileShellCalls): FileShell {
  return {
    imageBase,
    showItemInFolder: (p) => {
      calls.shown.push(p);
      return { ok: true };
    },
    chooseSavePath: async (name) => {
      mkdirSync(path.join(dataDir, 'Saved'), { recursive: true });
      const to = path.join(dataDir, 'Saved', path.basename(name));
      calls.savedTo.push(to);
      return to;
    },
    copyImage: async (bytes) => {
      calls.copiedBytes.push(bytes.length);
      return { ok: true };
    },
  };
}

/** The test host's stand-in for main's `uos-file:` scheme: `/uos-file/<conv>/<id>` on the page's own server. */
function imageRoute(desk: () => FileDesk | undefined) {
  return (pathname: string) => {
    const m = /^\/uos-file\/([^/]+)\/([^/]+)$/.exec(pathname);
    const d = desk();
    return m && d ? d.images.respond(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)) : undefined;
  };
}

function conversationDesk(config: Partial<ClientConfig> & { url: string }, options: UiHostOptions) {
  const clients = new ConversationClients({
    config,
    ...(options.dataDir ? { accounts: new AccountDirectory({ base: options.dataDir }) } : {}),
  });
  const desk = new ConversationDesk(clients, 'lobby');
  clients.followAll();
  return { clients, desk };
}

/** The test host's "Open log folder" and "Copy diagnostics": they succeed, and count the calls. */
export function hostSupport(calls: { showLogFolder: number; copyDiagnostics: number }): SupportPort {
  return {
    showLogFolder: async () => {
      calls.showLogFolder++;
      return { ok: true, folder: '/home/li/.config/UOSChat/logs' };
    },
    copyDiagnostics: async () => {
      calls.copyDiagnostics++;
      return { ok: true, text: 'UOS Chat (test host)' };
    },
  };
}

export interface UiHost {
  server: TestServer;
  /** The one room's client; with `conversations`, the first one shown. */
  client: ChatClient;
  /** With `conversations`: every conversation's client, over one socket, and which one the window shows. */
  conversations?: ConversationClients;
  desk?: ConversationDesk;
  /** With conversations and a dataDir: the window's files, and what it asked of main's share. */
  files?: FileDesk;
  fileShellCalls: FileShellCalls;
  service: ChatService;
  settings: SettingsStore;
  /** Calls of the default support port. */
  supportCalls: { showLogFolder: number; copyDiagnostics: number };
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

type Cleanups = Array<() => Promise<unknown> | unknown>;

/** Runs the cleanups newest first; all run, the first failure is thrown. */
async function runCleanups(cleanups: Cleanups): Promise<void> {
  const errors: unknown[] = [];
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw errors[0];
}

/** The person's settings, as main keeps them: a file and the env/flag layer (the client follows onDidChange). */
async function startSettings(server: TestServer, options: UiHostOptions, cleanups: Cleanups) {
  const settingsDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-settings-'));
  cleanups.push(() => rmSync(settingsDir, { recursive: true, force: true }));
  const settingsFile = path.join(settingsDir, 'settings.json');
  const initial: SettingsPatch = { serverUrl: server.url, token: options.token ?? 'token-alice', ...options.settings };
  await writeFileAtomic(settingsFile, JSON.stringify({ version: SETTINGS_VERSION, ...initial }, null, 2) + '\n', 0o600);
  const settings = new SettingsStore({
    file: settingsFile,
    overrides: options.overrides ?? {},
  });
  const problems = await settings.load();
  if (problems.length > 0) throw new Error(`test settings file: ${problems.map((p) => p.detail ?? p.code).join('; ')}`);
  return { settings, settingsFile };
}

/** Chromium with one page wired to the service like Electron's preload and IPC; not yet navigated. */
async function openPage(options: UiHostOptions, service: ChatService, script: string, cleanups: Cleanups) {
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const context = await browser.newContext({
    locale: options.locale ?? 'en',
    viewport: options.viewport ?? { width: 960, height: 720 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const record = recordPage(page);

  // invoke: the page → ChatService.handle (validation included), as ipcMain.handle does.
  await exposeChatInvoke(page, service);
  await page.addInitScript({ content: script });
  // push: ChatService → the page, in order.
  const { push, detach } = attachPage(page, service, (line) => record.console.push(`host: ${line}`));
  cleanups.push(detach);
  return { browser, context, page, record, push };
}

export async function startUiHost(options: UiHostOptions = {}): Promise<UiHost> {
  const cleanups: Cleanups = [];
  const close = () => runCleanups(cleanups);
  try {
    const [dir, script] = await Promise.all([rendererBuild(), preloadScript()]);
    let fileDesk: FileDesk | undefined;
    const files = await serveStatic(
      dir,
      imageRoute(() => fileDesk),
    );
    cleanups.push(() => files.close());

    const server = await testServer(options.server);
    cleanups.push(() => server.stop());

    const { settings, settingsFile } = await startSettings(server, options, cleanups);
    const configOf = (s: Settings) => ({ ...FAST, ...settingsToClientConfig(s), ...options.client });
    const config = configOf(settings.current());
    const conversations = options.conversations ? conversationDesk(config, options) : undefined;
    const client =
      conversations?.desk.client() ??
      new ChatClient({
        config,
        // With a data dir: the stores main uses (AccountDirectory, as electron/main/app.ts); else one outbox in memory.
        ...(options.dataDir ? { accounts: new AccountDirectory({ base: options.dataDir }) } : { outboxStore: new MemoryOutboxStore() }),
        random: options.random ?? (() => 0.9),
      });
    cleanups.push(() => (conversations ? conversations.clients.stop() : client.stop()));
    const following = settings.onDidChange(({ settings: s, changed }) => {
      // As main does (electron/main/settings-core.ts): with conversations, every conversation's client and the link.
      if (!changesConnection(changed)) return;
      if (conversations) void conversations.clients.reconfigure(configOf(s));
      else client.reconfigure(configOf(s));
    });
    cleanups.push(() => following.dispose());
    const supportCalls = { showLogFolder: 0, copyDiagnostics: 0 };
    const fileShellCalls: FileShellCalls = { shown: [], savedTo: [], copiedBytes: [] };
    if (conversations && options.dataDir) {
      fileDesk = new FileDesk({
        clients: conversations.clients,
        dataDir: options.dataDir,
        downloadsDir: () => path.join(options.dataDir!, 'Downloads'),
      });
      await fileDesk.start();
      const desk = fileDesk;
      cleanups.push(() => desk.stop()); // before the clients stop (cleanups run newest first)
    }
    const service = new ChatService({
      client,
      ...(conversations ? { desk: conversations.desk } : {}),
      settings,
      schedule: frameScheduler,
      support: options.support ?? hostSupport(supportCalls),
      notices: options.notices ?? noNotices,
      ...(fileDesk ? { files: fileDesk, fileShell: hostFileShell(`${files.url}uos-file/`, options.dataDir!, fileShellCalls) } : {}),
    });
    cleanups.push(() => service.dispose());

    const { browser, context, page, record, push } = await openPage(options, service, script, cleanups);
    await page.goto(files.url, { waitUntil: 'load' });
    await page.locator('[data-testid="status"]').waitFor({ timeout: 10_000 });
    if (conversations) await conversations.clients.start();
    else await client.start();

    const peers: ChatClient[] = [];
    cleanups.push(async () => {
      await Promise.all(peers.map((p) => p.stop()));
    });

    return {
      server,
      client,
      ...(conversations ? { conversations: conversations.clients, desk: conversations.desk } : {}),
      ...(fileDesk ? { files: fileDesk } : {}),
      fileShellCalls,
      service,
      settings,
      supportCalls,
      settingsFile,
      browser,
      context,
      page,
      ...record,
      async peer(token = 'token-bob') {
        const p = new ChatClient({
          config: { url: server.url, token, ...FAST, ...options.client },
          outboxStore: new MemoryOutboxStore(),
          random: () => 0.9,
        });
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
