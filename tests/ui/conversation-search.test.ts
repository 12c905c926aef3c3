/**
 * Search across conversations in Chromium, over the real core and server: one query finds
 * the word in every conversation of the user's, each result names its conversation, a
 * conversation the user is not in gives nothing, and choosing a result in another
 * conversation opens that conversation with the message marked in its log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startUiHost } from '../helpers/ui-host';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { until } from '../helpers/wait';
import { axe } from './axe';
import { statusIs, T } from './helpers';

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: one search covers every conversation of the user's, naming each result's, and opens the one chosen`, async (t) => {
    const host = await startUiHost({ locale, conversations: true, server: { tokens: THREE }, viewport: { width: 1100, height: 720 } });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    await page.locator('#conversation-sidebar [data-conversation="lobby"]').waitFor({ timeout: T });

    const bob = await conversationPeer(host.server.url, 'token-bob');
    t.after(() => bob.close());
    const carol = await conversationPeer(host.server.url, 'token-carol');
    t.after(() => carol.close());
    const ops = (await bob.request({ type: 'create', name: '运维', kind: 'private', members: ['alice'] })).conversation.id as string;
    const secret = (await carol.request({ type: 'create', name: 'secret', kind: 'private', members: ['bob'] })).conversation.id as string;
    await bob.subscribe([{ conv: ops }, { conv: 'lobby' }]);
    await carol.subscribe([{ conv: secret }]);
    assert.equal((await bob.say(ops, 'o1', '预算表在共享盘')).type, 'ack');
    for (let i = 0; i < 5; i++) assert.equal((await bob.say(ops, `o-later-${i}`, `later ${i}`)).type, 'ack');
    assert.equal((await bob.say('lobby', 'l1', '下周再谈预算')).type, 'ack');
    assert.equal((await carol.say(secret, 's1', '预算 not for alice')).type, 'ack');
    const opsClient = () => host.desk!.clientOf(ops);
    await page.locator(`#conversation-sidebar [data-conversation="${ops}"]`).waitFor({ timeout: T });
    await until(opsClient()!, () => opsClient()!.search('later 4', 5).length === 1, T, "ops' messages in its store");
    await until(host.desk!.client(), () => host.desk!.client().search('下周', 5).length === 1, T, "lobby's message in its store");
    assert.equal(host.desk!.current, 'lobby');

    await page.getByTestId('log').focus();
    await page.keyboard.press('Control+f');
    await page.getByTestId('search-input').fill('预算');
    const results = page.getByTestId('search-result');
    await page.locator('[data-testid="search-status"][data-phase="done"]').waitFor({ timeout: T });
    const found = await results.evaluateAll((els) =>
      els.map((e) => [
        e.querySelector('[data-testid="search-result-conv"]')?.getAttribute('data-conv'),
        e.querySelector('[data-testid="search-result-text"]')?.textContent,
      ]),
    );
    assert.deepEqual(
      found,
      [
        ['lobby', '下周再谈预算'],
        [ops, '预算表在共享盘'],
      ],
      "newest first, each naming its conversation; carol's room (not alice's) gives nothing",
    );
    const chip = await results.nth(1).getByTestId('search-result-conv').textContent();
    assert.equal(chip, locale === 'en' ? 'in 运维' : '来自 运维');
    const { bad } = await axe(page);
    assert.deepEqual(bad, [], 'axe: no serious or critical violations with results from two conversations');
    await host.screenshot(`conversation-search-${locale}.png`);

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('.conversation-title', { hasText: '运维' }).waitFor({ timeout: T });
    const marked = page.locator('[data-jumped="true"]');
    await marked.waitFor({ timeout: T });
    assert.ok((await marked.textContent())?.includes('预算表在共享盘'), 'the message is marked in its own log');
    assert.equal(host.desk!.current, ops);
    const shown = locale === 'en' ? 'Showing the message from' : '正在显示';
    await page.getByTestId('search-status').filter({ hasText: shown }).waitFor({ timeout: T });
    assert.equal(await results.count(), 2, 'the results stay after the switch');
  });
}
