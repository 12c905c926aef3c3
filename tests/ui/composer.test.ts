/**
 * The message box: keys, input methods, byte limit, refused and failed sends,
 * and text that must stay text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startChatServer, type ChatServer } from '../../server/server';
import { startUiHost } from '../helpers/ui-host';
import { TOKENS } from '../helpers/server';
import { withTimeout } from '../helpers/wait';
import { messageTexts, statusIs, T, waitForMessage } from './helpers';

test('Enter sends; Shift+Enter makes a new line', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const input = page.getByTestId('input');
  await input.click();
  await page.keyboard.type('line one');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('line two');
  assert.equal(await input.inputValue(), 'line one\nline two');
  assert.deepEqual(await messageTexts(page), [], 'Shift+Enter did not send');

  await page.keyboard.press('Enter');
  await waitForMessage(page, 'line one\nline two', 'sent');
  assert.equal(await input.inputValue(), '');
  // Shown on two lines, as typed.
  const height = await page
    .getByTestId('message-text')
    .first()
    .evaluate((e) => {
      const lh = parseFloat(getComputedStyle(e).lineHeight);
      return e.getBoundingClientRect().height / lh;
    });
  assert.ok(height > 1.5, `two lines tall (got ${height.toFixed(2)} lines)`);
  assert.deepEqual(await messageTexts(page), ['line one\nline two']);
});

test('Enter while an input method is composing does not send (CDP IME and synthetic composition events)', async (t) => {
  const host = await startUiHost({ locale: 'zh-CN' });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const input = page.getByTestId('input');
  await input.click();

  // 1. A real composition through Chromium's IME path.
  const cdp = await page.context().newCDPSession(page);
  await input.evaluate((el) => {
    const w = window as unknown as { __keydownComposing?: boolean[] };
    w.__keydownComposing = [];
    el.addEventListener('keydown', (e) => w.__keydownComposing!.push((e as KeyboardEvent).isComposing));
  });
  await withTimeout(cdp.send('Input.imeSetComposition', { text: 'nihao', selectionStart: 5, selectionEnd: 5 }), T, 'imeSetComposition');
  await page.waitForFunction(() => document.querySelector('textarea')!.value === 'nihao', undefined, { timeout: T });
  await withTimeout(page.keyboard.press('Enter'), T, 'Enter during composition');
  const composingFlags = await page.evaluate(() => (window as unknown as { __keydownComposing: boolean[] }).__keydownComposing);
  assert.deepEqual(composingFlags, [true], 'Chromium reports the Enter as part of the composition');
  await withTimeout(cdp.send('Input.insertText', { text: '你好' }), T, 'insertText'); // commits the composition
  assert.match(await input.inputValue(), /你好/);

  // 2. Synthetic: compositionstart + Enter with isComposing, then a keyCode 229 Enter.
  await input.evaluate((el) => {
    el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true, isComposing: true }));
    el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '' }));
    const ime = new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true });
    Object.defineProperty(ime, 'keyCode', { value: 229 });
    el.dispatchEvent(ime);
  });

  // A plain Enter now sends. Had any Enter above sent, it would be in the log first
  // (calls reach the core in order), so this one message proves none did.
  await input.evaluate((el: HTMLTextAreaElement) => el.focus());
  await page.keyboard.press('End');
  await page.keyboard.type('!');
  const typed = await input.inputValue();
  await page.keyboard.press('Enter');
  await waitForMessage(page, typed, 'sent');
  const texts = await messageTexts(page);
  assert.deepEqual(texts, [typed]);
  assert.match(texts[0]!, /^你好/);
});

test('messages render as text, never as HTML (own and others)', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const bob = await host.peer();

  const evil = '<img src=x onerror=alert(1)>';
  await page.getByTestId('input').fill(evil);
  await page.getByTestId('send').click();
  await waitForMessage(page, evil, 'sent');
  const fromBob = '<script>alert(2)</script><b>bold?</b>';
  assert.ok((await bob.send(fromBob)).ok);
  await waitForMessage(page, fromBob);

  assert.deepEqual(await messageTexts(page), [evil, fromBob]);
  const log = page.getByTestId('log');
  assert.equal(await log.locator('img').count(), 0);
  assert.equal(await log.locator('script').count(), 0);
  assert.equal(await log.locator('.msg-text b').count(), 0);
  assert.deepEqual(host.dialogs, []);
  assert.deepEqual(host.pageErrors, []);
});

test('the byte counter shows UTF-8 bytes against the limit; a refused send keeps the text and says why', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const input = page.getByTestId('input');
  const counter = page.getByTestId('byte-count');

  await input.fill('你好');
  assert.equal(await counter.textContent(), '6 / 10,240 bytes');
  assert.equal(await counter.getAttribute('data-over'), 'false');

  const big = 'a'.repeat(10_000) + '你好';
  await input.fill(big);
  assert.equal(await counter.textContent(), '10,006 / 10,240 bytes');
  await input.fill(big + 'x'.repeat(235));
  assert.equal(await counter.textContent(), '10,241 / 10,240 bytes — too long');
  assert.equal(await counter.getAttribute('data-over'), 'true');
  const [red, normal] = await Promise.all([
    counter.evaluate((e) => getComputedStyle(e).color),
    page.locator('.composer-hint').evaluate((e) => getComputedStyle(e).color),
  ]);
  assert.notEqual(red, normal, 'over the limit the counter changes colour');

  // Send is still allowed (only empty input disables it); the core refuses with TOO_LARGE.
  await page.getByTestId('send').click();
  await page.getByTestId('send-error').waitFor({ timeout: T });
  assert.equal(await page.getByTestId('send-error').textContent(), 'Not sent: message too large');
  assert.equal(await input.inputValue(), big + 'x'.repeat(235), 'the text is kept');
  assert.deepEqual(await messageTexts(page), []);
  await host.screenshot('chat-too-large.png');

  // Editing clears the complaint; a fitting message goes through and clears the box.
  await input.fill('short now');
  assert.equal(await page.getByTestId('send-error').count(), 0);
  await input.press('Enter');
  await waitForMessage(page, 'short now', 'sent');
  assert.equal(await input.inputValue(), '');
});

test('a message the server refuses shows as failed with the reason, and Retry sends it again', async (t) => {
  const host = await startUiHost();
  let other: ChatServer | undefined;
  t.after(async () => {
    await other?.close();
    await host.close();
  });
  const { page } = host;
  await statusIs(page, 'connected');
  const port = host.server.port;
  const quiet = { host: '127.0.0.1', port, tokens: TOKENS, log: () => {} };

  // Queue a 100-byte message while the server is down…
  await host.server.stop();
  await statusIs(page, 'reconnecting');
  const text = 'x'.repeat(100);
  await page.getByTestId('input').fill(text);
  await page.getByTestId('send').click();
  await waitForMessage(page, text, 'pending');
  // …and bring back a server whose limit is 50 bytes: it answers with an error for that id.
  other = await startChatServer({ ...quiet, maxMessageBytes: 50 });
  const row = await waitForMessage(page, text, 'failed', 15_000);
  assert.equal(await row.getByTestId('failure-reason').textContent(), 'Not sent: message too large');
  await host.screenshot('chat-failed.png');

  // A server with the normal limit: Retry delivers it under the same key.
  await other.close();
  other = await startChatServer({ ...quiet });
  await statusIs(page, 'connected', 15_000);
  const key = await row.getAttribute('data-key');
  await row.getByTestId('retry').click();
  await waitForMessage(page, text, 'sent');
  assert.equal(await page.locator(`[data-testid="message"][data-key="${key}"]`).count(), 1, 'retried in place, not duplicated');
});
