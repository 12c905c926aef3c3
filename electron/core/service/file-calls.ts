/**
 * The files channels of the IPC contract (feature `files`), for ChatService: each call checked
 * already, run on the FileDesk. What only main can do (the file manager, the save dialog, the
 * clipboard) comes through FileShell: Electron's shell, dialog and clipboard in the app, recorders
 * in the test host. Without a desk (no data directory) every call says files are unavailable.
 */
import type {
  CopyImageResult,
  DownloadArg,
  DownloadResult,
  DownloadView,
  FilePlaces,
  Handlers,
  ImageRef,
  SendFilesArg,
  SendFilesResult,
  ShowDownloadResult,
  StageChunkArg,
  StageFileArg,
  StageFileResult,
  UploadView,
} from '../../common/contract';
import { reason } from '../../common/errors';
import { StagingError, TransferError } from '../files';
import { InvalidCallError } from './invalid-call';

/** What the calls need of core/files FileDesk. */
export interface FilePort {
  /** One of the user's conversations (a file is staged, sent, fetched only for those). */
  owns(conv: string): boolean;
  readonly staging: {
    begin(conv: string, name: string, size: number): StageFileResult;
    append(stage: string, offset: number, bytes: Uint8Array): Promise<void>;
    drop(stage: string): Promise<void>;
  };
  uploads(): UploadView[];
  downloadsList(): DownloadView[];
  send(arg: SendFilesArg): Promise<UploadView>;
  cancel(id: string): Promise<boolean>;
  retry(id: string): Promise<boolean>;
  download(arg: DownloadArg, to?: string): Promise<DownloadView>;
  downloadNamed(id: string): DownloadView | undefined;
  /** The cached image's bytes (fetched first when need be), or why not. */
  imageBytes(ref: ImageRef): Promise<Uint8Array | string>;
  onDidChange(cb: (what: 'uploads' | 'downloads') => void): () => void;
}

/** Main's share: the file manager, the save dialog, the clipboard, and where images are served. */
export interface FileShell {
  readonly imageBase: string;
  showItemInFolder(path: string): ShowDownloadResult;
  /** The save dialog, starting at `name` in the downloads folder; undefined when the person cancelled. */
  chooseSavePath(name: string): Promise<string | undefined>;
  copyImage(bytes: Uint8Array): Promise<CopyImageResult>;
}

/** The files channels' keys, once: the type and the set ChatService dispatches by both come from it. */
const FILE_KEY_LIST = [
  'stageFile',
  'stageChunk',
  'dropStaged',
  'sendFiles',
  'getUploads',
  'cancelUpload',
  'retryUpload',
  'getDownloads',
  'download',
  'saveAttachmentAs',
  'showDownload',
  'copyImage',
  'getFilePlaces',
] as const;

export type FileKey = (typeof FILE_KEY_LIST)[number];

export const FILE_KEYS: ReadonlySet<string> = new Set<string>(FILE_KEY_LIST);

const UNAVAILABLE = reason('FILES_UNSUPPORTED', 'files need the app’s data directory');

export class FileCalls implements Pick<Handlers, FileKey> {
  constructor(
    private readonly files: FilePort | undefined,
    private readonly shell: FileShell | undefined,
  ) {}

  stageFile({ conv, name, size }: StageFileArg): StageFileResult {
    if (!this.files) return { ok: false, reason: UNAVAILABLE };
    this.mine(conv, 'stage-attachment');
    return this.files.staging.begin(conv, name, size);
  }

  async stageChunk({ stage, offset, bytes }: StageChunkArg): Promise<null> {
    await this.desk().staging.append(stage, offset, bytes).catch(asCallError);
    return null;
  }

  async dropStaged(stage: string): Promise<null> {
    await this.files?.staging.drop(stage);
    return null;
  }

  async sendFiles(arg: SendFilesArg): Promise<SendFilesResult> {
    if (!this.files) return { ok: false, reason: UNAVAILABLE };
    this.mine(arg.conv, 'send-attachments');
    try {
      return { ok: true, upload: await this.files.send(arg) };
    } catch (err) {
      if (err instanceof TransferError) return { ok: false, reason: err.reason };
      return asCallError(err);
    }
  }

  getUploads(): UploadView[] {
    return this.files?.uploads() ?? [];
  }

  cancelUpload(id: string): Promise<boolean> {
    return this.files?.cancel(id) ?? Promise.resolve(false);
  }

  retryUpload(id: string): Promise<boolean> {
    return this.files?.retry(id) ?? Promise.resolve(false);
  }

  getDownloads(): DownloadView[] {
    return this.files?.downloadsList() ?? [];
  }

  download(arg: DownloadArg): Promise<DownloadResult> {
    return this.downloadTo(arg, undefined);
  }

  async saveAttachmentAs(arg: DownloadArg): Promise<DownloadResult> {
    if (!this.shell) return { ok: false, reason: reason('FILES_UNSUPPORTED', 'no save dialog here') };
    this.mine(arg.conv, 'save-attachment-as');
    const to = await this.shell.chooseSavePath(arg.attachment.name);
    if (!to) return { ok: false, reason: reason('CANCELLED') };
    return this.downloadTo(arg, to);
  }

  showDownload(id: string): ShowDownloadResult {
    const d = this.files?.downloadNamed(id);
    if (!d) throw new InvalidCallError('show-download: not a download of this run');
    if (d.state !== 'done') return { ok: false, detail: d.path };
    return this.shell?.showItemInFolder(d.path) ?? { ok: false, detail: d.path };
  }

  async copyImage(ref: ImageRef): Promise<CopyImageResult> {
    if (!this.files || !this.shell) return { ok: false, detail: 'no clipboard here' };
    this.mine(ref.conv, 'copy-image');
    const bytes = await this.files.imageBytes(ref);
    return typeof bytes === 'string' ? { ok: false, detail: bytes } : this.shell.copyImage(bytes);
  }

  getFilePlaces(): FilePlaces {
    return { imageBase: this.shell?.imageBase ?? '' };
  }

  /** The window names only conversations it was given; another is its bug (or an attack), refused as such. */
  private mine(conv: string, what: string): void {
    if (!this.files?.owns(conv)) throw new InvalidCallError(`${what}: not one of your conversations`);
  }

  private desk(): FilePort {
    if (!this.files) throw new InvalidCallError('files are unavailable here (stage-attachment said so)');
    return this.files;
  }

  private async downloadTo(arg: DownloadArg, to: string | undefined): Promise<DownloadResult> {
    if (!this.files) return { ok: false, reason: UNAVAILABLE };
    this.mine(arg.conv, 'download');
    try {
      return { ok: true, download: await this.files.download(arg, to) };
    } catch (err) {
      if (err instanceof TransferError) return { ok: false, reason: err.reason };
      return asCallError(err);
    }
  }
}

function asCallError(err: unknown): never {
  if (err instanceof StagingError) throw new InvalidCallError(err.message);
  throw err;
}
