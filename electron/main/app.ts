/**
 * The composition root of the desktop app, in named phases: before ready (the log, heap, launch
 * facts, the single-instance lock), after ready (settings, the conversations, the machine monitor, the
 * service), the window (tray, IPC, the chat window), then the monitors and the first connection.
 * Everything here is glue; the behaviour lives in the core.
 */
import type * as Electron from 'electron';
import * as path from 'node:path';
import { DisposableStore } from '../core/base';
import type { ConversationClients, ConversationDesk } from '../core/conversations';
import { downloadsDir, FileDesk } from '../core/files';
import { ChatService, frameScheduler } from '../core/service';
import {
  tuneHeapForLongRunning,
  describeLaunch,
  readLaunchInfo,
  MachineMonitor,
  noticesFor,
  openNotices,
  loadWindowState,
  saveWindowState,
  loadFileUrl,
  type LaunchInfo,
} from '../core/desktop';
import { describeProxyReport } from './proxy';
import type { SettingsStore } from '../core/settings';
import type { Logger } from '../core/support';
import { logFolder, openAppLog } from './app-log';
import { electronFileShell, registerFileScheme, serveFileScheme } from './files';
import { registerIpc } from './ipc';
import { watchLifecycle } from './lifecycle';
import { hardenContents, hardenSession } from './security';
import { appSupport } from './support';
import { deskConnection, openKeepRunning, type KeepRunning } from './keep-running';
import { openChatWindow, type ChatWindowHandle, type ChatWindowOptions } from './window';
import { openSettingsAndCore, type SettingsAndCore } from './settings-core';

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
  clients: ConversationClients;
  desk: ConversationDesk;
  service: ChatService;
  machine: MachineMonitor;
  settings: SettingsStore;
  window: () => Electron.BrowserWindow | undefined;
}

export async function runMain(
  electron: ElectronModule,
  paths: MainPaths,
  argv: readonly string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
  deps: { setV8Flags?: (flags: string) => void } = {},
): Promise<MainHandle | undefined> {
  const early = beforeReady(electron, env, deps);
  if (!early) return undefined;
  await electron.app.whenReady();
  if (early.lifecycle.quitting()) return undefined;
  const core = await afterReady(electron, early, argv, env);
  const chatWindow = await windowPhase(electron, paths, early, core, argv, env);
  await startMonitors(early, core);
  return {
    clients: core.clients,
    desk: core.desk,
    service: core.service,
    machine: core.machine,
    settings: core.settings,
    window: () => chatWindow.window(),
  };
}

type Early = ReturnType<typeof watchEarly>;

/** Before ready: what must happen first thing, and before any await (a second launch or a signal during start-up is kept). */
function beforeReady(electron: ElectronModule, env: NodeJS.ProcessEnv, deps: { setV8Flags?: (flags: string) => void }): Early | undefined {
  const { app } = electron;
  const logger = openAppLog(app, env); // the file in <userData>/logs and stderr, from here on
  tuneHeapForLongRunning(deps.setV8Flags);
  const launchInfo = readLaunchInfo(env);
  const launch = describeLaunch(launchInfo); // chosen by the launcher; too late from here (electron#49084)
  logger.for('main').info(`launch: display ${launch.display}; sandbox ${launch.sandbox}`);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  registerFileScheme(electron.protocol); // before ready, or the scheme has no privileges (files.ts)
  return watchEarly(app, logger, launchInfo, launch);
}

function watchEarly(app: Electron.App, logger: Logger, launchInfo: LaunchInfo, launch: ReturnType<typeof describeLaunch>) {
  return { logger, launchInfo, launch, lifecycle: watchLifecycle(app, logger.for('main').info), disposables: new DisposableStore() };
}

type Core = SettingsAndCore & { machine: MachineMonitor; service: ChatService; files: FileDesk; userData: string };

