/**
 * "Start UOS Chat when I log in": an XDG autostart entry (Desktop Application Autostart
 * Specification) at $XDG_CONFIG_HOME/autostart/<appid>.desktop (~/.config when unset or not
 * absolute). Its Exec goes through the launcher with --hidden, so the app starts to the tray.
 * Written atomically; removing a missing entry is not an error. Pure Node: no `electron` import.
 */
import { mkdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../store/atomic-file';

export const APP_ID = 'org.uoschat.uos-chat';
/** The launcher in the UOS store layout, and on PATH for the .deb. */
export const STORE_LAUNCHER = `/opt/apps/${APP_ID}/files/bin/uos-chat`;

export function autostartFile(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(config, 'autostart', `${APP_ID}.desktop`);
}

/** Quotes an Exec argument per the Desktop Entry Specification ("Exec key"), when it needs it. */
function execArg(arg: string): string {
  if (/^[A-Za-z0-9_./+-]+$/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(launcher: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=UOS Chat',
    'Name[zh_CN]=UOS Chat',
    'Comment=Start UOS Chat in the tray',
    'Comment[zh_CN]=在托盘中启动 UOS Chat',
    `Exec=${execArg(launcher)} --hidden`,
    'Icon=uos-chat',
    'Terminal=false',
    'NoDisplay=true',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Writes or removes the entry to match `on`; resolves with the file. */
export async function applyAutostart(on: boolean, launcher: string, file = autostartFile()): Promise<string> {
  if (on) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, autostartEntry(launcher));
  } else {
    await rm(file, { force: true });
  }
  return file;
}

/**
 * The launcher to start: UOS_CHAT_LAUNCHER when set (the launcher exports its own path), else the store
 * layout's when it exists, else `uos-chat` on PATH (the .deb's /usr/bin/uos-chat).
 */
export function launcherPath(env: NodeJS.ProcessEnv, exists: (p: string) => boolean): string {
  if (env.UOS_CHAT_LAUNCHER && path.isAbsolute(env.UOS_CHAT_LAUNCHER)) return env.UOS_CHAT_LAUNCHER;
  return exists(STORE_LAUNCHER) ? STORE_LAUNCHER : 'uos-chat';
}
