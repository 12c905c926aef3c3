/**
 * The settings panel: a modal <dialog> (showModal makes the rest of the window
 * inert, so focus stays inside; Escape and Cancel close it). Saves only the
 * fields the person changed, through the chat API's saveSettings; main validates,
 * writes the file and applies it at once. The token is never shown: main only
 * says whether one is saved. Fields set by the environment or a command-line
 * flag are shown read-only with a note.
 *
 * Its parts: useModalDialog (open, close, focus, Tab), useSettingsForm (draft,
 * problems, saving), the fields in SettingsFields, "Clear history" in SettingsHistory,
 * help for a bug report in SettingsSupport, and here the problems list and the buttons.
 */
import { useId, useRef } from 'react';
import { useI18n } from './AppContext';
import type { ProblemText } from './i18n';
import { IconAlert } from './Icons';
import { CaFileField, CompressionField, LanguageField, ProxyField, ServerUrlField, TokenField, type FieldFrame } from './SettingsFields';
import { HistorySection } from './SettingsHistory';
import { ShellFields, SwitchBox } from './SettingsShellFields';
import { SupportSection } from './SettingsSupport';
import { useModalDialog } from './useModalDialog';
import { useSettingsForm, type SettingsFormProps } from './useSettingsForm';

export function SettingsDialog(props: SettingsFormProps) {
  const { view } = props;
  const { t } = useI18n();
  const ids = useId();
  const first = useRef<HTMLInputElement>(null);
  const modal = useModalDialog(props.onClose, first);
  const form = useSettingsForm(props);
  const { draft, set } = form;
  const f: FieldFrame = { t, id: (name) => `${ids}-${name}`, locked: new Set(view.overridden), invalid: form.invalid };

  return (
    <dialog
      {...modal}
      className="settings"
      role="dialog"
      aria-modal="true"
      aria-labelledby={f.id('title')}
      aria-describedby={f.id('intro')}
      data-testid="settings-dialog"
    >
      <form ref={form.formRef} className="settings-form" onSubmit={form.submit} noValidate>
        <SettingsHead id={f.id} />
        <div className="settings-body">
          {form.problems && <ProblemsList id={f.id('problems')} problems={form.problems} />}
          <ServerUrlField f={f} ref={first} value={draft.serverUrl} onChange={(v) => set('serverUrl', v)} />
          <TokenField
            f={f}
            value={draft.token}
            onChange={(v) => set('token', v)}
            hasToken={view.hasToken}
            clear={draft.clearToken}
            onClear={form.setClearToken}
          />
          <CaFileField f={f} value={draft.caFile} onChange={(v) => set('caFile', v)} />
          <ProxyField
            f={f}
            mode={draft.proxyMode}
            url={draft.proxy}
            hasPassword={view.proxyHasPassword}
            onMode={(m) => set('proxyMode', m)}
            onUrl={(v) => set('proxy', v)}
          />
          <div className="field-row">
            <CompressionField f={f} value={draft.compression} onChange={(v) => set('compression', v)} />
            <LanguageField f={f} value={draft.language} onChange={(v) => set('language', v)} />
          </div>
          <SwitchBox f={f} field="readReceipts" value={draft.readReceipts} onChange={(v) => set('readReceipts', v)} />
          <ShellFields f={f} closeToTray={draft.closeToTray} autostart={draft.autostart} onChange={(field, v) => set(field, v)} />
          <HistorySection id={f.id} />
          <SupportSection id={f.id} />
        </div>

        <SettingsActions saving={form.saving} onCancel={props.onClose} />
      </form>
    </dialog>
  );
}

/** The title and the line under it, which the dialog is labelled and described by. */
function SettingsHead({ id }: { id: (name: string) => string }) {
  const { t } = useI18n();
  return (
    <div className="settings-head">
      <h2 className="settings-title" id={id('title')}>
        {t.settingsTitle}
      </h2>
      <p className="settings-intro" id={id('intro')}>
        {t.settingsIntro}
      </p>
    </div>
  );
}

/** Why the last save was refused, in place at the top of the form (the fields it names point here). */
function ProblemsList({ id, problems }: { id: string; problems: ProblemText[] }) {
  const { t } = useI18n();
  if (problems.length === 0) return null;
  return (
    <div className="settings-problems" id={id} role="alert" data-testid="settings-problems">
      <IconAlert />
      <div>
        <p className="settings-problems-title">{t.problemsTitle}</p>
        <ul>
          {problems.map((p, i) => (
            <li key={i} data-testid="settings-problem">
              {p.text}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function SettingsActions({ saving, onCancel }: { saving: boolean; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="settings-actions">
      <button type="button" className="button" data-testid="settings-cancel" onClick={onCancel}>
        {t.cancel}
      </button>
      <button type="submit" className="button button-primary" data-testid="settings-save" disabled={saving}>
        {saving ? t.saving : t.save}
      </button>
    </div>
  );
}
