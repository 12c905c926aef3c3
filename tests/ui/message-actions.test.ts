/**
 * Reply, edit and recall in the window (Chromium over the real core and server), in English and
 * Chinese: Reply from a message's tools (by keyboard) puts the composer in reply mode and the reply
 * quotes its message; ↑ in the empty composer edits the last own message, shown "(edited)"; Recall
 * asks first, then the message is "You recalled a message" for everyone; another's edit and recall
 * show live, the quote follows them, and a click on a quote shows the quoted message. Axe clean;
 * screenshots message-actions-{en,zh-CN}.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startUiHost } from '../helpers/ui-host';
import { conversationPeer, type ConversationPeer, type Frame } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { axe } from './axe';
import { message, statusIs, T, waitForMessage } from './helpers';

const WORDS = {
  en: {
    replying: 'Replying to bob',
    edited: '(edited)',
    you: 'You recalled a message',
    bob: 'bob recalled a message',
    gone: 'The original message was recalled',
  },
  'zh-CN': { replying: '回复 bob', edited: '（已编辑）', you: '你撤回了一条消息', bob: 'bob 撤回了一条消息', gone: '原消息已撤回' },
} as const;

let n = 0;
function act(peer: ConversationPeer, conv: string, fields: Frame): Promise<Frame> {
  const id = `ui-act-${++n}`;
  peer.ws.send(JSON.stringify({ type: 'chat_message', id, message: '', conv, timestamp: new Date().toISOString(), ...fields }));
  return peer.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === id, T, `the ack of ${id}`);
}

const heard = (bob: ConversationPeer, pred: (f: Frame) => boolean, what: string) =>
  bob.next((f) => f.type === 'chat_message' && pred(f), T, what);

async function seqOf(page: Page, text: string): Promise<number> {
  const row = await waitForMessage(page, text, 'sent');
  return Number(await row.getAttribute('data-seq'));
}

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: reply, edit and recall from the window; another's edit and recall show live`, async (t) => {
    const w = WORDS[locale];
    const host = await startUiHost({ locale, conversations: true, server: { tokens: THREE }, viewport: { width: 1100, height: 760 } });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    const bob = await conversationPeer(host.server.url, 'token-bob', { features: 'conversations,edit,recall' });
    t.after(() => bob.close());
    const room = (await bob.request({ type: 'create', name: 'board', kind: 'private', members: ['alice'] })).conversation.id as string;
    await bob.subscribe([{ conv: room }]);
    const plan = (await bob.say(room, 'b1', 'the plan is tuesday')).seq as number;
    await page.locator(`#conversation-sidebar [data-conversation="${room}"]`).click();
    const planRow = await waitForMessage(page, 'the plan is tuesday');

    // Reply, by keyboard, from the message's tools.
    await planRow.getByTestId('reply').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('compose-mode').getByText(w.replying).waitFor({ timeout: T });
    await page.getByTestId('input').fill('works for me');
    await page.keyboard.press('Enter');
    const reply = await heard(bob, (f) => f.message === 'works for me', 'the reply');
    assert.equal(reply.reply_to, plan);
    const replyRow = await waitForMessage(page, 'works for me', 'sent');
    assert.match((await replyRow.getByTestId('reply-quote').textContent()) ?? '', /bob.*the plan is tuesday/);
    assert.equal(await page.getByTestId('compose-mode').count(), 0, 'the reply mode ends once sent');

    // ↑ in the empty composer edits the last own message.
    await page.getByTestId('input').fill('teh typo');
    await page.keyboard.press('Enter');
    const typo = await seqOf(page, 'teh typo');
    await page.getByTestId('input').press('ArrowUp');
    await page.getByTestId('compose-mode').waitFor({ timeout: T });
    assert.equal(await page.getByTestId('input').inputValue(), 'teh typo');
    await page.getByTestId('input').fill('the typo');
    await page.keyboard.press('Enter');
    const edit = await heard(bob, (f) => f.edit_of === typo, 'the edit');
    assert.equal(edit.message, 'the typo');
    const fixed = await waitForMessage(page, `the typo ${w.edited}`);
    assert.equal(await fixed.getByTestId('message-edited').textContent(), ` ${w.edited}`);

    // Escape leaves reply mode without sending.
    await planRow.hover();
    await planRow.getByTestId('reply').click();
    await page.getByTestId('compose-mode').waitFor({ timeout: T });
    await page.getByTestId('input').press('Escape');
    await page.getByTestId('compose-mode').waitFor({ state: 'detached', timeout: T });

    // Recall asks first.
    await page.getByTestId('input').fill('wrong room');
    await page.keyboard.press('Enter');
    const wrong = await seqOf(page, 'wrong room');
    const wrongRow = message(page, 'wrong room');
    await wrongRow.hover();
    await wrongRow.getByTestId('recall').click();
    await wrongRow.getByTestId('recall-confirm').click();
    await heard(bob, (f) => f.recall_of === wrong, 'the recall');
    await page.locator(`[data-recalled="true"][data-seq="${wrong}"]`).getByText(w.you).waitFor({ timeout: T });

    // Bob's edit shows live, and so does the quote of it; a click on the quote shows the message.
    assert.equal((await act(bob, room, { edit_of: plan, message: 'the plan is wednesday' })).type, 'ack');
    await waitForMessage(page, `the plan is wednesday ${w.edited}`);
    await replyRow.getByTestId('reply-quote').getByText('the plan is wednesday').waitFor({ timeout: T });
    await host.screenshot(`message-actions-${locale}.png`);
    const { bad } = await axe(page);
    assert.deepEqual(bad, [], 'axe: no serious or critical violations with replies, edits and recalls shown');
    await replyRow.getByTestId('reply-quote').click();
    await page.locator('[data-jumped="true"]').getByText('the plan is wednesday').waitFor({ timeout: T });

    // Bob's recall: his message is a note, and the quote says the original is gone.
    assert.equal((await act(bob, room, { recall_of: plan })).type, 'ack');
    await page.locator(`[data-recalled="true"][data-seq="${plan}"]`).getByText(w.bob).waitFor({ timeout: T });
    await replyRow.getByTestId('reply-quote').getByText(w.gone).waitFor({ timeout: T });
    assert.equal(await page.getByText('the plan is wednesday').count(), 0, 'nothing of the recalled text is on the page');
  });
}
