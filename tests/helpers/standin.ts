/**
 * Boots the real built dist/electron/main.js (and preload.js, in a sandbox-like
 * vm context, whose require() knows only 'electron') on the stand-in electron
 * module, against a real reference server. A module loads once per process:
 * call bootStandIn() once per test file. Not a test file itself.
 *
 * stop() quits the app the way Ctrl+Q does (app.quit(): before-quit, the windows close,
 * will-quit, quit, process end) and fails when the app does not get there, or when it
 * ends with its connection still open.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { ChatApi } from '../../electron/common/contract';
import type { Status } from '../../electron/common/state';
import { createFakeElectron, withElectronStandIn, type FakeElectron, type FakeElectronOptions } from './fake-electron';
import type { ServerOptions } from '../../server/server';
import { testServer, type TestServer } from './server';
import { withTimeout } from './wait';

export const ROOT = path.resolve(__dirname, '../..');
export const DIST_MAIN = path.join(ROOT, 'dist/electron/main.js');
export const DIST_PRELOAD = path.join(ROOT, 'dist/electron/preload.js');

export interface StandIn {
  srv: TestServer;
  fake: FakeElectron;
  api: ChatApi;
  /** The page's window (main world): where contextBridge put what the preload exposed. */
  mainWorld: Record<string, unknown>;
  userData: string;
  waitForPush(channel: string, predicate: (payload: any) => boolean, ms?: number): Promise<unknown>;
  stop(): Promise<void>;
}

export interface StandInOptions {
  /** Passed as UOS_CHAT_TOKEN with UOS_CHAT_SERVER; null: neither is set (settings come from files). */
  token?: string | null;
  server?: Partial<ServerOptions>;
  /** More environment for main (undefined deletes a variable). */
  env?: Record<string, string | undefined>;
  /** Files to put in the app's data directory before main starts. */
  files?: (srv: TestServer) => Record<string, string>;
  /** Wait for the first 'connected' push (default true). */
  waitConnected?: boolean;
  fake?: FakeElectronOptions;
}

/**
 * Runs the built preload.js the way a sandboxed preload runs: in its own context whose require()
 * knows only 'electron' (the renderer side of the stand-in). Returns the page's window (main world)
 * and what the preload put there.
 */
export function loadPreload(
  fake: FakeElectron,
  win: FakeElectron['windows'][number],
): { mainWorld: Record<string, unknown>; api: ChatApi } {
  const renderer = fake.rendererModule(() => win.webContents.mainFrame);
  win.webContents.rendererSink = renderer.deliver;
  const sandboxRequire = (name: string) => {
    if (name === 'electron') return renderer.module;
    throw new Error(`module not found: ${name} (a sandboxed preload can only require electron)`);
  };
  const mod = { exports: {} };
  vm.runInNewContext(
    readFileSync(DIST_PRELOAD, 'utf8'),
    { require: sandboxRequire, module: mod, exports: mod.exports, TextEncoder, console },
    { filename: 'preload.js' },
  );
  return { mainWorld: renderer.mainWorld, api: renderer.mainWorld.chat as ChatApi };
}

export async function bootStandIn(
  token: string | null = 'token-alice',
  server: Partial<ServerOptions> = {},
  more: Omit<StandInOptions, 'token' | 'server'> = {},
): Promise<StandIn> {
  assert.ok(existsSync(DIST_MAIN) && existsSync(DIST_PRELOAD), 'run `node build/build.mjs` first (npm test does)');
  const savedEnv = { ...process.env };
  const srv = await testServer(server);
  const userData = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-standin-'));
  for (const [name, text] of Object.entries(more.files?.(srv) ?? {})) writeFileSync(path.join(userData, name), text);
  for (const k of [
    'UOS_CHAT_SERVER',
    'UOS_CHAT_TOKEN',
    'UOS_CHAT_CA',
    'UOS_CHAT_COMPRESSION',
    'UOS_CHAT_LANG',
    'UOS_CHAT_WAYLAND',
    'XDG_CURRENT_DESKTOP',
  ])
    delete process.env[k];
  // Downloads go to this run's own folder, named as on a Chinese desktop (xdg-user-dirs), never to ~/Downloads.
  const xdg = path.join(userData, 'xdg');
  mkdirSync(xdg, { recursive: true });
  writeFileSync(path.join(xdg, 'user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${path.join(userData, '下载')}"\n`);
  process.env.XDG_CONFIG_HOME = xdg;
  if (token !== null) {
    process.env.UOS_CHAT_SERVER = srv.url;
    process.env.UOS_CHAT_TOKEN = token;
  }
  for (const [k, v] of Object.entries(more.env ?? {})) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const fake = createFakeElectron(userData, more.fake);
  withElectronStandIn(fake.electron, () => createRequire(__filename)(DIST_MAIN));
  await withTimeout(
    (async () => {
      while (fake.windows.length === 0) await new Promise((r) => setImmediate(r));
    })(),
    5000,
    'the main window',
  );
  const wc = fake.windows[0]!.webContents;
  const waitForPush = (channel: string, predicate: (payload: any) => boolean, ms = 5000): Promise<unknown> => {
    const already = wc.sent.find((s) => s.channel === channel && predicate(s.payload));
    if (already) return Promise.resolve(already.payload);
    return withTimeout(
      new Promise((resolve) => {
        const l = (ch: string, payload: unknown) => {
          if (ch === channel && predicate(payload)) {
            wc.off('test:sent', l);
            resolve(payload);
          }
        };
        wc.on('test:sent', l);
      }),
      ms,
      `${channel} push`,
    );
  };
  if (more.waitConnected ?? true) await waitForPush('chat:status', (s: Status) => s.connection.kind === 'connected');
  const { api, mainWorld } = loadPreload(fake, fake.windows[0]!);
  return {
    srv,
    fake,
    api,
    mainWorld,
    userData,
    waitForPush,
    async stop() {
      try {
        // An app that already ended (its last window closed) was checked by its test.
        const lastStatus =
          fake.app.exited === undefined
            ? ([...wc.sent].reverse().find((x) => x.channel === 'chat:status')?.payload as Status | undefined)
            : undefined;
        const openBefore = srv.server.connections();
        fake.app.quit();
        await withTimeout(fake.app.whenExited(), 10_000, 'the app to end after app.quit()');
        // Quitting stops the core: a connected app closes its connection before the process ends.
        if (lastStatus?.connection.kind === 'connected') {
          await withTimeout(
            (async () => {
              for (let i = 0; i < 1_000 && srv.server.connections() >= openBefore; i++) await new Promise((r) => setTimeout(r, 10));
            })(),
            5000,
            'the server to see the app disconnect',
          );
          assert.ok(srv.server.connections() < openBefore, 'the app closed its connection when it quit');
        }
      } finally {
        await srv.stop();
        process.env = savedEnv;
        rmSync(userData, { recursive: true, force: true });
      }
    },
  };
}
