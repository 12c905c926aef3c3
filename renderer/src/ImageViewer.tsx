/**
 * The image viewer: one image of the conversation at a time, whole, with zoom (buttons, + − 0,
 * Ctrl+wheel), previous/next over the conversation's images (buttons, ← →), Copy (main puts it on
 * the clipboard), Save as (main's dialog, then a download there), and Esc or Close.
 */
import { useCallback, useRef, useState, type KeyboardEvent, type RefObject, type WheelEvent } from 'react';
import { useI18n } from './AppContext';
import { imageUrl } from './FilesContext';
import type { AttachmentInfo, FilesApi } from './useFiles';
import { useModalDialog } from './useModalDialog';

const ZOOMS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];
const FIT = -1;

export interface ImageViewerProps {
  api: FilesApi;
  conv: string;
  images: readonly AttachmentInfo[];
  start: number;
  onClose: () => void;
}

/** Which image, its zoom, and what Copy said: a new image starts fitted, with nothing said. */
interface Shown {
  index: number;
  zoom: number;
  note: string | null;
  broken: boolean;
}

export function ImageViewer({ api, conv, images, start, onClose }: ImageViewerProps) {
  const { t } = useI18n();
  const [shown, setShown] = useState<Shown>({
    index: Math.min(Math.max(start, 0), images.length - 1),
    zoom: FIT,
    note: null,
    broken: false,
  });
  const closeButton = useRef<HTMLButtonElement>(null);
  const dialog = useModalDialog(onClose, closeButton);
  const last = images.length - 1;
  const step = useCallback(
    (by: number) =>
      setShown((s) => {
        const index = Math.min(Math.max(s.index + by, 0), last);
        return index === s.index ? s : { index, zoom: FIT, note: null, broken: false };
      }),
    [last],
  );
  const zoomTo = useCallback((f: (z: number) => number) => setShown((s) => ({ ...s, zoom: f(s.zoom) })), []);
  const a = images[shown.index];
  if (!a) return null;
  const zoomBy = (by: number) => zoomTo((z) => nextZoom(z, by));
  const copy = async () => {
    const r = await api.copyImage(conv, a.id);
    setShown((s) => ({ ...s, note: r.ok ? t.copied : t.copyFailed(r.detail) }));
  };
  const onKey = (e: KeyboardEvent<HTMLDialogElement>) =>
    viewerKey(e.key, { step, zoomBy, reset: () => zoomTo(() => 1) }) ? e.preventDefault() : dialog.onKeyDown(e);
  return (
    <dialog className="viewer" data-testid="viewer" aria-labelledby="viewer-title" {...dialog} onKeyDown={onKey}>
      <header className="viewer-bar">
        <h2 id="viewer-title" className="viewer-title" data-testid="viewer-title">
          {t.viewerTitle(shown.index + 1, images.length, a.name)}
        </h2>
        <ViewerTools
          zoom={shown.zoom}
          onZoom={zoomBy}
          onReset={() => zoomTo(() => 1)}
          onCopy={() => void copy()}
          onSave={() => void api.saveAs(conv, a)}
          onClose={onClose}
          closeButton={closeButton}
        />
      </header>
      <ViewerStage
        src={imageUrl(api.imageBase, conv, a.id)}
        a={a}
        shown={shown}
        last={last}
        onStep={step}
        onZoom={zoomBy}
        onBroken={() => setShown((s) => ({ ...s, broken: true }))}
      />
      <ViewerFoot note={shown.note} />
    </dialog>
  );
}

function ViewerFoot({ note }: { note: string | null }) {
  const { t } = useI18n();
  return (
    <footer className="viewer-foot">
      <span>{t.viewerHint}</span>
      {note && (
        <span role="status" data-testid="viewer-note">
          {note}
        </span>
      )}
    </footer>
  );
}

interface ToolsProps {
  zoom: number;
  onZoom: (by: number) => void;
  onReset: () => void;
  onCopy: () => void;
  onSave: () => void;
  onClose: () => void;
  closeButton: RefObject<HTMLButtonElement | null>;
}

