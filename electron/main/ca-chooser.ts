/**
 * The CA bundle field's "Choose…": Electron's open dialog, parented to the chat window
 * (https://www.electronjs.org/docs/latest/api/dialog#dialogshowopendialogwindow-options),
 * filtered to certificate files. The chosen file is read and parsed (PEM or DER, core/ca-bundle.ts)
 * here, before the renderer puts it in the field: a file that is not a CA bundle comes back as a problem.
 */
import type * as Electron from 'electron';
import type { ChooseCaBundleResult } from '../common/contract';
import { inspectCaFile } from '../core/network';
import type { SourceLog } from '../core/support';

export interface CaChooserDeps {
  dialog: Pick<Electron.Dialog, 'showOpenDialog'>;
  /** The window to parent the dialog to (undefined: none open). */
  window: () => Electron.BrowserWindow | undefined;
  log: SourceLog;
}

export const CA_FILTERS: Electron.FileFilter[] = [
  { name: 'Certificates (PEM, CRT, CER)', extensions: ['pem', 'crt', 'cer'] },
  { name: 'All files', extensions: ['*'] },
];

export function caChooser(d: CaChooserDeps): () => Promise<ChooseCaBundleResult> {
  return async () => {
    const options: Electron.OpenDialogOptions = {
      title: 'CA certificate bundle',
      properties: ['openFile', 'showHiddenFiles'],
      filters: CA_FILTERS,
    };
    const win = d.window();
    const answer = await (win ? d.dialog.showOpenDialog(win, options) : d.dialog.showOpenDialog(options));
    const path = answer.filePaths[0];
    if (answer.canceled || path === undefined) return { ok: false, code: 'CANCELLED' };
    const found = inspectCaFile(path);
    if (!found.ok) {
      d.log.warn(`CA bundle ${path} not taken: ${found.detail}`);
      return { ok: false, code: found.code, path, detail: found.detail };
    }
    d.log.info(`CA bundle chosen: ${path} (${found.certificates} certificate(s))`);
    return { ok: true, path, certificates: found.certificates };
  };
}
