/**
 * Boots the real built dist/electron/main.js (and preload.js, in a sandbox-like
 * vm context, whose require() knows only 'electron') on the stand-in electron
 * module, against a real reference server. A module loads once per process:
 * call bootStandIn() once per test file. Not a test file itself.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { ChatApi } from '../../electron/common/contract';
import type { Status } from '../../electron/common/state';
import { createFakeElectron, withElectronStandIn, type FakeElectron } from './fake-electron';
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
}

export async function bootStandIn(token: string | null = 'token-alice', server: Partial<ServerOptions> = {}, more: Omit<StandInOptions, 'token' | 'server'> = {}): Promise<StandIn> {
  assert.ok(existsSync(DIST_MAIN) && existsSync(DIST_PRELOAD), 'run `node build/build.mjs` first (npm test does)');
  const savedEnv = { ...process.env };
  const srv = await testServer(server);
  const userData = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-standin-'));
  for (const [name, text] of Object.entries(more.files?.(srv) ?? {})) writeFileSync(path.join(userData, name), text);
  for (const k of ['UOS_CHAT_SERVER', 'UOS_CHAT_TOKEN', 'UOS_CHAT_CA', 'UOS_CHAT_COMPRESSION', 'UOS_CHAT_LANG', 'UOS_CHAT_WAYLAND', 'XDG_CURRENT_DESKTOP']) delete process.env[k];
  if (token !== null) {
    process.env.UOS_CHAT_SERVER = srv.url;
    process.env.UOS_CHAT_TOKEN = token;
  }
  for (const [k, v] of Object.entries(more.env ?? {})) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const fake = createFakeElectron(userData);
  withElectronStandIn(fake.electron, () => createRequire(__filename)(DIST_MAIN));
  await withTimeout(
    (async () => {
      while (fake.windows.length === 0) await new Promise((r) => setImmediate(r));
    })(),
    5000,
    'the main window',
  );
  const waitForPush = (channel: string, predicate: (payload: any) => boolean, ms = 5000): Promise<unknown> => {
    const wc = fake.windows[0]!.webContents;
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
  const win = fake.windows[0]!;
  const renderer = fake.rendererModule(() => win.webContents.mainFrame);
  win.webContents.rendererSink = renderer.deliver;
  const sandboxRequire = (name: string) => {
    if (name === 'electron') return renderer.module;
    throw new Error(`module not found: ${name} (a sandboxed preload can only require electron)`);
  };
  const mod = { exports: {} };
  vm.runInNewContext(readFileSync(DIST_PRELOAD, 'utf8'), { require: sandboxRequire, module: mod, exports: mod.exports, TextEncoder, console }, { filename: 'preload.js' });
  const api = fake.exposed.get('chat') as ChatApi;
  return {
    srv,
    fake,
    api,
    userData,
    waitForPush,
    async stop() {
      fake.app.emit('before-quit', { preventDefault: () => {} });
      await withTimeout(
        (async () => {
          while (fake.app.quitCalls === 0) await new Promise((r) => setImmediate(r));
        })(),
        5000,
        'app.quit after before-quit',
      ).catch(() => undefined);
      await srv.stop();
      process.env = savedEnv;
      rmSync(userData, { recursive: true, force: true });
    },
  };
}
