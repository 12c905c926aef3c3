/**
 * The payload types of the files channels (feature `files`): staging a file from the window, the
 * uploads waiting or going up, and downloads. Pure data, like ipc-types.ts beside it.
 *
 * The window never names a path on disk: it hands over the bytes of what the person pasted,
 * dropped or picked (a File), in pieces, and main keeps its own copy. So a compromised renderer
 * cannot make main upload ~/.ssh, and a queued upload survives the original being moved or deleted.
 */
import type { Attachment } from '../../protocol/attachments';
import type { Reason } from './errors';

/** Largest piece of a staged file per `chat:stage-chunk` call. */
export const MAX_STAGE_CHUNK = 1024 * 1024;
/** At most this many files staged and not yet sent or dropped. */
export const MAX_STAGED = 50;

/** `chat:stage-attachment`: a file the person chose, by its name and size (the bytes follow in chunks). */
export interface StageFileArg {
  conv: string;
  name: string;
  size: number;
}

export type StageFileResult = { ok: true; stage: string } | { ok: false; reason: Reason };

/** `chat:stage-chunk`: the next bytes of a staged file; `offset` must be where the staged copy ends. */
export interface StageChunkArg {
  stage: string;
  offset: number;
  bytes: Uint8Array;
}

/** `chat:send-attachments`: staged files (each complete) sent as one message with `caption`. */
export interface SendFilesArg {
  conv: string;
  caption: string;
  stages: string[];
  /**
   * An image's thumbnail, made by the window (it has the picture decoded already): the stage of a
   * small PNG, JPEG or WebP for a stage in `stages`. Sent only to a server with `thumbnails`.
   */
  thumbnails?: Record<string, string>;
}

export type SendFilesResult = { ok: true; upload: UploadView } | { ok: false; reason: Reason };

/** Waiting: for a connection to a server with `files`; failed: stopped, with why (Retry or Cancel). */
export type UploadStateName = 'waiting' | 'uploading' | 'sending' | 'failed';

export interface UploadFileView {
  name: string;
  size: number;
  /** Bytes the server has confirmed. */
  done: number;
}

/** A message with files, queued until every file is stored; then it is sent and leaves this list. */
export interface UploadView {
  id: string;
  conv: string;
  caption: string;
  createdAt: string;
  state: UploadStateName;
  files: UploadFileView[];
  failure?: Reason;
}

/** `chat:download`: an attachment of a message of `conv`, to the downloads folder. */
export interface DownloadArg {
  conv: string;
  attachment: Pick<Attachment, 'id' | 'name' | 'size'>;
}

export interface DownloadView {
  /** The download's own id (what Show in folder takes). */
  id: string;
  conv: string;
  attachment: string;
  name: string;
  size: number;
  done: number;
  state: 'downloading' | 'done' | 'failed';
  /** Where it is (or goes): shown, never opened. */
  path: string;
  failure?: Reason;
}

export type DownloadResult = { ok: true; download: DownloadView } | { ok: false; reason: Reason };

/** What the window needs to show files: where images are fetched from (main's custom protocol). */
export interface FilePlaces {
  /** `uos-file://files/` in the app: `<base><conv>/<attachment id>` gives an image of that conversation. */
  imageBase: string;
}

/** Show in folder: ok, or why not (the folder named, to find by hand). */
export type ShowDownloadResult = { ok: true } | { ok: false; detail: string };

/** An image attachment of a conversation (the viewer's Copy). */
export interface ImageRef {
  conv: string;
  id: string;
}

export type CopyImageResult = { ok: true } | { ok: false; detail: string };
