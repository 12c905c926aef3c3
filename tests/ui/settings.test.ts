/**
 * The settings panel, end to end: the real renderer in Chromium, window.chat over
 * the real ChatService, a real SettingsStore on a temp file (applied to the
 * client as main does) and the real reference server — plain and TLS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { makePki } from '../helpers/certs';
import { consoleProblems, startUiHost, type UiHost } from '../helpers/ui-host';
import { statusIs, T, waitForMessage } from './helpers';

const dialog = (page: Page) => page.getByTestId('settings-dialog');

async function openSettings(page: Page): Promise<void> {
  await page.getByTestId('settings-open').click();
  await dialog(page).waitFor({ state: 'visible', timeout: T });
}

async function save(page: Page): Promise<void> {
  await page.getByTestId('settings-save').click();
}

async function closed(page: Page): Promise<void> {
  await dialog(page).waitFor({ state: 'detached', timeout: T });
}

function fileSettings(host: UiHost): Record<string, unknown> {
  return JSON.parse(readFileSync(host.settingsFile, 'utf8')) as Record<string, unknown>;
}

function assertShot(file: string): void {
  assert.ok(statSync(file).size > 1000, `${file} is a real picture`);
}

/** The token must not be anywhere the page can see: text, attributes, input values. */
async function assertTokenHidden(page: Page, token: string): Promise<void> {
  const found = await page.evaluate((secret) => {
    const where: string[] = [];
    if (document.documentElement.outerHTML.includes(secret)) where.push('html');
    if ((document.body.innerText ?? '').includes(secret)) where.push('text');
    for (const el of document.querySelectorAll('input, textarea, select')) {
      if ((el as HTMLInputElement).value.includes(secret)) where.push(`value of ${el.getAttribute('data-testid') ?? el.tagName}`);
    }
    return where;
  }, token);
  assert.deepEqual(found, [], `the token is not in the page (${found.join(', ')})`);
}

test('the dialog: opens from the gear, labelled and modal, focus on the first field, Escape and Cancel close it and focus returns', async (t) => {
  const host = await startUiHost({ viewport: { width: 960, height: 760 } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');

  await openSettings(page);
  const d = dialog(page);
  assert.equal(await d.getAttribute('role'), 'dialog');
  assert.equal(await d.getAttribute('aria-modal'), 'true');
  const labelledBy = await d.getAttribute('aria-labelledby');
  assert.ok(labelledBy);
  assert.equal(await page.locator(`[id="${labelledBy}"]`).textContent(), 'Settings');
  assert.equal(await page.getByRole('dialog', { name: 'Settings' }).count(), 1, 'found by role and name');
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
    'settings-serverUrl',
    'focus on the first field',
  );

  // What the person sees: the saved values, never the token.
  assert.equal(await page.getByTestId('settings-serverUrl').inputValue(), host.server.url);
  const token = page.getByTestId('settings-token');
  assert.equal(await token.getAttribute('type'), 'password');
  assert.equal(await token.inputValue(), '');
  assert.equal(await token.getAttribute('placeholder'), 'unchanged');
  assert.equal(await page.getByTestId('settings-caFile').inputValue(), '');
  assert.equal(await page.getByTestId('settings-compression').inputValue(), 'deflate');
  assert.equal(await page.getByTestId('settings-language').inputValue(), 'auto');
  assert.match((await page.getByTestId('settings-compression-hint').textContent()) ?? '', /permessage-deflate/);
  await page.getByTestId('settings-compression').selectOption('off');
  assert.match((await page.getByTestId('settings-compression-hint').textContent()) ?? '', /Plain text frames/);
  await page.getByTestId('settings-compression').selectOption('deflate');
  await assertTokenHidden(page, 'token-alice');
  assertShot(await host.screenshot('settings-open-en.png'));

  // Modal: Tab never leaves the dialog.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const inside = await page.evaluate(
      () => document.querySelector('[data-testid="settings-dialog"]')?.contains(document.activeElement) ?? false,
    );
    assert.ok(inside, `focus stays in the dialog (Tab ${i + 1})`);
  }

  await page.keyboard.press('Escape');
  await closed(page);
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'settings-open', undefined, { timeout: T });

  // Cancel throws away what was typed.
  await openSettings(page);
  await page.getByTestId('settings-serverUrl').fill('ws://127.0.0.1:1/elsewhere');
  await page.getByTestId('settings-cancel').click();
  await closed(page);
  assert.equal(fileSettings(host).serverUrl, host.server.url, 'nothing saved on Cancel');
  await statusIs(page, 'connected');
  await openSettings(page);
  assert.equal(await page.getByTestId('settings-serverUrl').inputValue(), host.server.url);
  await page.keyboard.press('Escape');
  await closed(page);

  assert.deepEqual(host.pageErrors, []);
  assert.deepEqual(await host.cspViolations(), [], 'the dialog trips no CSP rule');
  assert.deepEqual(consoleProblems(host.console), []);
});

