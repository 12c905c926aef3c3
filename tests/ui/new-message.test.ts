/**
 * "New message" in Chromium, over the real core and server: the server's user directory
 * (without the person themself), filtered as they type; choosing someone opens the DM, and
 * choosing them again finds the same DM (one per pair) rather than a second. Screenshots
 * new-dm-{en,zh-CN}.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startUiHost } from '../helpers/ui-host';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { axe } from './axe';
import { statusIs, T } from './helpers';

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: New message lists the other people, opens a DM with the one chosen, and finds it again`, async (t) => {
    const host = await startUiHost({ locale, conversations: true, server: { tokens: THREE }, viewport: { width: 1100, height: 720 } });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    await page.locator('#conversation-sidebar [role="option"][data-conversation="lobby"]').waitFor({ timeout: T });

    await page.getByTestId('new-message-button').click();
    const dialog = page.getByTestId('new-message');
    await dialog.locator('[data-user="carol"]').waitFor({ timeout: T });
    const people = await dialog.locator('[data-user]').evaluateAll((els) => els.map((e) => e.getAttribute('data-user')));
    assert.deepEqual(people.sort(), ['bob', 'carol'], 'everyone but alice herself');
    await page.keyboard.type('car');
    await dialog.locator('[data-user="bob"]').waitFor({ state: 'detached', timeout: T });
    await host.screenshot(`new-dm-${locale}.png`);
    const { bad } = await axe(page);
    assert.deepEqual(bad, [], 'axe: no serious or critical violations with the dialog open');

    await dialog.locator('[data-user="carol"]').click();
    await dialog.waitFor({ state: 'detached', timeout: T });
    await page.locator('.conversation-title', { hasText: 'carol' }).waitFor({ timeout: T });
    const dm = host.desk!.current;
    assert.equal(host.desk!.view().list.find((c) => c.id === dm)?.kind, 'dm');

    // Carol sees it as hers too, and her word arrives in it.
    const carol = await conversationPeer(host.server.url, 'token-carol');
    t.after(() => carol.close());
    const again = (await carol.request({ type: 'open_dm', user: 'alice' })).conversation.id;
    assert.equal(again, dm, 'one DM per pair, found again from either side');

    // Back to lobby, then the same person again: the same DM, not a second one.
    await page.locator('#conversation-sidebar [data-conversation="lobby"]').click();
    await page.locator('.conversation-title', { hasText: 'lobby' }).waitFor({ timeout: T });
    await page.getByTestId('new-message-button').click();
    await dialog.locator('[data-user="carol"]').click();
    await page.locator('.conversation-title', { hasText: 'carol' }).waitFor({ timeout: T });
    assert.equal(host.desk!.current, dm);
    assert.equal(host.desk!.view().list.filter((c) => c.kind === 'dm').length, 1, 'one DM in the list');

    // Escape closes it and nothing changes.
    await page.getByTestId('new-message-button').click();
    await dialog.waitFor({ timeout: T });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: T });
    assert.equal(host.desk!.current, dm);
  });
}

test('the header lists the members of the conversation shown', async (t) => {
  const host = await startUiHost({ locale: 'en', conversations: true, server: { tokens: THREE }, viewport: { width: 1100, height: 720 } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const bob = await conversationPeer(host.server.url, 'token-bob');
  t.after(() => bob.close());
  const room = (await bob.request({ type: 'create', name: 'ops', kind: 'private', members: ['alice'] })).conversation.id as string;
  await page.locator(`#conversation-sidebar [data-conversation="${room}"]`).click();
  await page.locator('.conversation-title', { hasText: 'ops' }).waitFor({ timeout: T });
  const button = page.getByTestId('members-button');
  assert.equal(await button.textContent(), '2 members');
  await button.click();
  const panel = page.getByTestId('members-panel');
  await panel.locator('[data-member="bob"]').waitFor({ timeout: T });
  const ids = await panel.locator('[data-member]').evaluateAll((els) => els.map((e) => e.getAttribute('data-member')));
  assert.deepEqual(ids.sort(), ['alice', 'bob'], 'exactly the members, no one else on the server (carol)');
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  const { bad } = await axe(page);
  assert.deepEqual(bad, [], 'axe clean with the member list open');
});

test('with the server gone, choosing someone says why in the dialog, which stays open', async (t) => {
  const host = await startUiHost({ locale: 'en', conversations: true, server: { tokens: THREE }, viewport: { width: 1100, height: 720 } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  await page.getByTestId('new-message-button').click();
  const dialog = page.getByTestId('new-message');
  await dialog.locator('[data-user="bob"]').waitFor({ timeout: T });
  await host.server.stop();
  await statusIs(page, 'reconnecting');
  await dialog.locator('[data-user="bob"]').click();
  const error = page.getByTestId('new-message-error');
  await error.waitFor({ timeout: T });
  assert.match((await error.textContent()) ?? '', /^Could not start the conversation: \S/);
  assert.equal(await dialog.isVisible(), true, 'the dialog stays, so the person can try again');
  assert.equal(host.desk!.current, 'lobby', 'nothing opened');
});
