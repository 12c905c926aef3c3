/**
 * The composition root of the desktop app: reads settings, wires the core,
 * IPC and the window. Everything here is glue; the behaviour lives in the core.
 */
import type * as Electron from 'electron';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChatClient } from '../core/client';
import { ChatService } from '../core/chat-service';
import { FileOutboxStore } from '../core/outbox-file';
import { loadCaBundle } from '../core/ca-bundle';
import { launchSwitches } from '../core/launch-flags';
import { MachineMonitor } from '../core/machine-monitor';
import { loadSettingsFile, mergeSettings, settingsFromArgs, settingsFromEnv } from '../core/settings';
import { registerIpc } from './ipc';
import { hardenContents, hardenSession, secureWebPreferences } from './security';

export type ElectronModule = typeof Electron;

export interface MainPaths {
  preload: string;
  indexHtml: string;
}

export function mainPaths(dir: string): MainPaths {
  // Bundled layout: dist/electron/{main,preload}.js and dist/renderer/index.html (also inside app.asar).
  return { preload: path.join(dir, 'preload.js'), indexHtml: path.join(dir, '..', 'renderer', 'index.html') };
}

export interface MainHandle {
  client: ChatClient;
  service: ChatService;
  machine: MachineMonitor;
  window: () => Electron.BrowserWindow | undefined;
}

export async function runMain(
  electron: ElectronModule,
  paths: MainPaths,
  argv: readonly string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
): Promise<MainHandle | undefined> {
  const { app, BrowserWindow, ipcMain, session } = electron;
  const log = (line: string) => process.stderr.write(`[uos-chat] ${line}\n`);

  for (const s of launchSwitches(env, argv)) app.commandLine.appendSwitch(s.name, s.value);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }

  await app.whenReady();

  const userData = app.getPath('userData');
  const fromFile = await loadSettingsFile(path.join(userData, 'settings.json'));
  const fromEnv = settingsFromEnv(env);
  const fromArgs = settingsFromArgs(argv);
  for (const p of [...fromFile.problems, ...fromEnv.problems, ...fromArgs.problems]) log(`settings: ${p}`);
  if (fromFile.problem) log(`settings: ${fromFile.problem.detail}`);
  const settings = mergeSettings(fromFile.patch, fromEnv.patch, fromArgs.patch);

  // CA trust is read here and handed to the socket: it must not depend on NODE_EXTRA_CA_CERTS,
  // which the packaged app turns off with the NODE_OPTIONS fuse.
  const ca = loadCaBundle({ userFile: settings.caFile });
  for (const p of ca.problems) log(`tls: ${p.detail}`);
  const client = new ChatClient({
    config: {
      url: settings.serverUrl,
      ...(settings.token ? { token: settings.token } : {}),
      compression: settings.compression,
      tls: { ca: ca.ca },
    },
    outboxStore: new FileOutboxStore(path.join(userData, 'outbox.jsonl')),
  });
  client.on('log', (l) => log(`${l.level}: ${l.message}`));
  const service = new ChatService(client);
  // Network, power save and sleep from D-Bus. Never fatal: without a bus the network is 'unknown'.
  const machine = new MachineMonitor({ target: client, log: (line) => log(`machine: ${line}`) });

  hardenSession(session.defaultSession);
  app.on('web-contents-created', (_e, contents) => hardenContents(contents));

  const rendererUrl = pathToFileURL(paths.indexHtml).href;
  registerIpc(ipcMain, service, rendererUrl, log);

  let win: Electron.BrowserWindow | undefined;
  const createWindow = () => {
    const w = new BrowserWindow({
      width: 960,
      height: 720,
      minWidth: 480,
      minHeight: 360,
      title: 'UOS Chat',
      show: false,
      webPreferences: secureWebPreferences(paths.preload),
    });
    hardenContents(w.webContents);
    const detach = service.attach({ push: (channel, payload) => w.webContents.send(channel, payload) });
    w.on('closed', () => {
      detach();
      if (win === w) win = undefined;
    });
    w.once('ready-to-show', () => w.show());
    void w.loadFile(paths.indexHtml);
    return w;
  };
  win = createWindow();

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping) return;
    stopping = true;
    event.preventDefault();
    void Promise.allSettled([machine.stop(), client.stop()]).finally(() => app.quit());
  });

  // The monitor first, so the first connection attempt already knows if the machine is offline.
  await machine.start();
  for (const problem of machine.snapshot().problems) log(`machine: ${problem}`);
  await client.start();
  return { client, service, machine, window: () => win };
}
