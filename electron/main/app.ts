/**
 * The composition root of the desktop app: reads settings, wires the core,
 * IPC and the window. Everything here is glue; the behaviour lives in the core.
 */
import type * as Electron from 'electron';
import * as path from 'node:path';
import { ChatClient, settingsToClientConfig } from '../core/connection';
import { ChatService, frameScheduler } from '../core/service';
import { AccountDirectory } from '../core/store';
import { tuneHeapForLongRunning, describeLaunch, readLaunchInfo, MachineMonitor, noticesFor, openNotices, loadWindowState, saveWindowState, loadFileUrl } from '../core/desktop';
import { loadCaBundle, type CaBundle } from '../core/network';
import { describeProxyReport, desktopProxyWiring } from './proxy';
import { formatSettingsProblem, settingsFromArgs, settingsFromEnv, type Settings, SettingsStore, type SecretBox } from '../core/settings';
import type { SettingsKey } from '../common/settings-fields';
import { type Logger, secretsOf } from '../core/support';
import { logFolder, openAppLog } from './app-log';
import { registerIpc } from './ipc';
import { watchLifecycle } from './lifecycle';
import { hardenContents, hardenSession } from './security';
import { appSupport } from './support';
import { openKeepRunning, type KeepRunning } from './keep-running';
import { openChatWindow, type ChatWindowHandle, type ChatWindowOptions } from './window';

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
  const { app } = electron;
  const logger = openAppLog(app, env); // the file in <userData>/logs and stderr, from here on
  const log = logger.for('main').info;

  tuneHeapForLongRunning(deps.setV8Flags);

  const launchInfo = readLaunchInfo(env);
  const launch = describeLaunch(launchInfo); // chosen by the launcher; too late from here (electron#49084)
  log(`launch: display ${launch.display}; sandbox ${launch.sandbox}`);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  const lifecycle = watchLifecycle(app, log); // before any await: a second launch or signal during start-up is kept

  await app.whenReady();
  if (lifecycle.quitting()) return undefined;

  const userData = app.getPath('userData');
  const { settings, client: core, onSaved } = await openSettingsAndCore(electron, userData, argv, env, logger);
  const facts = {
    env,
    launch,
    logFolder: logFolder(userData),
    logger,
    client: core,
    machine: () => machine,
    settings: () => settings.current(),
    proxy: () => describeProxyReport(core.diagnostics().proxy), // the last connection's way to the server
  };
  // A one-time notice in the window when the launcher had to turn the sandbox off (dismissals kept in notices.json).
  const notices = await openNotices(path.join(userData, 'notices.json'), noticesFor(launchInfo), logger.for('main').warn);
  const service = new ChatService({ client: core, settings, schedule: frameScheduler, support: appSupport(electron, facts), notices });
  // Network, power save and sleep from D-Bus. Never fatal: without a bus the network is 'unknown'.
  const machine = new MachineMonitor({ target: core, log: logger.for('monitor').info });

  // The tray, closing into it, --hidden and autostart (keep-running.ts); quitting always goes through app.quit().
  const iconDir = path.join(path.dirname(paths.preload), 'tray');
  const shell = await openKeepRunning(electron, { settings: () => settings.current(), client: core, quitting: lifecycle.quitting, userData, env, iconDir, log });
  onSaved.shell = shell.settingsChanged;
  const chatWindow = await openSecuredWindow(electron, paths, { service, client: core, userData, logger }, shellWindowOptions(shell, argv));
  shell.attachWindow(chatWindow);
  // Single instance; quitting first finishes the core, outbox, settings and window state (lifecycle.ts).
  lifecycle.windowOpened(() => chatWindow.focus());
  lifecycle.beforeExit(() => [machine.stop(), core.stop(), chatWindow.saveForExit(), settings.settled(), shell.stop()]);

  // The monitor first, so the first connection attempt already knows if the machine is offline.
  await machine.start();
  for (const problem of machine.snapshot().problems) logger.for('monitor').warn(problem);
  await core.start();
  return { client: core, service, machine, settings, window: () => chatWindow.window() };
}

