/**
 * Above the log: "2 messages waiting for chat.example.com", one row per other account with
 * messages still waiting. "Send there later" keeps them (they go out when that account is used
 * again) and hides the row; "Discard" asks first, then deletes them in main and says how many.
 */
import { useState } from 'react';
import type { LeftoverView } from '../../electron/common/contract';
import { useI18n } from './AppContext';
import { IconAlert } from './Icons';
import { useLeftovers, type Discarded } from './useLeftovers';

export function LeftoversBanner() {
  const { t } = useI18n();
  const leftovers = useLeftovers();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Discarded | null>(null);

  const discard = (l: LeftoverView) => {
    setBusy(true);
    void leftovers.discard(l).then((r) => {
      setBusy(false);
      setConfirming(null);
      setDone(r);
    });
  };

  if (leftovers.shown.length === 0 && !done) return null;
  return (
    <section className="leftovers" aria-label={t.leftoversLabel} data-testid="leftovers">
      {leftovers.shown.map((l) => (
        <LeftoverRow
          key={l.key}
          l={l}
          confirming={confirming === l.key}
          busy={busy}
          onLater={() => leftovers.sendLater(l)}
          onAsk={() => {
            setDone(null);
            setConfirming(l.key);
          }}
          onKeep={() => setConfirming(null)}
          onDiscard={() => discard(l)}
        />
      ))}
      {done && (
        <div className={`notice leftover-done${done.ok ? '' : ' leftover-failed'}`} role="status" data-testid="leftover-done">
          <div className="notice-body">
            <span className="notice-line">{done.ok ? t.leftoversDiscarded(done.count, done.host) : t.leftoversDiscardFailed}</span>
          </div>
          <button type="button" className="button button-small" onClick={() => setDone(null)}>
            {t.close}
          </button>
        </div>
      )}
    </section>
  );
}

interface RowProps {
  l: LeftoverView;
  /** Discard was pressed: the row asks before anything is deleted. */
  confirming: boolean;
  busy: boolean;
  onLater(): void;
  onAsk(): void;
  onKeep(): void;
  onDiscard(): void;
}

function LeftoverRow({ l, confirming, busy, onLater, onAsk, onKeep, onDiscard }: RowProps) {
  const { t } = useI18n();
  return (
    <div className="notice leftover" role="status" data-testid="leftover" data-key={l.key}>
      <IconAlert />
      <div className="notice-body">
        <span className="notice-title" data-testid="leftover-text">
          {confirming ? t.leftoversConfirm(l.count, l.host) : t.leftoversWaiting(l.count, l.host)}
        </span>
        <span className="notice-line" title={l.server}>
          {t.leftoversDetail(l.room, l.identity)}
        </span>
      </div>
      {confirming ? (
        <div className="leftover-actions">
          <button type="button" className="button button-small" disabled={busy} data-testid="leftover-keep" onClick={onKeep}>
            {t.leftoversKeep}
          </button>
          <button
            type="button"
            className="button button-small button-danger"
            disabled={busy}
            data-testid="leftover-discard-yes"
            onClick={onDiscard}
          >
            {t.leftoversDiscardYes}
          </button>
        </div>
      ) : (
        <div className="leftover-actions">
          <button type="button" className="button button-small" title={t.leftoversLaterHint} data-testid="leftover-later" onClick={onLater}>
            {t.leftoversLater}
          </button>
          <button type="button" className="button button-small" data-testid="leftover-discard" onClick={onAsk}>
            {t.leftoversDiscard}
          </button>
        </div>
      )}
    </div>
  );
}
