/**
 * The settings form's state: the draft, the problems of the last refused save and
 * whether a save is under way. Submitting sends only what changed, through onSave
 * (main validates, writes the file and applies it at once); nothing changed just
 * closes. A refusal keeps the input, lists the problems and takes focus to the
 * first field that needs fixing.
 */
import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import type { SaveSettingsResult, SettingsPatchIn, SettingsProblem, SettingsView } from '../../electron/common/contract';
import { useI18n } from './AppContext';
import { describeSettingsProblem, type ProblemText, type SettingsField } from './i18n';
import { draftOf, patchOf, type Draft } from './settingsDraft';

export interface SettingsFormProps {
  view: SettingsView;
  onSave: (patch: SettingsPatchIn) => Promise<SaveSettingsResult>;
  onSaved: (settings: SettingsView, warnings: SettingsProblem[]) => void;
  onClose: () => void;
}

export interface SettingsForm {
  /** The <form>: after a refusal, its first field marked invalid gets focus. */
  formRef: RefObject<HTMLFormElement | null>;
  draft: Draft;
  set: <K extends keyof Draft>(key: K, value: Draft[K]) => void;
  /** Ticking "clear the saved token" also empties anything typed. */
  setClearToken: (clear: boolean) => void;
  /** The last refusal's problems, in words; null before any. */
  problems: ProblemText[] | null;
  /** The fields those problems name. */
  invalid: ReadonlySet<SettingsField>;
  saving: boolean;
  submit: (e: FormEvent) => Promise<void>;
}

export function useSettingsForm({ view, onSave, onSaved, onClose }: SettingsFormProps): SettingsForm {
  const { t } = useI18n();
  const formRef = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [problems, setProblems] = useState<ProblemText[] | null>(null);
  const [saving, setSaving] = useState(false);

  // After a refusal, take the person to the first field that needs fixing.
  useEffect(() => {
    if (!problems) return;
    const bad = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    bad?.focus();
  }, [problems]);

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

  return {
    formRef,
    draft,
    set: (key, value) => setDraft((d) => ({ ...d, [key]: value })),
    setClearToken: (clear) => setDraft((d) => ({ ...d, clearToken: clear, token: clear ? '' : d.token })),
    problems,
    invalid: new Set(problems?.flatMap((p) => (p.field ? [p.field] : [])) ?? []),
    saving,
    submit,
  };
}
