/**
 * The conversation sidebar in Chromium, over the real core and server: rooms and DMs with
 * unread and mention badges (announced to screen readers), the unread total in the title,
 * switching by click and by Alt+↓, a message sent from the composer going to the
 * conversation it was written in, reading clearing the badge, and axe clean. Screenshots
 * conversations-{en,zh-CN}.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startUiHost } from '../helpers/ui-host';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { axe } from './axe';
import { accessibleText, messageTexts, statusIs, T, waitForMessage } from './helpers';

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: the sidebar lists rooms and DMs with badges; switching shows each conversation's own log`, async (t) => {
    const host = await startUiHost({ locale, conversations: true, server: { tokens: THREE }, viewport: { width: 1100, height: 720 } });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    await page.locator('[role="option"][data-conversation="lobby"]').waitFor({ timeout: T });

    const bob = await conversationPeer(host.server.url, 'token-bob');
    t.after(() => bob.close());
    const room = (await bob.request({ type: 'create', name: '项目组', kind: 'private', members: ['alice', 'carol'] })).conversation
      .id as string;
    const dm = (await bob.request({ type: 'open_dm', user: 'alice' })).conversation.id as string;
    await bob.subscribe([{ conv: room }, { conv: dm }]);
    await bob.say(room, 'r1', '周报已经发了');
    await bob.say(room, 'r2', '@alice 请看一下');
    await bob.say(room, 'r3', 'third');

    const roomOption = page.locator(`[role="option"][data-conversation="${room}"]`);
    await roomOption.locator('.badge-unread', { hasText: '3' }).waitFor({ timeout: T });
    // After the room's messages have reached the window: the DM is the newest activity.
    await bob.say(dm, 'd1', 'a word in private');
    await page.locator(`[role="option"][data-conversation="${dm}"] .badge-unread`, { hasText: '1' }).waitFor({ timeout: T });
    assert.equal(await roomOption.locator('.badge-mention').textContent(), '@1');
    const named = await accessibleText(page, `[data-conversation="${room}"]`);
    const words = locale === 'en' ? ['3 unread messages', '1 mention of you'] : ['3 条未读消息', '1 条消息提到了你'];
    for (const w of words) assert.ok(named.name.includes(w), `"${named.name}" announces ${w}`);
    await page.waitForFunction(() => document.title.startsWith('(4) '), undefined, { timeout: T });
    // Newest activity first: the DM, then the room, then lobby.
    const order = await page.locator('[role="option"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation')));
    assert.deepEqual(order, [dm, room, 'lobby'], JSON.stringify(host.desk!.view().list.map((c) => [c.id, c.last])));
    await host.screenshot(`conversations-${locale}.png`);

    await roomOption.click();
    await page.locator('.conversation-title', { hasText: '项目组' }).waitFor({ timeout: T });
    assert.equal(await page.locator('.conversation-members').textContent(), locale === 'en' ? '3 members' : '3 位成员');
    await waitForMessage(page, 'third');
    assert.deepEqual(await messageTexts(page), ['周报已经发了', '@alice 请看一下', 'third'], "the room's log, and only its own");
    assert.equal(await roomOption.getAttribute('aria-selected'), 'true');
    // Seen while the window has focus: the badge goes, on this device and the server.
    await page.bringToFront();
    await roomOption.locator('.badge-unread').waitFor({ state: 'detached', timeout: T });

    await page.getByTestId('input').fill('我来看看');
    await page.getByTestId('send').click();
    const got = await bob.next((f) => f.type === 'chat_message' && f.message === '我来看看', T, 'bob gets it');
    assert.equal(got.conv, room, 'sent to the conversation it was written in');

    // Alt+↓: the next conversation in the list (lobby, below the room).
    await page.keyboard.press('Alt+ArrowDown');
    await page.locator('[role="option"][data-conversation="lobby"][aria-selected="true"]').waitFor({ timeout: T });
    await page.locator('.conversation-title', { hasText: 'lobby' }).waitFor({ timeout: T });
    // The log is replaced once main's snapshot of lobby is in: nothing of the room stays.
    await page.waitForFunction(
      () => ![...document.querySelectorAll('[data-testid="message-text"]')].some((e) => e.textContent === 'third'),
      undefined,
      { timeout: T },
    );
    assert.ok(!(await messageTexts(page)).includes('我来看看'), "lobby's log has nothing of the room");

    const { bad } = await axe(page);
    assert.deepEqual(bad, [], 'axe: no serious or critical violations');
  });
}
