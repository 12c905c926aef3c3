/**
 * The connection status label: text + colour + icon (never colour alone).
 * The label itself is a polite live region; the per-second countdown sits
 * beside it, outside the region, so screen readers are not told every second.
 */
import { memo, useEffect, useState, type ReactNode } from 'react';
import type { Status } from '../../electron/common/state';
import { useI18n } from './AppContext';
import { reasonText, type Locale, type Strings } from './i18n';
import {
  IconAlert,
  IconConnected,
  IconDisconnected,
  IconGear,
  IconLeaf,
  IconLockAlert,
  IconOffline,
  IconServerAlert,
  IconSpinner,
} from './Icons';

/** Seconds until `retryAt`, ticking while a retry is scheduled. */
function useCountdown(status: Status): number | undefined {
  const c = status.connection;
  const retryAt = c.kind === 'reconnecting' ? c.retryAt : undefined;
  const delayMs = c.kind === 'reconnecting' ? c.delayMs : 0;
  const [now, setNow] = useState(() => Date.now());
  // The deadline is the host's retryAt, but never more than delayMs from when
  // we learnt of it (in case the two clocks disagree).
  const [deadline, setDeadline] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (retryAt === undefined) {
      setDeadline(undefined);
      return;
    }
    const t = Date.now();
    setNow(t);
    setDeadline(Math.min(retryAt, t + delayMs));
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [retryAt, delayMs]);
  if (deadline === undefined) return undefined;
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

interface ConnectionLabel {
  icon: ReactNode;
  text: string;
  detail: string | undefined;
  /** A problem the person can fix, shown with its own heading and colour: certificates or the server itself. */
  problem: 'tls' | 'server-error' | undefined;
}

/** What the label shows for a connection state: icon, words, detail, and a problem the person can fix. */
function describeConnection(c: Status['connection'], t: Strings, locale: Locale): ConnectionLabel {
  let icon: ReactNode;
  let text: string;
  let detail: string | undefined;
  let problem: ConnectionLabel['problem'];
  if (c.kind === 'reconnecting' && c.reason.code.startsWith('TLS_')) problem = 'tls';
  else if (c.kind === 'reconnecting' && c.reason.code === 'SERVER_ERROR') problem = 'server-error';
  switch (c.kind) {
    case 'connected':
      icon = <IconConnected />;
      text = t.connected;
      break;
    case 'connecting':
      icon = <IconSpinner />;
      text = t.connecting(c.attempt);
      break;
    case 'reconnecting':
      if (problem === 'tls') {
        icon = <IconLockAlert />;
        text = t.tlsProblem;
        detail = reasonText(c.reason.code, locale);
      } else if (problem === 'server-error') {
        icon = <IconServerAlert />;
        text = t.serverError;
        // The reason's words would only repeat the heading.
        detail = t.attempt(c.attempt);
      } else {
        icon = <IconSpinner />;
        text = t.reconnecting(c.attempt);
        detail = reasonText(c.reason.code, locale);
      }
      break;
    case 'offline':
      icon = <IconOffline />;
      text = t.offline;
      // NETWORK_DOWN's words would only repeat the label.
      detail = c.reason.code === 'NETWORK_DOWN' ? undefined : reasonText(c.reason.code, locale);
      break;
    case 'auth-failed':
      icon = <IconAlert />;
      text = t.authFailed;
      detail = reasonText(c.reason.code, locale);
      break;
    case 'disconnected':
      icon = <IconDisconnected />;
      text = t.disconnected;
      // "STOPPED" would only repeat "disconnected".
      detail = c.reason.code === 'STOPPED' ? undefined : reasonText(c.reason.code, locale);
      break;
  }
  return { icon, text, detail, problem };
}

export interface StatusLabelProps {
  status: Status;
  onReconnectNow: () => void;
  onOpenSettings: () => void;
}

export const StatusLabel = memo(function StatusLabel({ status, onReconnectNow, onOpenSettings }: StatusLabelProps) {
  const { t, locale } = useI18n();
  const c = status.connection;
  const seconds = useCountdown(status);
  const { icon, text, detail, problem } = describeConnection(c, t, locale);

  return (
    <div className="status-group">
      <div
        className={`status status-${problem ?? c.kind}`}
        data-testid="status"
        data-state={c.kind}
        data-problem={problem}
        data-reason={'reason' in c ? c.reason.code : undefined}
        role="status"
        aria-live="polite"
      >
        {icon}
        <span className="status-text" data-testid="status-text">
          {text}
        </span>
        {detail && (
          <span className="status-detail" data-testid="status-detail">
            {detail}
          </span>
        )}
      </div>
      {c.kind === 'reconnecting' && (
        <div className="status-retry">
          <span className="status-countdown" data-testid="status-countdown">
            {seconds !== undefined && seconds > 0 ? t.nextTryIn(seconds) : t.retryingNow}
          </span>
          <button type="button" className="button button-small" data-testid="reconnect-now" onClick={onReconnectNow}>
            {t.reconnectNow}
          </button>
        </div>
      )}
      {(problem === 'tls' || c.kind === 'auth-failed') && (
        <button type="button" className="button button-small button-accent" data-testid="status-open-settings" onClick={onOpenSettings}>
          <IconGear />
          {t.openSettings}
        </button>
      )}
      {status.machine.powerSave && (
        <span className="power-save" data-testid="power-save" title={t.powerSaveHint(Math.round(status.heartbeatMs / 1000))}>
          <IconLeaf />
          {t.powerSave}
        </span>
      )}
    </div>
  );
});
