/**
 * Files for the rows of the log (memoized, so not through their props): the FilesApi and the
 * conversation shown, whose attachments the rows show; and opening the image viewer.
 */
import { createContext, useContext } from 'react';
import type { AttachmentInfo, FilesApi } from './useFiles';

export interface FilesForRows {
  api: FilesApi;
  conv: string;
  openViewer: (a: AttachmentInfo) => void;
}

export const FilesContext = createContext<FilesForRows | null>(null);

export function useFilesForRows(): FilesForRows | null {
  return useContext(FilesContext);
}

const SHOWN_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** Shown inline (and in the viewer): the types main's image cache serves, told by the server from the content. */
export function isShownImage(a: AttachmentInfo): boolean {
  return SHOWN_TYPES.includes(a.type.split(';')[0]!.trim());
}

export function imageUrl(base: string, conv: string, id: string): string {
  return `${base}${encodeURIComponent(conv)}/${encodeURIComponent(id)}`;
}
