/** The rows of the chat log: a message (with its delivery state), a gap marker, a day separator. */
import { memo } from 'react';
import type { LogEntry, MarkerEntry, MessageEntry, ReceiptsView } from '../../electron/common/contract';
import type { ReasonCode } from '../../electron/common/errors';
import { useI18n } from './AppContext';
import { reasonText } from './i18n';
import { IconAlert, IconCheck, IconClock, IconRetry } from './Icons';
import { MessageTools, RecalledNote, ReplyQuote, type ActionsAllowed, type OnAct } from './MessageTools';
import { ReadStatus } from './ReadStatus';
import { Attachments } from './Attachments';

const AVATAR_COLOURS = 8;

function colourOf(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return h % AVATAR_COLOURS;
}

function initialOf(name: string): string {
  const first = [...name.trim()][0] ?? '?';
  return first.toUpperCase();
}

export interface RowProps {
  entry: LogEntry;
  retryError: ReasonCode | undefined;
  onRetry: (key: string) => void;
}

/** What a message row offers beyond its text: the actions the server takes, and a reply's quote (flat props: rows are memoized). */
export interface ActionProps {
  allowed: ActionsAllowed;
  onAct: OnAct;
  /** The message a reply answers, when the window holds it. */
  quoted: MessageEntry | undefined;
  onQuote: (seq: number) => void;
}

export const GapRow = memo(function GapRow({ entry }: { entry: MarkerEntry }) {
  const { t } = useI18n();
  return (
    <div className="gap" data-testid="gap" data-key={entry.key} role="note">
      <span className="gap-line" aria-hidden="true" />
      <span className="gap-text">{t.gap}</span>
      <span className="gap-line" aria-hidden="true" />
    </div>
  );
});

/** Above the first message of a day: "今天" / "Today", "昨天" / "Yesterday", else the date. */
export function DaySeparator({ label }: { label: string }) {
  return (
    <div className="day-sep" data-testid="day-separator" role="separator" aria-label={label}>
      <span className="day-sep-line" aria-hidden="true" />
      <span className="day-sep-text" aria-hidden="true">
        {label}
      </span>
      <span className="day-sep-line" aria-hidden="true" />
    </div>
  );
}

/**
 * One message. `continued`: the same sender as the message above, within five minutes:
 * no avatar and the name is for screen readers only; the time shows on hover or focus
 * (it is focusable there, so the keyboard reaches it too).
 */
export const MessageRow = memo(function MessageRow({
  entry,
  retryError,
  onRetry,
  continued,
  allowed,
  onAct,
  quoted,
  onQuote,
  receipts,
}: RowProps & ActionProps & { entry: MessageEntry; continued: boolean; receipts?: ReceiptsView }) {
  const { t } = useI18n();
  const kind = entry.fromServer ? 'server' : entry.own ? 'own' : 'other';
  const sender = entry.fromServer ? t.server : entry.user;
  if (entry.recalled) return <RecalledRow entry={entry} />;
  return (
    <article
      className={`msg msg-${kind} msg-${entry.delivery}${continued ? ' msg-continued' : ''}`}
      data-testid="message"
      data-key={entry.key}
      data-seq={entry.seq}
      data-own={entry.own ? 'true' : 'false'}
      data-delivery={entry.delivery}
      data-continued={continued ? 'true' : 'false'}
    >
      {kind === 'other' &&
        (continued ? (
          <div className="avatar-space" aria-hidden="true" />
        ) : (
          <div className={`avatar avatar-c${colourOf(entry.user)}`} aria-hidden="true">
            {initialOf(entry.user)}
          </div>
        ))}
      <div className="msg-body">
        <MessageMeta entry={entry} sender={sender} continued={continued} />
        <div className="bubble">
          {entry.replyTo !== undefined && <ReplyQuote seq={entry.replyTo} quoted={quoted} onQuote={onQuote} />}
          {/* Text, never HTML: React escapes it. */}
          <p className="msg-text" data-testid="message-text">
            {entry.text}
            {entry.edited !== undefined && (
              <span className="msg-edited" data-testid="message-edited">
                {' '}
                {t.edited}
              </span>
            )}
          </p>
          {entry.attachments && <Attachments attachments={entry.attachments} />}
        </div>
        <DeliveryState entry={entry} retryError={retryError} onRetry={onRetry} />
        <ReadStatus entry={entry} receipts={receipts} />
        <ActionState entry={entry} />
        <MessageTools entry={entry} allowed={allowed} onAct={onAct} />
      </div>
    </article>
  );
});

