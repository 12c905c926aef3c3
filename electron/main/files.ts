/**
 * Files in main (feature `files`): the `uos-file:` scheme that serves the window its images (the CSP
 * allows no remote image: https://www.electronjs.org/docs/latest/tutorial/security#7-define-a-content-security-policy),
 * and what only main can do with a file: show it in the file manager, ask where to save it, copy an
 * image. Nothing here opens or runs a file: shell.openPath is never called on a download.
 */
import type * as Electron from 'electron';
import * as path from 'node:path';
import { safeFileName } from '../../protocol/attachments';
import type { FileDesk } from '../core/files';
import type { FileShell } from '../core/service';

export const FILE_SCHEME = 'uos-file';
export const IMAGE_BASE = `${FILE_SCHEME}://files/`;

/**
 * Before ready, once (protocol docs: "can only be used before the ready event of the app module gets
 * emitted and can be called only once"). `standard` gives the URLs a host and paths; `secure` keeps
 * a secure context's rules. No `bypassCSP`: the window's CSP names the scheme in img-src instead.
 */
export function registerFileScheme(protocol: Electron.Protocol): void {
  protocol.registerSchemesAsPrivileged([{ scheme: FILE_SCHEME, privileges: { standard: true, secure: true } }]);
}

/** After ready: `uos-file://files/<conv>/<attachment id>` → the image cache (only real images, nosniff). */
export function serveFileScheme(protocol: Electron.Protocol, desk: FileDesk): () => void {
  protocol.handle(FILE_SCHEME, (request) => {
    const url = new URL(request.url);
    const parts = url.pathname.split('/').slice(1);
    if (request.method !== 'GET' || url.host !== 'files' || parts.length !== 2) return notFound();
    let conv: string;
    let id: string;
    try {
      [conv, id] = parts.map(decodeURIComponent) as [string, string];
    } catch {
      return notFound();
    }
    return desk.images.respond(conv, id);
  });
  return () => protocol.unhandle(FILE_SCHEME);
}

function notFound(): Response {
  return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export interface FileShellDeps {
  window: () => Electron.BrowserWindow | undefined;
  downloadsDir: () => string;
}

/** Electron's shell, dialog and clipboard for the files channels. */
export function electronFileShell(electron: typeof Electron, d: FileShellDeps): FileShell {
  const { shell, dialog, clipboard, nativeImage, ClipboardItem } = electron;
  return {
    imageBase: IMAGE_BASE,
    showItemInFolder(fullPath) {
      // "Show the given file in a file manager. If possible, select the file." (shell docs): it is never opened.
      shell.showItemInFolder(fullPath);
      return { ok: true };
    },
    async chooseSavePath(name) {
      const options = { defaultPath: path.join(d.downloadsDir(), safeFileName(name)) };
      const win = d.window();
      const answer = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return answer.canceled || !answer.filePath ? undefined : answer.filePath;
    },
    async copyImage(bytes) {
      // createFromBuffer "tries to decode as PNG or JPEG" (nativeImage docs); anything else is an empty image.
      const image = nativeImage.createFromBuffer(Buffer.from(bytes));
      if (image.isEmpty()) return { ok: false, detail: 'only PNG and JPEG images can be copied (Save as keeps any image)' };
      // The clipboard takes ClipboardItems (clipboard docs, modelled on W3C's async clipboard: image/png is the image type).
      await clipboard.write([new ClipboardItem({ 'image/png': new Blob([new Uint8Array(image.toPNG())], { type: 'image/png' }) })]);
      return { ok: true };
    },
  };
}