/** After ready: settings and the conversations they configure, the machine monitor, notices and the IPC service. */
async function afterReady(electron: ElectronModule, early: Early, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<Core> {
  const { logger } = early;
  const userData = electron.app.getPath('userData');
  const opened = await openSettingsAndCore(electron, { userData, argv, env, logger, disposables: early.disposables });
  const { settings, clients, desk } = opened;
  // Network, power save and sleep from D-Bus, to every conversation and the shared socket.
  // Never fatal: without a bus the network is 'unknown'.
  const machine = new MachineMonitor({ target: clients, log: logger.for('monitor').info });
  const facts = {
    env,
    launch: early.launch,
    logFolder: logFolder(userData),
    logger,
    client: () => desk.client(),
    machine: () => machine,
    settings: () => settings.current(),
    proxy: () => describeProxyReport(clients.link.proxy ?? desk.client().diagnostics().proxy), // the last connection's way to the server
  };
  // A one-time notice in the window when the launcher had to turn the sandbox off (dismissals kept in notices.json).
  const notices = await openNotices(path.join(userData, 'notices.json'), noticesFor(early.launchInfo), logger.for('main').warn);
  // Uploads queued in each account's directory, downloads to the desktop's downloads folder (XDG), images for the window.
  const files = new FileDesk({ clients, dataDir: userData, downloadsDir: () => downloadsDir(env) });
  await files.start();
  const service = new ChatService({
    client: desk.client(),
    desk,
    settings,
    schedule: frameScheduler,
    support: appSupport(electron, facts),
    notices,
    files,
    fileShell: electronFileShell(electron, {
      window: () => electron.BrowserWindow.getAllWindows()[0],
      downloadsDir: () => downloadsDir(env),
    }),
  });
  return { ...opened, machine, service, files, userData };
}

/** The window: the tray, closing into it, --hidden and autostart (keep-running.ts), IPC, and the chat window. */
async function windowPhase(
  electron: ElectronModule,
  paths: MainPaths,
  early: Early,
  core: Core,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ChatWindowHandle> {
  const { lifecycle, logger, disposables } = early;
  const { settings, clients, desk, memory, machine, service, files, userData } = core;
  const iconDir = path.join(path.dirname(paths.preload), 'tray');
  const log = logger.for('main').info;
  const shell = await openKeepRunning(electron, {
    settings: () => settings.current(),
    connection: deskConnection(desk, clients),
    quitting: lifecycle.quitting,
    userData,
    env,
    iconDir,
    log,
  });
  disposables.add(settings.onDidChange(({ settings: s, changed }) => shell.settingsChanged(s, changed)));
  disposables.add({ dispose: serveFileScheme(electron.protocol, files) }); // before the window asks for an image
  const chatWindow = await openSecuredWindow(
    electron,
    paths,
    { service, desk, clients, userData, logger },
    shellWindowOptions(shell, argv),
  );
  shell.attachWindow(chatWindow);
  // Single instance; quitting first finishes the core, outbox, settings and window state
  // (lifecycle.ts); quitting always goes through app.quit().
  lifecycle.windowOpened(() => chatWindow.focus());
  lifecycle.beforeExit(() => {
    disposables.dispose();
    // Transfers stop first (their queues are on disk: the next start goes on);
    // then the last list, levels and drafts once nothing moves them.
    const core = files
      .stop()
      .then(() => clients.stop())
      .then(() => memory.settled());
    return [machine.stop(), core, chatWindow.saveForExit(), settings.settled(), shell.stop()];
  });
  return chatWindow;
}

/**
 * The monitor first, so the first connection attempt already knows if the machine is offline. The
 * shown conversation's store is open when this resolves; the greeting (or a failure, said by the
 * client's status) comes when it comes.
 */
async function startMonitors(early: Early, core: Core): Promise<void> {
  await core.machine.start();
  for (const problem of core.machine.snapshot().problems) early.logger.for('monitor').warn(problem);
  void core.clients.start().catch(() => undefined); // why it failed is the status the window shows
  await core.desk.client().start();
}

/** The session and every web contents hardened, the IPC channels registered, then the chat window with its remembered bounds. */
async function openSecuredWindow(
  electron: ElectronModule,
  paths: MainPaths,
  o: { service: ChatService; desk: ConversationDesk; clients: ConversationClients; userData: string; logger: Logger },
  shell: Pick<ChatWindowOptions, 'hidden' | 'keepOnClose' | 'onUnread' | 'onVisibility'> = {},
): Promise<ChatWindowHandle> {
  const { app, ipcMain, session } = electron;
  hardenSession(session.defaultSession);
  app.on('web-contents-created', (_e, contents) => hardenContents(contents));

  const rendererUrl = loadFileUrl(paths.indexHtml); // as Chromium reports it (pathToFileURL differs on '%')
  registerIpc(ipcMain, o.service, rendererUrl, o.logger.for('main').warn);

  const windowStateFile = path.join(o.userData, 'window-state.json');
  return openChatWindow(electron, {
    paths,
    service: o.service,
    desk: o.desk,
    clients: o.clients,
    state: await loadWindowState(windowStateFile),
    saveState: (state) => saveWindowState(windowStateFile, state),
    log: o.logger.for('main').info,
    ...shell,
  });
}

/** What the window takes from the tray: --hidden (only with a tray host: else it could not be found again), close into the tray, unread. */
function shellWindowOptions(
  shell: KeepRunning,
  argv: readonly string[],
): Pick<ChatWindowOptions, 'hidden' | 'keepOnClose' | 'onUnread' | 'onVisibility'> {
  return {
    hidden: argv.includes('--hidden') && shell.mayStartHidden(),
    keepOnClose: shell.keepOnClose,
    onUnread: shell.setUnread,
    onVisibility: shell.visibilityChanged,
  };
}
