/**
 * One conversation's messages with files, queued until every file is stored on the server; then the
 * message goes into the client's outbox like any other. The queue lives in the account's directory
 * (`uploads/queue.json` and the files beside it, 0600), so a restart, a network cut or a quit loses
 * nothing: each file goes on from the server's offset (upload-journal.ts), and the message keeps the
 * id it was given when queued, so sending it again after a crash is deduped by the server.
 *
 * One upload runs at a time, in order. A refusal (too large, quota, not a member) stops that upload
 * with why (Retry or Cancel); a cut while the connection is down waits for the connection instead.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { Features } from '../../../protocol/features';
import type { Attachment } from '../../../protocol/attachments';
import type { SendResult } from '../../common/ipc-types';
import type { UploadView } from '../../common/ipc-file-types';
import { reason, type Reason } from '../../common/errors';
import type { Status } from '../../common/state';
import { writeFileAtomic } from '../store/atomic-file';
import type { FilesConfig } from './file-http';
import type { StagedFile } from './file-staging';
import { FileTransfer, TransferError, type TransferOptions } from './file-transfer';
import { UploadJournal } from './upload-journal';

/** What the queue needs of its conversation's ChatClient. */
export interface QueueClient {
  status(): Status;
  on(event: 'status', cb: (s: Status) => void): () => void;
  send(text: string, action: undefined, attachments: readonly Attachment[], id: string): Promise<SendResult>;
}

export interface UploadQueueDeps {
  conv: string;
  client: () => QueueClient | undefined;
  config: () => FilesConfig;
  /** The directory of the queue (the account's `uploads/`). */
  dir: string;
  onChange: () => void;
  newId?: () => string;
  now?: () => number;
  transfer?: Partial<TransferOptions>;
}

interface QueuedFile {
  /** The queue's copy, by name inside `dir`. */
  copy: string;
  name: string;
  size: number;
  attachment?: Attachment;
  /** The window's thumbnail of this image, until it is uploaded (or the server takes none). */
  thumb?: { copy: string; size: number };
}

interface QueuedUpload {
  /** Also the message's id. */
  id: string;
  caption: string;
  createdAt: string;
  files: QueuedFile[];
  failure?: Reason;
}

export class UploadQueue {
  private items: QueuedUpload[] = [];
  private loaded: Promise<void> | undefined;
  private running = false;
  private again = false;
  private active: { id: string; abort: AbortController; state: 'uploading' | 'sending'; done: number[] } | undefined;
  private writing = Promise.resolve();
  private readonly journal: UploadJournal;

  constructor(private readonly d: UploadQueueDeps) {
    this.journal = new UploadJournal(path.join(d.dir, 'journal.json'));
  }

  /** Reads what an earlier run left queued (once), then starts on it. */
  load(): Promise<void> {
    this.loaded ??= readFile(path.join(this.d.dir, 'queue.json'), 'utf8').then(
      (text) => {
        this.items = (JSON.parse(text) as { items?: QueuedUpload[] }).items?.filter(isQueued) ?? [];
        this.changed();
      },
      () => undefined, // none yet (or unreadable: a corrupt queue file cannot be told from none here)
    );
    return this.loaded.then(() => this.kick());
  }

  /** Takes the staged files as one message with `caption`; resolves once the queue is saved. */
  async add(caption: string, staged: readonly StagedFile[]): Promise<UploadView> {
    await this.load();
    mkdirSync(this.d.dir, { recursive: true, mode: 0o700 });
    const id = (this.d.newId ?? randomUUID)();
    const files: QueuedFile[] = [];
    for (const [i, s] of staged.entries()) {
      const copy = `${id}-${i}`;
      await rename(s.file, path.join(this.d.dir, copy));
      const file: QueuedFile = { copy, name: s.name, size: s.size };
      if (s.thumbnail) {
        await rename(s.thumbnail.file, path.join(this.d.dir, `${copy}-t`));
        file.thumb = { copy: `${copy}-t`, size: s.thumbnail.size };
      }
      files.push(file);
    }
    const item: QueuedUpload = { id, caption, createdAt: new Date(this.d.now?.() ?? Date.now()).toISOString(), files };
    this.items.push(item);
    await this.save();
    this.kick();
    return this.viewOf(item);
  }

  views(): UploadView[] {
    return this.items.map((i) => this.viewOf(i));
  }

  has(id: string): boolean {
    return this.items.some((i) => i.id === id);
  }

  /** Stops and forgets an upload (what the server staged expires there). */
  async cancel(id: string): Promise<boolean> {
    const item = this.items.find((i) => i.id === id);
    if (!item) return false;
    if (this.active?.id === id) this.active.abort.abort();
    await this.forget(item);
    return true;
  }

  async retry(id: string): Promise<boolean> {
    const item = this.items.find((i) => i.id === id);
    if (!item?.failure) return false;
    delete item.failure;
    await this.save();
    this.kick();
    return true;
  }

  /** Stops the running transfer (the queue stays on disk for the next run). */
  stop(): Promise<void> {
    this.active?.abort.abort();
    return this.writing;
  }

  /** Looks for work: after a change of the connection, a new upload, or a retry. */
  kick(): void {
    if (!this.loaded) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    for (let item = this.next(); item && this.ready(item); item = this.next()) await this.run(item);
  }

  private next(): QueuedUpload | undefined {
    return this.items.find((i) => !i.failure);
  }

