/**
 * The app's log file: `<userData>/logs/uos-chat.log` (~/.config/UOSChat/logs/), rotated
 * at 1 MB with 5 files kept, every line also on standard error for terminal runs.
 * UOS_CHAT_LOG_LEVEL=debug|info|warn|error sets how much is written (info by default).
 */
import type * as Electron from 'electron';
import * as path from 'node:path';
import { Logger, LOG_LEVELS } from '../core/support';

export function logFolder(userData: string): string {
  return path.join(userData, 'logs');
}

/** The environment's token is masked from the first line; main adds the settings' secrets once they are loaded (maskAlso). */
export function openAppLog(app: Pick<Electron.App, 'getPath' | 'on'>, env: NodeJS.ProcessEnv): Logger {
  const level = LOG_LEVELS.find((l) => l === env.UOS_CHAT_LOG_LEVEL) ?? 'info';
  const logger = new Logger({
    dir: logFolder(app.getPath('userData')),
    level,
    echo: (line) => process.stderr.write(`${line}\n`),
    secrets: () => [env.UOS_CHAT_TOKEN],
  });
  // Lines queued when the app quits are written now, not lost; anything later (app.exit too) on exit.
  // The last line tells a normal quit from a crash in a log attached to a bug report.
  app.on('will-quit', () => {
    logger.for('main').info('quitting');
    logger.flush();
  });
  process.once('exit', () => logger.close());
  return logger;
}
