/**
 * Conversations in the app (issue 24): the built main.js in a process of its own on the strict
 * stand-in, against the reference server. A notification names its conversation and a click opens
 * it; the tray's tooltip and icon say the unread total and that a mention waits; a muted
 * conversation is quiet but for @mentions; the level, the draft, the last conversation and the
 * list survive a restart, and paint before any network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ConversationsView } from '../../electron/common/contract';
import { serve, SNI, SniWatcher, startBus } from '../helpers/dbus';
import { conversationPeer } from '../helpers/conversation-peer';
import { fileFixtures } from '../helpers/file-fixtures';
import { startStandInProcess, type StandInProcess } from '../helpers/standin-process';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';

const fx = fileFixtures();
type T = import('node:test').TestContext;

function dataDir(): string {
  const d = fx.tempDir('uos-chat-conv-');
  writeFileSync(path.join(d, 'window-state.json'), JSON.stringify({ width: 1000, height: 700, x: 10, y: 20, maximized: false }));
  return d;
}

async function launch(t: T, o: { userData: string; server: string; connected?: boolean }): Promise<StandInProcess> {
  const bus = await startBus(t, 'session');
  await serve(t, bus.address, SNI.name, SNI.path, new SniWatcher(true));
  const env = {
    UOS_CHAT_SERVER: o.server,
    UOS_CHAT_TOKEN: 'token-alice',
    DBUS_SESSION_BUS_ADDRESS: bus.address,
    XDG_CONFIG_HOME: fx.tempDir('uos-chat-config-'),
  };
  const app = startStandInProcess({ userData: o.userData, env, fake: { trayHost: true } });
  t.after(async () => {
    app.kill('SIGKILL');
    await app.exited;
  });
  const connected = o.connected ?? true;
  await app.waitFor((e) => e.ev === 'status' && (!connected || e.kind === 'connected'), 'the app to report its status');
  return app;
}

/** The next conversations push (after those seen so far) that satisfies `pred`. */
function nextView(app: StandInProcess, pred: (v: ConversationsView) => boolean, what: string): Promise<ConversationsView> {
  const from = app.events.length;
  return app
    .waitFor((e) => e.ev === 'conversations' && app.events.indexOf(e) >= from && pred(e.view), what)
    .then((e) => e.view as ConversationsView);
}

const listed = (v: ConversationsView, ...ids: string[]) => ids.every((id) => v.list.some((c) => c.id === id));
const notificationBy = (app: StandInProcess, title: string, body: string) =>
  app.waitFor(
    (e) => e.ev === 'notification' && e.options.title === title && e.options.body === body,
    `the notification "${title}: ${body}"`,
  );

test('a notification names its conversation and a click opens it; the tray says the unread total and that a mention waits', async (t) => {
  const app = await launch(t, { userData: dataDir(), server: fx.srv.url });
  const bob = await conversationPeer(fx.srv.url, 'token-bob');
  t.after(() => bob.close());
  const seen = nextView(app, (v) => v.list.length >= 3, 'the DM and the room in the sidebar');
  const dm = (await bob.request({ type: 'open_dm', user: 'alice' })).conversation.id as string;
  const ops = (await bob.request({ type: 'create', name: 'ops', kind: 'private', members: ['alice'] })).conversation.id as string;
  const view = await seen;
  assert.ok(listed(view, dm, ops, 'lobby'), JSON.stringify(view));
  assert.equal(view.current, 'lobby');

  await app.request('blur');
  await bob.subscribe([{ conv: dm }, { conv: ops }]);
  // One at a time: the second waits for the first's notification, because a newer notification replaces
  // the one before (the click below must reach the one still shown), and the order in which the app learns
  // of two conversations' messages is the network's.
  await bob.say(ops, 'o1', 'deploy at 5');
  await notificationBy(app, 'ops', 'bob: deploy at 5');
  await bob.say(dm, 'd1', '@alice 在吗？');
  const mention = await notificationBy(app, 'bob', '@alice 在吗？');
  const tray = await app.waitFor(
    (e) => e.ev === 'tray' && e.tray?.tooltip === 'UOS Chat: connected · 2 unread · 1 mention',
    'the tray to say the unread total and the mention',
  );
  assert.equal(tray.tray.image, 'mention.png', 'a waiting mention has its own look');
  assert.equal((await app.request('state')).windows[0].title, '(2) UOS Chat');

  const focusedBefore = (await app.request('state')).windows[0].focused;
  const opened = nextView(app, (v) => v.current === dm, 'the DM shown after the click');
  assert.equal(await app.request('click', mention.index), true, 'the click reached the notification');
  await opened;
  assert.equal((await app.request('state')).windows[0].focused, focusedBefore + 1, 'the click brings the window forward');
});

test('muted: quiet but for @mentions; the level, the draft, the last conversation and the list survive a restart, before any network', async (t) => {
  const srv = await testServer();
  t.after(() => srv.stop());
  const userData = dataDir();
  const app = await launch(t, { userData, server: srv.url });
  const bob = await conversationPeer(srv.url, 'token-bob');
  t.after(() => bob.close());
  const seen = nextView(app, (v) => v.list.some((c) => c.name === 'quiet'), 'the room in the sidebar');
  const quiet = (await bob.request({ type: 'create', name: 'quiet', kind: 'private', members: ['alice'] })).conversation.id as string;
  await seen;

  const muted = (await app.request('invoke', { channel: 'chat:set-notify', arg: { conv: quiet, level: 'muted' } })) as ConversationsView;
  assert.equal(muted.list.find((c) => c.id === quiet)?.notify, 'muted');
  await app.request('invoke', { channel: 'chat:select-conversation', arg: quiet });
  await app.request('invoke', { channel: 'chat:set-draft', arg: { conv: quiet, text: '草稿：明天再说' } });
  await app.request('blur');
  await bob.subscribe([{ conv: quiet }]);
  await bob.say(quiet, 'q1', 'plain, nobody needs telling');
  await bob.say(quiet, 'q2', '@alice you are needed');
  await notificationBy(app, 'quiet', 'bob: @alice you are needed');
  const bodies = (await app.request('state')).notifications.map((n: { options: { body: string } }) => n.options.body);
  assert.deepEqual(
    bodies.filter((b: string) => b.includes('nobody needs telling')),
    [],
    'a plain message in a muted conversation does not notify',
  );
  await app.waitFor(
    (e) => e.ev === 'tray' && e.tray?.tooltip === 'UOS Chat: connected · 1 mention',
    'a muted count left out, its mention not',
  );

  app.post('quit');
  await withTimeout(app.exited, 15_000, 'the app to quit');
  await srv.stop(); // the next start has no server: what it shows comes from the disk
  const again = await launch(t, { userData, server: srv.url, connected: false });
  const view = (await again.request('invoke', { channel: 'chat:get-conversations', arg: null })) as ConversationsView;
  assert.equal(view.current, quiet, 'the last conversation');
  assert.equal(view.multi, true);
  const entry = view.list.find((c) => c.id === quiet);
  assert.equal(entry?.notify, 'muted');
  assert.equal(entry?.draft, '草稿：明天再说');
  assert.equal(entry?.name, 'quiet');
});
