/**
 * The log: a long history reaches the window in pages (the snapshot is the newest
 * page, older ones come in as the person scrolls up), the window stays bounded
 * while it follows a flood at the bottom, it follows new messages at the bottom,
 * and offers "new messages ↓" once the person has scrolled up. Everything comes
 * from a real peer through the real server and core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startUiHost } from '../helpers/ui-host';
import { message, statusIs, T, waitForMessage } from './helpers';

/** Over the window's live bound (1,500) and many older pages (200 each). */
const N = 3_000;

const held = (page: import('playwright-core').Page) =>
  page
    .getByTestId('log')
    .evaluate((el) => ({ held: Number(el.getAttribute('data-held')), hasOlder: el.getAttribute('data-has-older') === 'true' }));

test('a long history: the window gets a page, pages older ones in up to the first, stays bounded while following; "new messages ↓" when scrolled up', async (t) => {
  const host = await startUiHost({ server: { rateLimit: { messages: 100_000, windowMs: 60_000 } } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const bob = await host.peer();

  // A flood while the window follows the bottom: it shows the newest and holds at most 1,500.
  const started = Date.now();
  for (let i = 1; i <= N; i++) assert.ok((await bob.send(`history ${i}`)).ok, `queued ${i}`);
  await waitForMessage(page, `history ${N}`, undefined, 60_000);
  const w = await held(page);
  t.diagnostic(`${N} live messages shown in ${Date.now() - started} ms; the window holds ${w.held}`);
  assert.ok(w.held >= 1_000 && w.held <= 1_500, `bounded while following: holds ${w.held}`);
  assert.equal(w.hasOlder, true);

  // A new window: the snapshot is one page, not the whole log.
  const snap = await page.evaluate(() => window.chat.getSnapshot().then((s) => ({ n: s.entries.length, hasOlder: s.hasOlder })));
  assert.deepEqual(snap, { n: 200, hasOlder: true });
  await page.reload();
  await waitForMessage(page, `history ${N}`);
  assert.deepEqual(await held(page), { held: 200, hasOlder: true });

  // Scrolling up pages older entries in, in order, without duplicates, up to the first.
  const log = page.getByTestId('log');
  let pages = 0;
  const deadline = Date.now() + 60_000;
  for (let round = 0; round < 100 && Date.now() < deadline; round++) {
    const before = await held(page);
    await log.evaluate((el) => (el.scrollTop = 0));
    if ((await message(page, 'history 1').count()) > 0) break;
    if (!before.hasOlder) continue; // the last page is in; the row above needs a frame to show
    await page.waitForFunction((b) => Number(document.querySelector('[data-testid="log"]')!.getAttribute('data-held')) > b, before.held, {
      timeout: T,
    });
    pages++;
    const rows = await page.locator('[data-testid="log"] .row').count();
    assert.ok(rows > 0 && rows < 80, `virtualized: ${rows} rows in the DOM`);
  }
  await waitForMessage(page, 'history 1');
  t.diagnostic(`${pages} scroll-to-top rounds paged in ${N - 200} older entries`);
  // Several pages may land in one round (the view stays near the top while they go in).
  assert.ok(pages > 0, 'older entries came in as the person scrolled up');
  assert.deepEqual(await held(page), { held: N, hasOlder: false });
  const texts = await page.getByTestId('message-text').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  const nums = texts.map((x) => Number(/^history (\d+)$/.exec(x)?.[1]));
  assert.equal(nums[0], 1);
  assert.ok(
    nums.every((n, i) => i === 0 || n === nums[i - 1]! + 1),
    `in order: ${nums.join(',')}`,
  );

  // Scrolled up: a new live message does not yank the view; a button offers it (pages do not count).
  assert.ok((await bob.send('live while you read')).ok);
  const button = page.getByTestId('new-messages');
  await button.waitFor({ timeout: T });
  assert.equal(await button.textContent(), '1 new message ↓');
  assert.equal(await message(page, 'live while you read').count(), 0, 'the view stayed where the person was reading');
  await host.screenshot('chat-scrolled-up.png');
  await button.click();
  await waitForMessage(page, 'live while you read');
  await button.waitFor({ state: 'detached', timeout: T });
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="log"]')!;
    return el.scrollHeight - el.scrollTop - el.clientHeight <= 32;
  });

  // At the bottom: the next one is followed without a button, and the window is cut back.
  assert.ok((await bob.send('and another')).ok);
  await waitForMessage(page, 'and another');
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="log"]')!;
    const last = [...el.querySelectorAll('[data-testid="message-text"]')].pop();
    const r = last?.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return last?.textContent === 'and another' && r !== undefined && r.bottom <= box.bottom + 1 && r.top >= box.top;
  });
  assert.equal(await page.getByTestId('new-messages').count(), 0);
  assert.deepEqual(await held(page), { held: 1_000, hasOlder: true });

  // An update replaces its entry in place; an update to an entry outside the window
  // (its order is below what the window holds) is not appended.
  const last = await page.evaluate(() => window.chat.getSnapshot().then((s) => s.entries.at(-1)!));
  await page.evaluate((e) => {
    const push = (window as unknown as { __uosChatPush: (c: string, p: unknown) => void }).__uosChatPush;
    push('chat:entries', [
      { ...e, text: 'and another (edited)' },
      {
        kind: 'message',
        key: 'seq:1',
        order: 1,
        user: 'bob',
        text: 'history 1 (outside the window)',
        timestamp: e.timestamp,
        own: false,
        delivery: 'sent',
      },
    ]);
  }, last);
  await waitForMessage(page, 'and another (edited)');
  assert.equal(await page.locator(`[data-testid="message"][data-key="${last.key}"]`).count(), 1);
  assert.equal((await held(page)).held, 1_000);
  assert.equal(await message(page, 'history 1 (outside the window)').count(), 0);
  await host.screenshot('chat-long-history.png');
  assert.deepEqual(host.pageErrors, []);
  assert.deepEqual(await host.cspViolations(), []);
});
