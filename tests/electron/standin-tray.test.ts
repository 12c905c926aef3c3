/**
 * The stand-in's Tray, Menu and nativeImage (tests/helpers/fake-electron-tray.ts) are as strict as
 * Electron 45 on Linux, each rule with its source in that file: no Tray before 'ready'; a Tray nobody
 * references is collected and its icon and menu go with it; without a StatusNotifier host nothing is
 * shown; a menu change shows only after setContextMenu again; a missing icon file is an empty image;
 * disabled items and separators cannot be clicked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createFakeElectron } from '../helpers/fake-electron';

const ICON = path.resolve(__dirname, '../../dist/electron/tray/normal.png');

async function ready(t: import('node:test').TestContext, o: { trayHost?: boolean } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'standin-tray-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fake = createFakeElectron(dir, o);
  const early = () => new fake.electron.Tray(fake.electron.nativeImage.createFromPath(ICON));
  assert.throws(early, /before app is ready/);
  await fake.app.whenReady();
  return fake;
}

test('a tray menu is clicked through its items; disabled items and separators are not clickable', async (t) => {
  const fake = await ready(t);
  const { Tray, Menu, nativeImage } = fake.electron;
  const clicks: string[] = [];
  const tray = new Tray(nativeImage.createFromPath(ICON));
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show', click: () => clicks.push('show') },
      { type: 'separator' },
      { label: 'Status', enabled: false, click: () => clicks.push('status') },
    ]),
  );
  assert.equal(fake.clickTrayItem('Show'), true);
  assert.equal(fake.clickTrayItem('Status'), false);
  assert.equal(fake.clickTrayItem(''), false);
  assert.deepEqual(clicks, ['show']);
});

test('on Linux a changed menu item shows only after setContextMenu again', async (t) => {
  const fake = await ready(t);
  const { Tray, Menu, nativeImage } = fake.electron;
  const tray = new Tray(nativeImage.createFromPath(ICON));
  const menu = Menu.buildFromTemplate([{ label: 'Show window' }]);
  tray.setContextMenu(menu);
  menu.items[0]!.label = 'Hide window';
  assert.deepEqual(
    fake.shownTray()!.menu.map((m) => m.label),
    ['Show window'],
  );
  tray.setContextMenu(menu);
  assert.deepEqual(
    fake.shownTray()!.menu.map((m) => m.label),
    ['Hide window'],
  );
});

test('without a StatusNotifier host the tray is not shown and its menu cannot be reached', async (t) => {
  const fake = await ready(t, { trayHost: false });
  const { Tray, Menu, nativeImage } = fake.electron;
  const tray = new Tray(nativeImage.createFromPath(ICON));
  tray.setContextMenu(Menu.buildFromTemplate([{ label: 'Quit', click: () => assert.fail('reached') }]));
  assert.equal(fake.shownTray(), undefined);
  assert.equal(fake.clickTrayItem('Quit'), false);
});

test('a missing icon file is an empty image, which the stand-in refuses (nothing would show)', async (t) => {
  const fake = await ready(t);
  const { Tray, nativeImage } = fake.electron;
  const empty = nativeImage.createFromPath(path.join(os.tmpdir(), 'no-such-icon.png'));
  assert.equal(empty.isEmpty(), true);
  assert.deepEqual(nativeImage.createFromPath(ICON).getSize(), { width: 32, height: 32 });
  assert.throws(() => new Tray(empty), /empty tray image/);
});

test('a Tray nobody references is garbage-collected, and its menu with it', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const fake = await ready(t);
  const { Tray, Menu, nativeImage } = fake.electron;
  ((): void => {
    const lost = new Tray(nativeImage.createFromPath(ICON));
    lost.setContextMenu(Menu.buildFromTemplate([{ label: 'Quit', click: () => {} }]));
  })();
  assert.equal(fake.clickTrayItem('Quit'), true, 'reachable before a collection');
  // WeakRefs made in this job are kept until it ends: collect on later turns (bounded).
  for (let i = 0; i < 10 && fake.shownTray(); i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  assert.equal(fake.shownTray(), undefined, 'collected');
  assert.equal(fake.clickTrayItem('Quit'), false);
});
