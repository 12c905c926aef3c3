/**
 * Messages waiting for another account, and "Clear history", in Chromium on the real renderer
 * with per-account stores (ui-host dataDir, as main keeps them under userData) and real
 * reference servers on loopback:
 *  - written while server A is down, then the server changed to B in settings: the banner says
 *    "2 messages waiting for <A>", B never gets them, "Send there later" hides it and keeps them,
 *    and they reach A once A is back and used again;
 *  - "Discard" asks first, then deletes them: none left on disk, also after a restart;
 *  - "Clear history" empties the log but for what still waits, and stays cleared after a restart
 *    of the host on the same data dir.
 * Screenshots of the banner, en and zh-CN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { LeftoverView } from '../../electron/common/contract';
import type { Locale } from '../../electron/common/words';
import { AccountDirectory } from '../../electron/core/store/accounts';
import type { ChatClient } from '../../electron/core/connection/client';
import { roomReplay, testServer, type TestServer } from '../helpers/server';
import { startUiHost, type UiHost } from '../helpers/ui-host';
import { nextEvent, until } from '../helpers/wait';
import { message, messageTexts, statusIs, T, waitForMessage } from './helpers';

const SECRETS: Record<Locale, string[]> = {
  en: ['Budget draft for the A team only', 'Numbers are final on Friday'],
  'zh-CN': ['仅限 A 组：预算草稿', '周五确定最终数字'],
};
const WAITING: Record<Locale, (n: number, host: string) => string> = {
  en: (n, host) => `${n} messages waiting for ${host}`,
  'zh-CN': (n, host) => `有 ${n} 条消息等待发往 ${host}`,
};

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-ui-leftovers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A server address with nothing listening (a server started and stopped): what is written for it waits. */
async function deadServer(): Promise<TestServer> {
  const srv = await testServer();
  await srv.stop();
  return srv;
}

async function sendFromWindow(page: Page, text: string, delivery: 'pending' | 'sent'): Promise<void> {
  await page.getByTestId('input').fill(text);
  await page.getByTestId('send').click();
  await waitForMessage(page, text, delivery);
}

async function changeServer(host: UiHost, url: string): Promise<void> {
  const { page } = host;
  const opened = nextEvent(host.client, 'account', (v) => new URL(v.server).port === new URL(url).port, T);
  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-dialog').waitFor({ state: 'visible', timeout: T });
  await page.getByTestId('settings-serverUrl').fill(url);
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-dialog').waitFor({ state: 'detached', timeout: T });
  await opened;
}

/** Writes SECRETS in the window while A is down, then switches to the host's own server (B). */
async function leftBehind(t: { after(fn: () => Promise<void> | void): void }, locale: Locale, dataDir: string) {
  const a = await deadServer();
  const host = await startUiHost({ locale, dataDir, settings: { serverUrl: a.url } });
  t.after(() => host.close());
  await statusIs(host.page, 'reconnecting');
  for (const text of SECRETS[locale]) await sendFromWindow(host.page, text, 'pending');
  await changeServer(host, host.server.url);
  await statusIs(host.page, 'connected');
  return { a, host, hostA: `127.0.0.1:${a.port}` };
}

/** Everything the room on `url` keeps (the texts). */
const roomOf = async (url: string) => (await roomReplay(url, 'token-bob', T)).map((f) => f.message);

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on `selector`: the serious and critical findings (as in a11y.test.ts), and how many rules passed. */
async function axe(page: Page, selector: string): Promise<{ bad: string[]; passes: number }> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (sel) => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[]; passes: unknown[] };
    const a = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<Result> } }).axe;
    const r = await a.run(
      { include: [sel] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } },
    );
    const bad = r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    return { bad, passes: r.passes.length };
  }, selector);
}

async function assertAccessible(page: Page, selector: string): Promise<void> {
  const found = await axe(page, selector);
  assert.deepEqual(found.bad, [], `axe on ${selector}`);
  assert.ok(found.passes > 3, 'axe ran its rules');
}

const leftovers = (host: UiHost) => host.service.handle('chat:get-leftovers', null) as Promise<LeftoverView[]>;
const texts = (c: ChatClient) => c.snapshot().entries.flatMap((e) => (e.kind === 'message' ? [e.text] : []));

