/**
 * Files for the window, over every conversation (feature `files`): what the person hands over
 * (staging), each conversation's upload queue (in its account's directory), downloads to the
 * downloads folder, and the images main serves to the window. ChatService's files channels call
 * this; main and the test host make one.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { DownloadArg, DownloadView, ImageRef, SendFilesArg, UploadView } from '../../common/ipc-file-types';
import type { ChatClient } from '../connection/client';
import type { FilesConfig } from './file-http';
import { Downloads } from './downloads';
import { FileStaging, StagingError } from './file-staging';
import { TransferError, type TransferOptions } from './file-transfer';
import { ImageCache } from './image-cache';
import { UploadQueue } from './upload-queue';

/** What the desk needs of the conversations (ConversationClients). */
export interface FileClients {
  client(conv: string): ChatClient | undefined;
  all(): ReadonlyMap<string, ChatClient>;
  filesConfig(conv: string): FilesConfig;
  /** The largest file the server announced (undefined before it greeted, or when it did not say). */
  maxFileBytes(): number | undefined;
  on(event: 'client', cb: (c: { conv: string; client: ChatClient }) => void): () => void;
}

export interface FileDeskDeps {
  clients: FileClients;
  /** The app's data directory: `staging/`, `cache/images/`, and (without per-account stores) the queues. */
  dataDir: string;
  downloadsDir: () => string;
  /** Also told of every change (besides onDidChange's listeners): the tests' hook. */
  onChange?: (what: 'uploads' | 'downloads') => void;
  transfer?: Partial<TransferOptions>;
}

export { StagingError };

export class FileDesk {
  readonly staging: FileStaging;
  readonly images: ImageCache;
  private readonly downloads: Downloads;
  private readonly queues = new Map<string, { client: ChatClient; dir: string; queue: UploadQueue }>();
  private readonly offs: Array<() => void> = [];
  private readonly listeners = new Set<(what: 'uploads' | 'downloads') => void>();

  constructor(private readonly d: FileDeskDeps) {
    // Refused before a byte is copied: a file over the server's limit would only fail once uploaded.
    this.staging = new FileStaging(path.join(d.dataDir, 'staging'), () => d.clients.maxFileBytes());
    const configOf = (conv: string) => (d.clients.client(conv) ? d.clients.filesConfig(conv) : undefined);
    this.images = new ImageCache({
      dir: path.join(d.dataDir, 'cache', 'images'),
      configOf,
      ...(d.transfer ? { transfer: d.transfer } : {}),
    });
    this.downloads = new Downloads({
      dir: d.downloadsDir,
      onChange: () => this.changed('downloads'),
      ...(d.transfer ? { transfer: d.transfer } : {}),
    });
    for (const [conv, client] of d.clients.all()) this.watch(conv, client);
    this.offs.push(d.clients.on('client', ({ conv, client }) => this.watch(conv, client)));
  }

  owns(conv: string): boolean {
    return this.d.clients.client(conv) !== undefined;
  }

  onDidChange(cb: (what: 'uploads' | 'downloads') => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** The bytes of an image attachment as the window is shown them (the viewer's Copy), or why not. */
  async imageBytes({ conv, id }: ImageRef): Promise<Uint8Array | string> {
    const answer = await this.images.respond(conv, id);
    return answer.ok ? new Uint8Array(await answer.arrayBuffer()) : answer.text();
  }

  /** Removes staged copies an earlier run left unsent. */
  start(): Promise<void> {
    return this.staging.sweep();
  }

  uploads(): UploadView[] {
    return [...this.queues.values()].flatMap((q) => q.queue.views());
  }

  downloadsList(): DownloadView[] {
    return this.downloads.views();
  }

  download(arg: DownloadArg, to?: string): Promise<DownloadView> {
    if (!this.d.clients.client(arg.conv)) throw new StagingError('download: not one of your conversations');
    return this.downloads.start(arg, this.d.clients.filesConfig(arg.conv), to);
  }

  downloadNamed(id: string): DownloadView | undefined {
    return this.downloads.get(id);
  }

  /** The staged files, as one queued message of `conv`. */
  async send({ conv, caption, stages, thumbnails }: SendFilesArg): Promise<UploadView> {
    const q = this.queues.get(conv);
    if (!q) throw new TransferError({ code: 'STOPPED', detail: 'this conversation is not open yet; try again in a moment' });
    const staged = [];
    for (const stage of stages) {
      const of = thumbnails?.[stage];
      // The thumbnail first: a bad one refuses the call while the image is still staged.
      const thumbnail = of !== undefined ? await this.staging.takeThumbnail(of, conv) : undefined;
      const file = await this.staging.take(stage, conv);
      staged.push(thumbnail ? { ...file, thumbnail } : file);
    }
    return q.queue.add(caption, staged);
  }

  cancel(id: string): Promise<boolean> {
    return this.queueHolding(id)?.cancel(id) ?? Promise.resolve(false);
  }

  retry(id: string): Promise<boolean> {
    return this.queueHolding(id)?.retry(id) ?? Promise.resolve(false);
  }

  /** Stops the transfers under way (queues stay on disk for the next run). */
  async stop(): Promise<void> {
    this.offs.forEach((off) => off());
    await Promise.all([...this.queues.values()].map((q) => q.queue.stop()));
  }

  private changed(what: 'uploads' | 'downloads'): void {
    this.d.onChange?.(what);
    for (const cb of this.listeners) cb(what);
  }

  private queueHolding(id: string): UploadQueue | undefined {
    return [...this.queues.values()].find((q) => q.queue.has(id))?.queue;
  }

  /** A conversation's client: its queue opens with its account, and looks for work when the connection changes. */
  private watch(conv: string, client: ChatClient): void {
    const open = () => this.openQueue(conv, client);
    this.offs.push(
      client.on('account', open),
      client.on('filesRecalled', (ids) => void this.images.forget(conv, ids)),
      client.on('status', () => {
        if (this.queues.get(conv)?.client === client) this.queues.get(conv)!.queue.kick();
      }),
    );
    if (client.account.dir || !client.account.perAccount) open();
  }

  private openQueue(conv: string, client: ChatClient): void {
    const dir = client.account.dir
      ? path.join(client.account.dir, 'uploads')
      : path.join(this.d.dataDir, 'uploads', createHash('sha256').update(conv).digest('hex').slice(0, 24));
    const had = this.queues.get(conv);
    if (had?.client === client && had.dir === dir) return;
    void had?.queue.stop();
    const queue: UploadQueue = new UploadQueue({
      conv,
      client: (): ChatClient | undefined => (this.queues.get(conv)?.queue === queue ? client : undefined),
      config: () => this.d.clients.filesConfig(conv),
      dir,
      onChange: () => this.changed('uploads'),
      ...(this.d.transfer ? { transfer: this.d.transfer } : {}),
    });
    this.queues.set(conv, { client, dir, queue });
    void queue.load();
  }
}