/** Above a message's text: who sent it ("(you)" for own ones) and when. */
function MessageMeta({ entry, sender, continued }: { entry: MessageEntry; sender: string; continued: boolean }) {
  const { t, fmt } = useI18n();
  return (
    <div className="msg-meta">
      <span className="msg-sender" data-testid="message-sender">
        {sender}
      </span>
      {entry.own && <span className="msg-you">{t.youTag}</span>}
      <time
        className="msg-time"
        data-testid="message-time"
        dateTime={entry.timestamp}
        title={fmt.full(entry.timestamp)}
        tabIndex={continued ? 0 : undefined}
      >
        {fmt.time(entry.timestamp)}
      </time>
    </div>
  );
}

/** A recalled message, in its place: who recalled it, and when it had been sent. */
function RecalledRow({ entry }: { entry: MessageEntry }) {
  const { fmt } = useI18n();
  return (
    <article className="msg msg-recalled" data-testid="message" data-key={entry.key} data-seq={entry.seq} data-recalled="true">
      <RecalledNote entry={entry} />
      <time className="msg-time" dateTime={entry.timestamp} title={fmt.full(entry.timestamp)}>
        {fmt.time(entry.timestamp)}
      </time>
    </article>
  );
}

/** Under an own message: its edit or recall waits for the server, or the server refused it (and why). */
function ActionState({ entry }: { entry: MessageEntry }) {
  const { t, locale } = useI18n();
  if (entry.pendingAction) {
    return (
      <div className="msg-state state-pending" data-testid="action-pending">
        <IconClock />
        {t.actionPending(entry.pendingAction)}
      </div>
    );
  }
  if (!entry.actionFailure) return null;
  return (
    <div className="msg-state state-failed" data-testid="action-failed">
      <IconAlert />
      {t.actionFailed(entry.failedAction ?? 'edit', reasonText(entry.actionFailure.code, locale))}
    </div>
  );
}

/** Under a message: sending or sent (own ones), or not sent with why (and Retry, on own ones). */
function DeliveryState({ entry, retryError, onRetry }: RowProps & { entry: MessageEntry }) {
  const { t, locale } = useI18n();
  const failure = entry.delivery === 'failed' ? (retryError ?? entry.failure?.code) : undefined;
  return (
    <>
      {entry.own && entry.delivery === 'pending' && (
        <div className="msg-state state-pending" data-testid="delivery-pending">
          <IconClock />
          {t.pending}
        </div>
      )}
      {entry.own && entry.delivery === 'sent' && (
        <div className="msg-state state-sent" data-testid="delivery-sent">
          <IconCheck />
          {t.sent}
        </div>
      )}
      {entry.delivery === 'failed' && (
        <div className="msg-state state-failed" data-testid="delivery-failed">
          <IconAlert />
          {/* The locale's own punctuation: "未发送：连接已断开", "Not sent: connection lost". */}
          <span data-testid="failure-reason">{failure ? t.sendFailed(reasonText(failure, locale)) : t.failed}</span>
          {entry.own && (
            <button type="button" className="button button-small button-danger" data-testid="retry" onClick={() => onRetry(entry.key)}>
              <IconRetry />
              {t.retry}
            </button>
          )}
        </div>
      )}
    </>
  );
}
