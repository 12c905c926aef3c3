/**
 * The log as people expect it, in Chromium: two people talking across midnight.
 * Consecutive messages from one sender within five minutes form a group (avatar and
 * name once, the time on hover or focus), day separators say 今天 / 昨天 (Today /
 * Yesterday) or the date in the locale, and own messages keep their delivery state.
 * The page's clock is fixed (Playwright's clock) so "today" is a known day; the
 * entries are pushed as the core would push them, with chosen timestamps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Locale } from '../../electron/common/words';
import { startUiHost } from '../helpers/ui-host';
import { message, statusIs, T, waitForMessage } from './helpers';

/** [day offset from "today", hour, minute, who, text, delivery]; alice is the window's own person. */
const TALK: [number, number, number, 'alice' | 'bob', string, 'sent' | 'failed'][] = [
  [-3, 9, 0, 'bob', 'Morning, the build is green', 'sent'],
  [-1, 23, 55, 'bob', 'Are you still up?', 'sent'],
  [-1, 23, 56, 'bob', 'The release notes need one more line', 'sent'],
  [-1, 23, 58, 'alice', 'Yes, adding it now', 'sent'],
  [-1, 23, 59, 'alice', 'Done.', 'sent'],
  [0, 0, 1, 'alice', 'And it is Monday already', 'sent'],
  [0, 0, 2, 'bob', 'Thanks!', 'sent'],
  [0, 0, 9, 'bob', 'One more thing: the screenshots', 'sent'],
  [0, 0, 10, 'alice', 'Tomorrow, going to bed', 'failed'],
];
/** Which messages continue the group above (same sender, ≤ 5 min, same day). */
const CONTINUED = [false, false, true, false, true, false, false, false, false];

const WORDS: Record<Locale, { days: string[]; failed: string }> = {
  'zh-CN': { days: ['2026年11月27日', '昨天', '今天'], failed: '未发送：连接已断开' },
  en: { days: ['November 27, 2026', 'Yesterday', 'Today'], failed: 'Not sent: connection lost' },
};

/** Pushes the conversation as chat:entries, timestamps in the page's own time zone. */
async function pushTalk(page: Page): Promise<void> {
  await page.evaluate((talk) => {
    const push = (window as unknown as { __uosChatPush: (c: string, p: unknown) => void }).__uosChatPush;
    const entries = talk.map(([day, h, m, who, text, delivery], i) => ({
      kind: 'message',
      key: who === 'alice' ? `c-${i}` : `seq:${i + 1}`,
      order: i + 1,
      user: who,
      text,
      timestamp: new Date(2026, 10, 30 + day, h, m).toISOString(),
      own: who === 'alice',
      delivery,
      ...(delivery === 'failed' ? { failure: { code: 'CONNECTION_LOST' } } : {}),
    }));
    push('chat:entries', entries);
  }, TALK);
}

const visibility = (page: Page, text: string) =>
  message(page, text)
    .getByTestId('message-time')
    .evaluate((el) => getComputedStyle(el.parentElement!).opacity);

for (const locale of ['zh-CN', 'en'] as const) {
  test(`${locale}: grouping by sender within 5 minutes, day separators across midnight, delivery states kept`, async (t) => {
    const host = await startUiHost({ locale, viewport: { width: 960, height: 1000 } });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    // "Now" is Monday 30 November 2026, 10:00 in the page's time zone.
    await page.clock.setFixedTime(await page.evaluate(() => new Date(2026, 10, 30, 10, 0).getTime()));
    await page.reload();
    await statusIs(page, 'connected');
    await pushTalk(page);
    await waitForMessage(page, 'Tomorrow, going to bed', 'failed');

    const rows = page.getByTestId('message');
    assert.equal(await rows.count(), TALK.length, 'every message is in view');
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-continued') === 'true')), CONTINUED);
    assert.deepEqual(await page.getByTestId('day-separator').allTextContents(), WORDS[locale].days);
    // The separator sits above the first message of its day.
    for (const text of ['Morning, the build is green', 'Are you still up?', 'And it is Monday already']) {
      assert.equal(
        await message(page, text).evaluate((el) => el.previousElementSibling?.getAttribute('data-testid')),
        'day-separator',
        text,
      );
    }

    // A continued message: no avatar, the name still there for screen readers, the time hidden until hover or focus.
    const cont = message(page, 'The release notes need one more line');
    assert.equal(await cont.locator('.avatar').count(), 0);
    assert.equal(await message(page, 'Are you still up?').locator('.avatar').count(), 1);
    assert.equal(await cont.getByTestId('message-sender').textContent(), 'bob');
    assert.equal(await visibility(page, 'The release notes need one more line'), '0');
    assert.equal(await visibility(page, 'Are you still up?'), '1', 'a group’s first message shows its time');
    await cont.hover();
    assert.equal(await visibility(page, 'The release notes need one more line'), '1', 'shown on hover');
    await page.mouse.move(0, 0);
    await message(page, 'Done.').getByTestId('message-time').focus();
    assert.equal(await visibility(page, 'Done.'), '1', 'shown on keyboard focus');

    // Own messages keep their delivery state, grouped or not; a failure in the locale's punctuation.
    assert.equal(await message(page, 'Done.').getByTestId('delivery-sent').count(), 1);
    assert.equal(await message(page, 'Yes, adding it now').getByTestId('delivery-sent').count(), 1);
    assert.equal(await message(page, 'Tomorrow, going to bed').getByTestId('failure-reason').textContent(), WORDS[locale].failed);

    // Still following the bottom.
    await page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="log"]')!;
        return el.scrollHeight - el.scrollTop - el.clientHeight <= 32;
      },
      undefined,
      { timeout: T },
    );
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await message(page, 'The release notes need one more line').hover();
    await host.screenshot(`chat-grouping-${locale}.png`);
    assert.deepEqual(host.pageErrors, []);
    assert.deepEqual(await host.cspViolations(), []);
  });
}
