/**
 * The settings form's draft and the patch it becomes: only the fields the person
 * changed, and nothing the environment or a command-line flag decides. The token
 * is never in the view (main only says whether one is saved), so the draft starts
 * it empty and sends it only when typed or cleared. The proxy is a mode (system,
 * none, manual) and, for manual, the URL; main never sends its password.
 */
import type { SettingsKey, SettingsPatchIn, SettingsView } from '../../electron/common/contract';

export type ProxyMode = 'system' | 'none' | 'manual';

/**
 * What the form holds: every field (the token only when typed), whether to clear the saved token,
 * and the proxy as a mode plus (`proxy`) the manual URL.
 */
export type Draft = Required<SettingsPatchIn> & { clearToken: boolean; proxyMode: ProxyMode };

export function draftOf(view: SettingsView): Draft {
  const proxyMode: ProxyMode = view.proxy === 'system' || view.proxy === 'none' ? view.proxy : 'manual';
  return {
    serverUrl: view.serverUrl,
    token: '',
    clearToken: false,
    caFile: view.caFile,
    proxyMode,
    proxy: proxyMode === 'manual' ? view.proxy : '',
    compression: view.compression,
    readReceipts: view.readReceipts,
    language: view.language,
    closeToTray: view.closeToTray,
    autostart: view.autostart,
  };
}

const ifChanged = <T>(now: T, before: T): T | undefined => (now !== before ? now : undefined);

/** For each field, in the order sent: its value to send, if the person changed it. */
const CHANGES: { [K in SettingsKey]: (view: SettingsView, d: Draft) => SettingsPatchIn[K] | undefined } = {
  serverUrl: (view, d) => ifChanged(d.serverUrl.trim(), view.serverUrl),
  // Cleared: '' (only when one is saved); typed: the new one; left empty: unchanged.
  token: (view, d) => (d.clearToken ? (view.hasToken ? '' : undefined) : d.token !== '' ? d.token : undefined),
  caFile: (view, d) => ifChanged(d.caFile.trim(), view.caFile),
  proxy: (view, d) => ifChanged(d.proxyMode === 'manual' ? d.proxy.trim() : d.proxyMode, view.proxy),
  compression: (view, d) => ifChanged(d.compression, view.compression),
  readReceipts: (view, d) => ifChanged(d.readReceipts, view.readReceipts),
  language: (view, d) => ifChanged(d.language, view.language),
  closeToTray: (view, d) => ifChanged(d.closeToTray, view.closeToTray),
  autostart: (view, d) => ifChanged(d.autostart, view.autostart),
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
