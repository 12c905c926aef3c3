/**
 * Search in the window (Ctrl+F), in Chromium on the built renderer, over the account's real
 * history store (ui-host dataDir: SQLite with the trigram index) or the in-memory log:
 * a Chinese substring, English in any case, no match, Escape giving focus back, a result
 * older than the loaded window shown (older pages paged in, the row scrolled into view and
 * marked, the bottom no longer followed, "new messages ↓" still there), and an answer that
 * comes back late never replacing the one for what was typed after it, and failures (a search,
 * an older page) said. Screenshots en and zh-CN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { SearchQuery } from '../../electron/common/contract';
import { startUiHost, type UiHost } from '../helpers/ui-host';
import { until } from '../helpers/wait';
import { message, statusIs, T, waitForMessage } from './helpers';

function tempDataDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-ui-search-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Bob says each line; each is waited for in the window. */
async function bobSays(host: UiHost, lines: string[]): Promise<void> {
  const bob = await host.peer('token-bob');
  for (const text of lines) {
    assert.ok((await bob.send(text)).ok);
    await waitForMessage(host.page, text);
  }
}

async function openSearch(page: Page): Promise<Locator> {
  await page.getByTestId('log').focus();
  await page.keyboard.press('Control+f');
  const input = page.getByTestId('search-input');
  await input.waitFor({ timeout: T });
  assert.equal(await input.evaluate((el) => el === document.activeElement), true, 'Ctrl+F puts focus in the search box');
  return input;
}

async function resultTexts(page: Page): Promise<string[]> {
  return page.getByTestId('search-result-text').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
}

async function marks(page: Page): Promise<string[]> {
  return page.locator('[data-testid="search-result-text"] mark').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
}

/** Waits until the search status says `text` (the phase's words, e.g. found or none). */
async function statusSays(page: Page, text: string): Promise<void> {
  await page.getByTestId('search-status').filter({ hasText: text }).waitFor({ timeout: T });
}

/** The row lies within the log's visible box. */
function inView(page: Page, row: Locator): Promise<boolean> {
  return row.evaluate((el) => {
    const log = document.querySelector('[data-testid="log"]')!.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= log.top - 1 && r.bottom <= log.bottom + 1;
  });
}

test(
  'en: English in any case, newest first with date and time, no match, Escape gives focus back (history store)',
  { timeout: 60_000 },
  async (t) => {
    const host = await startUiHost({ locale: 'en', dataDir: tempDataDir(t) });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    await bobSays(host, [
      'Deploy the release on Friday?',
      'Lunch at noon',
      'We deploy after the tests pass',
      '<b>not bold</b> deploy notes',
    ]);

    const input = await openSearch(page);
    await input.fill('DEPLOY');
    await statusSays(page, '3 messages found');
    assert.deepEqual(
      await resultTexts(page),
      ['<b>not bold</b> deploy notes', 'We deploy after the tests pass', 'Deploy the release on Friday?'],
      'newest first',
    );
    assert.deepEqual(await marks(page), ['deploy', 'deploy', 'Deploy'], 'the match is marked as it is written');
    assert.equal(await page.locator('[data-testid="search-results"] b').count(), 0, 'text, never HTML');
    const when = await page.getByTestId('search-result-time').first().textContent();
    assert.match(when ?? '', /\d{4}.*\d{1,2}:\d{2}/, `date and time: ${when}`);
    assert.equal(await page.getByTestId('search-result-sender').first().textContent(), 'bob');
    assert.equal(await page.getByTestId('search-result').first().getAttribute('aria-selected'), 'true');
    await input.press('ArrowDown');
    assert.equal(await page.getByTestId('search-result').nth(1).getAttribute('aria-selected'), 'true', '↓ moves the choice');
    await host.screenshot('search-result-en.png');
    // A click shows it; it is in the window already, so no page is asked for.
    await page.getByTestId('search-result').nth(2).click();
    await page
      .locator('[data-jumped="true"]')
      .filter({ has: message(page, 'Deploy the release on Friday?') })
      .waitFor({ timeout: T });
    await statusSays(page, 'Showing the message from');
    assert.equal(await page.getByTestId('search-input').evaluate((el) => el === document.activeElement), true, 'focus stays in the box');

    await input.fill('quarterly budget');
    await statusSays(page, 'No messages contain “quarterly budget”');
    assert.equal(await page.getByTestId('search-result').count(), 0);

    await input.press('Escape');
    await page.getByTestId('search-panel').waitFor({ state: 'detached', timeout: T });
    assert.equal(await page.getByTestId('log').evaluate((el) => el === document.activeElement), true, 'focus is back on the log');
    // The header's button opens it too, and closing gives focus back to the button.
    await page.getByTestId('search-open').click();
    await page.getByTestId('search-input').waitFor({ timeout: T });
    await page.getByTestId('search-close').click();
    await page.getByTestId('search-panel').waitFor({ state: 'detached', timeout: T });
    assert.equal(await page.getByTestId('search-open').evaluate((el) => el === document.activeElement), true);
    assert.deepEqual(host.pageErrors, []);
    assert.deepEqual(await host.cspViolations(), [], 'the panel chunk loads under the CSP');
  },
);

