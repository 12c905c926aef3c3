/**
 * The conversation window's per-conversation state in Chromium, over the real core and server:
 * the quick switcher (Ctrl+K: type part of a name, Enter opens it), drafts kept across
 * switches (and handed to main, which keeps them across restarts), and a muted conversation
 * showing a dot instead of its count. Screenshots quick-switcher-{en,zh-CN}.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startUiHost } from '../helpers/ui-host';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { withTimeout } from '../helpers/wait';
import { axe } from './axe';
import { accessibleText, statusIs, T, waitForMessage } from './helpers';

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: Ctrl+K finds a conversation by part of its name; drafts stay with their conversation; muted shows a dot`, async (t) => {
    const host = await startUiHost({ locale, conversations: true, server: { tokens: THREE }, viewport: { width: 1100, height: 720 } });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    const bob = await conversationPeer(host.server.url, 'token-bob');
    t.after(() => bob.close());
    const room = (await bob.request({ type: 'create', name: '项目组 Alpha', kind: 'private', members: ['alice'] })).conversation
      .id as string;
    const other = (await bob.request({ type: 'create', name: 'design', kind: 'room', members: ['alice'] })).conversation.id as string;
    await bob.subscribe([{ conv: room }, { conv: other }]);
    await bob.say(room, 'r1', 'kick-off at ten');
    const roomOption = page.locator(`#conversation-sidebar [role="option"][data-conversation="${room}"]`);
    await roomOption.waitFor({ timeout: T });
    await page.locator(`#conversation-sidebar [role="option"][data-conversation="${other}"]`).waitFor({ timeout: T });

    // Ctrl+K from the composer: the switcher, focus in its box; typing narrows the list.
    await page.getByTestId('input').focus();
    await page.keyboard.press('Control+k');
    const switcher = page.getByTestId('quick-switcher');
    await switcher.waitFor({ timeout: T });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'combobox', 'focus is in the box');
    assert.equal(await switcher.locator('[role="option"]').count(), 3, 'every conversation before typing');
    await page.keyboard.press('ArrowDown');
    await switcher.locator('[role="option"]:nth-child(2)[aria-selected="true"]').waitFor({ timeout: T });
    await page.keyboard.type('alp');
    await switcher.locator('[role="option"]').nth(1).waitFor({ state: 'detached', timeout: T });
    const options = await switcher.locator('[role="option"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation')));
    assert.deepEqual(options, [room], 'only the name holding "alp" (any case)');
    const named = await accessibleText(page, `[data-testid="quick-switcher"] [data-conversation="${room}"]`);
    assert.ok(named.name.includes(locale === 'en' ? '1 unread message' : '1 条未读消息'), named.name);
    await host.screenshot(`quick-switcher-${locale}.png`);
    const { bad } = await axe(page);
    assert.deepEqual(bad, [], 'axe: no serious or critical violations with the switcher open');
    await page.keyboard.press('Enter');
    await switcher.waitFor({ state: 'detached', timeout: T });
    await page.locator('.conversation-title', { hasText: '项目组 Alpha' }).waitFor({ timeout: T });
    await waitForMessage(page, 'kick-off at ten');

    // A draft: typed here, kept while elsewhere, back when the person returns; main has it too.
    await page.getByTestId('input').fill('half a thought');
    await page.keyboard.press('Control+k');
    await switcher.waitFor({ timeout: T });
    await page.keyboard.type('design');
    await page.keyboard.press('Enter');
    await page.locator('.conversation-title', { hasText: 'design' }).waitFor({ timeout: T });
    assert.equal(await page.getByTestId('input').inputValue(), '', "the other conversation's composer is its own");
    await roomOption.click();
    await page.locator('.conversation-title', { hasText: '项目组 Alpha' }).waitFor({ timeout: T });
    // Saved when the window left the room, before this click's switch: main has it for a restart.
    assert.equal(host.desk!.view().list.find((c) => c.id === room)?.draft, 'half a thought', 'main keeps the draft');
    assert.equal(await page.getByTestId('input').inputValue(), 'half a thought', 'the draft is back');

    // Muted: the header's control; new messages there show a dot, not a count, and are announced as such.
    const mutedInMain = new Promise<void>((resolve) => {
      const off = host.desk!.on('changed', (v) => {
        if (v.list.find((c) => c.id === room)?.notify !== 'muted') return;
        off();
        resolve();
      });
    });
    await page.getByTestId('notify-level').selectOption('muted');
    await withTimeout(mutedInMain, T, 'main keeps the level');
    assert.equal(host.desk!.levelOf(room), 'muted');
    await page.locator(`#conversation-sidebar [data-conversation="${other}"]`).click();
    await page.locator('.conversation-title', { hasText: 'design' }).waitFor({ timeout: T });
    await bob.say(room, 'r2', 'one');
    await bob.say(room, 'r3', 'two');
    await roomOption.getByTestId('muted-dot').waitFor({ timeout: T });
    assert.equal(await roomOption.locator('.badge-unread').count(), 0, 'no count on a muted conversation');
    const mutedName = await accessibleText(page, `#conversation-sidebar [data-conversation="${room}"]`);
    assert.ok(mutedName.name.includes(locale === 'en' ? 'muted, new messages' : '免打扰，有新消息'), mutedName.name);
    // The title counts what asks for attention: a muted conversation's messages do not.
    assert.ok(!(await page.title()).startsWith('('), await page.title());
  });
}
