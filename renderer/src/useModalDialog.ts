/**
 * A modal <dialog> kept in step with React. showModal when it mounts (the rest of
 * the window goes inert, so focus stays inside) with focus on the given element;
 * closed within the commit that removes it; Tab kept inside; Escape, or a close
 * from anywhere else, reported through onClose. Spread the result onto the <dialog>.
 */
import { useLayoutEffect, useRef, type KeyboardEvent, type RefObject, type SyntheticEvent } from 'react';

export function useModalDialog(onClose: () => void, initialFocus: RefObject<HTMLElement | null>) {
  const ref = useRef<HTMLDialogElement>(null);

  // Layout effect: closed within the commit that removes it, so the browser's own focus
  // restoration happens before the App moves focus where it belongs.
  useLayoutEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) d.showModal();
    initialFocus.current?.focus();
    return () => {
      if (d.open) d.close();
    };
    // Once, on mount: the element to focus first is a ref (a stable object).
  }, [initialFocus]);

  return {
    ref,
    onKeyDown: keepTabInside,
    onCancel: (e: SyntheticEvent) => {
      // Escape: we close it ourselves, so React state and the DOM agree.
      e.preventDefault();
      onClose();
    },
    onClose: (e: SyntheticEvent<HTMLDialogElement>) => {
      // Closed some other way (not by us): keep React's state in step. Our own
      // close() on unmount fires this too, once the dialog may be open again.
      if (!e.currentTarget.open) onClose();
    },
  };
}

/** A modal dialog keeps Tab inside (the browser would otherwise move on to its own UI). */
function keepTabInside(e: KeyboardEvent<HTMLDialogElement>): void {
  if (e.key !== 'Tab') return;
  const focusable = [...e.currentTarget.querySelectorAll<HTMLElement>('input, select, button, [tabindex]:not([tabindex="-1"])')].filter(
    (el) => !(el as HTMLInputElement).disabled && el.getClientRects().length > 0,
  );
  const head = focusable[0];
  const tail = focusable[focusable.length - 1];
  if (!head || !tail) return;
  if (e.shiftKey && document.activeElement === head) {
    e.preventDefault();
    tail.focus();
  } else if (!e.shiftKey && document.activeElement === tail) {
    e.preventDefault();
    head.focus();
  }
}
