/**
 * The messages with files of the conversation shown that are not sent yet: each file's bar and
 * bytes, Cancel, and on failure why and Retry. They stay here across restarts (main's queue) and
 * leave once the message is sent; the message then shows in the log like any other.
 */
import type { UploadView } from '../../electron/common/contract';
import { useI18n } from './AppContext';
import { reasonText, sizeText } from './i18n';
import { IconAlert, IconRetry } from './Icons';

export function UploadList({
  uploads,
  conv,
  onCancel,
  onRetry,
}: {
  uploads: readonly UploadView[];
  conv: string;
  onCancel: (id: string) => void;
  onRetry: (id: string) => void;
}) {
  const { t } = useI18n();
  const mine = uploads.filter((u) => u.conv === conv);
  if (mine.length === 0) return null;
  return (
    <ul className="uploads" data-testid="uploads" aria-label={t.uploadUploading}>
      {mine.map((u) => (
        <UploadRow key={u.id} u={u} onCancel={() => onCancel(u.id)} onRetry={() => onRetry(u.id)} />
      ))}
    </ul>
  );
}

function UploadRow({ u, onCancel, onRetry }: { u: UploadView; onCancel: () => void; onRetry: () => void }) {
  const { t, locale } = useI18n();
  const state =
    u.state === 'waiting'
      ? t.uploadWaiting
      : u.state === 'sending'
        ? t.uploadSending
        : u.state === 'uploading'
          ? t.uploadUploading
          : undefined;
  return (
    <li className={`upload upload-${u.state}`} data-testid="upload" data-state={u.state} data-id={u.id}>
      {u.caption && <p className="upload-caption">{u.caption}</p>}
      {u.files.map((f, i) => (
        <div className="upload-file" key={i}>
          <span className="upload-name">{f.name}</span>
          <progress
            className="upload-bar"
            max={Math.max(f.size, 1)}
            value={f.size === 0 ? 1 : f.done}
            aria-label={t.uploadProgress(f.name)}
            data-testid="upload-bar"
          />
          <span className="upload-bytes" data-testid="upload-bytes">
            {t.bytesOf(sizeText(f.done, locale), sizeText(f.size, locale))}
          </span>
        </div>
      ))}
      <div className="upload-foot">
        {state && (
          <span className="upload-state" role="status">
            {state}
          </span>
        )}
        {u.failure && (
          <span className="upload-problem" role="alert" data-testid="upload-failed">
            <IconAlert />
            {t.uploadFailed(reasonText(u.failure.code, locale))}
          </span>
        )}
        {u.state === 'failed' && (
          <button type="button" className="button button-small" data-testid="upload-retry" onClick={onRetry}>
            <IconRetry />
            {t.retryUpload}
          </button>
        )}
        <button type="button" className="button button-small button-danger" data-testid="upload-cancel" onClick={onCancel}>
          {t.cancelUpload}
        </button>
      </div>
    </li>
  );
}
