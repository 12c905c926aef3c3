/**
 * Between a page and the host: invoke (a Playwright binding → ChatService.handle),
 * pushes (ChatService → the page), what the page printed, and the checks on it.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { ChatService } from '../../electron/core/service/chat-service';
import type { PushChannel } from '../../electron/common/contract';

/**
 * `__uosChatInvoke(channel, arg)` in the page → ChatService.handle, answered as JSON text
 * (ui-host-preload.ts parses it; why: see there). Errors reject in the page as before.
 */
export async function exposeChatInvoke(page: Page, service: ChatService, name = '__uosChatInvoke'): Promise<void> {
  await page.exposeBinding(name, async (_source, channel: unknown, arg: unknown) =>
    JSON.stringify((await service.handle(channel, withBytes(arg))) ?? null),
  );
}

/** The page's tagged bytes (ui-host-preload.ts withBytesTagged) back as the Uint8Array Electron's IPC would give main. */
function withBytes(arg: unknown): unknown {
  const tagged = (arg as { bytes?: { __uosBytes?: unknown } } | null)?.bytes?.__uosBytes;
  if (typeof tagged !== 'string') return arg;
  return { ...(arg as object), bytes: new Uint8Array(Buffer.from(tagged, 'base64')) };
}

/**
 * Pushes from the ChatService into the page (`window.__uosChatPush`, set up by the
 * init script), in order — the test host's stand-in for webContents.send.
 * `push` is also handed to tests that drive the page directly; failures after
 * `detach` are not reported.
 */
export function attachPage(
  page: Page,
  service: ChatService,
  onError: (line: string) => void,
): { push: (channel: PushChannel, payload: unknown) => Promise<void>; detach: () => void } {
  let open = true;
  // As JSON text: one string over CDP instead of Playwright's value-by-value serialization.
  const push = (channel: PushChannel, payload: unknown) =>
    page
      .evaluate(
        ([c, json]) => {
          const w = window as unknown as { __uosChatPushJson?: (c: string, json: string) => void };
          w.__uosChatPushJson?.(c, json);
        },
        [channel, JSON.stringify(payload)] as const,
      )
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

export interface PageRecord {
  /** Console lines ("type: text"). */
  console: string[];
  /** Uncaught page errors. */
  pageErrors: string[];
  /** alert/confirm/prompt the page opened (each dismissed at once). */
  dialogs: string[];
}

/** Starts recording what the page prints, throws and opens. */
export function recordPage(page: Page): PageRecord {
  const record: PageRecord = { console: [], pageErrors: [], dialogs: [] };
  page.on('console', (m) => record.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => record.pageErrors.push(String(e)));
  page.on('dialog', (d) => {
    record.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  return record;
}

/**
 * Console lines that are errors or warnings, less the one Chromium always prints for our meta CSP:
 * csp.ts's policy includes frame-ancestors, which only works as a header (main sends it).
 */
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
