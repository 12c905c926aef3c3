/**
 * What a sent message offers (features `reply_to`, `edit`, `recall`): a toolbar of Reply, and for
 * an own message Edit and Recall (撤回, within the server's window, after a confirm: it cannot be
 * undone); the quote a reply shows of the message it answers; and a recalled message's note.
 * The toolbar is in every row, shown on hover and on keyboard focus, so the keyboard reaches it too.
 */
import { memo, useState } from 'react';
import type { MessageActKind, MessageEntry } from '../../electron/common/contract';
import { DEFAULT_RECALL_WINDOW_S } from '../../protocol/message-actions';
import { useI18n } from './AppContext';

/** Which actions the server takes (it announced them). */
export interface ActionsAllowed {
  reply: boolean;
  edit: boolean;
  recall: boolean;
}

export const NO_ACTIONS: ActionsAllowed = { reply: false, edit: false, recall: false };

export type OnAct = (kind: MessageActKind, entry: MessageEntry) => void;

/** Recall is offered this long after sending (the reference server's default; another server's refusal says its own). */
const RECALL_OFFERED_MS = DEFAULT_RECALL_WINDOW_S * 1000;

export const MessageTools = memo(function MessageTools({
  entry,
  allowed,
  onAct,
}: {
  entry: MessageEntry;
  allowed: ActionsAllowed;
  onAct: OnAct;
}) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  if (entry.seq === undefined || entry.recalled || entry.fromServer || entry.pendingAction) return null;
  const own = entry.own && entry.delivery === 'sent';
  const recallable = own && allowed.recall && Date.now() - Date.parse(entry.timestamp) < RECALL_OFFERED_MS;
  if (!allowed.reply && !(own && allowed.edit) && !recallable) return null;
  return (
    <div
      className={`msg-tools${confirming ? ' msg-tools-open' : ''}`}
      role="toolbar"
      aria-label={t.messageTools(entry.user)}
      data-testid="message-tools"
    >
      {confirming ? (
        <RecallConfirm
          onYes={() => {
            setConfirming(false);
            onAct('recall', entry);
          }}
          onNo={() => setConfirming(false)}
        />
      ) : (
        <>
          {allowed.reply && (
            <button type="button" className="button button-small" data-testid="reply" onClick={() => onAct('reply', entry)}>
              {t.reply}
            </button>
          )}
          {own && allowed.edit && (
            <button type="button" className="button button-small" data-testid="edit" onClick={() => onAct('edit', entry)}>
              {t.edit}
            </button>
          )}
          {recallable && (
            <button type="button" className="button button-small" data-testid="recall" onClick={() => setConfirming(true)}>
              {t.recall}
            </button>
          )}
        </>
      )}
    </div>
  );
});

/** Recall cannot be undone: the toolbar asks first, focused on the answer. */
function RecallConfirm({ onYes, onNo }: { onYes: () => void; onNo: () => void }) {
  const { t } = useI18n();
  return (
    <>
      <span className="msg-tools-confirm">{t.recallConfirm}</span>
      <button type="button" className="button button-small button-danger" data-testid="recall-confirm" autoFocus onClick={onYes}>
        {t.recallYes}
      </button>
      <button type="button" className="button button-small" data-testid="recall-cancel" onClick={onNo}>
        {t.cancel}
      </button>
    </>
  );
}

/** The first line of a text, short enough for a quote. */
export function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return [...line].length > 80 ? `${[...line].slice(0, 80).join('')}…` : line;
}

/** Above a reply's text: who and what it answers (or that it was recalled); a click shows that message. */
export function ReplyQuote({ seq, quoted, onQuote }: { seq: number; quoted: MessageEntry | undefined; onQuote: (seq: number) => void }) {
  const { t } = useI18n();
  const text = !quoted ? t.quoteElsewhere : quoted.recalled ? t.quoteRecalled : firstLine(quoted.text);
  return (
    <button
      type="button"
      className={`msg-quote${quoted?.recalled ? ' msg-quote-recalled' : ''}`}
      data-testid="reply-quote"
      data-seq={seq}
      title={t.quoteOf(quoted?.user ?? '…')}
      onClick={() => onQuote(seq)}
    >
      <span className="sr-only">{t.quoteOf(quoted?.user ?? '…')}: </span>
      {quoted && !quoted.recalled && <span className="msg-quote-sender">{quoted.user}</span>}
      <span className="msg-quote-text">{text}</span>
    </button>
  );
}

/** A recalled message: who recalled it, nothing of what it said. */
export function RecalledNote({ entry }: { entry: MessageEntry }) {
  const { t } = useI18n();
  return (
    <p className="msg-recalled-note" data-testid="recalled-note">
      {entry.own ? t.recalledByYou : t.recalledBy(entry.user)}
    </p>
  );
}
