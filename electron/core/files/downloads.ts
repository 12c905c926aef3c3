/**
 * Attachments saved to the downloads folder (XDG `DOWNLOAD`, `~/下载` on a Chinese desktop), each
 * under a name of its own (`报告.pdf`, then `报告 (1).pdf`…), through `<name>.part` until every byte
 * is there. Nothing downloaded is ever opened or run: the window can only show it in its folder.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { safeFileName } from '../../../protocol/attachments';
import { reason } from '../../common/errors';
import type { DownloadArg, DownloadView } from '../../common/ipc-file-types';
import type { FilesConfig } from './file-http';
import { FileTransfer, TransferError, type TransferOptions } from './file-transfer';

export interface DownloadsDeps {
  /** Where downloads go (read at each download: the person may change it). */
  dir: () => string;
  onChange: () => void;
  transfer?: Partial<TransferOptions>;
}

/** At most this many downloads are remembered for the window (the oldest finished ones go first). */
const KEEP = 200;

export class Downloads {
  private readonly list = new Map<string, DownloadView>();

  constructor(private readonly d: DownloadsDeps) {}

  views(): DownloadView[] {
    return [...this.list.values()];
  }

  get(id: string): DownloadView | undefined {
    return this.list.get(id);
  }

  /** Starts fetching into the downloads folder (or `to`: a path the person chose in the save dialog). */
  async start({ conv, attachment }: DownloadArg, config: FilesConfig, to?: string): Promise<DownloadView> {
    const out = to ?? (await reserveName(this.d.dir(), attachment.name));
    const view: DownloadView = {
      id: randomUUID(),
      conv,
      attachment: attachment.id,
      name: path.basename(out),
      size: attachment.size,
      done: 0,
      state: 'downloading',
      path: out,
    };
    this.remember(view);
    const transfer = new FileTransfer({
      config,
      onProgress: (done) => this.update(view.id, { done }),
      ...this.d.transfer,
    });
    transfer.download(attachment.id, out).then(
      (size) => this.update(view.id, { state: 'done', done: size, size }),
      (err: unknown) => {
        const failure = err instanceof TransferError ? err.reason : reason('FILE_REFUSED', (err as Error).message);
        this.update(view.id, { state: 'failed', failure });
        if (!to) void rm(out, { force: true }); // the reserved name, empty
      },
    );
    return view;
  }

  private update(id: string, patch: Partial<DownloadView>): void {
    const v = this.list.get(id);
    if (!v) return;
    this.list.set(id, { ...v, ...patch });
    this.d.onChange();
  }

  private remember(view: DownloadView): void {
    this.list.set(view.id, view);
    for (const [id, v] of this.list) {
      if (this.list.size <= KEEP) break;
      if (v.state !== 'downloading') this.list.delete(id);
    }
    this.d.onChange();
  }
}

/**
 * A name in `dir` nobody has: the attachment's own (made safe), else with ` (1)`, ` (2)`… before the
 * extension. Created empty at once (exclusively), so two downloads of one name never share a file.
 */
export async function reserveName(dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const safe = safeFileName(name) || 'download';
  const ext = path.extname(safe);
  const stem = safe.slice(0, safe.length - ext.length);
  for (let n = 0; n < 1000; n++) {
    const candidate = path.join(dir, n === 0 ? safe : `${stem} (${n})${ext}`);
    try {
      await (await open(candidate, 'wx', 0o600)).close();
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new TransferError(reason('FILE_UNREADABLE', (err as Error).message));
    }
  }
  throw new TransferError(reason('FILE_UNREADABLE', `${dir}: 1,000 files named like ${safe} already`));
}
