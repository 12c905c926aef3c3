/**
 * Settings problems and warnings from main, in the person's language, with the field each is about.
 */
import type { SettingsField, Strings } from './strings';

const FIELDS: readonly SettingsField[] = ['serverUrl', 'token', 'caFile', 'compression', 'language'];

export interface ProblemText {
  text: string;
  field?: SettingsField;
}

/**
 * A problem or warning from main (English, `settings: caFile … cannot be read`) in the person's
 * language where we know its shape, with the field it is about; anything else is kept as it came.
 */
export function describeSettingsProblem(raw: string, t: Strings): ProblemText {
  const m = /^settings: (serverUrl|token|caFile|compression|language) (.*)$/s.exec(raw);
  if (m) {
    const field = m[1] as SettingsField;
    const rest = m[2] ?? '';
    if (field === 'caFile') {
      const unreadable = /^(.*) cannot be read$/s.exec(rest);
      if (unreadable) return { text: t.caUnreadable(unreadable[1] ?? ''), field };
    }
    return { text: t.fieldProblem[field], field };
  }
  const w = /^(serverUrl|token|caFile|compression|language) is set by an environment variable/.exec(raw);
  if (w) {
    const field = w[1] as SettingsField;
    return { text: t.overriddenWarning(t.fieldName[field]), field };
  }
  const field = FIELDS.find((f) => raw.includes(` ${f} `));
  return field ? { text: raw, field } : { text: raw };
}
