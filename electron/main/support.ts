/**
 * Help for a bug report, with Electron's hands: "Open log folder" (shell.openPath)
 * and "Copy diagnostics" (clipboard.writeText, in main: the renderer's CSP and sandbox
 * may refuse navigator.clipboard). The words and the redaction are the core's.
 */
import type * as Electron from 'electron';
import { mkdirSync } from 'node:fs';
import type { SupportPort } from '../core/service';
import type { ChatClient } from '../core/connection';
import { diagnosticsText, readOsRelease, type DiagnosticsFacts, type Logger, type SourceLog, secretsOf } from '../core/support';
import type { MachineMonitor } from '../core/desktop';
import { caChooser } from './ca-chooser';
import type { Settings } from '../core/settings';

export interface SupportDeps {
  shell: Pick<Electron.Shell, 'openPath'>;
  clipboard: Pick<Electron.Clipboard, 'writeText'>;
  logFolder: string;
  /** The facts as they are now (the connection and the machine change). */
  facts: () => DiagnosticsFacts;
  log: SourceLog;
}

export function electronSupport(d: SupportDeps): SupportPort {
  return {
    async showLogFolder() {
      const folder = d.logFolder;
      try {
        // It exists once a line was written; made here so the file manager never opens on nothing.
        mkdirSync(folder, { recursive: true, mode: 0o700 });
        const failure = await d.shell.openPath(folder);
        if (failure) throw new Error(failure);
        return { ok: true, folder };
      } catch (err) {
        const detail = (err as Error).message;
        d.log.warn(`the log folder ${folder} could not be opened: ${detail}`);
        return { ok: false, folder, detail };
      }
    },
    async copyDiagnostics() {
      try {
        const text = diagnosticsText(d.facts());
        d.clipboard.writeText(text);
        d.log.info('diagnostics copied to the clipboard');
        return { ok: true, text };
      } catch (err) {
        const detail = (err as Error).message;
        d.log.warn(`diagnostics not copied: ${detail}`);
        return { ok: false, detail };
      }
    },
  };
}

/** What the running app knows about itself, for the diagnostics. */
export interface AppFacts {
  env: NodeJS.ProcessEnv;
  launch: DiagnosticsFacts['launch'];
  logFolder: string;
  logger: Logger;
  /** The client of the conversation the window shows. */
  client: () => ChatClient;
  machine: () => MachineMonitor;
  settings: () => Settings;
  /** How the server is reached, in words, once something decides it. */
  proxy?: () => string | undefined;
}

type AppElectron = {
  app: Pick<Electron.App, 'getVersion'>;
  shell: SupportDeps['shell'];
  clipboard: SupportDeps['clipboard'];
  dialog: Pick<Electron.Dialog, 'showOpenDialog'>;
  BrowserWindow: Pick<typeof Electron.BrowserWindow, 'getAllWindows'>;
};

/** Help for a bug report in the app (Electron's shell and clipboard, the app's facts as they are now), and the CA file dialog. */
export function appSupport(electron: AppElectron, a: AppFacts): SupportPort {
  // The app has one window: the dialog is parented to it (modal on Linux).
  const chooseCaBundle = caChooser({
    dialog: electron.dialog,
    window: () => electron.BrowserWindow.getAllWindows()[0],
    log: a.logger.for('main'),
  });
  return { ...bugReportSupport(electron, a), chooseCaBundle };
}

function bugReportSupport(electron: AppElectron, a: AppFacts): SupportPort {
  return electronSupport({
    shell: electron.shell,
    clipboard: electron.clipboard,
    logFolder: a.logFolder,
    log: a.logger.for('main'),
    facts: () => ({
      appVersion: electron.app.getVersion(),
      versions: { electron: process.versions['electron'], chrome: process.versions['chrome'], node: process.versions.node },
      osRelease: readOsRelease(),
      env: a.env,
      launch: a.launch,
      proxy: a.proxy?.(),
      logFolder: a.logFolder,
      status: a.client().status(),
      connection: a.client().diagnostics(),
      machine: a.machine().snapshot(),
      secrets: [a.env.UOS_CHAT_TOKEN, ...secretsOf({ ...a.settings() })],
    }),
  });
}
