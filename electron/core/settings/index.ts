/**
 * The settings layers (defaults, file, environment, flags) from the one table, and the store that
 * loads, checks, seals and saves them.
 * The area's public surface: main/, cli/ and bench/ import only this file.
 */
export { formatSettingsProblem, mergeSettings, type Settings, settingsFromArgs, settingsFromEnv, type SettingsPatch } from './settings';
export { type SecretBox, SettingsStore } from './settings-store';
