/**
 * The settings dialog's "Clear history": forgets what this account's log keeps on this computer.
 * It asks first, and says that messages still waiting to be sent are kept (they still go out).
 * Main tells the window afterwards (chat:account), and the log shows only what is still waiting.
 */
import { useState } from 'react';
import { useChat, useI18n } from './AppContext';
import { SettingsSection } from './SettingsSupport';

type Step = 'idle' | 'confirm' | 'busy' | 'done' | 'failed';

export function HistorySection({ id }: { id: (name: string) => string }) {
  const { t } = useI18n();
  const chat = useChat();
  const [step, setStep] = useState<Step>('idle');
  const clear = () => {
    setStep('busy');
    chat.clearHistory().then(
      () => setStep('done'),
      () => setStep('failed'),
    );
  };
  const note =
    step === 'done'
      ? t.historyCleared
      : step === 'failed'
        ? t.clearHistoryFailed
        : step === 'confirm' || step === 'busy'
          ? t.clearHistoryConfirm
          : '';
  return (
    <SettingsSection id={id} name="history" className="settings-history" title={t.historyTitle} hint={t.historyHint}>
      <div className="support-actions">
        {step === 'confirm' || step === 'busy' ? (
          <>
            <button
              type="button"
              className="button"
              data-testid="settings-clear-history-cancel"
              disabled={step === 'busy'}
              onClick={() => setStep('idle')}
            >
              {t.cancel}
            </button>
            <button
              type="button"
              className="button button-danger"
              data-testid="settings-clear-history-yes"
              disabled={step === 'busy'}
              onClick={clear}
            >
              {t.clearHistoryYes}
            </button>
          </>
        ) : (
          <button type="button" className="button" data-testid="settings-clear-history" onClick={() => setStep('confirm')}>
            {t.clearHistory}
          </button>
        )}
      </div>
      <p
        className={`support-note${step === 'failed' ? ' support-note-problem' : step === 'confirm' || step === 'busy' ? ' history-confirm' : ''}`}
        role="status"
        data-testid="settings-history-note"
      >
        {note}
      </p>
    </SettingsSection>
  );
}
