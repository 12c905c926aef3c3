/**
 * The chat window as a person uses it: the real renderer in Debian's Chromium,
 * the real core (ChatClient + ChatService) and the real reference server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import type { MessageEntry } from '../../electron/common/contract';
import { consoleProblems, startUiHost } from '../helpers/ui-host';
import { until } from '../helpers/wait';
import { message, statusIs, T, waitForMessage } from './helpers';

test('a person types, clicks Send, sees the message in the log, and it becomes sent', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  assert.equal(await page.getByTestId('status-text').textContent(), 'Connected');

  const send = page.getByTestId('send');
  assert.equal(await send.isDisabled(), true, 'Send is disabled while the box is empty');
  await page.getByTestId('input').fill('   ');
  assert.equal(await send.isDisabled(), true, 'Send is disabled for whitespace only');

  await page.getByTestId('input').fill('Hello from the UI 你好');
  assert.equal(await send.isDisabled(), false);
  await send.click();

  const row = await waitForMessage(page, 'Hello from the UI 你好', 'sent');
  assert.equal(await row.getAttribute('data-own'), 'true');
  assert.equal(await row.getByTestId('message-sender').textContent(), 'alice');
  await row.getByTestId('delivery-sent').waitFor({ timeout: T });
  assert.equal(await page.getByTestId('input').inputValue(), '', 'the box is cleared after an accepted send');

  // The core agrees: the server acked it.
  await until(host.client, () => host.client.pendingCount() === 0, 5000, 'outbox drained');
  const mine = host.client.snapshot().entries.find((e): e is MessageEntry => e.kind === 'message' && e.text === 'Hello from the UI 你好');
  assert.equal(mine?.delivery, 'sent');
  assert.equal(await row.getAttribute('data-key'), mine?.key);

  const shot = await host.screenshot('chat-connected.png');
  assert.ok(statSync(shot).size > 1000, `${shot} is a real picture`);
  assert.deepEqual(host.pageErrors, []);
  assert.deepEqual(await host.cspViolations(), []);
  assert.deepEqual(consoleProblems(host.console), [], 'a clean console');
});

test('a message from another real client appears with its sender and a locale-formatted time', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const bob = await host.peer('token-bob');

  const sent = await bob.send('Hi Alice, Bob here');
  assert.ok(sent.ok);
  const row = await waitForMessage(page, 'Hi Alice, Bob here');
  assert.equal(await row.getByTestId('message-sender').textContent(), 'bob');
  assert.equal(await row.getAttribute('data-own'), 'false');

  // The time shown is the server's timestamp, formatted with Intl for the page's locale.
  const seen = host.client.snapshot().entries.find((e): e is MessageEntry => e.kind === 'message' && e.text === 'Hi Alice, Bob here');
  assert.ok(seen && !seen.own);
  const time = row.getByTestId('message-time');
  assert.equal(await time.getAttribute('datetime'), seen.timestamp);
  const expected = await page.evaluate(
    (iso) => new Intl.DateTimeFormat(navigator.language, { hour: 'numeric', minute: '2-digit' }).format(new Date(iso)),
    seen.timestamp,
  );
  assert.equal(await time.textContent(), expected);
  assert.match(expected, /\d{1,2}:\d{2}/);

  // Own and others' messages look different.
  await page.getByTestId('input').fill('Hi Bob!');
  await page.getByTestId('input').press('Enter');
  const mine = await waitForMessage(page, 'Hi Bob!', 'sent');
  const [ownBg, otherBg] = await Promise.all([
    mine.locator('.bubble').evaluate((e) => getComputedStyle(e).backgroundColor),
    row.locator('.bubble').evaluate((e) => getComputedStyle(e).backgroundColor),
  ]);
  assert.notEqual(ownBg, otherBg);
  await until(bob, () => bob.snapshot().entries.some((e) => e.kind === 'message' && e.text === 'Hi Bob!'), 5000, 'bob receives the reply');
  await host.screenshot('chat-two-people.png');
});

test('server stopped: the label says reconnecting (countdown, reconnect now); restarted: connected again', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');

  // A message first, so the restarted (empty) server cannot replay what we saw: a gap.
  await page.getByTestId('input').fill('before the restart');
  await page.getByTestId('send').click();
  await waitForMessage(page, 'before the restart', 'sent');

  await host.server.stop();
  await statusIs(page, 'reconnecting');
  const text = await page.getByTestId('status-text').textContent();
  assert.match(text ?? '', /^Reconnecting \(attempt \d+\)$/);
  assert.equal(await page.getByTestId('status-detail').textContent(), 'connection lost');
  await page.getByTestId('status-countdown').waitFor({ timeout: T });
  assert.match((await page.getByTestId('status-countdown').textContent()) ?? '', /^(next try in \d+ s|trying now…)$/);
  assert.equal(await page.getByTestId('reconnect-now').isVisible(), true);
  const label = page.getByTestId('status');
  assert.equal(await label.getAttribute('aria-live'), 'polite');
  assert.ok((await label.locator('svg').count()) > 0, 'an icon, not colour alone');
  await host.screenshot('chat-reconnecting.png');

  // Typed while the server is down: stays pending.
  await page.getByTestId('input').fill('typed while down');
  await page.getByTestId('input').press('Enter');
  await waitForMessage(page, 'typed while down', 'pending');

  await host.server.restart();
  await statusIs(page, 'connected', 15_000);
  assert.equal(await page.getByTestId('status-text').textContent(), 'Connected');
  assert.equal(await page.getByTestId('reconnect-now').count(), 0);
  await waitForMessage(page, 'typed while down', 'sent');
  await page.getByTestId('gap').waitFor({ timeout: T });
  assert.equal(await page.getByTestId('gap').textContent(), 'Earlier messages may be missing');
  assert.deepEqual(host.pageErrors, []);
  assert.deepEqual(consoleProblems(host.console), []);
});

test('"reconnect now" connects at once instead of waiting out a long backoff', async (t) => {
  // First retry ~27 s away (0.9 × 30 s): only the button can bring it back within the timeout.
  const host = await startUiHost({ client: { backoff: { baseMs: 30_000, capMs: 60_000, rateLimitedMs: 60_000, tlsMs: 60_000 } } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  await host.server.stop();
  await statusIs(page, 'reconnecting');
  const countdown = page.getByTestId('status-countdown');
  const first = Number(/(\d+)/.exec((await countdown.textContent()) ?? '')?.[1]);
  assert.ok(first >= 20 && first <= 27, `countdown starts near 27 s (got ${first})`);
  // It counts down (an awaited change, not a sleep).
  await page.waitForFunction(
    (start) => {
      const m = /(\d+)/.exec(document.querySelector('[data-testid="status-countdown"]')?.textContent ?? '');
      return m !== null && Number(m[1]) < start;
    },
    first,
    { timeout: 3000 },
  );
  await host.server.restart();
  await page.getByTestId('reconnect-now').click();
  await statusIs(page, 'connected', 5000);
});

test('a message sent from this window reaches the other client', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const bob = await host.peer();
  await page.getByTestId('input').fill('ping from the window');
  await page.getByTestId('send').click();
  await until(
    bob,
    () => bob.snapshot().entries.some((e) => e.kind === 'message' && e.text === 'ping from the window' && e.user === 'alice'),
    5000,
    'bob sees it',
  );
  assert.equal(await message(page, 'ping from the window').count(), 1, 'shown once (no duplicate from the echo)');
});