test('language 中文 in settings: the whole UI switches at once, and main keeps it (reload, settings file)', async (t) => {
  const host = await startUiHost({ locale: 'en' });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  assert.equal(await page.getByTestId('status-text').textContent(), 'Connected');
  assertShot(await host.screenshot('chat-connected-en.png'));

  await openSettings(page);
  await page.getByTestId('settings-language').selectOption('zh-CN');
  await save(page);
  await closed(page);
  await page.getByTestId('status-text').getByText('已连接', { exact: true }).waitFor({ timeout: T });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await page.title(), 'UOS 聊天');
  assert.equal(await page.getByTestId('send').textContent(), '发送');
  assert.equal(await page.getByTestId('input').getAttribute('placeholder'), '输入消息…');
  assert.equal(await page.getByTestId('settings-open').getAttribute('aria-label'), '设置');
  assert.equal(await page.getByTestId('lang-zh-CN').getAttribute('aria-pressed'), 'true');
  assert.equal(fileSettings(host).language, 'zh-CN', 'saved in the settings file');
  assert.equal(await page.evaluate(() => window.localStorage.length), 0, 'nothing in localStorage');

  // Kept by main: a reload (navigator still says en) comes back in Chinese.
  await page.reload();
  await statusIs(page, 'connected');
  await page.getByTestId('status-text').getByText('已连接', { exact: true }).waitFor({ timeout: T });
  assert.equal(await page.evaluate(() => navigator.language), 'en');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');

  // The dialog itself in Chinese.
  await openSettings(page);
  assert.equal(await page.getByRole('dialog', { name: '设置' }).count(), 1);
  assert.equal(await page.getByTestId('settings-token').getAttribute('placeholder'), '保持不变');
  assert.equal(await page.getByTestId('settings-language').inputValue(), 'zh-CN');
  assertShot(await host.screenshot('settings-open-zh-CN.png'));
  await page.getByTestId('settings-cancel').click();
  await closed(page);

  // Offline, in both languages (with a conversation in view).
  const bob = await host.peer();
  assert.ok((await bob.send('今天下午三点开会，别忘了。')).ok);
  await waitForMessage(page, '今天下午三点开会，别忘了。');
  await page.getByTestId('input').fill('好的，收到！');
  await page.getByTestId('input').press('Enter');
  await waitForMessage(page, '好的，收到！', 'sent');
  host.client.setNetwork('offline');
  await statusIs(page, 'offline');
  assert.equal(await page.getByTestId('status-text').textContent(), '离线——等待网络');
  assertShot(await host.screenshot('chat-offline-zh-CN.png'));

  // The header switch goes through main too.
  await page.getByTestId('lang-en').click();
  await page.getByTestId('status-text').getByText('Offline — waiting for network', { exact: true }).waitFor({ timeout: T });
  await page.waitForFunction(() => document.documentElement.lang === 'en', undefined, { timeout: T });
  assertShot(await host.screenshot('chat-offline-en.png'));
  // Saved by main (waited for: the click returns before the save does).
  await page.waitForFunction(() => window.chat.getSettings().then((s) => s.language === 'en'), undefined, { timeout: T });
  assert.equal(fileSettings(host).language, 'en');

  host.client.setNetwork('online');
  await statusIs(page, 'connected');
  assert.deepEqual(host.pageErrors, []);
  assert.deepEqual(await host.cspViolations(), []);
});

