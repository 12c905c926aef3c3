/**
 * "New message" in Chromium, over the real core and server: the server's user directory
 * (without the person themself), filtered as they type; choosing someone opens the DM, and
 * choosing them again finds the same DM (one per pair) rather than a second. Screenshots
 * new-dm-{en,zh-CN}.png.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startUiHost, type UiHost } from '../helpers/ui-host';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { axe } from './axe';
import { statusIs, T } from './helpers';

/** The window over a server with alice, bob and carol, connected as alice. */
async function connectedHost(t: TestContext, locale: 'en' | 'zh-CN'): Promise<UiHost> {
  const host = await startUiHost({ locale, conversations: true, server: { tokens: THREE }, viewport: { width: 1100, height: 720 } });
  t.after(() => host.close());
  await statusIs(host.page, 'connected');
  return host;
}

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: New message lists the other people, opens a DM with the one chosen, and finds it again`, async (t) => {
    const host = await connectedHost(t, locale);

    const { page } = host;
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
  const host = await connectedHost(t, 'en');

  const { page } = host;
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

  // Add people: only who is not in the room yet is offered; carol is added, for the server too.
  await panel.getByTestId('members-invite').click();
  const picker = panel.getByTestId('invite-picker');
  await picker.locator('[data-invite="carol"]').waitFor({ timeout: T });
  const offered = await picker.locator('[data-invite]').evaluateAll((els) => els.map((e) => e.getAttribute('data-invite')));
  assert.deepEqual(offered, ['carol'], 'alice and bob are in it already');
  const { bad: badPicker } = await axe(page);
  assert.deepEqual(badPicker, [], 'axe clean with the invite list open');
  await picker.locator('[data-invite="carol"]').click();
  await panel.locator('[data-member="carol"]').waitFor({ timeout: T });
  await button.filter({ hasText: '3 members' }).waitFor({ timeout: T });
  assert.ok(
    (await bob.request({ type: 'list' })).conversations.find((c: { id: string }) => c.id === room).members.includes('carol'),
    'the server has carol in the room',
  );
  await picker.getByText('Everyone on this server is here already').waitFor({ timeout: T });
});

test('a DM has no "Add people" (it stays two)', async (t) => {
  const host = await connectedHost(t, 'en');

  const { page } = host;
  const bob = await conversationPeer(host.server.url, 'token-bob');
  t.after(() => bob.close());
  const dm = (await bob.request({ type: 'open_dm', user: 'alice' })).conversation.id as string;
  await page.locator(`#conversation-sidebar [data-conversation="${dm}"]`).click();
  await page.locator('.conversation-title', { hasText: 'bob' }).waitFor({ timeout: T });
  await page.getByTestId('members-button').click();
  const panel = page.getByTestId('members-panel');
  await panel.locator('[data-member="bob"]').waitFor({ timeout: T });
  assert.equal(await panel.getByTestId('members-invite').count(), 0);
});

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: New room makes a private room with the members chosen, and opens it`, async (t) => {
    const host = await connectedHost(t, locale);

    const { page } = host;
    await page.getByTestId('new-message-button').click();
    const dialog = page.getByTestId('new-message');
    await dialog.getByTestId('new-room-button').click();
    const form = dialog.getByTestId('new-room');
    await form.locator('[data-member-choice="bob"]').waitFor({ timeout: T });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'new-room-name', 'the name box has focus');
    assert.equal(await form.getByTestId('new-room-create').isDisabled(), true, 'no name, no room');
    await page.keyboard.type('周会');
    await form.locator('[data-member-choice="bob"]').check();
    assert.equal(await form.getByTestId('new-room-private').isChecked(), true, 'private unless the person says otherwise');
    await host.screenshot(`new-room-${locale}.png`);
    const { bad } = await axe(page);
    assert.deepEqual(bad, [], 'axe clean with the room form');
    await form.getByTestId('new-room-create').click();
    await dialog.waitFor({ state: 'detached', timeout: T });
    await page.locator('.conversation-title', { hasText: '周会' }).waitFor({ timeout: T });
    const made = host.desk!.view().list.find((c) => c.id === host.desk!.current)!;
    assert.deepEqual([made.name, made.kind, made.members], ['周会', 'private', 2]);

    // Bob has it and carol does not: members only.
    const bob = await conversationPeer(host.server.url, 'token-bob');
    t.after(() => bob.close());
    assert.ok(bob.greeting.conversations.some((c: { id: string }) => c.id === made.id));
    const carol = await conversationPeer(host.server.url, 'token-carol');
    t.after(() => carol.close());
    assert.ok(!carol.greeting.conversations.some((c: { id: string }) => c.id === made.id));
  });
}

test('New room: a refusal is said in the form, which keeps what was typed', async (t) => {
  const host = await connectedHost(t, 'en');

  const { page } = host;
  await page.getByTestId('new-message-button').click();
  await page.getByTestId('new-room-button').click();
  await page.getByTestId('new-room-name').fill('ops');
  await host.server.stop();
  await statusIs(page, 'reconnecting');
  await page.getByTestId('new-room-create').click();
  const error = page.getByTestId('new-room-error');
  await error.waitFor({ timeout: T });
  assert.match((await error.textContent()) ?? '', /^Could not create the room: \S/);
  assert.equal(await page.getByTestId('new-room-name').inputValue(), 'ops');
  assert.equal(host.desk!.current, 'lobby', 'nothing opened');
});

test('with the server gone, choosing someone says why in the dialog, which stays open', async (t) => {
  const host = await connectedHost(t, 'en');

  const { page } = host;
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