/** The session and every web contents hardened, the IPC channels registered, then the chat window with its remembered bounds. */
async function openSecuredWindow(
  electron: ElectronModule,
  paths: MainPaths,
  o: { service: ChatService; client: ChatClient; userData: string; logger: Logger },
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
    client: o.client,
    state: await loadWindowState(windowStateFile),
    saveState: (state) => saveWindowState(windowStateFile, state),
    log: o.logger.for('main').info,
    ...shell,
  });
}

/** Told of every saved change after the store applies it: the tray and autostart (late-bound: they come after the store). */
interface SavedHooks {
  shell?: (s: Settings, changed: SettingsKey[]) => void;
}

/** What the window takes from the tray: --hidden (only with a tray host: else it could not be found again), close into the tray, unread. */
function shellWindowOptions(shell: KeepRunning, argv: readonly string[]): Pick<ChatWindowOptions, 'hidden' | 'keepOnClose' | 'onUnread' | 'onVisibility'> {
  return {
    hidden: argv.includes('--hidden') && shell.mayStartHidden(),
    keepOnClose: shell.keepOnClose,
    onUnread: shell.setUnread,
    onVisibility: shell.visibilityChanged,
  };
}

/** Settings (file, environment, flags) and the client they configure; saving applies to the client. */
async function openSettingsAndCore(
  electron: ElectronModule,
  userData: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<{ settings: SettingsStore; client: ChatClient; onSaved: SavedHooks }> {
  const onSaved: SavedHooks = {};
  const log = logger.for('settings').warn;
  const fromEnv = settingsFromEnv(env);
  const fromArgs = settingsFromArgs(argv);
  for (const p of [...fromEnv.problems, ...fromArgs.problems]) log(formatSettingsProblem(p));
  const proxy = desktopProxyWiring(electron.session, fromArgs.patch, fromEnv.patch);

  // Late-bound: the store applies changes to the client it is created before.
  let client: ChatClient | undefined;
  const settings = new SettingsStore({
    file: path.join(userData, 'settings.json'),
    overrides: { ...fromEnv.patch, ...fromArgs.patch },
    secrets: safeStorageBox(electron.safeStorage),
    apply: (s, changed) => {
      onSaved.shell?.(s, changed);
      if (!client || changed.every((f) => !CONNECTION_FIELDS.has(f))) return;
      client.reconfigure(settingsToClientConfig(s, trustedCas(s.caFile, log), proxy));
    },
  });
  for (const p of await settings.load()) log(p.detail ?? p.code);
  logger.maskAlso(() => secretsOf({ ...settings.current() })); // the token and a proxy's password, from the settings in force
  const initial = settings.current();
  client = new ChatClient({
    config: settingsToClientConfig(initial, trustedCas(initial.caFile, log), proxy),
    // Outbox and history per account under <userData>/accounts/; the single outbox.jsonl of older versions moves into the first account.
    accounts: new AccountDirectory({ base: userData, legacyOutbox: path.join(userData, 'outbox.jsonl') }),
  });
  client.on('log', (l) => logger.for('core').at(l.level, l.message));
  return { settings, client, onSaved };
}

/** The settings a change of which reconfigures the connection (not the language, the tray or autostart). */
const CONNECTION_FIELDS = new Set<SettingsKey>(['serverUrl', 'token', 'caFile', 'proxy', 'compression']);

/** Node's roots + the person's bundle + UOS and Debian bundles, read by us (not NODE_EXTRA_CA_CERTS, which fuses disable). */
function trustedCas(caFile: string | undefined, log: (line: string) => void): CaBundle {
  const ca = loadCaBundle({ userFile: caFile });
  for (const p of ca.problems) log(`tls: ${p.detail}`);
  return ca;
}

/**
 * The token at rest: Electron's safeStorage when the desktop has a keyring.
 * 'basic_text' (no keyring) is obfuscation only, so then the 0600 file is used plainly.
 */
function safeStorageBox(safeStorage: Electron.SafeStorage | undefined): SecretBox | undefined {
  if (!safeStorage) return undefined;
  return {
    available: () => {
      try {
        return safeStorage.isEncryptionAvailable() && safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
      } catch {
        return false;
      }
    },
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
