/**
 * The renderer in Debian's Chromium with the real core behind it, wired the way
 * tests/helpers/ui-host.ts wires it (Playwright binding for invoke, page.evaluate
 * for ChatService pushes), but with the bench in control of when pages open, so
 * a page can be opened on a core that already holds a big log.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ChatService } from '../electron/core/chat-service';
import type { ChatClient } from '../electron/core/client';
import { attachPage, CHROMIUM, CHROMIUM_ARGS, preloadScript, rendererBuild, serveStatic, type StaticServer } from '../tests/helpers/ui-host';
import { withTimeout } from './lib';

export interface Browserish {
  browser: Browser;
  context: BrowserContext;
  files: StaticServer;
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
    script,
    version: browser.version(),
    async close() {
      await withTimeout(browser.close(), 15_000, 'browser close').catch(() => {});
      await files.close();
    },
  };
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
export async function openPage(b: Browserish, client: ChatClient, initScript?: string, opts: { snapshotAsJson?: boolean } = {}): Promise<BenchPage> {
  const page = await b.context.newPage();
  page.setDefaultTimeout(30_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const service = new ChatService(client);
  if (opts.snapshotAsJson) {
    // The snapshot as ONE string over the binding, parsed in the page: Playwright serializes a
    // 100k-object result value by value over CDP (tens of seconds), a string in one piece. This
    // is closer to Electron's structured-clone IPC; everything else goes the test host's way.
    await page.exposeBinding('__benchInvoke', async (_source, channel: unknown, arg: unknown) =>
      channel === 'bench:snapshot-json' ? JSON.stringify(await service.handle('chat:get-snapshot', null)) : service.handle(channel, arg),
    );
    await page.addInitScript({
      content: `window.__uosChatInvoke = (channel, arg) => channel === 'chat:get-snapshot'
        ? (window.__benchPaint && !window.__benchPaint.snapAsked && (window.__benchPaint.snapAsked = performance.now()), window.__benchInvoke)('bench:snapshot-json', null).then((s) => { if (window.__benchPaint) window.__benchPaint.jsonArrived = performance.now(); return JSON.parse(s); })
        : window.__benchInvoke(channel, arg);`,
    });
  } else {
    await page.exposeBinding('__uosChatInvoke', (_source, channel: unknown, arg: unknown) => service.handle(channel, arg));
  }
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