for (const locale of ['en', 'zh-CN'] as const) {
  test(
    `leftovers (${locale}): the banner names the old server, B never gets them, Send there later keeps them for A`,
    { timeout: 90_000 },
    async (t) => {
      const { a, host, hostA } = await leftBehind(t, locale, tempDir(t));
      const { page } = host;
      const row = page.getByTestId('leftover');
      await row.waitFor({ timeout: T });
      assert.equal(await page.getByTestId('leftover-text').textContent(), WAITING[locale](2, hostA));
      // The log is the new account's: the old one's pending rows went with it.
      for (const text of SECRETS[locale]) await message(page, text).waitFor({ state: 'detached', timeout: T });
      const file = await host.screenshot(`leftovers-banner-${locale}.png`);
      assert.ok(statSync(file).size > 1000);
      await assertAccessible(page, '[data-testid="leftovers"]');

      // B gets what is written for B, and never A's messages.
      const bob = await host.peer('token-bob');
      await sendFromWindow(page, locale === 'en' ? 'Hello B' : '你好 B', 'sent');
      await until(bob, () => texts(bob).includes(locale === 'en' ? 'Hello B' : '你好 B'), T, 'bob gets the message for B');
      assert.deepEqual(
        (await roomOf(host.server.url)).filter((x) => SECRETS[locale].includes(x)),
        [],
        'nothing for A reached B',
      );

      await page.getByTestId('leftover-later').click();
      await row.waitFor({ state: 'detached', timeout: T });
      assert.deepEqual(
        (await leftovers(host)).map((l) => l.count),
        [2],
        'kept for A',
      );

      // A is back and used again: they go out there, and nothing waits any more.
      const aBack = await testServer({ port: a.port });
      t.after(() => aBack.stop());
      await changeServer(host, a.url);
      for (const text of SECRETS[locale]) await waitForMessage(page, text, 'sent');
      await until(host.client, () => host.client.pendingCount() === 0, T, 'A acked them');
      assert.deepEqual(await leftovers(host), []);
      assert.deepEqual(await roomOf(a.url), SECRETS[locale], 'A has them, once each, in order');
      assert.deepEqual(
        (await roomOf(host.server.url)).filter((x) => SECRETS[locale].includes(x)),
        [],
        'still nothing for A at B',
      );
    },
  );
}

test('discard asks first, then deletes them: none on disk, also after a restart', { timeout: 90_000 }, async (t) => {
  const dataDir = tempDir(t);
  const { host, hostA } = await leftBehind(t, 'en', dataDir);
  const { page } = host;
  await page.getByTestId('leftover').waitFor({ timeout: T });
  await page.getByTestId('leftover-discard').click();
  assert.equal(
    await page.getByTestId('leftover-text').textContent(),
    `Discard 2 messages for ${hostA}? They were never sent and cannot be recovered.`,
  );
  await assertAccessible(page, '[data-testid="leftovers"]');
  await page.getByTestId('leftover-keep').click();
  assert.equal(await page.getByTestId('leftover-text').textContent(), WAITING.en(2, hostA), 'Keep: nothing deleted');
  assert.deepEqual(
    (await leftovers(host)).map((l) => l.count),
    [2],
  );

  await page.getByTestId('leftover-discard').click();
  await page.getByTestId('leftover-discard-yes').click();
  await page.getByTestId('leftover-done').getByText(`2 messages for ${hostA} discarded.`).waitFor({ timeout: T });
  await page.getByTestId('leftover').waitFor({ state: 'detached', timeout: T });
  assert.deepEqual(await leftovers(host), []);
  const port = host.server.port;
  await host.close();

  assert.deepEqual(await new AccountDirectory({ base: dataDir }).leftovers(''), [], 'nothing waits on disk');
  const again = await startUiHost({ dataDir, server: { port } });
  t.after(() => again.close());
  await statusIs(again.page, 'connected');
  assert.deepEqual(await leftovers(again), [], 'nor after a restart');
  assert.equal(await again.page.getByTestId('leftover').count(), 0);
});

test('Clear history: asks first, the log keeps only what waits, and stays cleared after a restart', { timeout: 90_000 }, async (t) => {
  const dataDir = tempDir(t);
  const host = await startUiHost({ dataDir });
  let closed = false;
  t.after(() => (closed ? undefined : host.close()));
  const { page } = host;
  await statusIs(page, 'connected');
  const bob = await host.peer('token-bob');
  await bob.send('Said before the clear');
  await sendFromWindow(page, 'Answered before the clear', 'sent');
  await waitForMessage(page, 'Said before the clear');
  await host.server.stop(); // down: the next one waits
  await statusIs(page, 'reconnecting');
  await sendFromWindow(page, 'Still waiting to be sent', 'pending');

  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-clear-history').click();
  assert.match((await page.getByTestId('settings-history-note').textContent()) ?? '', /Messages still waiting to be sent are kept/);
  await assertAccessible(page, '[data-testid="settings-dialog"]');
  assert.ok(statSync(await host.screenshot('settings-clear-history-en.png')).size > 1000);
  await page.getByTestId('settings-clear-history-cancel').click();
  assert.equal(host.client.search('before the clear', 10).length, 2, 'Cancel: nothing cleared');
  await page.getByTestId('settings-clear-history').click();
  await page.getByTestId('settings-clear-history-yes').click();
  await page.getByTestId('settings-history-note').getByText('History cleared.', { exact: false }).waitFor({ timeout: T });
  await page.getByTestId('settings-cancel').click();
  await message(page, 'Said before the clear').waitFor({ state: 'detached', timeout: T });
  assert.deepEqual(await messageTexts(page), ['Still waiting to be sent']);
  await host.client.saveOutbox();
  const port = host.server.port;
  await host.close();
  closed = true;

  // The same account after a restart: the store paints nothing cleared; the waiting one goes out.
  const again = await startUiHost({ dataDir, server: { port } });
  t.after(() => again.close());
  await waitForMessage(again.page, 'Still waiting to be sent', 'sent');
  assert.deepEqual(
    await roomOf(again.server.url),
    ['Still waiting to be sent'],
    'the waiting message reached the server (which kept nothing from before)',
  );
  assert.deepEqual(await messageTexts(again.page), ['Still waiting to be sent'], 'the cleared history does not come back');
  assert.equal(again.client.search('before the clear', 10).length, 0);
});
