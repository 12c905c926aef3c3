/**
 * Files of the window (feature `files`): what main says of uploads and downloads (pushed whole
 * when one changes), where images come from, and handing main the bytes of what the person
 * chose. The window never names a path: each file goes over in pieces (stageChunk), and main keeps
 * its own copy, so an upload survives the original being moved and a restart of the app.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { DownloadView, MessageEntry, UploadView } from '../../electron/common/contract';
import type { ReasonCode } from '../../electron/common/errors';
import { MAX_ATTACHMENTS } from '../../protocol/attachments';
import { useChat } from './AppContext';
import { makeThumbnail } from './thumbnail';

export type AttachmentInfo = NonNullable<MessageEntry['attachments']>[number];

/** = MAX_STAGE_CHUNK (electron/common/ipc-file-types.ts): the most one stageChunk call takes. */
const PIECE_BYTES = 1024 * 1024;
/** More files than a message carries go as further messages, the caption on the first. */
const FILES_PER_MESSAGE = MAX_ATTACHMENTS;

export type SendFilesOutcome = { ok: true } | { ok: false; code: ReasonCode | 'UNREADABLE'; name?: string };

export interface FilesApi {
  imageBase: string;
  uploads: UploadView[];
  downloads: DownloadView[];
  send(conv: string, files: readonly File[], caption: string): Promise<SendFilesOutcome>;
  cancelUpload(id: string): void;
  retryUpload(id: string): void;
  download(conv: string, a: AttachmentInfo): void;
  showDownload(id: string): void;
  saveAs(conv: string, a: AttachmentInfo): Promise<void>;
  copyImage(conv: string, id: string): Promise<{ ok: true } | { ok: false; detail: string }>;
}

export function useFiles(): FilesApi {
  const chat = useChat();
  const [imageBase, setImageBase] = useState('');
  const [uploads, setUploads] = useState<UploadView[]>([]);
  const [downloads, setDownloads] = useState<DownloadView[]>([]);
  useEffect(() => {
    let live = true;
    const offs = [chat.onUploads(setUploads), chat.onDownloads(setDownloads)];
    void chat.getFilePlaces().then((p) => live && setImageBase(p.imageBase));
    void chat.getUploads().then((u) => live && setUploads(u));
    void chat.getDownloads().then((d) => live && setDownloads(d));
    return () => {
      live = false;
      offs.forEach((off) => off());
    };
  }, [chat]);

  const send = useCallback((conv: string, files: readonly File[], caption: string) => sendFiles(chat, conv, files, caption), [chat]);
  return useMemo(
    () => ({
      imageBase,
      uploads,
      downloads,
      send,
      cancelUpload: (id: string) => void chat.cancelUpload(id),
      retryUpload: (id: string) => void chat.retryUpload(id),
      download: (conv: string, a: AttachmentInfo) => void chat.download({ conv, attachment: { id: a.id, name: a.name, size: a.size } }),
      showDownload: (id: string) => void chat.showDownload(id),
      saveAs: async (conv: string, a: AttachmentInfo) => {
        await chat.saveAttachmentAs({ conv, attachment: { id: a.id, name: a.name, size: a.size } });
      },
      copyImage: (conv: string, id: string) => chat.copyImage(conv, id),
    }),
    [chat, imageBase, uploads, downloads, send],
  );
}

type Chat = ReturnType<typeof useChat>;

/** Stages every file (in pieces), then sends them as messages of at most ten files each, the caption on the first. */
async function sendFiles(chat: Chat, conv: string, files: readonly File[], caption: string): Promise<SendFilesOutcome> {
  const stages: string[] = [];
  /** An image's stage → its thumbnail's (each thumbnail is staged too, and dropped with the rest). */
  const thumbnails: Record<string, string> = {};
  const dropAll = (from = 0) => [...stages.slice(from), ...Object.values(thumbnails)].forEach((s) => void chat.dropStaged(s));
  for (const file of files) {
    const staged = await stageWhole(chat, conv, file.name || 'file', file);
    if (!staged.ok) {
      dropAll();
      return { ...staged, name: file.name };
    }
    stages.push(staged.stage);
    const thumbnail = await stageThumbnail(chat, conv, file);
    if (thumbnail) thumbnails[staged.stage] = thumbnail;
  }
  for (let i = 0; i < stages.length; i += FILES_PER_MESSAGE) {
    const these = stages.slice(i, i + FILES_PER_MESSAGE);
    const mine = Object.fromEntries(these.flatMap((s) => (thumbnails[s] ? [[s, thumbnails[s]]] : [])));
    const sent = await chat.sendFiles({
      conv,
      caption: i === 0 ? caption : '',
      stages: these,
      ...(Object.keys(mine).length ? { thumbnails: mine } : {}),
    });
    if (!sent.ok) {
      dropAll(i); // these and the ones after them (with their thumbnails); main took none of them
      return { ok: false, code: sent.reason.code };
    }
    these.forEach((s) => delete thumbnails[s]);
  }
  return { ok: true };
}

type Staged = { ok: true; stage: string } | { ok: false; code: ReasonCode | 'UNREADABLE' };

async function stageWhole(chat: Chat, conv: string, name: string, file: Blob): Promise<Staged> {
  const begun = await chat.stageFile(conv, name, file.size);
  if (!begun.ok) return { ok: false, code: begun.reason.code };
  if (await copyInPieces(chat, begun.stage, file)) return begun;
  void chat.dropStaged(begun.stage);
  return { ok: false, code: 'UNREADABLE' };
}

/** The staged thumbnail of an image, or undefined (none is needed, or it could not be made: the image goes alone). */
async function stageThumbnail(chat: Chat, conv: string, file: File): Promise<string | undefined> {
  const thumbnail = await makeThumbnail(file);
  if (!thumbnail) return undefined;
  const staged = await stageWhole(chat, conv, 'thumbnail.webp', thumbnail);
  return staged.ok ? staged.stage : undefined;
}

/** False when the file could not be read (moved, deleted or changed since it was chosen). */
async function copyInPieces(chat: Chat, stage: string, file: Blob): Promise<boolean> {
  for (let offset = 0; offset < file.size; offset += PIECE_BYTES) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.slice(offset, offset + PIECE_BYTES).arrayBuffer());
    } catch {
      return false;
    }
    await chat.stageChunk(stage, offset, bytes);
  }
  return true;
}
