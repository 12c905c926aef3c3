/** Every string the renderer shows, in zh-CN and en, and how dates, numbers and reasons are put into words. */
export { strings, type Strings, type SettingsField } from './strings';
export { LOCALES, pickLocale, systemLocale, resolveLocale, type Locale } from './locales';
export { reasonText, timeFormatters, type TimeFormatters } from './format';
export { describeSettingsProblem, type ProblemText } from './settings-problems';
export { sizeText } from './file-words';
