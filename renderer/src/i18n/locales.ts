/** Which of our languages to show: from the language setting, or from the system's languages. */
import type { Locale } from '../../../electron/common/words';
import type { LanguageSetting } from '../../../electron/common/contract';

export type { Locale };

export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

/** zh, zh-CN, zh-Hans, zh-TW… → zh-CN (the only Chinese we have); anything else → en. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The system's language (navigator.languages), as one of ours. */
export function systemLocale(): Locale {
  const langs = navigator.languages && navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return pickLocale(langs);
}

/** The language setting (saved by main) → the locale to show: 'auto' follows the system. */
export function resolveLocale(setting: LanguageSetting | undefined): Locale {
  return setting === 'zh-CN' || setting === 'en' ? setting : systemLocale();
}