test('a wrong token → sign-in failed; the right one → connected again without a restart; the token is never shown', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');

  await openSettings(page);
  await page.getByTestId('settings-token').fill('token-wrong');
  await save(page);
  await closed(page);
  await statusIs(page, 'auth-failed');
  assert.equal(await page.getByTestId('status-text').textContent(), 'Sign-in failed');
  assert.equal(fileSettings(host).token, 'token-wrong', 'saved (the file is 0600; no secret storage in the test host)');
  assert.equal(statSync(host.settingsFile).mode & 0o777, 0o600, 'the settings file is mode 0600');
  await assertTokenHidden(page, 'token-wrong');

  // "Open settings" next to the label leads straight to the fix.
  await page.getByTestId('status-open-settings').click();
  await dialog(page).waitFor({ state: 'visible', timeout: T });
  assert.equal(await page.getByTestId('settings-token').inputValue(), '', 'the saved token is not put back into the field');
  await assertTokenHidden(page, 'token-wrong');
  await page.getByTestId('settings-token').fill('token-alice');
  await page.getByTestId('settings-token').press('Enter');
  await closed(page);
  await statusIs(page, 'connected');
  assert.equal(statSync(host.settingsFile).mode & 0o777, 0o600);
  assert.equal(fileSettings(host).token, 'token-alice');

  await openSettings(page);
  await assertTokenHidden(page, 'token-alice');
  assert.equal(await page.getByTestId('settings-token').inputValue(), '');
  // Clearing it: the client connects without one (and the server refuses).
  await page.getByTestId('settings-clear-token').check();
  assert.equal(await page.getByTestId('settings-token').isDisabled(), true);
  await save(page);
  await closed(page);
  await statusIs(page, 'auth-failed');
  assert.equal('token' in fileSettings(host), false, 'the token is gone from the file');
  await openSettings(page);
  assert.equal(await page.getByTestId('settings-token').getAttribute('placeholder'), 'no token saved');
  assert.equal(await page.getByTestId('settings-clear-token').count(), 0);
  await page.getByTestId('settings-token').fill('token-alice');
  await save(page);
  await closed(page);
  await statusIs(page, 'connected');

  const text = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(text, /token-(alice|wrong)/);
  assert.deepEqual(host.pageErrors, []);
});

test('refused settings: an invalid server URL or a CA file that does not exist is shown, the dialog keeps the input, nothing is saved', async (t) => {
  const host = await startUiHost({ locale: 'zh-CN' });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const before = readFileSync(host.settingsFile, 'utf8');

  await openSettings(page);
  const url = page.getByTestId('settings-serverUrl');
  await url.fill('http://x');
  await page.getByTestId('settings-language').selectOption('en');
  await save(page);
  const problems = page.getByTestId('settings-problems');
  await problems.waitFor({ timeout: T });
  assert.equal(await problems.getAttribute('role'), 'alert');
  assert.equal(await page.getByTestId('settings-problem').first().textContent(), '服务器地址必须以 ws:// 或 wss:// 开头。');
  assert.equal(await dialog(page).isVisible(), true, 'the dialog stays open');
  assert.equal(await url.inputValue(), 'http://x', "the person's input is kept");
  assert.equal(await url.getAttribute('aria-invalid'), 'true');
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
    'settings-serverUrl',
    'focus on the field to fix',
  );
  assert.equal(await page.getByTestId('settings-language').inputValue(), 'en');
  assert.equal(readFileSync(host.settingsFile, 'utf8'), before, 'nothing saved');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN', 'nothing applied');
  assertShot(await host.screenshot('settings-problem-zh-CN.png'));

  // A CA bundle that does not exist.
  const missing = path.join(path.dirname(host.settingsFile), 'no-such-ca.pem');
  await url.fill(host.server.url);
  await page.getByTestId('settings-caFile').fill(missing);
  await save(page);
  await page.getByTestId('settings-problem').getByText(`无法读取 CA 证书文件：${missing}`, { exact: true }).waitFor({ timeout: T });
  assert.equal(await page.getByTestId('settings-problem').count(), 1);
  assert.equal(await page.getByTestId('settings-caFile').getAttribute('aria-invalid'), 'true');
  assert.equal(await url.getAttribute('aria-invalid'), null, 'the fixed field is no longer marked');
  assert.equal(await page.getByTestId('settings-caFile').inputValue(), missing);
  assert.equal(readFileSync(host.settingsFile, 'utf8'), before, 'still nothing saved');

  // Escape still closes it; the connection was never touched.
  await page.keyboard.press('Escape');
  await closed(page);
  await statusIs(page, 'connected');
  assert.deepEqual(host.pageErrors, []);
});

