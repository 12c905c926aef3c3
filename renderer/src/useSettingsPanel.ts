/**
 * The settings as main keeps them, the dialog that edits them (open/close, where focus goes
 * back to), the header's language switch (a shortcut for the language setting), and the
 * warnings a save left to show.
 */
import { useChat } from './AppContext';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { SaveSettingsResult, SettingsPatchIn, SettingsView } from '../../electron/common/contract';
import type { Locale } from './i18n';

/** A warning or problem from a save, as the contract carries it (SettingsWarnings puts it in words). */
export type SaveNote = Extract<SaveSettingsResult, { ok: true }>['warnings'][number];

export interface SettingsPanel {
  /** Null until main answers (the language then follows the system). */
  settings: SettingsView | null;
  open: boolean;
  /** Problems or warnings from the last save, shown under the header. */
  warnings: SaveNote[];
  dismissWarnings: () => void;
  /** The header's settings button: where focus goes when the dialog closes, if nowhere better. */
  gear: RefObject<HTMLButtonElement | null>;
  openSettings: () => void;
  closeSettings: (saved?: boolean) => void;
  saveSettings: (patch: SettingsPatchIn) => Promise<SaveSettingsResult>;
  onSaved: (view: SettingsView, warnings: SaveNote[]) => void;
  chooseLocale: (locale: Locale) => void;
  /** An environment variable or flag sets the language: the switch cannot change it. */
  languageLocked: boolean;
}

export function useSettingsPanel(): SettingsPanel {
  const chat = useChat();
  const { settings, setSettings, warnings, setWarnings, chooseLocale, languageLocked } = useSettingsView();
  const [open, setOpen] = useState(false);
  const { gear, rememberFocus, chooseReturn } = useFocusReturn(open);

  const openSettings = useCallback(() => {
    rememberFocus();
    setWarnings([]);
    // Fresh from main: the environment or another window may have changed something.
    chat.getSettings().then(
      (view) => {
        setSettings(view);
        setOpen(true);
      },
      () => setOpen(true),
    );
  }, [chat, rememberFocus, setSettings, setWarnings]);

  const closeSettings = useCallback(
    (saved = false) => {
      chooseReturn(saved);
      setOpen(false);
    },
    [chooseReturn],
  );

  const onSaved = useCallback(
    (view: SettingsView, saveWarnings: SaveNote[]) => {
      setSettings(view);
      setWarnings(saveWarnings);
      closeSettings(true);
    },
    [closeSettings, setSettings, setWarnings],
  );

  const saveSettings = useCallback((patch: SettingsPatchIn): Promise<SaveSettingsResult> => chat.saveSettings(patch), [chat]);
  const dismissWarnings = useCallback(() => setWarnings([]), [setWarnings]);

  return {
    settings,
    open,
    warnings,
    dismissWarnings,
    gear,
    openSettings,
    closeSettings,
    saveSettings,
    onSaved,
    chooseLocale,
    languageLocked,
  };
}

/** The settings as main last told us, read at start; the language switch saves through it. */
function useSettingsView() {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [warnings, setWarnings] = useState<SaveNote[]>([]);
  const chat = useChat();

  useEffect(() => {
    let disposed = false;
    chat.getSettings().then(
      (view) => {
        if (!disposed) setSettings(view);
      },
      () => {},
    );
    return () => {
      disposed = true;
    };
  }, [chat]);

  // The header switch is a shortcut for the language setting: saved by main like the rest.
  const chooseLocale = (l: Locale) => {
    if (!settings || settings.language === l) return;
    const before = settings;
    setSettings({ ...settings, language: l });
    chat.saveSettings({ language: l }).then(
      (result) => {
        if (result.ok) {
          setSettings(result.settings);
          setWarnings(result.warnings);
        } else {
          setSettings(before);
          setWarnings(result.problems);
        }
      },
      () => setSettings(before),
    );
  };
  const languageLocked = settings?.overridden.includes('language') ?? false;

  return { settings, setSettings, warnings, setWarnings, chooseLocale, languageLocked };
}

/** Puts focus back where the person was when the dialog opened, once it has closed. */
function useFocusReturn(open: boolean) {
  const gear = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const focusAfterClose = useRef<HTMLElement | null>(null);

  const rememberFocus = useCallback(() => {
    returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  }, []);

  const chooseReturn = useCallback((saved: boolean) => {
    // Back to where the person was. After a save the status label's "Open settings" is about to go
    // (the problem it offered to fix is being fixed), so the gear is the sensible place then.
    const back = returnFocus.current;
    returnFocus.current = null;
    focusAfterClose.current = back && back.isConnected && !(saved && back.closest('.status-group')) ? back : gear.current;
  }, []);

  // Once the dialog is gone (and the browser has restored focus its own way), put it where we chose.
  useEffect(() => {
    if (open) return;
    const target = focusAfterClose.current;
    focusAfterClose.current = null;
    (target && target.isConnected ? target : target && gear.current)?.focus();
  }, [open]);

  return { gear, rememberFocus, chooseReturn };
}
