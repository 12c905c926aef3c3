/**
 * Whether a token is saved, said in words beside the field and not only by its placeholder (which
 * screen readers do not reliably read once the field has focus): the line describes the field in
 * Chromium's accessibility tree, "Replace" is reached by keyboard and empties the field with focus
 * in it, and saving with the field left empty keeps the saved token. In en and zh-CN, with the
 * screenshots tests/artifacts/settings-token-saved-<locale>.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startUiHost, type UiHost } from '../helpers/ui-host';
import { accessibleText, statusIs, T } from './helpers';

const WORDS = {
  en: {
    label: 'Access token',
    saved: 'A token is saved.',
    replacing: 'A token is saved; the one typed here replaces it when you save.',
    removing: 'The saved token is removed when you save.',
    none: 'No token is saved.',
    hint: 'The saved token is never shown. Type a new one to replace it.',
    replace: 'Replace',
    replaceName: 'Replace the saved token',
    placeholderNone: 'no token saved',
  },
  'zh-CN': {
    label: '访问令牌',
    saved: '已保存令牌。',
    replacing: '已保存令牌；保存后将替换为此处输入的令牌。',
    removing: '保存后将删除已保存的令牌。',
    none: '未保存令牌。',
    hint: '已保存的令牌不会显示。输入新令牌即可替换。',
    replace: '更换',
    replaceName: '更换已保存的令牌',
    placeholderNone: '尚未保存令牌',
  },
};
type Words = (typeof WORDS)['en'];

const FIELD = '[data-testid="settings-token"]';
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

async function openSettings(page: Page): Promise<void> {
  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-dialog').waitFor({ state: 'visible', timeout: T });
}

/** The line under the field says `text`, and so does the field's description, first (DOM ids and Chromium's tree). */
async function assertSays(page: Page, w: Words, text: string): Promise<void> {
  await page.getByTestId('settings-token-state').getByText(text, { exact: true }).waitFor({ timeout: T });
  const ids = ((await page.locator(FIELD).getAttribute('aria-describedby')) ?? '').split(' ');
  assert.equal(await page.locator(`[id="${ids[0]}"]`).textContent(), text, 'aria-describedby names the line first');
  const ax = await accessibleText(page, FIELD);
  assert.equal(ax.name, w.label);
  assert.ok(ax.description.startsWith(text), `the accessible description says it: “${ax.description}”`);
  assert.ok(ax.description.includes(w.hint), 'and the hint after it');
}

/** "Replace", named for what it does, pressed with `key`: the field empty, enabled and focused. */
async function replaceByKeyboard(page: Page, w: Words, key: 'Enter' | 'Space'): Promise<void> {
  await page.getByTestId('settings-token-replace').focus();
  await page.keyboard.press(key);
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'settings-token', undefined, { timeout: T });
  assert.equal(await page.locator(FIELD).inputValue(), '', 'the field is empty, ready for a new token');
  assert.equal(await page.locator(FIELD).isDisabled(), false);
  assert.equal(await page.getByRole('button', { name: w.replaceName, exact: true }).count(), 1);
}

/** Removed, then reopened: "no token" in words too, and nothing to replace. */
async function assertNoToken(host: UiHost, w: Words): Promise<void> {
  const { page } = host;
  await openSettings(page);
  await page.getByTestId('settings-clear-token').check();
  await assertSays(page, w, w.removing);
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-dialog').waitFor({ state: 'detached', timeout: T });
  await statusIs(page, 'auth-failed');
  await openSettings(page);
  await assertSays(page, w, w.none);
  assert.equal(await page.getByTestId('settings-token-replace').count(), 0);
  assert.equal(await page.locator(FIELD).getAttribute('placeholder'), w.placeholderNone, 'the placeholder still says it too');
  await page.getByTestId('settings-cancel').click();
}

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: a saved token is said in words that describe the field; "Replace" by keyboard empties and focuses it; saving untouched keeps it`, async (t) => {
    const host = await startUiHost({ locale, viewport: { width: 960, height: 760 } });
    t.after(() => host.close());
    const { page } = host;
    const w = WORDS[locale];
    await statusIs(page, 'connected');
    const before = readFileSync(host.settingsFile, 'utf8');

    await openSettings(page);
    await assertSays(page, w, w.saved);
    const replace = page.getByTestId('settings-token-replace');
    assert.equal(await replace.textContent(), w.replace);
    await page.locator(FIELD).focus();
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'settings-token-replace', '"Replace" is the Tab stop after the field');
    await host.screenshot(`settings-token-saved-${locale}.png`);

    // Typed, then Replace: what was typed goes, focus is in the field.
    await page.locator(FIELD).fill('token-typed');
    await assertSays(page, w, w.replacing);
    await replaceByKeyboard(page, w, 'Enter');
    await assertSays(page, w, w.saved);

    // "Remove" ticked, then Replace: unticked, the field enabled again and focused.
    await page.getByTestId('settings-clear-token').check();
    assert.equal(await page.locator(FIELD).isDisabled(), true);
    await assertSays(page, w, w.removing);
    await replaceByKeyboard(page, w, 'Space');
    assert.equal(await page.getByTestId('settings-clear-token').isChecked(), false);
    await assertSays(page, w, w.saved);

    // Nothing lost: saving with the field left empty keeps the saved token (and writes nothing).
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-dialog').waitFor({ state: 'detached', timeout: T });
    assert.equal(readFileSync(host.settingsFile, 'utf8'), before, 'the settings file is as it was');
    await statusIs(page, 'connected');

    await assertNoToken(host, w);
    assert.deepEqual(host.pageErrors, []);
    assert.deepEqual(await host.cspViolations(), []);
  });
}
