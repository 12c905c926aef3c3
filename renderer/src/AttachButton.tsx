/**
 * The composer's ways in for files: the picker button (several at once) and a pasted image or
 * file (Ctrl+V: a screenshot from the clipboard comes as an image file). Text pastes as text.
 */
import { useRef, type ClipboardEvent } from 'react';
import { useI18n } from './AppContext';
import { IconAttach } from './Icons';

export function AttachButton({ onFiles }: { onFiles: (files: File[]) => void }) {
  const { t } = useI18n();
  const picker = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="button button-icon attach"
        data-testid="attach"
        aria-label={t.attach}
        title={t.attachHint}
        onClick={() => picker.current?.click()}
      >
        <IconAttach />
      </button>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = ''; // the same file can be picked again
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}

/** A paste handler for the composer: files go to `onFiles`, text stays the box's. */
export function pasteFilesTo(onFiles: ((files: File[]) => void) | undefined) {
  if (!onFiles) return undefined;
  return (e: ClipboardEvent) => {
    const files = pastedFiles(e);
    if (files.length === 0) return; // text: the box takes it
    e.preventDefault();
    onFiles(files);
  };
}

/** Files in a paste, each named (a screenshot comes as "image.png": it gets the time instead); none: a text paste. */
export function pastedFiles(e: ClipboardEvent, now: Date = new Date()): File[] {
  const files = [...e.clipboardData.files];
  return files.map((f) => (f.name && f.name !== 'image.png' ? f : new File([f], `${stamp(now)}.${extOf(f.type)}`, { type: f.type })));
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `screenshot-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function extOf(type: string): string {
  return { 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' }[type] ?? 'png';
}