function ViewerTools({ zoom, onZoom, onReset, onCopy, onSave, onClose, closeButton }: ToolsProps) {
  const { t } = useI18n();
  return (
    <div className="viewer-tools" role="toolbar" aria-label={t.viewerHint}>
      <button
        type="button"
        className="button button-small"
        onClick={() => onZoom(-1)}
        aria-label={t.zoomOut}
        title={t.zoomOut}
        data-testid="zoom-out"
      >
        −
      </button>
      <span className="viewer-zoom" data-testid="viewer-zoom" aria-live="polite">
        {zoom === FIT ? t.zoomFit : `${Math.round(zoom * 100)}%`}
      </span>
      <button
        type="button"
        className="button button-small"
        onClick={() => onZoom(1)}
        aria-label={t.zoomIn}
        title={t.zoomIn}
        data-testid="zoom-in"
      >
        +
      </button>
      <button type="button" className="button button-small" onClick={onReset} data-testid="zoom-reset">
        {t.zoomReset}
      </button>
      <button type="button" className="button button-small" onClick={onCopy} data-testid="viewer-copy">
        {t.copyImage}
      </button>
      <button type="button" className="button button-small" onClick={onSave} data-testid="viewer-save">
        {t.saveAs}
      </button>
      <button ref={closeButton} type="button" className="button button-small" onClick={onClose} data-testid="viewer-close">
        {t.closeViewer}
      </button>
    </div>
  );
}

interface StageProps {
  src: string;
  a: AttachmentInfo;
  shown: Shown;
  last: number;
  onStep: (by: number) => void;
  onZoom: (by: number) => void;
  onBroken: () => void;
}

function ViewerStage({ src, a, shown, last, onStep, onZoom, onBroken }: StageProps) {
  const { t } = useI18n();
  const { zoom } = shown;
  const onWheel = (e: WheelEvent) => {
    if (!e.ctrlKey) return;
    e.preventDefault();
    onZoom(e.deltaY < 0 ? 1 : -1);
  };
  return (
    <div className={`viewer-stage${zoom === FIT ? ' viewer-fit' : ''}`} onWheel={onWheel}>
      <button
        type="button"
        className="viewer-nav viewer-prev"
        onClick={() => onStep(-1)}
        disabled={shown.index === 0}
        aria-label={t.previousImage}
        data-testid="viewer-prev"
      >
        ‹
      </button>
      {shown.broken ? (
        <p className="viewer-broken" role="alert">
          {t.imageUnavailable}
        </p>
      ) : (
        <img
          className="viewer-image"
          data-testid="viewer-image"
          src={src}
          alt={a.name}
          width={zoom === FIT ? undefined : Math.round((a.width ?? 400) * zoom)}
          height={zoom === FIT ? undefined : Math.round((a.height ?? 300) * zoom)}
          onError={onBroken}
        />
      )}
      <button
        type="button"
        className="viewer-nav viewer-next"
        onClick={() => onStep(1)}
        disabled={shown.index === last}
        aria-label={t.nextImage}
        data-testid="viewer-next"
      >
        ›
      </button>
    </div>
  );
}

function viewerKey(key: string, o: { step: (by: number) => void; zoomBy: (by: number) => void; reset: () => void }): boolean {
  if (key === 'ArrowLeft') o.step(-1);
  else if (key === 'ArrowRight') o.step(1);
  else if (key === '+' || key === '=') o.zoomBy(1);
  else if (key === '-') o.zoomBy(-1);
  else if (key === '0') o.reset();
  else return false;
  return true;
}

/** The next zoom step up or down; from "fit", as if at 100 %. */
function nextZoom(z: number, by: number): number {
  const at = ZOOMS.indexOf(z === FIT ? 1 : z);
  return ZOOMS[Math.min(Math.max(at + by, 0), ZOOMS.length - 1)]!;
}
