/**
 * The settings dialog's Proxy field, end to end: the real renderer in Chromium, the real
 * SettingsStore and core, and Debian's tinyproxy. Screenshots in en and zh-CN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTinyproxy } from '../helpers/proxies';
import { startUiHost } from '../helpers/ui-host';
import { accessibleText, statusIs, T } from './helpers';

test('Proxy: manual URL with user:password connects through tinyproxy; reopened, the password is never shown but kept; bad URL refused in words', async (t) => {
  const tiny = await startTinyproxy({ connectPorts: [], auth: { user: 'user', pass: 'pa55word' } });
  t.after(() => tiny.close());
  const host = await startUiHost({ locale: 'en', viewport: { width: 960, height: 860 } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');

  await page.getByTestId('settings-open').click();
  const proxy = page.getByTestId('settings-proxy');
  assert.equal(await proxy.inputValue(), 'system', 'System is the default');
  await proxy.selectOption('manual');
  const url = page.getByTestId('settings-proxy-url');
  await url.fill('ftp://proxy:21');
  await page.getByTestId('settings-save').click();
  await page
    .getByTestId('settings-problem')
    .getByText('The proxy must be an http://, https://, socks5:// or socks5h:// address with a host (and port).')
    .waitFor({ timeout: T });
  assert.equal(await url.getAttribute('aria-invalid'), 'true');

  const connectsBefore = (tiny.log().match(/CONNECT 127\.0\.0\.1:/g) ?? []).length;
  await url.fill(tiny.url({ user: 'user', pass: 'pa55word' }));
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-dialog').waitFor({ state: 'detached', timeout: T });
  await statusIs(page, 'connected').catch((err) => {
    throw new Error(
      `${(err as Error).message}: ${JSON.stringify(host.client.status().connection)} ${JSON.stringify(host.client.diagnostics().proxy)}`,
    );
  });
  assert.ok((tiny.log().match(/CONNECT 127\.0\.0\.1:/g) ?? []).length > connectsBefore, 'the new connection went through tinyproxy');
  assert.equal(host.client.diagnostics().proxy?.used, `http://127.0.0.1:${tiny.port}`);
  assert.equal(
    JSON.parse(readFileSync(host.settingsFile, 'utf8')).proxy,
    tiny.url({ user: 'user', pass: 'pa55word' }),
    'saved (no keyring here: the 0600 file)',
  );

  // Reopened: the URL without its password, a note that one is kept; the password is nowhere in the page.
  await page.getByTestId('settings-open').click();
  assert.equal(await proxy.inputValue(), 'manual');
  assert.equal(await url.inputValue(), `http://user@127.0.0.1:${tiny.port}`);
  await page.getByTestId('settings-proxy-password-kept').waitFor({ timeout: T });
  // Said in words that describe the address field (read with it by a screen reader), not by a placeholder.
  const kept = 'A password is saved for this proxy; it is never shown and stays unless you type a new one.';
  assert.equal(await page.getByTestId('settings-proxy-password-kept').textContent(), kept);
  assert.ok(
    (await accessibleText(page, '[data-testid="settings-proxy-url"]')).description.startsWith(kept),
    'the note describes the address field',
  );
  assert.equal(await page.evaluate(() => document.documentElement.outerHTML.includes('pa55word')), false);
  await host.screenshot('settings-proxy-en.png');
  await page.keyboard.press('Escape');
  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-language').selectOption('zh-CN');
  await page.getByTestId('settings-save').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN', undefined, { timeout: T });
  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-proxy-password-kept').getByText('已保存此代理的密码', { exact: false }).waitFor({ timeout: T });
  assert.ok(
    (await accessibleText(page, '[data-testid="settings-proxy-url"]')).description.startsWith('已保存此代理的密码'),
    'described in Chinese too',
  );
  await host.screenshot('settings-proxy-zh-CN.png');
  // Saving other fields leaves the saved proxy (and its password) as it was.
  assert.equal(JSON.parse(readFileSync(host.settingsFile, 'utf8')).proxy, tiny.url({ user: 'user', pass: 'pa55word' }));
  assert.deepEqual(host.pageErrors, []);
});
