/**
 * The child side of standin-process.ts: boots a built main.js on the stand-in electron
 * module in a process of its own, and ends that process when the app's would end (right
 * after 'quit', or app.exit): whatever main had not finished by then is lost, as under
 * Electron. Signals reach it like they reach Electron's main process; with no listener
 * for SIGTERM/SIGINT the process dies at once without 'before-quit' (the harsher reading
 * of electron/electron#5273 and #33651).
 *
 * Commands come as JSON lines on stdin ({id, cmd, arg}); replies and events go out as
 * `@standin {json}` lines on stdout, written synchronously so none is lost at exit.
 */
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { LogEntry } from '../../electron/common/contract';
import { createFakeElectron, withElectronStandIn, type FakeElectronOptions, type FakeWebContents } from './fake-electron';

export interface ChildConfig {
  userData: string;
  /** The built main.js to boot. */
  main: string;
  fake?: Omit<FakeElectronOptions, 'onExit'>;
  /** Command-line arguments for main (process.argv), e.g. --hidden. */
  args?: string[];
}

const config = JSON.parse(process.env.UOS_CHAT_STANDIN_CHILD ?? '{}') as ChildConfig;
const out = (msg: Record<string, unknown>) => writeSync(1, `@standin ${JSON.stringify(msg)}\n`);

const fake = createFakeElectron(config.userData, {
  ...config.fake,
  onExit: (code) => {
    out({ ev: 'exit', code, lifecycle: fake.lifecycle });
    process.exit(code);
  },
});
fake.app.on('web-contents-created', (_e: unknown, wc: FakeWebContents) => {
  wc.on('test:sent', (channel: string, payload: any) => {
    if (channel === 'chat:status') out({ ev: 'status', kind: payload.connection?.kind });
    if (channel === 'chat:conversations') out({ ev: 'conversations', view: payload });
    // What the window is told, in push order (a test reads the log as the renderer would get it).
    if (channel === 'chat:entries') out({ ev: 'entries', entries: (payload as LogEntry[]).map(brief) });
  });
});
/** One pushed log entry, as much as the tests read of it. */
export type BriefEntry = { key: string; kind: LogEntry['kind']; text?: string; seq?: number; own?: boolean; delivery?: string };
const brief = (e: LogEntry): BriefEntry =>
  e.kind === 'message'
    ? { key: e.key, kind: e.kind, text: e.text, seq: e.seq, own: e.own, delivery: e.delivery }
    : { key: e.key, kind: e.kind };
const trayNow = () => {
  const t = fake.shownTray();
  return t
    ? { image: t.image.split('/').pop(), tooltip: t.tooltip, menu: t.menu.map(({ label, type, enabled }) => ({ label, type, enabled })) }
    : null;
};
fake.trayHooks.on('tray-changed', () => out({ ev: 'tray', tray: trayNow() }));
fake.hooks.on('window-shown', () => out({ ev: 'window-shown' }));
fake.hooks.on('notification', (index: number) => out({ ev: 'notification', index, options: fake.notifications[index]!.options }));

const win = () => {
  const w = fake.windows[0];
  if (!w) throw new Error('no window');
  return w;
};
const settle = () => new Promise((r) => setImmediate(r));
declare const gc: (() => void) | undefined;

const commands: Record<string, (arg: any) => unknown> = {
  state: () => ({
    tray: trayNow(),
    windows: fake.windows.map((w) => ({
      visible: w.visible,
      bounds: w.bounds,
      focused: w.focused,
      title: w.title,
      frameUrl: w.webContents.mainFrame.url,
      options: { x: w.options.x, y: w.options.y, width: w.options.width, height: w.options.height },
    })),
    notifications: fake.notifications.map(({ options, shown, closed }) => ({ options, shown, closed })),
    lifecycle: fake.lifecycle,
    switches: fake.switches,
    ignoredSwitches: fake.ignoredSwitches,
  }),
  'set-bounds': (bounds) => void (win().bounds = bounds),
  close: () => win().close(),
  /**
   * The page refuses the next close once, as a beforeunload handler that returns a value does ("returning a
   * non-undefined value would cancel the close", BrowserWindow docs, event 'close'); during app.quit() that
   * cancels the quit (Browser::OnWindowCloseCancelled).
   */
  'refuse-next-close': () => void win().once('close', (e: { preventDefault(): void }) => e.preventDefault()),
  quit: () => fake.app.quit(),
  'second-instance': () => void fake.app.emit('second-instance', {}, [process.execPath], process.cwd()),
  blur: () => win().blur(),
  /** A full collection, after the current job (WeakRefs created in it are kept until it ends). */
  gc: async () => {
    if (typeof gc !== 'function') throw new Error('run the child with --expose-gc');
    for (let i = 0; i < 2; i++) {
      await settle();
      gc();
    }
  },
  click: (index: number) => fake.clickNotification(index),
  'click-tray': (label: string) => fake.clickTrayItem(label),
  invoke: ({ channel, arg }) => fake.invokeAs(win().webContents.mainFrame, channel, arg),
};

createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, cmd, arg } = JSON.parse(line) as { id: number; cmd: string; arg?: unknown };
  Promise.resolve()
    .then(() => commands[cmd]!(arg))
    .then(
      (value) => out({ ev: 'reply', id, ok: true, value: value ?? null }),
      (err: Error) => out({ ev: 'reply', id, ok: false, error: err.message }),
    );
});

process.argv.push(...(config.args ?? []));
withElectronStandIn(fake.electron, () => createRequire(__filename)(config.main));