  /** Connected to a server that takes files; connected to one that does not fails the upload, with why. */
  private ready(item: QueuedUpload): boolean {
    const c = this.d.client()?.status().connection;
    if (c?.kind !== 'connected') return false;
    if (c.features.includes(Features.files)) return true;
    void this.fail(item, reason('FILES_UNSUPPORTED', 'the server does not announce "files"'));
    return false;
  }

  private async run(item: QueuedUpload): Promise<void> {
    const abort = new AbortController();
    const active = (this.active = {
      id: item.id,
      abort,
      state: 'uploading' as const,
      done: item.files.map((f) => (f.attachment ? f.size : 0)),
    });
    try {
      for (const [i, f] of item.files.entries()) {
        if (!f.attachment) {
          f.attachment = await this.transfer(abort.signal, (done) => {
            active.done[i] = done;
            this.changed();
          }).upload(this.d.conv, path.join(this.d.dir, f.copy), f.name);
          await this.save();
        }
        if (f.thumb) await this.thumbnail(abort.signal, f, f.thumb.copy);
      }
      await this.send(item);
    } catch (err) {
      if (abort.signal.aborted || !this.has(item.id)) return; // cancelled, or stopped for a restart
      const why = err instanceof TransferError ? err.reason : reason('FILE_REFUSED', (err as Error).message);
      // A cut while the connection is down is not a refusal: the upload goes on when it is back.
      if (this.d.client()?.status().connection.kind !== 'connected') return;
      await this.fail(item, why);
    } finally {
      if (this.active?.id === item.id) this.active = undefined;
      this.changed();
    }
  }

  private async send(item: QueuedUpload): Promise<void> {
    this.active = { ...this.active!, state: 'sending' };
    this.changed();
    const client = this.d.client();
    if (!client) throw new Error('the conversation is gone');
    const sent = await client.send(
      item.caption,
      undefined,
      item.files.map((f) => f.attachment!),
      item.id,
    );
    if (!sent.ok) throw new TransferError(sent.reason);
    await this.forget(item);
  }

  /**
   * Uploads an image's thumbnail after the image (feature `thumbnails`). Optional: a server without
   * the feature, or one that refuses this thumbnail, gets the image alone (the window scales it). A
   * cut while the connection is down throws, and the queue goes on from here when it is back.
   */
  private async thumbnail(signal: AbortSignal, f: QueuedFile, copy: string): Promise<void> {
    const c = this.d.client()?.status().connection;
    if (c?.kind === 'connected' && c.features.includes(Features.thumbnails) && f.attachment?.width !== undefined) {
      try {
        const made = await this.transfer(signal, () => undefined).upload(
          this.d.conv,
          path.join(this.d.dir, copy),
          'thumbnail',
          f.attachment.id,
        );
        f.attachment = { ...f.attachment, thumbnail: made.id };
      } catch (err) {
        if (signal.aborted || this.d.client()?.status().connection.kind !== 'connected') throw err;
      }
    }
    delete f.thumb;
    await this.save();
    await rm(path.join(this.d.dir, copy), { force: true });
  }

  private transfer(signal: AbortSignal, onProgress: (done: number) => void): FileTransfer {
    return new FileTransfer({ config: this.d.config(), journal: this.journal, signal, onProgress, ...this.d.transfer });
  }

  private async fail(item: QueuedUpload, why: Reason): Promise<void> {
    item.failure = why;
    await this.save();
    this.changed();
  }

  private async forget(item: QueuedUpload): Promise<void> {
    this.items = this.items.filter((i) => i !== item);
    await this.save();
    const copies = item.files.flatMap((f) => [f.copy, ...(f.thumb ? [f.thumb.copy] : [])]);
    await Promise.all(copies.map((copy) => rm(path.join(this.d.dir, copy), { force: true })));
    this.changed();
  }

  private viewOf(item: QueuedUpload): UploadView {
    const active = this.active?.id === item.id ? this.active : undefined;
    const state = item.failure ? 'failed' : (active?.state ?? 'waiting');
    return {
      id: item.id,
      conv: this.d.conv,
      caption: item.caption,
      createdAt: item.createdAt,
      state,
      files: item.files.map((f, i) => ({ name: f.name, size: f.size, done: f.attachment ? f.size : (active?.done[i] ?? 0) })),
      ...(item.failure ? { failure: item.failure } : {}),
    };
  }

  /** One write at a time, each of the whole queue as it is then. */
  private save(): Promise<void> {
    const text = JSON.stringify({ items: this.items }) + '\n';
    const write = this.writing.then(() => {
      mkdirSync(this.d.dir, { recursive: true, mode: 0o700 });
      return writeFileAtomic(path.join(this.d.dir, 'queue.json'), text);
    });
    this.writing = write.catch(() => undefined); // a failed write is the caller's to report; the next one still runs
    return write;
  }

  private changed(): void {
    this.d.onChange();
  }
}

function isQueued(v: unknown): v is QueuedUpload {
  const o = v as QueuedUpload | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.id === 'string' &&
    typeof o.caption === 'string' &&
    Array.isArray(o.files) &&
    o.files.every((f) => isCopy(f) && typeof f.name === 'string' && (f.thumb === undefined || isCopy(f.thumb)))
  );
}

const isCopy = (c: { copy?: unknown; size?: unknown } | null | undefined): boolean =>
  typeof c?.copy === 'string' && /^[\w-]+$/.test(c.copy) && Number.isSafeInteger(c.size);