test(
  'zh-CN: a Chinese substring (trigram) and a two-character one (scan) are found, and nothing once the history is cleared (history store)',
  { timeout: 60_000 },
  async (t) => {
    const host = await startUiHost({ locale: 'zh-CN', dataDir: tempDataDir(t) });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    await bobSays(host, ['今天的会议改到三点', '午饭吃什么？', '会议室在三楼', '明天的会议改到上午十点']);

    const input = await openSearch(page);
    await input.fill('会议改');
    await statusSays(page, '找到 2 条消息');
    assert.deepEqual(await resultTexts(page), ['明天的会议改到上午十点', '今天的会议改到三点']);
    assert.deepEqual(await marks(page), ['会议改', '会议改']);
    await host.screenshot('search-result-zh-CN.png');

    await input.fill('会议');
    await statusSays(page, '找到 3 条消息');
    // Clear history (main pushes chat:account): the open search is asked again and finds nothing.
    assert.equal(await host.service.handle('chat:clear-history', null), null);
    await statusSays(page, '没有包含“会议”的消息');
    assert.equal(await page.getByTestId('search-result').count(), 0);
    await input.fill('周报');
    await statusSays(page, '没有包含“周报”的消息');
    assert.deepEqual(host.pageErrors, []);
  },
);

test(
  'a result older than the loaded window: older pages go in, the row is scrolled to and marked, following the bottom stops',
  { timeout: 120_000 },
  async (t) => {
    const dataDir = tempDataDir(t);
    // 700 messages at once: above the server's default rate limit.
    const first = await startUiHost({ locale: 'en', dataDir, server: { rateLimit: { messages: 100_000, windowMs: 60_000 } } });
    let firstClosed = false;
    t.after(() => (firstClosed ? undefined : first.close()));
    await statusIs(first.page, 'connected');
    const bob = await first.peer('token-bob');
    const filler = Array.from({ length: 700 }, (_, i) => `filler message ${i + 1}`);
    for (const text of ['the needle from long ago', ...filler]) assert.ok((await bob.send(text)).ok);
    const last = filler.at(-1)!;
    await until(
      first.client,
      () => first.client.snapshot().entries.some((e) => e.kind === 'message' && e.text === last),
      30_000,
      'all stored',
    );
    const port = first.server.port;
    await first.close();
    firstClosed = true;

    // A restart: the window paints the newest page from the store; the needle is pages back.
    const host = await startUiHost({ locale: 'en', dataDir, server: { port } });
    t.after(() => host.close());
    const { page } = host;
    await waitForMessage(page, last);
    await statusIs(page, 'connected');
    const held = Number(await page.getByTestId('log').getAttribute('data-held'));
    assert.ok(held < 700, `the window holds a page, not everything (${held})`);
    assert.equal(await message(page, 'the needle from long ago').count(), 0);

    const input = await openSearch(page);
    await input.fill('needle');
    await statusSays(page, '1 message found');
    // First main cannot give the older page: that is said, and nothing moves.
    const handle = host.service.handle.bind(host.service);
    host.service.handle = async (channel: unknown, arg: unknown) => {
      if (channel === 'chat:get-older') throw new Error('main is busy');
      return handle(channel, arg);
    };
    await input.press('Enter');
    await statusSays(page, 'Older messages could not be loaded. Try again.');
    assert.equal(await page.locator('[data-jumped="true"]').count(), 0);
    host.service.handle = handle;
    await input.press('Enter');
    const row = page.locator('[data-jumped="true"]').filter({ has: message(page, 'the needle from long ago') });
    await row.waitFor({ timeout: T });
    await statusSays(page, 'Showing the message from');
    await page.waitForFunction(
      () => {
        const el = document.querySelector('[data-jumped="true"]');
        const log = document.querySelector('[data-testid="log"]')?.getBoundingClientRect();
        const r = el?.getBoundingClientRect();
        return !!r && !!log && r.height > 0 && r.top >= log.top - 1 && r.bottom <= log.bottom + 1;
      },
      undefined,
      { timeout: T },
    );
    assert.ok(Number(await page.getByTestId('log').getAttribute('data-held')) > 700, 'older pages were paged in');
    assert.match((await row.getAttribute('class')) ?? '', /row-jumped/);

    // Someone writes meanwhile: the view stays on the old message; "new messages ↓" offers the way down.
    const bob2 = await host.peer('token-bob');
    assert.ok((await bob2.send('a new one while reading')).ok);
    await page.getByTestId('new-messages').waitFor({ timeout: T });
    assert.equal(await inView(page, row), true, 'the old message stays in view');
    await page.getByTestId('new-messages').click();
    const fresh = await waitForMessage(page, 'a new one while reading');
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('[data-testid="message-text"]')];
        const el = rows.find((r) => r.textContent === 'a new one while reading');
        const log = document.querySelector('[data-testid="log"]')?.getBoundingClientRect();
        const r = el?.getBoundingClientRect();
        return !!r && !!log && r.bottom <= log.bottom + 1 && r.top >= log.top - 1;
      },
      undefined,
      { timeout: T },
    );
    assert.equal(await inView(page, fresh), true);
    assert.deepEqual(host.pageErrors, []);
  },
);

