/**
 * Files around the log and the composer: drop files anywhere on it, paste an image or pick files
 * in the composer (onFiles), then the send dialog; the uploads not sent yet, above the composer;
 * the image viewer; and FilesContext for the rows' attachments.
 */
import { useCallback, useMemo, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useI18n } from './AppContext';
import { FilesContext, isShownImage, type FilesForRows } from './FilesContext';
import { ImageViewer } from './ImageViewer';
import { SendFilesDialog } from './SendFilesDialog';
import type { EntryStore } from './store';
import { UploadList } from './UploadList';
import type { AttachmentInfo, FilesApi } from './useFiles';

export interface FileAreaProps {
  api: FilesApi;
  conv: string | undefined;
  store: EntryStore;
  /** The log, and the composer under it, given the way to hand over files. */
  children: (onFiles: ((files: File[]) => void) | undefined, uploads: ReactNode) => ReactNode;
}

export function FileArea({ api, conv, store, children }: FileAreaProps) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState<File[] | null>(null);
  const [viewing, setViewing] = useState<{ images: AttachmentInfo[]; start: number } | null>(null);
  const { dragging, dropProps } = useDropZone(conv ? (files) => setChosen((c) => [...(c ?? []), ...files]) : undefined);
  const openViewer = useCallback(
    (a: AttachmentInfo) => {
      const images = imagesOf(store);
      setViewing({
        images,
        start: Math.max(
          0,
          images.findIndex((i) => i.id === a.id),
        ),
      });
    },
    [store],
  );
  const rows = useMemo<FilesForRows | null>(() => (conv ? { api, conv, openViewer } : null), [api, conv, openViewer]);
  const onFiles = useMemo(() => (conv ? (files: File[]) => setChosen((c) => [...(c ?? []), ...files]) : undefined), [conv]);
  const uploads = conv ? <UploadList uploads={api.uploads} conv={conv} onCancel={api.cancelUpload} onRetry={api.retryUpload} /> : null;
  return (
    <FilesContext.Provider value={rows}>
      <div className={`file-area${dragging ? ' file-area-dragging' : ''}`} data-testid="file-area" {...dropProps}>
        {children(onFiles, uploads)}
        {dragging && (
          <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
            {t.dropHere}
          </div>
        )}
      </div>
      {chosen && conv && (
        <SendFilesDialog
          files={chosen}
          onRemove={(i) => setChosen((c) => (c && c.length > 1 ? c.filter((_, j) => j !== i) : null))}
          onSend={(caption) => api.send(conv, chosen, caption)}
          onClose={() => setChosen(null)}
        />
      )}
      {viewing && conv && (
        <ImageViewer api={api} conv={conv} images={viewing.images} start={viewing.start} onClose={() => setViewing(null)} />
      )}
    </FilesContext.Provider>
  );
}

/** Files dragged over the area: the overlay while over it, the files on drop (text drags are left alone). */
function useDropZone(onDrop: ((files: File[]) => void) | undefined) {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const hasFiles = (e: DragEvent) => onDrop !== undefined && [...e.dataTransfer.types].includes('Files');
  const dropProps = {
    onDragEnter: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setDragging(true);
    },
    onDragOver: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      const files = [...e.dataTransfer.files];
      if (files.length > 0) onDrop!(files);
    },
  };
  return { dragging, dropProps };
}

/** The images of the conversation the window holds, oldest first (the viewer's previous and next). */
function imagesOf(store: EntryStore): AttachmentInfo[] {
  const out: AttachmentInfo[] = [];
  for (let i = 0; i < store.size; i++) {
    const e = store.at(i);
    if (e?.kind === 'message' && !e.recalled) for (const a of e.attachments ?? []) if (isShownImage(a)) out.push(a);
  }
  return out;
}
