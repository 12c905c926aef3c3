/**
 * Settings problems and warnings from main (stable codes, see SettingsProblem in the contract)
 * in the person's language, with the field each is about.
 */
import type { SettingsProblem } from '../../../electron/common/contract';
import type { SettingsField, Strings } from './strings';

export interface ProblemText {
  text: string;
  /** The field to mark; none for the settings file as a whole. */
  field?: SettingsField;
}

export function describeSettingsProblem(p: SettingsProblem, t: Strings): ProblemText {
  switch (p.code) {
    case 'BAD_URL':
    case 'BAD_TOKEN':
    case 'NOT_A_PATH':
    case 'NOT_ALLOWED':
    case 'BAD_PROXY':
      return { text: t.fieldProblem[p.field], field: p.field };
    case 'OVERRIDDEN':
      return { text: t.overriddenWarning(t.fieldName[p.field]), field: p.field };
    case 'CA_UNREADABLE':
      return { text: t.caUnreadable(p.detail), field: p.field };
    case 'SAVE_FAILED':
      return { text: t.settingsNotSaved(p.detail) };
    case 'READ_ONLY':
      return { text: t.settingsReadOnly };
  }
}
