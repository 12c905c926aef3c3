/**
 * The message box: Enter sends, Shift+Enter is a new line, and Enter while an
 * input method is composing (pinyin and friends) only commits the composition.
 * Shows the UTF-8 byte count against the server's limit before sending.
 * A refused send keeps the text and says why; an accepted one clears the box.
 */
import {
  memo,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type Dispatch,
  type FormEvent,
  type KeyboardEvent,
  type RefObject,
  type SetStateAction,
} from 'react';
import type { SendResult } from '../../electron/common/contract';
import type { ReasonCode } from '../../electron/common/errors';
import { useI18n } from './AppContext';
import { reasonText } from './i18n';
import { AttachButton, pasteFilesTo } from './AttachButton';
import { IconSend } from './Icons';
import { firstLine } from './MessageTools';
import type { ComposeMode } from './useComposeMode';
import { utf8Bytes } from './store';

type Problem = { code: ReasonCode } | { unexpected: true };

export interface ComposerProps {
  /** The server's message limit in UTF-8 bytes. */
  limit: number;
  send: (text: string) => Promise<SendResult>;
  /** The conversation's unsent text, to start with (its draft). */
  initialText?: string;
  /** Every change of the box's text (the draft is kept from it). */
  onTextChange?: (text: string) => void;
  /** Replying to or editing a message (useComposeMode.ts); `send` then sends the reply or saves the edit. */
  mode?: ComposeMode;
  onCancelMode?: () => void;
  /** ↑ in the empty box: edit the newest own message. */
  onEditLast?: () => void;
  /** Files picked or pasted (feature `files`); without it, no attach button and pastes are text only. */
  onFiles?: (files: File[]) => void;
}

export const Composer = memo(function Composer(props: ComposerProps) {
  const { limit, send, initialText, onTextChange, mode, onCancelMode, onEditLast, onFiles } = props;
  const { t } = useI18n();
  const [text, setText] = useState(initialText ?? '');
  const editing = mode?.kind === 'edit';
  // An edit's text is not the draft: the draft waits aside and comes back when the edit ends.
  useEffect(() => {
    if (!editing) onTextChange?.(text);
  }, [text, onTextChange, editing]);
  const input = useRef<HTMLTextAreaElement>(null);
  useModeText(mode, text, setText, input);
  const { problem, setProblem, sending, submit } = useSubmit(send, limit, input, text, setText);

  const bytes = utf8Bytes(text);
  const over = limit > 0 && bytes > limit;
  const empty = text.trim() === '';
  const enterSends = useEnterSends(submit, modeKeys(mode, text, onCancelMode, onEditLast));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit();
  };

  return (
    <form className="composer" onSubmit={onSubmit} data-testid="composer" aria-busy={sending}>
      {mode && <ComposeModeBar mode={mode} onCancel={() => onCancelMode?.()} />}
      <div className={`composer-box${over ? ' composer-over' : ''}`}>
        {onFiles && !editing && <AttachButton onFiles={onFiles} />}
        <textarea
          ref={input}
          className="composer-input"
          data-testid="input"
          aria-label={t.inputLabel}
          aria-describedby="composer-hint composer-bytes"
          aria-invalid={over || undefined}
          placeholder={t.placeholder}
          rows={1}
          value={text}
          autoFocus
          onChange={(e) => {
            setText(e.target.value);
            if (problem) setProblem(null);
          }}
          {...enterSends}
          onPaste={editing ? undefined : pasteFilesTo(onFiles)}
        />
        <button type="submit" className="button button-primary send" data-testid="send" disabled={empty}>
          <IconSend />
          {editing ? t.saveEdit : t.send}
        </button>
      </div>
      <ComposerFoot problem={problem} bytes={bytes} limit={limit} over={over} />
    </form>
  );
});

/** Escape leaves a reply or edit; ↑ in the empty box edits the newest own message. */
function modeKeys(mode: ComposeMode, text: string, onCancelMode?: () => void, onEditLast?: () => void) {
  return (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape' && mode) {
      e.preventDefault();
      onCancelMode?.();
    } else if (e.key === 'ArrowUp' && !mode && text === '' && onEditLast) {
      e.preventDefault();
      onEditLast();
    }
  };
}

/**
 * Enter sends, Shift+Enter is a new line, and the Enter that commits an IME composition
 * (fcitx, ibus: pinyin candidates) never sends: composition events, `isComposing` and keyCode 229.
 */
