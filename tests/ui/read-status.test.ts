/**
 * Read status in the window (Chromium over the real core and server), in English and Chinese: an
 * own message in a room says how many have not read it and, opened, who has and who has not; as
 * a member reads, it follows. In a DM it says "Unread", then "Read". Axe clean; screenshots
 * read-status-{en,zh-CN}.png. The switch in Settings turns it off (and on) for both ways at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startUiHost } from '../helpers/ui-host';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { axe } from './axe';
import { statusIs, T, waitForMessage } from './helpers';

const WORDS = {
  en: { two: '2 unread', one: '1 unread', read: 'Read: bob', notRead: 'Not read: carol', dmUnread: 'Unread', dmRead: 'Read' },
  'zh-CN': { two: '2 人未读', one: '1 人未读', read: '已读：bob', notRead: '未读：carol', dmUnread: '未读', dmRead: '已读' },
} as const;

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: an own message shows who has read it, in a room and in a DM`, async (t) => {
    const w = WORDS[locale];
    const host = await startUiHost({
      locale,
      conversations: true,
      server: { tokens: THREE, receiptsIntervalMs: 50 },
      viewport: { width: 1100, height: 720 },
    });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    const features = { features: 'conversations,receipts' };
    const bob = await conversationPeer(host.server.url, 'token-bob', features);
    const carol = await conversationPeer(host.server.url, 'token-carol', features);
    t.after(async () => {
      await bob.close();
      await carol.close();
    });
    const room = (await bob.request({ type: 'create', name: '周会', kind: 'private', members: ['alice', 'carol'] })).conversation
      .id as string;
    await page.locator(`#conversation-sidebar [data-conversation="${room}"]`).click();
    await page.locator('.conversation-title', { hasText: '周会' }).waitFor({ timeout: T });
    await page.getByTestId('input').fill('请大家看一下');
    await page.keyboard.press('Enter');
    const row = await waitForMessage(page, '请大家看一下', 'sent');
    const seq = Number(await row.getAttribute('data-seq'));
    await row.getByTestId('read-status').getByText(w.two).waitFor({ timeout: T });

    bob.ws.send(JSON.stringify({ type: 'read', conv: room, seq }));
    await row.getByTestId('read-status').getByText(w.one).waitFor({ timeout: T });
    await row.getByTestId('read-status').locator('summary').click();
    assert.equal(await row.getByTestId('read-by').textContent(), w.read);
    assert.equal(await row.getByTestId('not-read-by').textContent(), w.notRead);
    await host.screenshot(`read-status-${locale}.png`);
    const { bad } = await axe(page);
    assert.deepEqual(bad, [], 'axe: no serious or critical violations with the read lists open');

    const dm = (await bob.request({ type: 'open_dm', user: 'alice' })).conversation.id as string;
    await page.locator(`#conversation-sidebar [data-conversation="${dm}"]`).waitFor({ timeout: T });
    await page.locator(`#conversation-sidebar [data-conversation="${dm}"]`).click();
    await page.locator('.conversation-title', { hasText: 'bob' }).waitFor({ timeout: T });
    await page.getByTestId('input').fill('私聊一下');
    await page.keyboard.press('Enter');
    const dmRow = await waitForMessage(page, '私聊一下', 'sent');
    await dmRow.getByTestId('read-status').getByText(w.dmUnread, { exact: true }).waitFor({ timeout: T });
    bob.ws.send(JSON.stringify({ type: 'read', conv: dm, seq: Number(await dmRow.getAttribute('data-seq')) }));
    await dmRow.getByTestId('read-status').getByText(w.dmRead, { exact: true }).waitFor({ timeout: T });
  });
}

test('the "Share read status" switch in Settings: off, the server hides her reads and she sees none; on again, it is back', async (t) => {
  // A data dir, as main keeps under userData: the log after the reconnect is the stored one.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-ui-receipts-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const host = await startUiHost({ conversations: true, dataDir, server: { tokens: THREE, receiptsIntervalMs: 50 } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const bob = await conversationPeer(host.server.url, 'token-bob', { features: 'conversations,receipts' });
  t.after(() => bob.close());
  const room = (await bob.request({ type: 'create', name: 'ops', kind: 'private', members: ['alice', 'carol'] })).conversation.id as string;
  await page.locator(`#conversation-sidebar [data-conversation="${room}"]`).click();
  await page.getByTestId('input').fill('status?');
  await page.keyboard.press('Enter');
  const row = await waitForMessage(page, 'status?', 'sent');
  const seq = Number(await row.getAttribute('data-seq'));
  const status = row.getByTestId('read-status');
  await status.getByText('2 unread').waitFor({ timeout: T });
  const aliceShown = async () => 'alice' in (await bob.request({ type: 'receipts', conv: room })).read;
  assert.equal(await aliceShown(), true, 'on: her marker is shown to others');

  const toggle = async (to: boolean) => {
    await page.getByTestId('settings-open').click();
    const box = page.getByTestId('settings-readReceipts');
    assert.equal(await box.isChecked(), !to, 'the switch shows what is in force');
    await box.setChecked(to);
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-dialog').waitFor({ state: 'detached', timeout: T });
  };
  await toggle(false);
  assert.equal(JSON.parse(readFileSync(host.settingsFile, 'utf8')).readReceipts, 'off', 'saved in the settings file');
  await statusIs(page, 'connected');
  await waitForMessage(page, 'status?', 'sent');
  await status.waitFor({ state: 'detached', timeout: T });
  bob.ws.send(JSON.stringify({ type: 'read', conv: room, seq }));
  // The server hears the choice at the greeting, which may still be in flight: asked again, bounded.
  for (let i = 0; (await aliceShown()) && i < 50; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await aliceShown(), false, 'off: the server hides her marker from others');
  assert.equal(await row.count(), 1, 'her message is still shown');
  assert.equal(await status.count(), 0, 'off: no read status on her own messages');

  await toggle(true);
  await status.getByText('1 unread').waitFor({ timeout: T });
  assert.equal(await aliceShown(), true, 'on again: her marker is shown');
});
