/**
 * The settings panel: a modal <dialog> (showModal makes the rest of the window
 * inert, so focus stays inside; Escape and Cancel close it). Saves only the
 * fields the person changed, through window.chat.saveSettings; main validates,
 * writes the file and applies it at once. The token is never shown: main only
 * says whether one is saved. Fields set by the environment or a command-line
 * flag are shown read-only with a note.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent, type SyntheticEvent } from 'react';
import type { Compression, LanguageSetting, SaveSettingsResult, SettingsKey, SettingsPatchIn, SettingsProblem, SettingsView } from '../../electron/common/contract';
import { describeSettingsProblem, systemLocale, type ProblemText, type SettingsField, type Strings } from './i18n';
import { IconAlert, IconLock } from './Icons';

// The choices in the order shown. Keyed records of the contract's types (the renderer takes types only from
// electron/common), so a choice or field added to the settings table does not compile until it is here too.
const COMPRESSION_CHOICES: Record<Compression, true> = { deflate: true, zlib: true, off: true };
const LANGUAGE_CHOICES: Record<LanguageSetting, true> = { auto: true, 'zh-CN': true, en: true };
const COMPRESSIONS = Object.keys(COMPRESSION_CHOICES) as Compression[];
const LANGUAGES = Object.keys(LANGUAGE_CHOICES) as LanguageSetting[];

/** What the form holds: every field (the token only when typed) and whether to clear the saved token. */
type Draft = Required<SettingsPatchIn> & { clearToken: boolean };

function draftOf(view: SettingsView): Draft {
  return {
    serverUrl: view.serverUrl,
    token: '',
    clearToken: false,
    caFile: view.caFile,
    compression: view.compression,
    language: view.language,
  };
}

const ifChanged = <T,>(now: T, before: T): T | undefined => (now !== before ? now : undefined);

/** For each field, in the order sent: its value to send, if the person changed it. */
const CHANGES: { [K in SettingsKey]: (view: SettingsView, d: Draft) => SettingsPatchIn[K] | undefined } = {
  serverUrl: (view, d) => ifChanged(d.serverUrl.trim(), view.serverUrl),
  // Cleared: '' (only when one is saved); typed: the new one; left empty: unchanged.
  token: (view, d) => (d.clearToken ? (view.hasToken ? '' : undefined) : d.token !== '' ? d.token : undefined),
  caFile: (view, d) => ifChanged(d.caFile.trim(), view.caFile),
  compression: (view, d) => ifChanged(d.compression, view.compression),
  language: (view, d) => ifChanged(d.language, view.language),
};

/** Only what changed, and nothing the environment or a flag decides. */
export function patchOf(view: SettingsView, d: Draft): SettingsPatchIn {
  const patch: Partial<Record<SettingsKey, string>> = {};
  for (const field of Object.keys(CHANGES) as SettingsKey[]) {
    if (view.overridden.includes(field)) continue;
    const value = CHANGES[field](view, d);
    if (value !== undefined) patch[field] = value;
  }
  // Each value came from CHANGES[field], typed as that field's.
  return patch as SettingsPatchIn;
}

