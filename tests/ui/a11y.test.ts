/**
 * Accessibility in Chromium with axe-core (its source evaluated in the page, as
 * DevTools would: no script tag, so the page's CSP is untouched): the chat view with
 * grouped messages, a day separator, own and failed messages, the open search
 * panel with results, and the settings dialog, in zh-CN and en. No serious or critical violations (WCAG 2.x A/AA rules
 * plus axe's best practices).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startUiHost } from '../helpers/ui-host';
import { axe } from './axe';
import { statusIs, T, waitForMessage } from './helpers';

for (const locale of ['zh-CN', 'en'] as const) {
  test(`${locale}: axe finds no serious or critical violations in the chat view, the search panel and the settings dialog`, async (t) => {
    const host = await startUiHost({ locale });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    const bob = await host.peer();
    assert.ok((await bob.send('Hello from Bob')).ok);
    assert.ok((await bob.send('A second line from Bob')).ok);
    await waitForMessage(page, 'A second line from Bob');
    await page.getByTestId('input').fill('Hi Bob');
    await page.getByTestId('input').press('Enter');
    await waitForMessage(page, 'Hi Bob', 'sent');
    await page.evaluate(() => {
      const push = (window as unknown as { __uosChatPush: (c: string, p: unknown) => void }).__uosChatPush;
      push('chat:entries', [
        {
          kind: 'message',
          key: 'c-failed',
          order: 1e9,
          user: 'alice',
          text: 'This one failed',
          timestamp: new Date().toISOString(),
          own: true,
          delivery: 'failed',
          failure: { code: 'CONNECTION_LOST' },
        },
      ]);
    });
    await waitForMessage(page, 'This one failed', 'failed');
    assert.ok((await page.locator('[data-continued="true"]').count()) > 0, 'a grouped message is checked too');
    assert.equal(await page.getByTestId('day-separator').count(), 1);

    const chat = await axe(page);
    t.diagnostic(`chat view: ${chat.passes} rules passed`);
    assert.deepEqual(chat.bad, [], 'chat view');
    assert.ok(chat.passes > 10, 'axe ran its rules');
    // The check can fail: the old grey (4.39:1 on the log background) is caught.
    await page.evaluate(() => document.documentElement.style.setProperty('--muted', '#6b7385'));
    const old = await axe(page);
    assert.ok(
      old.bad.some((v) => v.id === 'color-contrast'),
      `the old --muted fails color-contrast: ${JSON.stringify(old.bad.map((v) => v.id))}`,
    );
    await page.evaluate(() => document.documentElement.style.removeProperty('--muted'));

    // The search panel, open with results and one chosen (Ctrl+F, then ↓).
    await page.getByTestId('log').focus();
    await page.keyboard.press('Control+f');
    await page.getByTestId('search-input').fill('Bob');
    await page.getByTestId('search-result').nth(2).waitFor({ timeout: T });
    await page.getByTestId('search-input').press('ArrowDown');
    const search = await axe(page);
    t.diagnostic(`search panel: ${search.passes} rules passed`);
    assert.deepEqual(search.bad, [], 'chat view with the search panel open');
    await page.getByTestId('search-input').press('Escape');
    await page.getByTestId('search-panel').waitFor({ state: 'detached', timeout: T });

    await page.getByTestId('settings-open').click();
    await page.getByTestId('settings-dialog').waitFor({ timeout: T });
    const settings = await axe(page, '[data-testid="settings-dialog"]');
    t.diagnostic(`settings dialog: ${settings.passes} rules passed`);
    assert.deepEqual(settings.bad, [], 'settings dialog');
    assert.deepEqual(host.pageErrors, []);
    assert.deepEqual(await host.cspViolations(), []);
  });
}
