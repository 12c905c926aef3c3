/**
 * The argument checks of the files channels (ipc-file-types.ts). As for every channel: the
 * renderer is untrusted, so shape, sizes and ids are checked here; whether a stage, an upload or a
 * download exists, and whose it is, is checked by the core (FileDesk).
 */
import { MAX_ATTACHMENTS } from '../../protocol/attachments';
import { checkConversationId, checkSendText, exactly, ok, refuse, type ArgCheck } from './ipc-args';
import {
  MAX_STAGE_CHUNK,
  MAX_STAGED,
  type DownloadArg,
  type ImageRef,
  type SendFilesArg,
  type StageChunkArg,
  type StageFileArg,
} from './ipc-file-types';

/** Ids main made (stages, uploads, downloads: UUIDs) and attachment ids (the server's): short, plain. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A name as the person's file had it; main makes it safe (no path parts) before it is used. */
const MAX_FILE_NAME_CHARS = 1024;

const isId = (v: unknown): v is string => typeof v === 'string' && ID.test(v);
const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** One id made by main (a stage, an upload, a download); `what` words the refusal. */
export function checkId(what: string): ArgCheck<string> {
  return (arg) => (isId(arg) ? ok(arg) : refuse(`${what} needs an id (1…64 letters, digits, - or _)`));
}

export const checkStageFile: ArgCheck<StageFileArg> = (arg) => {
  const o = exactly(arg, ['conv', 'name', 'size'], 'stage-attachment');
  if (typeof o === 'string') return refuse(o);
  const c = checkConversationId(o.conv);
  if (!c.ok) return refuse(`stage-attachment: ${c.error}`);
  if (typeof o.name !== 'string' || o.name.length === 0 || o.name.length > MAX_FILE_NAME_CHARS) {
    return refuse(`stage-attachment: name is 1…${MAX_FILE_NAME_CHARS} characters`);
  }
  if (!isSize(o.size)) return refuse('stage-attachment: size is a whole number of bytes ≥ 0');
  return ok({ conv: c.value, name: o.name, size: o.size });
};

export const checkStageChunk: ArgCheck<StageChunkArg> = (arg) => {
  const o = exactly(arg, ['stage', 'offset', 'bytes'], 'stage-chunk');
  if (typeof o === 'string') return refuse(o);
  if (!isId(o.stage)) return refuse('stage-chunk: stage is an id from stage-attachment');
  if (!isSize(o.offset)) return refuse('stage-chunk: offset is a whole number ≥ 0');
  // Structured clone gives main a Uint8Array (Electron: a Buffer sent over IPC arrives as one).
  if (!(o.bytes instanceof Uint8Array) || o.bytes.length === 0 || o.bytes.length > MAX_STAGE_CHUNK) {
    return refuse(`stage-chunk: bytes is a Uint8Array of 1…${MAX_STAGE_CHUNK} bytes`);
  }
  return ok({ stage: o.stage, offset: o.offset, bytes: o.bytes });
};

export const checkSendFiles: ArgCheck<SendFilesArg> = (arg) => {
  const keys = ['conv', 'caption', 'stages', ...(isObject(arg) && 'thumbnails' in arg ? ['thumbnails'] : [])];
  const o = exactly(arg, keys, 'send-attachments');
  if (typeof o === 'string') return refuse(o);
  const c = checkConversationId(o.conv);
  if (!c.ok) return refuse(`send-attachments: ${c.error}`);
  const t = checkSendText(o.caption);
  if (!t.ok) return refuse(`send-attachments: caption: ${t.error}`);
  const stages = o.stages;
  if (!Array.isArray(stages) || stages.length === 0 || stages.length > Math.min(MAX_ATTACHMENTS, MAX_STAGED) || !stages.every(isId)) {
    return refuse(`send-attachments: stages is a list of 1…${MAX_ATTACHMENTS} ids from stage-attachment`);
  }
  if (new Set(stages).size !== stages.length) return refuse('send-attachments: a file is named twice');
  const sent: SendFilesArg = { conv: c.value, caption: t.value, stages: [...(stages as string[])] };
  if (o.thumbnails === undefined) return ok(sent);
  const thumbnails = checkThumbnails(o.thumbnails, sent.stages);
  return typeof thumbnails === 'string' ? refuse(`send-attachments: ${thumbnails}`) : ok({ ...sent, thumbnails });
};

/** Each of `stages` at most once, each to a stage of its own that is not one of `stages`. */
function checkThumbnails(v: unknown, stages: readonly string[]): Record<string, string> | string {
  const words = 'thumbnails maps a stage in stages to the stage of its thumbnail';
  if (!isObject(v) || Array.isArray(v)) return words;
  const pairs = Object.entries(v);
  if (!pairs.every(([of, thumb]) => stages.includes(of) && isId(thumb) && !stages.includes(thumb))) return words;
  if (new Set(pairs.map(([, thumb]) => thumb)).size !== pairs.length) return 'a thumbnail is named twice';
  return Object.fromEntries(pairs as Array<[string, string]>);
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

export const checkDownload: ArgCheck<DownloadArg> = (arg) => {
  const o = exactly(arg, ['conv', 'attachment'], 'download');
  if (typeof o === 'string') return refuse(o);
  const c = checkConversationId(o.conv);
  if (!c.ok) return refuse(`download: ${c.error}`);
  const a = exactly(o.attachment, ['id', 'name', 'size'], 'download: attachment');
  if (typeof a === 'string') return refuse(a);
  if (!isId(a.id) || typeof a.name !== 'string' || a.name.length > MAX_FILE_NAME_CHARS || !isSize(a.size)) {
    return refuse('download: attachment is { id, name, size } as the message carries it');
  }
  return ok({ conv: c.value, attachment: { id: a.id, name: a.name, size: a.size } });
};

export const checkImageRef: ArgCheck<ImageRef> = (arg) => {
  const o = exactly(arg, ['conv', 'id'], 'copy-image');
  if (typeof o === 'string') return refuse(o);
  const c = checkConversationId(o.conv);
  if (!c.ok) return refuse(`copy-image: ${c.error}`);
  return isId(o.id) ? ok({ conv: c.value, id: o.id }) : refuse('copy-image: id is an attachment id');
};
