/**
 * A message's attachments: images inline (through main's image scheme; a click opens the
 * viewer), other files as cards with name, size, a type icon and Download, then the download's
 * progress and "Show in folder". Nothing is ever opened: the file manager shows where it is.
 */
import { memo } from 'react';
import type { DownloadView } from '../../electron/common/contract';
import { useI18n } from './AppContext';
import { imageUrl, isShownImage, useFilesForRows, type FilesForRows } from './FilesContext';
import { reasonText, sizeText } from './i18n';
import { IconDownload, IconFile, IconFolder } from './Icons';
import type { AttachmentInfo } from './useFiles';

/** How far an inline image may be shown (its box keeps the ratio; the viewer shows it whole). */
const MAX_INLINE = { width: 320, height: 240 };

export const Attachments = memo(function Attachments({ attachments }: { attachments: readonly AttachmentInfo[] }) {
  const files = useFilesForRows();
  const { t } = useI18n();
  if (!files || attachments.length === 0) return null;
  return (
    <ul className="attachments" data-testid="attachments" aria-label={t.attachmentsLabel}>
      {attachments.map((a) => (
        <li key={a.id} className="attachment">
          {isShownImage(a) && files.api.imageBase ? <InlineImage a={a} files={files} /> : <FileCard a={a} files={files} />}
        </li>
      ))}
    </ul>
  );
});

function InlineImage({ a, files }: { a: AttachmentInfo; files: FilesForRows }) {
  const { t } = useI18n();
  const { width, height } = fitted(a.width, a.height);
  return (
    <button
      type="button"
      className="attachment-image"
      data-testid="attachment-image"
      data-id={a.id}
      aria-label={t.openImage(a.name)}
      title={a.name}
      onClick={() => files.openViewer(a)}
    >
      <img
        src={imageUrl(files.api.imageBase, files.conv, a.thumbnail ?? a.id)}
        alt={a.name}
        width={width}
        height={height}
        loading="lazy"
        decoding="async"
      />
    </button>
  );
}

function FileCard({ a, files }: { a: AttachmentInfo; files: FilesForRows }) {
  const { t, locale } = useI18n();
  const kind = kindOf(a);
  const d = latestDownload(files.api.downloads, files.conv, a.id);
  return (
    <div className="file-card" data-testid="file-card" data-id={a.id}>
      <span className="file-card-icon" aria-hidden="true">
        <IconFile kind={kind} />
      </span>
      <span className="file-card-what">
        <span className="file-card-name" data-testid="file-name">
          {a.name}
        </span>
        <span className="file-card-size">
          {sizeText(a.size, locale)} · {typeLabel(a)}
        </span>
        {d && <DownloadState d={d} onShow={() => files.api.showDownload(d.id)} />}
      </span>
      {d?.state !== 'downloading' && (
        <button
          type="button"
          className="button button-small"
          data-testid="download"
          aria-label={`${t.download} ${a.name}`}
          onClick={() => files.api.download(files.conv, a)}
        >
          <IconDownload />
          {t.download}
        </button>
      )}
    </div>
  );
}

function DownloadState({ d, onShow }: { d: DownloadView; onShow: () => void }) {
  const { t, locale } = useI18n();
  if (d.state === 'downloading') {
    return (
      <span className="file-card-progress" data-testid="download-progress">
        <progress max={Math.max(d.size, 1)} value={d.done} aria-label={`${t.downloading} ${d.name}`} />
        <span>{t.bytesOf(sizeText(d.done, locale), sizeText(d.size, locale))}</span>
      </span>
    );
  }
  if (d.state === 'failed') {
    return (
      <span className="file-card-problem" role="alert" data-testid="download-failed">
        {t.downloadFailed(reasonText(d.failure?.code ?? 'FILE_REFUSED', locale))}
      </span>
    );
  }
  return (
    <span className="file-card-done" data-testid="download-done">
      {t.downloaded}: {d.name}
      <button type="button" className="button button-small button-link" data-testid="show-in-folder" onClick={onShow}>
        <IconFolder />
        {t.showInFolder}
      </button>
    </span>
  );
}

function latestDownload(list: readonly DownloadView[], conv: string, id: string): DownloadView | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.conv === conv && list[i]!.attachment === id) return list[i];
  return undefined;
}

function fitted(w: number | undefined, h: number | undefined): { width: number; height: number } {
  if (!w || !h) return { width: 160, height: 120 };
  const scale = Math.min(1, MAX_INLINE.width / w, MAX_INLINE.height / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

const EXT_KINDS: Record<string, 'doc' | 'sheet' | 'pdf' | 'archive'> = {
  doc: 'doc',
  docx: 'doc',
  odt: 'doc',
  txt: 'doc',
  md: 'doc',
  wps: 'doc',
  xls: 'sheet',
  xlsx: 'sheet',
  ods: 'sheet',
  csv: 'sheet',
  et: 'sheet',
  pdf: 'pdf',
  ofd: 'pdf',
  zip: 'archive',
  rar: 'archive',
  '7z': 'archive',
  gz: 'archive',
  tar: 'archive',
  xz: 'archive',
};

function extOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function kindOf(a: AttachmentInfo): 'file' | 'doc' | 'sheet' | 'pdf' | 'archive' | 'image' {
  if (a.type.startsWith('image/')) return 'image';
  return EXT_KINDS[extOf(a.name)] ?? 'file';
}

/** The type as a person says it: the extension (PDF, DOCX), else the server's type. */
function typeLabel(a: AttachmentInfo): string {
  const ext = extOf(a.name);
  return ext ? ext.toUpperCase() : a.type.split(';')[0]!;
}