function useEnterSends(submit: () => Promise<void>, otherKey: (e: KeyboardEvent<HTMLTextAreaElement>) => void) {
  const composing = useRef(false);
  return {
    onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
      // An input method uses Escape and the arrows for its candidates: those are its own.
      if (composing.current || e.nativeEvent.isComposing || e.keyCode === 229) return;
      if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return otherKey(e);
      e.preventDefault();
      void submit();
    },
    onCompositionStart: () => void (composing.current = true),
    onCompositionEnd: () => void (composing.current = false),
    onBlur: () => void (composing.current = false),
  };
}

/**
 * The box's text as the mode changes: an edit starts from the message's text (what was typed
 * waits aside, and comes back when the edit ends); a reply keeps what was typed. Either focuses the box.
 */
function useModeText(
  mode: ComposeMode,
  text: string,
  setText: Dispatch<SetStateAction<string>>,
  input: RefObject<HTMLTextAreaElement | null>,
) {
  const aside = useRef<string | null>(null);
  const latest = useRef(text);
  latest.current = text;
  // Before paint: the box never shows the wrong text for a frame.
  useLayoutEffect(() => {
    if (mode?.kind === 'edit') {
      aside.current ??= latest.current;
      setText(mode.entry.text);
    } else if (aside.current !== null) {
      setText(aside.current);
      aside.current = null;
    }
    if (mode) input.current?.focus();
  }, [mode, setText, input]);
}

/** Above the box while replying or editing: what, and × (or Escape) to stop. */
function ComposeModeBar({ mode, onCancel }: { mode: NonNullable<ComposeMode>; onCancel: () => void }) {
  const { t } = useI18n();
  const reply = mode.kind === 'reply';
  return (
    <div className="compose-mode" data-testid="compose-mode" data-kind={mode.kind} role="status">
      <span className="compose-mode-what">{reply ? t.replyingTo(mode.entry.user) : t.editingMessage}</span>
      {reply && <span className="compose-mode-quote">{firstLine(mode.entry.text)}</span>}
      <button
        type="button"
        className="button button-small compose-mode-cancel"
        data-testid="compose-mode-cancel"
        aria-label={reply ? t.cancelReply : t.cancelEdit}
        title={reply ? t.cancelReply : t.cancelEdit}
        onClick={onCancel}
      >
        ×
      </button>
    </div>
  );
}

/** Sends the box's text once at a time; a refusal (or a failure) becomes the problem shown under the box. */
function useSubmit(
  send: (text: string) => Promise<SendResult>,
  limit: number,
  input: RefObject<HTMLTextAreaElement | null>,
  text: string,
  setText: Dispatch<SetStateAction<string>>,
) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [sending, setSending] = useState(false);
  const busy = useRef(false);

  async function submit() {
    if (busy.current) return;
    const value = input.current?.value ?? text;
    if (value.trim() === '') return;
    // The host refuses a call this large outright (validate.ts: 4 chars per byte of the limit).
    if (limit > 0 && value.length > limit * 4) {
      setProblem({ code: 'TOO_LARGE' });
      return;
    }
    busy.current = true;
    setSending(true);
    try {
      const result = await send(value);
      if (result.ok) {
        // Clear what was sent; keep anything typed while it was on its way.
        setText((cur) => (cur.startsWith(value) ? cur.slice(value.length) : cur));
        setProblem(null);
      } else {
        setProblem({ code: result.reason.code });
      }
    } catch {
      setProblem({ unexpected: true });
    } finally {
      busy.current = false;
      setSending(false);
      input.current?.focus();
    }
  }

  return { problem, setProblem, sending, submit };
}

interface FootProps {
  problem: Problem | null;
  bytes: number;
  limit: number;
  over: boolean;
}

/** Under the box: the key hint, why the last send was refused, and the byte count against the limit. */
function ComposerFoot({ problem, bytes, limit, over }: FootProps) {
  const { t, locale, fmt } = useI18n();
  const problemText = problem
    ? 'code' in problem
      ? t.sendFailed(reasonText(problem.code, locale))
      : t.sendFailed(t.unexpectedError)
    : undefined;
  return (
    <div className="composer-foot">
      <span id="composer-hint" className="composer-hint">
        {t.keyHint}
      </span>
      {problemText && (
        <span className="composer-problem" data-testid="send-error" role="alert">
          {problemText}
        </span>
      )}
      <span
        id="composer-bytes"
        className={`composer-bytes${over ? ' composer-bytes-over' : ''}`}
        data-testid="byte-count"
        data-over={over ? 'true' : 'false'}
      >
        {t.bytes(fmt.number(bytes), fmt.number(limit))}
        {over ? ` — ${t.tooLong}` : ''}
      </span>
    </div>
  );
}
