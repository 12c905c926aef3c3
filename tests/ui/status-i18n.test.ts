/**
 * Status label states driven by the real core (offline, power save,
 * auth-failed, disconnected) and the two languages, zh-CN and en.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { startUiHost } from '../helpers/ui-host';
import { statusIs, T, waitForMessage } from './helpers';

test('zh-CN from navigator.language: every visible string is Chinese; the switch changes language and is remembered', async (t) => {
  const host = await startUiHost({ locale: 'zh-CN' });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await page.title(), 'UOS 聊天');
  assert.equal(await page.getByTestId('status-text').textContent(), '已连接');
  assert.equal(await page.getByTestId('input').getAttribute('placeholder'), '输入消息…');
  assert.equal(await page.getByTestId('send').textContent(), '发送');
  assert.equal(await page.getByTestId('byte-count').textContent(), '0 / 10,240 字节');
  assert.equal(await page.getByTestId('log-empty').locator('.log-empty-title').textContent(), '还没有消息');

  const bob = await host.peer();
  assert.ok((await bob.send('下午好，大家！今天的会议改到三点。')).ok);
  await waitForMessage(page, '下午好，大家！今天的会议改到三点。');
  await page.getByTestId('input').fill('收到，谢谢！');
  await page.getByTestId('input').press('Enter');
  const mine = await waitForMessage(page, '收到，谢谢！', 'sent');
  assert.equal(await mine.getByTestId('delivery-sent').textContent(), '已发送');
  assert.equal(await mine.locator('.msg-you').textContent(), '（我）');
  const shot = await host.screenshot('chat-connected-zh-CN.png');
  assert.ok(statSync(shot).size > 1000);

  await host.server.stop();
  await statusIs(page, 'reconnecting');
  assert.match((await page.getByTestId('status-text').textContent()) ?? '', /^正在重新连接（第 \d+ 次尝试）$/);
  // Why, in Chinese: the drop itself, or (a retry already failed on a busy machine) that the server cannot be reached.
  assert.match((await page.getByTestId('status-detail').textContent()) ?? '', /^(连接已断开|无法连接到服务器)$/);
  assert.match((await page.getByTestId('status-countdown').textContent()) ?? '', /^(\d+ 秒后重试|正在重试…)$/);
  assert.equal(await page.getByTestId('reconnect-now').textContent(), '立即重连');
  await host.screenshot('chat-reconnecting-zh-CN.png');

  // Switch to English: the label re-renders in English at once…
  await page.getByTestId('lang-en').click();
  await page.getByTestId('reconnect-now').getByText('Reconnect now').waitFor({ timeout: T });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.getByTestId('lang-en').getAttribute('aria-pressed'), 'true');
  // …and the choice survives a reload.
  await host.server.restart();
  await statusIs(page, 'connected', 15_000);
  await page.reload();
  await statusIs(page, 'connected');
  // The status can come before the settings are read (until then the system's language shows): wait for the choice.
  await page.getByTestId('status-text').getByText('Connected', { exact: true }).waitFor({ timeout: T });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await waitForMessage(page, '收到，谢谢！', 'sent');
});

test('offline, power save and disconnected come from the core and show as text + icon', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  assert.equal(await page.getByTestId('power-save').count(), 0);

  host.client.setPowerSave(true);
  await page.getByTestId('power-save').waitFor({ timeout: T });
  assert.equal(await page.getByTestId('power-save').textContent(), 'Power saving');
  assert.equal(await page.getByTestId('power-save').getAttribute('title'), 'Power saving mode: the connection is checked every 60 s');

  host.client.setNetwork('offline');
  await statusIs(page, 'offline');
  assert.equal(await page.getByTestId('status-text').textContent(), 'Offline — waiting for network');
  assert.equal(await page.getByTestId('status-detail').count(), 0, 'no repeated detail');
  assert.ok((await page.getByTestId('status').locator('svg').count()) > 0, 'an icon beside the text');
  await host.screenshot('chat-offline-power-save.png');

  host.client.setNetwork('online');
  host.client.setPowerSave(false);
  await statusIs(page, 'connected');
  await page.getByTestId('power-save').waitFor({ state: 'detached', timeout: T });

  await host.client.stop();
  await statusIs(page, 'disconnected');
  assert.equal(await page.getByTestId('status-text').textContent(), 'Disconnected');
  assert.equal(await page.getByTestId('status-detail').count(), 0, '"stopped" is not repeated as a detail');
  assert.ok((await page.getByTestId('status').locator('svg').count()) > 0, 'an icon beside the text');
});

test('a bad token: the label says sign-in failed and why, and there is no reconnect loop', async (t) => {
  const host = await startUiHost({ token: 'token-nobody' });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'auth-failed');
  assert.equal(await page.getByTestId('status-text').textContent(), 'Sign-in failed');
  assert.equal(await page.getByTestId('status-detail').textContent(), 'authentication failed — check the token');
  assert.equal(await page.getByTestId('reconnect-now').count(), 0);
  await host.screenshot('chat-auth-failed.png');
});

test('the smallest window (480 × 360, the app minimum) has no horizontal overflow and keeps Send in view', async (t) => {
  const host = await startUiHost({ locale: 'zh-CN', viewport: { width: 480, height: 360 } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const bob = await host.peer();
  const long =
    '这是一条比较长的消息，用来看看在窄窗口里换行是否好看。A_very_long_unbroken_token_that_must_wrap_instead_of_overflowing_the_window_0123456789';
  assert.ok((await bob.send(long)).ok);
  await waitForMessage(page, long);
  await host.server.stop();
  await statusIs(page, 'reconnecting');
  const layout = await page.evaluate(() => {
    const send = document.querySelector('[data-testid="send"]')!.getBoundingClientRect();
    const bubble = document.querySelector('.bubble')!.getBoundingClientRect();
    return {
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      sendInView: send.right <= window.innerWidth && send.bottom <= window.innerHeight && send.top >= 0,
      bubbleInView: bubble.right <= window.innerWidth,
    };
  });
  assert.deepEqual(layout, { overflow: 0, sendInView: true, bubbleInView: true });
  // The header grew a line (countdown, reconnect now): the log still shows its newest line in full.
  await page.waitForFunction(
    () => {
      const log = document.querySelector('[data-testid="log"]')!.getBoundingClientRect();
      const last = [...document.querySelectorAll('[data-testid="message-text"]')].pop()!.getBoundingClientRect();
      return last.bottom <= log.bottom + 1;
    },
    undefined,
    { timeout: 5000 },
  );
  await host.screenshot('chat-narrow-zh-CN.png');
});
