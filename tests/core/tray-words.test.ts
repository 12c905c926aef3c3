/** The tray's words and look (common/tray-words.ts) and where the autostart entry goes (core/autostart.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localeFor, trayLook, trayText, trayTooltip } from '../../electron/common/tray-words';
import { autostartEntry, autostartFile, launcherPath, STORE_LAUNCHER } from '../../electron/core/desktop/autostart';

test('tooltip in English and Chinese (Chinese punctuation), with the unread count only when there is one', () => {
  assert.equal(trayTooltip('en', 'connected', 3), 'UOS Chat: connected · 3 unread');
  assert.equal(trayTooltip('en', 'offline', 0), 'UOS Chat: offline');
  assert.equal(trayTooltip('zh-CN', 'connected', 3), 'UOS Chat：已连接 · 3 条未读');
  assert.equal(trayTooltip('zh-CN', 'reconnecting', 0), 'UOS Chat：正在重新连接');
  assert.equal(trayTooltip('en', 'connected', 3, 1), 'UOS Chat: connected · 3 unread · 1 mention');
  assert.equal(trayTooltip('en', 'connected', 0, 2), 'UOS Chat: connected · 2 mentions', 'a muted conversation: its mentions only');
  assert.equal(trayTooltip('zh-CN', 'connected', 3, 1), 'UOS Chat：已连接 · 3 条未读 · 1 条@我');
  for (const words of Object.values(trayText['zh-CN']))
    if (typeof words === 'string' && words !== ': ') assert.doesNotMatch(words, /[:,;!?]\s/, words);
});

test('the icon: offline or failing wins over unread', () => {
  assert.equal(trayLook('connected', 0), 'normal');
  assert.equal(trayLook('connected', 2), 'unread');
  assert.equal(trayLook('connected', 2, 1), 'mention', 'a waiting mention wins over plain unread');
  assert.equal(trayLook('offline', 2, 1), 'offline');
  for (const kind of ['reconnecting', 'offline', 'auth-failed', 'disconnected'] as const) assert.equal(trayLook(kind, 2), 'offline');
});

test('the language: the setting, else the system locale', () => {
  assert.equal(localeFor('en', 'zh-CN'), 'en');
  assert.equal(localeFor('auto', 'zh-CN'), 'zh-CN');
  assert.equal(localeFor('auto', 'zh-TW'), 'zh-CN');
  assert.equal(localeFor('auto', 'de-DE'), 'en');
});

test('the autostart entry: under XDG_CONFIG_HOME when absolute, else ~/.config; Exec quoted, with --hidden', () => {
  assert.equal(autostartFile({ XDG_CONFIG_HOME: '/x/conf' }, '/home/a'), '/x/conf/autostart/org.uoschat.uos-chat.desktop');
  assert.equal(autostartFile({ XDG_CONFIG_HOME: 'relative' }, '/home/a'), '/home/a/.config/autostart/org.uoschat.uos-chat.desktop');
  assert.equal(autostartFile({}, '/home/a'), '/home/a/.config/autostart/org.uoschat.uos-chat.desktop');
  assert.match(autostartEntry('/opt/apps/a b/uos-chat'), /^Exec="\/opt\/apps\/a b\/uos-chat" --hidden$/m);
  assert.match(autostartEntry('uos-chat'), /^Exec=uos-chat --hidden$/m);
  assert.equal(
    launcherPath({ UOS_CHAT_LAUNCHER: '/l/uos-chat' }, () => false),
    '/l/uos-chat',
  );
  assert.equal(
    launcherPath({}, (p) => p === STORE_LAUNCHER),
    STORE_LAUNCHER,
  );
  assert.equal(
    launcherPath({}, () => false),
    'uos-chat',
  );
});
