/**
 * The desktop's proxy through the app's own path: the built main.js on the stand-in, whose
 * session.defaultSession.resolveProxy answers PAC-style lists (session docs, resolveProxy), with Debian's
 * tinyproxy as the real proxy and a private D-Bus with NetworkManager for the network. Main asks again
 * before every connection: resolveProxy can answer DIRECT just after start-up (electron/electron#26166),
 * so the next connection, when the network comes back or on reconnect, must follow the later answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CopyDiagnosticsResult } from '../../electron/common/contract';
import type { Status } from '../../electron/common/state';
import { NetworkManager, serve, startBuses } from '../helpers/dbus';
import { freePort } from '../helpers/ports';
import { startTinyproxy } from '../helpers/proxies';
import { bootStandIn } from '../helpers/standin';

const NO_PROXY_ENV = Object.fromEntries(
  ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap((v) => [
    [v, undefined],
    [v.toUpperCase(), undefined],
  ]),
);

test('main follows resolveProxy: DIRECT just after start-up, then a PAC list in order (dead proxy, tinyproxy), then dead → DIRECT', async (t) => {
  const buses = await startBuses(t);
  const nm = new NetworkManager(70);
  await serve(t, buses.system.address, 'org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager', nm);
  // No ConnectPort lines: tinyproxy allows CONNECT to any port (the test server's is not known yet). No auth: a PAC list carries none.
  const tiny = await startTinyproxy({ connectPorts: [], auth: false });
  t.after(() => tiny.close());
  const dead = await freePort();

  // What the desktop answers, changed by the test as the system's proxy settings would be read.
  let answer = 'DIRECT';
  const s = await bootStandIn(
    'token-alice',
    {},
    {
      env: {
        ...NO_PROXY_ENV,
        UOS_CHAT_PROXY: undefined,
        DBUS_SYSTEM_BUS_ADDRESS: buses.system.address,
        DBUS_SESSION_BUS_ADDRESS: buses.session.address,
      },
      fake: { resolveProxy: () => answer },
    },
  );
  t.after(() => s.stop());
  const connects = () => tiny.log().match(new RegExp(`CONNECT 127\\.0\\.0\\.1:${s.srv.port} `, 'g'))?.length ?? 0;
  const diagnostics = async () => {
    const r = (await s.api.copyDiagnostics()) as CopyDiagnosticsResult;
    assert.ok(r.ok);
    return /^proxy: (.*)$/m.exec(r.text)?.[1] ?? '';
  };
  const pushesSoFar = () => s.fake.windows[0]!.webContents.sent.length;
  const connectedAfter = (mark: number) =>
    s.waitForPush(
      'chat:status',
      (x: Status) => x.connection.kind === 'connected' && s.fake.windows[0]!.webContents.sent.map((p) => p.payload).lastIndexOf(x) >= mark,
      15_000,
    );

  // 1. Just after start-up the answer was DIRECT (electron#26166): connected without the proxy, asked with the web URL.
  assert.equal(connects(), 0);
  assert.deepEqual(s.fake.session.proxyLookups, [s.srv.url.replace('ws:', 'http:')]);
  assert.match(await diagnostics(), /^DIRECT; routes in order: DIRECT; from system \(system answer: DIRECT\)/);

  // 2. The system's answer is known now; the network goes away and comes back: main asks again, and the list is
  //    tried in order: the dead proxy first (refused), then tinyproxy, which carries the connection.
  answer = `PROXY 127.0.0.1:${dead}; PROXY 127.0.0.1:${tiny.port}; DIRECT`;
  await s.waitForPush('chat:status', (x: Status) => x.connection.kind === 'connected');
  nm.set(20);
  await s.waitForPush('chat:status', (x: Status) => x.connection.kind === 'offline', 10_000);
  let mark = pushesSoFar();
  nm.set(70);
  await connectedAfter(mark);
  assert.equal(s.fake.session.proxyLookups.length, 2, 'asked once more, for the new connection');
  assert.equal(connects(), 1, 'one CONNECT in tinyproxy’s log');
  const viaProxy = await diagnostics();
  assert.match(viaProxy, new RegExp(`^http://127\\.0\\.0\\.1:${tiny.port} \\(HTTP 200`));
  assert.match(viaProxy, new RegExp(`routes in order: http://127\\.0\\.0\\.1:${dead}; http://127\\.0\\.0\\.1:${tiny.port}; DIRECT`));
  assert.match(viaProxy, new RegExp(`failed first: .*127\\.0\\.0\\.1:${dead}.*ECONNREFUSED`));

  // 3. The server restarts and the app reconnects: main asks again; a dead proxy, then DIRECT, goes direct
  //    (and never through tinyproxy).
  answer = `PROXY 127.0.0.1:${dead}; DIRECT`;
  mark = pushesSoFar();
  await s.srv.restart();
  await connectedAfter(mark);
  assert.equal(s.fake.session.proxyLookups.length, 3);
  assert.equal(connects(), 1, 'tinyproxy carried nothing more');
  assert.match(
    await diagnostics(),
    new RegExp(`^DIRECT; routes in order: http://127\\.0\\.0\\.1:${dead}; DIRECT; .*failed first: .*ECONNREFUSED`),
  );
});
