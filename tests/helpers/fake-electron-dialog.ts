/**
 * dialog.showOpenDialog for the stand-in electron module (fake-electron.ts), as documented at
 * https://www.electronjs.org/docs/latest/api/dialog#dialogshowopendialogwindow-options:
 *
 * - `dialog.showOpenDialog([window, ]options)` returns a Promise of `{ canceled, filePaths }`;
 *   `window` (optional) is the parent the dialog is modal to.
 * - "The extensions array should contain extensions without wildcards or dots (e.g. 'png' is good
 *   but '.png' and '*.png' are bad). To show all files, use the '*' wildcard": the stand-in throws
 *   on a bad extension (harsher: Electron would show a filter that matches nothing).
 * - Harsher: refused before 'ready' and with a parent that is not a live window of this app, and
 *   `properties` may only hold the documented flags.
 *
 * What the person picks is the test's choice: `dialogState.answer` (default: they cancel).
 *
 * dialog.showSaveDialog([window, ]options) (same page, #dialogshowsavedialogwindow-options) returns a
 * Promise of `{ canceled, filePath }`, filePath '' when cancelled. Harsher, as above: refused before
 * 'ready' and with a parent that is not a live window; and `defaultPath` must be absolute (a relative
 * one is resolved against a directory the app does not choose). The answer: `dialogState.saveAnswer`.
 */
import * as path from 'node:path';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';

export interface OpenDialogAnswer {
  canceled: boolean;
  filePaths: string[];
}

const PROPERTIES = new Set([
  'openFile',
  'openDirectory',
  'multiSelections',
  'showHiddenFiles',
  'createDirectory',
  'promptToCreate',
  'noResolveAliases',
  'treatPackageAsDirectory',
  'dontAddToRecent',
]);

export function createDialogModule(ready: () => boolean, isLiveWindow: (w: unknown) => boolean) {
  const dialogState = {
    answer: { canceled: true, filePaths: [] } as OpenDialogAnswer,
    /** Every call: the parent given (undefined: none) and the options. */
    calls: [] as Array<{ parent: unknown; options: OpenDialogOptions }>,
    saveAnswer: { canceled: true, filePath: '' },
    saveCalls: [] as Array<{ parent: unknown; options: SaveDialogOptions }>,
  };
  function check(parent: unknown, options: OpenDialogOptions): void {
    if (!ready()) throw new Error('dialog cannot be used before app is ready');
    if (parent !== undefined && !isLiveWindow(parent))
      throw new TypeError('showOpenDialog: the parent must be a live BrowserWindow of this app');
    for (const p of options.properties ?? []) if (!PROPERTIES.has(p)) throw new TypeError(`showOpenDialog: unknown property ${p}`);
    for (const f of options.filters ?? []) {
      for (const ext of f.extensions) {
        if (ext !== '*' && /[.*]/.test(ext))
          throw new TypeError(`showOpenDialog: filter extension "${ext}" must have no dots or wildcards`);
      }
    }
  }
  const dialog = {
    showOpenDialog(a: unknown, b?: OpenDialogOptions): Promise<OpenDialogAnswer> {
      const [parent, options] = b === undefined ? [undefined, a as OpenDialogOptions] : [a, b];
      try {
        check(parent, options);
      } catch (err) {
        return Promise.reject(err);
      }
      dialogState.calls.push({ parent, options });
      const { canceled, filePaths } = dialogState.answer;
      return Promise.resolve({ canceled, filePaths: canceled ? [] : [...filePaths] });
    },
    showSaveDialog(a: unknown, b?: SaveDialogOptions): Promise<{ canceled: boolean; filePath: string }> {
      const [parent, options] = b === undefined ? [undefined, a as SaveDialogOptions] : [a, b];
      if (!ready()) return Promise.reject(new Error('dialog cannot be used before app is ready'));
      if (parent !== undefined && !isLiveWindow(parent))
        return Promise.reject(new TypeError('showSaveDialog: the parent must be a live BrowserWindow of this app'));
      if (options.defaultPath !== undefined && !path.isAbsolute(options.defaultPath))
        return Promise.reject(new TypeError('showSaveDialog: defaultPath must be absolute'));
      dialogState.saveCalls.push({ parent, options });
      const { canceled, filePath } = dialogState.saveAnswer;
      return Promise.resolve({ canceled, filePath: canceled ? '' : filePath });
    },
  };
  return { module: { dialog }, dialogState };
}