test('fields set by the environment or a flag are read-only with a note; the rest can still be saved', async (t) => {
  const host = await startUiHost({ overrides: { compression: 'off', caFile: '/etc/ssl/certs/ca-certificates.crt' } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  await openSettings(page);
  const compression = page.getByTestId('settings-compression');
  assert.equal(await compression.inputValue(), 'off', 'the value in force is shown');
  assert.equal(await compression.isDisabled(), true);
  const ca = page.getByTestId('settings-caFile');
  assert.equal(await ca.getAttribute('readonly'), '');
  assert.equal(await ca.isEditable(), false);
  assert.equal(
    await page.getByTestId('settings-compression-locked').textContent(),
    'Set by an environment variable or command-line flag, so it cannot be changed here.',
  );
  assert.equal(await page.getByTestId('settings-caFile-locked').count(), 1);
  assert.equal(await page.getByTestId('settings-serverUrl-locked').count(), 0);
  assert.equal(await page.getByTestId('settings-serverUrl').isEditable(), true);
  const describedBy = (await ca.getAttribute('aria-describedby')) ?? '';
  assert.ok(
    describedBy.split(' ').includes((await page.getByTestId('settings-caFile-locked').getAttribute('id')) ?? '-'),
    'the note describes the field',
  );
  assertShot(await host.screenshot('settings-overridden.png'));

  // Saving the other fields works and sends nothing for the locked ones.
  await page.getByTestId('settings-language').selectOption('zh-CN');
  await save(page);
  await closed(page);
  await page.getByTestId('status-text').getByText('已连接', { exact: true }).waitFor({ timeout: T });
  const saved = fileSettings(host);
  assert.equal(saved.language, 'zh-CN');
  assert.equal('compression' in saved, false, 'the overridden field was not written');
  assert.equal('caFile' in saved, false);
  assert.equal(await page.getByTestId('settings-warnings').count(), 0, 'no warnings: nothing overridden was sent');
});

test('TLS problem: without the CA the label says so with "Open settings"; setting the CA bundle connects at once', async (t) => {
  const pki = makePki();
  t.after(() => pki.cleanup());
  // A long TLS backoff: only the settings change can bring it back within the timeout.
  const host = await startUiHost({
    server: { tls: { cert: pki.good.cert, key: pki.good.key } },
    client: { backoff: { baseMs: 60_000, capMs: 120_000, rateLimitedMs: 120_000, tlsMs: 120_000 } },
  });
  t.after(() => host.close());
  const { page } = host;
  assert.match(host.server.url, /^wss:/);
  await statusIs(page, 'reconnecting');
  const label = page.getByTestId('status');
  await page.locator('[data-testid="status"][data-problem="tls"]').waitFor({ timeout: T });
  assert.equal(await label.getAttribute('data-reason'), 'TLS_UNKNOWN_CA');
  assert.equal(await label.getAttribute('aria-live'), 'polite');
  assert.equal(await page.getByTestId('status-text').textContent(), 'TLS problem');
  assert.equal(
    await page.getByTestId('status-detail').textContent(),
    'certificate from an unknown authority — add your CA bundle in settings',
  );
  assert.ok((await label.locator('svg').count()) > 0, 'an icon beside the text');
  const colour = await label.evaluate((e) => getComputedStyle(e).color);
  await page.getByTestId('status-open-settings').waitFor({ timeout: T });
  assert.equal(await page.getByTestId('status-open-settings').textContent(), 'Open settings');
  assertShot(await host.screenshot('chat-tls-problem.png'));

  await page.getByTestId('status-open-settings').click();
  await dialog(page).waitFor({ state: 'visible', timeout: T });
  await page.getByTestId('settings-caFile').fill(pki.ca.certFile);
  await save(page);
  await closed(page);
  await statusIs(page, 'connected', 5_000);
  assert.equal(fileSettings(host).caFile, pki.ca.certFile);
  assert.notEqual(await label.evaluate((e) => getComputedStyle(e).color), colour, 'connected looks different');
  // Focus went back sensibly (the "Open settings" button is gone): the gear.
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'settings-open', undefined, { timeout: T });

  // And in Chinese: "证书问题". Remove the CA again → the problem comes back (at once, by reconfigure).
  await openSettings(page);
  await page.getByTestId('settings-language').selectOption('zh-CN');
  await page.getByTestId('settings-caFile').fill('');
  await save(page);
  await closed(page);
  await page.locator('[data-testid="status"][data-problem="tls"]').waitFor({ timeout: T });
  assert.equal(await page.getByTestId('status-text').textContent(), '证书问题');
  assert.equal(await page.getByTestId('status-detail').textContent(), '证书颁发机构未知——请在设置中添加 CA 证书');
  assert.equal(await page.getByTestId('status-open-settings').textContent(), '打开设置');
  assertShot(await host.screenshot('chat-tls-problem-zh-CN.png'));
  assert.deepEqual(host.pageErrors, []);
});

test('server error (SERVER_ERROR): its own heading, the attempt, countdown and reconnect now', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  // Exactly what the client pushes on close 4000 / 1011; the core's own mapping is tested in tests/core.
  const status = host.client.status();
  await host.push('chat:status', {
    ...status,
    connection: {
      kind: 'reconnecting',
      attempt: 2,
      retryAt: Date.now() + 20_000,
      delayMs: 20_000,
      reason: { code: 'SERVER_ERROR', detail: 'close 1011' },
    },
  });
  await page.locator('[data-testid="status"][data-problem="server-error"]').waitFor({ timeout: T });
  assert.equal(await page.getByTestId('status-text').textContent(), 'Server error');
  assert.equal(await page.getByTestId('status-detail').textContent(), 'retrying (attempt 2)');
  assert.match((await page.getByTestId('status-countdown').textContent()) ?? '', /^next try in \d+ s$/);
  assert.equal(await page.getByTestId('reconnect-now').isVisible(), true);
  assert.equal(await page.getByTestId('status-open-settings').count(), 0, 'nothing to fix in settings');
  assertShot(await host.screenshot('chat-server-error.png'));
});

test('a settings file that cannot be written is reported, and the dialog stays open with the input', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  // Unwritable even for root: a directory where the file should be (the atomic rename fails).
  rmSync(host.settingsFile);
  mkdirSync(host.settingsFile);
  await openSettings(page);
  await page.getByTestId('settings-compression').selectOption('zlib');
  await save(page);
  await page.getByTestId('settings-problems').waitFor({ timeout: T });
  assert.match((await page.getByTestId('settings-problem').first().textContent()) ?? '', /settings could not be saved/);
  assert.equal(await dialog(page).isVisible(), true);
  assert.equal(await page.getByTestId('settings-compression').inputValue(), 'zlib');
  assert.equal(statSync(host.settingsFile).isDirectory(), true, 'nothing was put in its place');
  await page.getByTestId('settings-cancel').click();
  await closed(page);
  await statusIs(page, 'connected');
});
