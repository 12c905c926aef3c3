/**
 * How the app starts being reachable and how it ends, on every way out.
 *
 * Electron ends the process right after 'quit': work started in a window's 'close'
 * handler during app.quit() (Ctrl+Q, logout) never finishes, and 'window-all-closed'
 * is not emitted on that path (app docs, events 'window-all-closed' and 'will-quit').
 * So everything that must reach the disk (window state, outbox, settings) is done in
 * 'before-quit', with quitting held back until it has finished, and every way out goes
 * through app.quit(): the close button (window-all-closed; where a tray host shows our icon closing only
 * hides the window, keep-running.ts), the tray menu's Quit, Ctrl+Q, and SIGTERM / SIGINT /
 * SIGHUP (systemctl stop, kill, logout; Electron may not turn them into a quit with time
 * to finish: electron/electron#5273, electron/electron#33651).
 */
import type * as Electron from 'electron';

const QUIT_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
/** Quitting never hangs on a stuck save or socket: after this the app quits anyway. */
const FINISH_DEADLINE_MS = 5_000;

export interface Lifecycle {
  /** The window a second launch brings forward; a launch that came before it existed does so now. */
  windowOpened(focus: () => void): void;
  /** Work to finish before the process ends; replaces the previous list. */
  beforeExit(work: () => Array<Promise<unknown>>): void;
  /** True once quitting has begun (start-up stops there). */
  quitting(): boolean;
}

/** Call before any await: 'second-instance' and signals that come during start-up are not lost. */
export function watchLifecycle(app: Electron.App, log: (line: string) => void, signals: NodeJS.EventEmitter = process): Lifecycle {
  let focusWindow: (() => void) | undefined;
  let focusWanted = false;
  app.on('second-instance', () => (focusWindow ? focusWindow() : (focusWanted = true)));
  app.on('window-all-closed', () => app.quit());

  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: quitting`);
    app.quit();
  };
  // once: a second signal ends the process the default way, if quitting itself hangs.
  for (const s of QUIT_SIGNALS) signals.once(s, onSignal);
  app.once('quit', () => QUIT_SIGNALS.forEach((s) => signals.off(s, onSignal)));

  let work: () => Array<Promise<unknown>> = () => [];
  let stage: 'running' | 'finishing' | 'released' = 'running';
  // Our own app.quit() once the work is done: Electron emits 'before-quit' synchronously inside app.quit()
  // (Browser::Quit → HandleBeforeQuit, electron/shell/browser/browser.cc), so this flag marks exactly that one.
  // A quit can still be cancelled after it (a window refusing to close: Browser::OnWindowCloseCancelled);
  // a 'before-quit' that comes later is a new way out, and the work is done again.
  let releasing = false;
  app.on('before-quit', (event) => {
    if (releasing) return;
    event.preventDefault();
    if (stage === 'finishing') return;
    stage = 'finishing';
    void finishWithin(work(), FINISH_DEADLINE_MS, log).finally(() => {
      stage = 'released';
      releasing = true;
      try {
        app.quit();
      } finally {
        releasing = false;
      }
    });
  });

  return {
    windowOpened(focus) {
      focusWindow = focus;
      if (focusWanted) focus();
    },
    beforeExit(next) {
      work = next;
    },
    quitting: () => stage !== 'running',
  };
}

async function finishWithin(work: Array<Promise<unknown>>, ms: number, log: (line: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([Promise.allSettled(work), late]);
  clearTimeout(timer);
  if (outcome === 'late') log(`quitting: work still unfinished after ${ms} ms, quitting anyway`);
}
