/** What the last settings save (or language switch) left to say, under the header until closed. */
import { useI18n } from './AppContext';
import { describeSettingsProblem } from './i18n';
import { IconAlert } from './Icons';
import type { SaveNote } from './useSettingsPanel';

export function SettingsWarnings({ warnings, onClose }: { warnings: readonly SaveNote[]; onClose: () => void }) {
  const { t } = useI18n();
  if (warnings.length === 0) return null;
  return (
    <div className="notice" role="status" data-testid="settings-warnings">
      <IconAlert />
      <div className="notice-body">
        <span className="notice-title">{t.warningsTitle}</span>
        {warnings.map((w, i) => (
          <span key={i} className="notice-line">
            {describeSettingsProblem(w, t).text}
          </span>
        ))}
      </div>
      <button type="button" className="button button-small" onClick={onClose}>
        {t.close}
      </button>
    </div>
  );
}
