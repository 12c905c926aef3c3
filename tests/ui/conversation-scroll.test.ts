/**
 * Each conversation keeps its scroll position, in Chromium over the real core and server:
 * read up the log of one conversation, switch to another and back, and the same rows are in
 * view (not the bottom); at the bottom, a switch away and back stays at the bottom.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startUiHost } from '../helpers/ui-host';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { message, statusIs, T, waitForMessage } from './helpers';

const LINES = 80;

/** Whether the row showing `text` is inside the log's visible box. */
async function inView(page: Page, text: string): Promise<boolean> {
  const row = message(page, text).first();
  if ((await row.count()) === 0) return false;
  const [box, log] = await Promise.all([row.boundingBox(), page.getByTestId('log').boundingBox()]);
  return box !== null && log !== null && box.y + box.height > log.y && box.y < log.y + log.height;
}

async function open(page: Page, conv: string, title: string): Promise<void> {
  await page.locator(`#conversation-sidebar [data-conversation="${conv}"]`).click();
  await page.locator('.conversation-title', { hasText: title }).waitFor({ timeout: T });
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + T;
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    if (Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('a conversation read further up is shown there again after a switch; one at the bottom stays at the bottom', async (t) => {
  const host = await startUiHost({ locale: 'en', conversations: true, server: { tokens: THREE }, viewport: { width: 1100, height: 720 } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const bob = await conversationPeer(host.server.url, 'token-bob');
  t.after(() => bob.close());
  const room = (await bob.request({ type: 'create', name: 'long', kind: 'private', members: ['alice'] })).conversation.id as string;
  await bob.subscribe([{ conv: room }]);
  for (let i = 1; i <= LINES; i++) assert.equal((await bob.say(room, `l${i}`, `line ${i}`)).type, 'ack');

  await open(page, room, 'long');
  await waitForMessage(page, `line ${LINES}`);
  await page.getByTestId('log').evaluate((el) => el.scrollTo({ top: 0 }));
  await until(() => inView(page, 'line 1'), 'the top of the log');
  assert.equal(await inView(page, `line ${LINES}`), false, 'the newest line is out of view up here');

  await open(page, 'lobby', 'lobby');
  await message(page, `line ${LINES}`).first().waitFor({ state: 'detached', timeout: T });
  await open(page, room, 'long');
  await waitForMessage(page, 'line 1');
  await until(() => inView(page, 'line 1'), 'the place read before the switch');
  assert.equal(await inView(page, `line ${LINES}`), false, 'not the bottom');

  // Back to the bottom: a switch away and back shows the newest again.
  await page.getByTestId('log').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await until(() => inView(page, `line ${LINES}`), 'the bottom');
  await open(page, 'lobby', 'lobby');
  await message(page, `line ${LINES}`).first().waitFor({ state: 'detached', timeout: T });
  await open(page, room, 'long');
  await waitForMessage(page, `line ${LINES}`);
  await until(() => inView(page, `line ${LINES}`), 'the bottom again');
});
