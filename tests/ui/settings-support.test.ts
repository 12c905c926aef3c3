/**
 * The settings dialog's help for a bug report, in the real renderer: "Open log folder" and
 * "Copy diagnostics" call main (here the test host's support port) and say how it went, in
 * English and Chinese, as a polite status; a failure names the folder so it can be found by hand.
 * Screenshots: tests/artifacts/settings-support-{en,zh-CN}.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startUiHost } from '../helpers/ui-host';
import { statusIs, T } from './helpers';

async function openSettings(page: Page): Promise<void> {
  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-dialog').waitFor({ state: 'visible', timeout: T });
}

const note = (page: Page) => page.getByTestId('settings-support-note');

async function noteSays(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="settings-support-note"]', { hasText: text }).waitFor({ timeout: T });
}

test('en: the two buttons under "Reporting a problem" open the log folder and copy the diagnostics', async (t) => {
  const host = await startUiHost({ viewport: { width: 960, height: 900 } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  await openSettings(page);

  const section = page.getByRole('region', { name: 'Reporting a problem' });
  assert.equal(await section.count(), 1, 'a labelled section');
  assert.match((await section.getAttribute('aria-describedby')) ?? '', /support-hint/);
  assert.equal(await note(page).getAttribute('role'), 'status', 'announced politely');

  await page.getByTestId('settings-open-logs').click();
  await noteSays(page, 'Opened /home/li/.config/UOSChat/logs');
  assert.equal(host.supportCalls.showLogFolder, 1);

  await page.getByTestId('settings-copy-diagnostics').click();
  await noteSays(page, 'Diagnostics copied — paste them into your bug report.');
  assert.equal(host.supportCalls.copyDiagnostics, 1);
  assert.equal(await page.getByTestId('settings-dialog').isVisible(), true, 'the dialog stays open');

  await section.scrollIntoViewIfNeeded();
  const shot = await host.screenshot('settings-support-en.png');
  assert.ok(statSync(shot).size > 1000);
});

test('failures are said in words: the folder to find by hand, or that something went wrong', async (t) => {
  const host = await startUiHost({
    support: {
      showLogFolder: async () => ({ ok: false, folder: '/home/li/.config/UOSChat/logs', detail: 'no file manager' }),
      copyDiagnostics: () => Promise.reject(new Error('the IPC call failed')),
    },
  });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  await openSettings(page);
  await page.getByTestId('settings-open-logs').click();
  await noteSays(page, 'The log folder could not be opened (no file manager). The logs are in /home/li/.config/UOSChat/logs');
  assert.match((await note(page).getAttribute('class')) ?? '', /support-note-problem/);
  await page.getByTestId('settings-copy-diagnostics').click();
  await noteSays(page, 'something went wrong — please try again');
  assert.equal(await page.getByTestId('settings-copy-diagnostics').isEnabled(), true, 'the buttons work again afterwards');
});

test('zh-CN: 报告问题 — the same buttons and notes in Chinese', async (t) => {
  const host = await startUiHost({ locale: 'zh-CN', viewport: { width: 960, height: 900 } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  await openSettings(page);
  assert.equal(await page.getByRole('region', { name: '报告问题' }).count(), 1);
  assert.equal(await page.getByTestId('settings-open-logs').textContent(), '打开日志文件夹');
  assert.equal(await page.getByTestId('settings-copy-diagnostics').textContent(), '复制诊断信息');
  await page.getByTestId('settings-copy-diagnostics').click();
  await noteSays(page, '诊断信息已复制，请粘贴到问题报告中。');
  await page.getByRole('region', { name: '报告问题' }).scrollIntoViewIfNeeded();
  const shot = await host.screenshot('settings-support-zh-CN.png');
  assert.ok(statSync(shot).size > 1000);
});
