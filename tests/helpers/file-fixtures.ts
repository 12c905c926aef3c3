/**
 * What most stand-in test files share: one reference server for the file (started before its
 * tests, stopped after them), optionally bob connected to it, and temp dirs removed at the end.
 * Call once at a test file's top level: it registers the file's before/after hooks.
 */
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient } from '../../electron/core/connection/client';
import { testServer, type TestServer } from './server';
import { stateIs } from './wait';

export interface FileFixtures {
  /** Set by the file's before hook. */
  srv: TestServer;
  /** Bob, connected (only with `{ bob: true }`). */
  bob: ChatClient;
  /** A new temp dir, removed after the file's tests. */
  tempDir(prefix: string): string;
}

export function fileFixtures(options: { bob?: boolean } = {}): FileFixtures {
  const dirs: string[] = [];
  const fx = {
    tempDir(prefix: string) {
      const d = mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
  } as FileFixtures;
  before(async () => {
    fx.srv = await testServer();
    if (!options.bob) return;
    fx.bob = new ChatClient({ config: { url: fx.srv.url, token: 'token-bob' } });
    await fx.bob.start();
    await stateIs(fx.bob, 'connected');
  });
  after(async () => {
    await fx.bob?.stop();
    await fx.srv?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return fx;
}
