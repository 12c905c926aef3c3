/**
 * The person's downloads folder, as the desktop names it: `XDG_DOWNLOAD_DIR` in
 * `$XDG_CONFIG_HOME/user-dirs.dirs` (xdg-user-dirs; `"$HOME/下载"` on a Chinese UOS desktop), else
 * `~/Downloads`. The same file glib reads for Electron's `app.getPath('downloads')`; read here so the
 * core and the CLI agree with the window, and so a test can give it a file.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function downloadsDir(
  env: NodeJS.ProcessEnv = process.env,
  read: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): string {
  const home = env.HOME || os.homedir();
  const config = env.XDG_CONFIG_HOME || path.join(home, '.config');
  let text = '';
  try {
    text = read(path.join(config, 'user-dirs.dirs'));
  } catch {
    // no user-dirs.dirs: the default below
  }
  for (const line of text.split('\n')) {
    const m = /^\s*XDG_DOWNLOAD_DIR\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(line);
    if (!m) continue;
    // The format allows only an absolute path or one starting "$HOME/" (user-dirs.dirs(5)).
    const value = m[1]!.replace(/\\(.)/g, '$1');
    if (value.startsWith('$HOME/')) return path.join(home, value.slice('$HOME/'.length));
    if (value === '$HOME') break; // "downloads to the home directory" is how the tool says "disabled"
    if (path.isAbsolute(value)) return value;
  }
  return path.join(home, 'Downloads');
}
