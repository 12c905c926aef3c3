/**
 * Before files go: what was pasted, dropped or picked, images previewed (from the bytes in the
 * window: blob: URLs, never a path), each removable, with a caption. Enter or Send sends them all;
 * Escape or Cancel sends nothing. A refusal (a server without files, too large) says why here.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useI18n } from './AppContext';
import { reasonText, sizeText } from './i18n';
import { IconFile } from './Icons';
import type { SendFilesOutcome } from './useFiles';
import { useModalDialog } from './useModalDialog';

export interface SendFilesDialogProps {
  files: readonly File[];
  onRemove: (index: number) => void;
  onSend: (caption: string) => Promise<SendFilesOutcome>;
  onClose: () => void;
}

export function SendFilesDialog({ files, onRemove, onSend, onClose }: SendFilesDialogProps) {
  const { t, locale } = useI18n();
  const caption = useRef<HTMLInputElement>(null);
  const dialog = useModalDialog(onClose, caption);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const previews = usePreviews(files);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || files.length === 0) return;
    setBusy(true);
    const outcome: SendFilesOutcome = await onSend(caption.current?.value ?? '').catch(() => ({ ok: false, code: 'UNREADABLE' }));
    setBusy(false);
    if (outcome.ok) return onClose();
    const why = outcome.code === 'UNREADABLE' ? t.unexpectedError : reasonText(outcome.code, locale);
    setProblem(outcome.name ? `${outcome.name}: ${t.stagingFailed(why)}` : t.stagingFailed(why));
  }

  return (
    <dialog className="send-files" data-testid="send-files" aria-labelledby="send-files-title" {...dialog}>
      <form onSubmit={submit} aria-busy={busy}>
        <h2 id="send-files-title" className="send-files-title">
          {t.sendFilesTitle(files.length)}
        </h2>
        <StagedList files={files} previews={previews} busy={busy} onRemove={onRemove} />
        <label className="send-files-caption">
          <span>{t.captionLabel}</span>
          <input
            ref={caption}
            type="text"
            data-testid="send-files-caption"
            placeholder={t.captionPlaceholder}
            maxLength={4000}
            disabled={busy}
          />
        </label>
        {problem && (
          <p className="send-files-problem" role="alert" data-testid="send-files-problem">
            {problem}
          </p>
        )}
        <div className="send-files-buttons">
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t.cancel}
          </button>
          <button type="submit" className="button button-primary" data-testid="send-files-send" disabled={busy || files.length === 0}>
            {t.sendFiles}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** What will go: a preview of each image (an icon for other files), its name and size, and × to leave it out. */
function StagedList({
  files,
  previews,
  busy,
  onRemove,
}: {
  files: readonly File[];
  previews: Array<string | undefined>;
  busy: boolean;
  onRemove: (i: number) => void;
}) {
  const { t, locale } = useI18n();
  return (
    <ul className="send-files-list">
      {files.map((f, i) => (
        <li key={`${f.name}-${i}`} className="send-files-item" data-testid="send-files-item">
          {previews[i] ? (
            <img className="send-files-preview" src={previews[i]} alt={f.name} data-testid="send-files-preview" />
          ) : (
            <span className="send-files-icon" aria-hidden="true">
              <IconFile />
            </span>
          )}
          <span className="send-files-name">{f.name}</span>
          <span className="send-files-size">{sizeText(f.size, locale)}</span>
          <button
            type="button"
            className="button button-small"
            aria-label={t.removeFile(f.name)}
            title={t.removeFile(f.name)}
            onClick={() => onRemove(i)}
            disabled={busy}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

/** blob: URLs for the images among `files`, revoked when they go. */
function usePreviews(files: readonly File[]): Array<string | undefined> {
  const urls = useMemo(() => files.map((f) => (/^image\/(png|jpeg|gif|webp)$/.test(f.type) ? URL.createObjectURL(f) : undefined)), [files]);
  useEffect(() => () => urls.forEach((u) => u && URL.revokeObjectURL(u)), [urls]);
  return urls;
}
