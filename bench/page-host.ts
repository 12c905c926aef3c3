/**
 * The renderer in Debian's Chromium with the real core behind it, wired the way
 * tests/helpers/ui-host.ts wires it (Playwright binding for invoke, page.evaluate
 * for ChatService pushes), but with the bench in control of when pages open, so
 * a page can be opened on a core that already holds a big log.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ChatService } from '../electron/core/service';
import { bareService } from '../tests/helpers/service-doubles';
import type { ChatClient } from '../electron/core/connection';
import {
  attachPage,
  CHROMIUM,
  CHROMIUM_ARGS,
  exposeChatInvoke,
  preloadScript,
  rendererBuild,
  serveStatic,
  type StaticServer,
} from '../tests/helpers/ui-host';
import { ROOT, withTimeout } from './lib';

export interface Browserish {
  browser: Browser;
  context: BrowserContext;
  files: StaticServer;
  /** The built renderer being served. */
  dir: string;
  script: string;
  version: string;
  close(): Promise<void>;
}

export async function launch(): Promise<Browserish> {
  const [dir, script] = await Promise.all([rendererBuild(), preloadScript()]);
  const files = await serveStatic(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  const context = await browser.newContext({ locale: 'en', viewport: { width: 960, height: 720 }, deviceScaleFactor: 1 });
  return {
    browser,
    context,
    files,
    dir,
    script,
    version: browser.version(),
    async close() {
      await withTimeout(browser.close(), 15_000, 'browser close').catch(() => {});
      await files.close();
    },
  };
}

/**
 * The renderer as it was at `commit`, built and served beside the current one: a same-run
 * baseline for the first paint (the machine is shared, so absolute times move with its load).
 * Its sources come from git (renderer/ and the electron/common it imports); the build uses
 * today's node_modules and the Vite config of that commit.
 */
export async function serveRendererAt(commit: string): Promise<{ files: StaticServer; dir: string; close(): Promise<void> }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-baseline-'));
  try {
    const tar = execFileSync(
      'git',
      ['-C', ROOT, 'archive', '--format=tar', commit, 'renderer', 'electron/common', 'package.json', 'tsconfig.json'],
      { maxBuffer: 64 << 20 },
    );
    execFileSync('tar', ['-x', '-C', tmp], { input: tar });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'));
    const outDir = path.join(tmp, 'dist/renderer');
    const { build } = await import('vite');
    await build({
      configFile: path.join(tmp, 'renderer/vite.config.mts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
    const files = await serveStatic(outDir);
    return {
      files,
      dir: outDir,
      async close() {
        await files.close();
        rmSync(tmp, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

export interface BenchPage {
  page: Page;
  service: ChatService;
  errors: string[];
  close(): Promise<void>;
}

/**
 * A page on `client`: its own ChatService (as Electron main has one per app), attached
 * to this page only. `initScript` runs before the app (after the window.chat preload).
 */
export async function openPage(b: Browserish, client: ChatClient, initScript?: string): Promise<BenchPage> {
  const page = await b.context.newPage();
  page.setDefaultTimeout(30_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const service = bareService(client);
  // The test host's binding (JSON text over CDP), wrapped to mark when the snapshot is asked
  // for and when its text is in the page (window.__benchPaint, from the bench's init script).
  await exposeChatInvoke(page, service, '__benchInvoke');
  await page.addInitScript({
    content: `window.__uosChatInvoke = (channel, arg) => {
      const P = channel === 'chat:get-snapshot' ? window.__benchPaint : undefined;
      if (P && !P.snapAsked) P.snapAsked = performance.now();
      return window.__benchInvoke(channel, arg).then((s) => { if (P && !P.jsonArrived) P.jsonArrived = performance.now(); return s; });
    };`,
  });
  await page.addInitScript({ content: b.script });
  if (initScript) await page.addInitScript({ content: initScript });
  const { detach } = attachPage(page, service, (line) => errors.push(line));
  return {
    page,
    service,
    errors,
    async close() {
      detach();
      service.dispose();
      await withTimeout(page.close(), 15_000, 'page close').catch(() => {});
    },
  };
}
