/** The top bar: the app's name, the connection status, the language switch and the settings button. */
import type { RefObject } from 'react';
import type { Status } from '../../electron/common/state';
import { LOCALES, type Locale, type Strings } from './i18n';
import { IconGear, IconLogo } from './Icons';
import { StatusLabel } from './StatusLabel';

export interface HeaderProps {
  t: Strings;
  locale: Locale;
  /** Null until the snapshot comes: no status label yet. */
  status: Status | null;
  onReconnectNow: () => void;
  /** The language switch is off until the settings are read, and while the language is locked. */
  settingsRead: boolean;
  languageLocked: boolean;
  onChooseLocale: (locale: Locale) => void;
  gear: RefObject<HTMLButtonElement | null>;
  settingsOpen: boolean;
  onOpenSettings: () => void;
}

export function Header(props: HeaderProps) {
  const { t, locale, status, gear, settingsOpen, onOpenSettings } = props;
  return (
    <header className="header">
      <div className="brand">
        <IconLogo />
        <h1 className="app-name">{t.appName}</h1>
      </div>
      {status && <StatusLabel status={status} t={t} locale={locale} onReconnectNow={props.onReconnectNow} onOpenSettings={onOpenSettings} />}
      <div className="header-actions">
        <LanguageSwitch {...props} />
        <button
          ref={gear}
          type="button"
          className="icon-button"
          data-testid="settings-open"
          aria-label={t.settings}
          title={t.settings}
          aria-haspopup="dialog"
          aria-expanded={settingsOpen}
          onClick={onOpenSettings}
        >
          <IconGear />
        </button>
      </div>
    </header>
  );
}

function LanguageSwitch({ t, locale, settingsRead, languageLocked, onChooseLocale }: HeaderProps) {
  return (
    <div className="lang" role="group" aria-label={t.languageSwitch}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          className="lang-option"
          data-testid={`lang-${l}`}
          aria-pressed={l === locale}
          lang={l}
          disabled={!settingsRead || languageLocked}
          title={languageLocked ? t.overriddenNote : undefined}
          onClick={() => onChooseLocale(l)}
        >
          {t.languageName[l]}
        </button>
      ))}
    </div>
  );
}