export function SettingsDialog({
  view,
  t,
  onSave,
  onSaved,
  onClose,
}: {
  view: SettingsView;
  t: Strings;
  onSave: (patch: SettingsPatchIn) => Promise<SaveSettingsResult>;
  onSaved: (settings: SettingsView, warnings: SettingsProblem[]) => void;
  onClose: () => void;
}) {
  const ids = useId();
  const id = (name: string) => `${ids}-${name}`;
  const dialog = useRef<HTMLDialogElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [problems, setProblems] = useState<ProblemText[] | null>(null);
  const [saving, setSaving] = useState(false);
  const locked = new Set<SettingsField>(view.overridden);

  // Layout effect: closed within the commit that removes it, so the browser's own focus
  // restoration happens before the App moves focus where it belongs.
  useLayoutEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (!d.open) d.showModal();
    first.current?.focus();
    return () => {
      if (d.open) d.close();
    };
  }, []);

  // After a refusal, take the person to the first field that needs fixing.
  useEffect(() => {
    if (!problems) return;
    const bad = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    bad?.focus();
  }, [problems]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (saving) return;
    const patch = patchOf(view, draft);
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    setSaving(true);
    try {
      const result = await onSave(patch);
      if (result.ok) {
        onSaved(result.settings, result.warnings);
        return;
      }
      setProblems(result.problems.map((p) => describeSettingsProblem(p, t)));
    } catch {
      setProblems([{ text: t.saveFailed }]);
    } finally {
      setSaving(false);
    }
  }

  // A modal dialog keeps Tab inside (the browser would otherwise move on to its own UI).
  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>) => {
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
  };

  const onCancel = (e: SyntheticEvent) => {
    // Escape: we close it ourselves, so React state and the DOM agree.
    e.preventDefault();
    onClose();
  };

  const invalid = new Set(problems?.flatMap((p) => (p.field ? [p.field] : [])) ?? []);
  const described = (field: SettingsField, hint?: string) =>
    [hint, locked.has(field) ? id(`${field}-locked`) : undefined, invalid.has(field) ? id('problems') : undefined].filter(Boolean).join(' ') ||
    undefined;
  const lockedNote = (field: SettingsField) =>
    locked.has(field) && (
      <p className="field-note field-locked" id={id(`${field}-locked`)} data-testid={`settings-${field}-locked`}>
        <IconLock />
        {t.overriddenNote}
      </p>
    );

  return (
    <dialog
      ref={dialog}
      className="settings"
      role="dialog"
      aria-modal="true"
      aria-labelledby={id('title')}
      aria-describedby={id('intro')}
      data-testid="settings-dialog"
      onCancel={onCancel}
      onKeyDown={onKeyDown}
      onClose={(e) => {
        // Closed some other way (not by us): keep React's state in step. Our own
        // close() on unmount fires this too, once the dialog may be open again.
        if (!e.currentTarget.open) onClose();
      }}
    >
      <form ref={form} className="settings-form" onSubmit={submit} noValidate>
        <div className="settings-head">
          <h2 className="settings-title" id={id('title')}>
            {t.settingsTitle}
          </h2>
          <p className="settings-intro" id={id('intro')}>
            {t.settingsIntro}
          </p>
        </div>

        <div className="settings-body">
          {problems && problems.length > 0 && (
            <div className="settings-problems" id={id('problems')} role="alert" data-testid="settings-problems">
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
          )}

          <div className="field">
            <label htmlFor={id('serverUrl')}>{t.serverUrl}</label>
            <input
              ref={first}
              id={id('serverUrl')}
              data-testid="settings-serverUrl"
              type="text"
              inputMode="url"
              spellCheck={false}
              autoComplete="off"
              value={draft.serverUrl}
              readOnly={locked.has('serverUrl')}
              aria-invalid={invalid.has('serverUrl') || undefined}
              aria-describedby={described('serverUrl', id('serverUrl-hint'))}
              onChange={(e) => set('serverUrl', e.target.value)}
            />
            <p className="field-hint" id={id('serverUrl-hint')}>
              {t.serverUrlHint}
            </p>
            {lockedNote('serverUrl')}
          </div>

          <div className="field">
            <label htmlFor={id('token')}>{t.token}</label>
            <input
              id={id('token')}
              data-testid="settings-token"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={draft.token}
              placeholder={view.hasToken ? t.tokenUnchanged : t.tokenNone}
              readOnly={locked.has('token')}
              disabled={draft.clearToken}
              aria-invalid={invalid.has('token') || undefined}
              aria-describedby={described('token', id('token-hint'))}
              onChange={(e) => set('token', e.target.value)}
            />
            <p className="field-hint" id={id('token-hint')}>
              {t.tokenHint}
            </p>
            {view.hasToken && !locked.has('token') && (
              <label className="check">
                <input
                  type="checkbox"
                  data-testid="settings-clear-token"
                  checked={draft.clearToken}
                  onChange={(e) => setDraft((d) => ({ ...d, clearToken: e.target.checked, token: e.target.checked ? '' : d.token }))}
                />
                {t.clearToken}
              </label>
            )}
            {lockedNote('token')}
          </div>

          <div className="field">
            <label htmlFor={id('caFile')}>{t.caFile}</label>
            <input
              id={id('caFile')}
              data-testid="settings-caFile"
              type="text"
              spellCheck={false}
              autoComplete="off"
              value={draft.caFile}
              placeholder={t.caFilePlaceholder}
              readOnly={locked.has('caFile')}
              aria-invalid={invalid.has('caFile') || undefined}
              aria-describedby={described('caFile', id('caFile-hint'))}
              onChange={(e) => set('caFile', e.target.value)}
            />
            <p className="field-hint" id={id('caFile-hint')}>
              {t.caFileHint}
            </p>
            {lockedNote('caFile')}
          </div>

          <div className="field-row">
            <div className="field">
              <label htmlFor={id('compression')}>{t.compression}</label>
              <select
                id={id('compression')}
                data-testid="settings-compression"
                value={draft.compression}
                disabled={locked.has('compression')}
                aria-invalid={invalid.has('compression') || undefined}
                aria-describedby={described('compression', id('compression-hint'))}
                onChange={(e) => set('compression', e.target.value as Compression)}
              >
                {COMPRESSIONS.map((c) => (
                  <option key={c} value={c}>
                    {t.compressionName[c]}
                  </option>
                ))}
              </select>
              <p className="field-hint" id={id('compression-hint')} data-testid="settings-compression-hint">
                {t.compressionHint[draft.compression]}
              </p>
              {lockedNote('compression')}
            </div>

            <div className="field">
              <label htmlFor={id('language')}>{t.language}</label>
              <select
                id={id('language')}
                data-testid="settings-language"
                value={draft.language}
                disabled={locked.has('language')}
                aria-invalid={invalid.has('language') || undefined}
                aria-describedby={described('language', id('language-hint'))}
                onChange={(e) => set('language', e.target.value as LanguageSetting)}
              >
                {LANGUAGES.map((l) => (
                  <option key={l} value={l} lang={l === 'auto' ? undefined : l}>
                    {t.languageOption[l]}
                  </option>
                ))}
              </select>
              <p className="field-hint" id={id('language-hint')}>
                {t.languageHint(t.languageName[systemLocale()])}
              </p>
              {lockedNote('language')}
            </div>
          </div>
        </div>

        <div className="settings-actions">
          <button type="button" className="button" data-testid="settings-cancel" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" className="button button-primary" data-testid="settings-save" disabled={saving}>
            {saving ? t.saving : t.save}
          </button>
        </div>
      </form>
    </dialog>
  );
}