test(
  'an answer that comes back late never replaces the one for what was typed after it; a failed search is said',
  { timeout: 60_000 },
  async (t) => {
    const host = await startUiHost({ locale: 'en' });
    t.after(() => host.close());
    const { page, service } = host;
    await statusIs(page, 'connected');
    await bobSays(host, ['alpha one', 'alphabet soup']);

    // The host holds the answer to "alpha" until told; every other search goes through at once.
    const handle = service.handle.bind(service);
    let arrived!: () => void;
    const slowAsked = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let slowAnswered!: () => void;
    const slowDone = new Promise<void>((resolve) => (slowAnswered = resolve));
    service.handle = async (channel: unknown, arg: unknown) => {
      if (channel === 'chat:search' && (arg as SearchQuery).text === 'boom') throw new Error('store unreadable');
      if (channel !== 'chat:search' || (arg as SearchQuery).text !== 'alpha') return handle(channel, arg);
      arrived();
      await released;
      try {
        return await handle(channel, arg);
      } finally {
        slowAnswered();
      }
    };

    const input = await openSearch(page);
    await input.fill('alpha');
    await slowAsked;
    await statusSays(page, 'Searching…');
    await input.fill('alphabet');
    await statusSays(page, '1 message found');
    assert.deepEqual(await resultTexts(page), ['alphabet soup']);

    release();
    await slowDone;
    // The late answer has reached the page and had its frames to render, if it were going to.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    assert.deepEqual(await resultTexts(page), ['alphabet soup'], 'still the answer for "alphabet"');
    assert.equal(await page.getByTestId('search-status').textContent(), '1 message found');

    // A search that fails says so, and shows nothing stale.
    await input.fill('boom');
    await statusSays(page, 'Search did not work. Try again in a moment.');
    assert.equal(await page.getByTestId('search-result').count(), 0);
    assert.deepEqual(host.pageErrors, []);
  },
);
