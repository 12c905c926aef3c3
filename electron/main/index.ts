/** Electron entry point: the only place that imports the electron module for main. */
import * as electron from 'electron';
import { mainPaths, runMain } from './app';

runMain(electron, mainPaths(__dirname)).catch((err: unknown) => {
  process.stderr.write(`[uos-chat] fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  electron.app.exit(1);
});
