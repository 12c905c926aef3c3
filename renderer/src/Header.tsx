/**
 * The top bar: the app's name, the connection status, the language switch, and the search and
 * settings buttons; the search panel goes under it.
 */
import type { RefObject } from 'react';
import type { Status } from '../../electron/common/state';
import { useI18n } from './AppContext';
import { LOCALES, type Locale } from './i18n';
import { IconGear, IconLogo } from './Icons';
import { SearchSlot } from './SearchSlot';
import { StatusLabel } from './StatusLabel';
import type { SearchToggle } from './useSearchToggle';

export interface HeaderProps {
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
  /** The search panel (Ctrl+F), shown under the bar when open. */
  search: SearchToggle;
}

export function Header(props: HeaderProps) {
  const { status, gear, settingsOpen, onOpenSettings } = props;
  const { t } = useI18n();
  return (
    <>
      <header className="header">
        <div className="brand">
          <IconLogo />
          <h1 className="app-name">{t.appName}</h1>
        </div>
        {status && <StatusLabel status={status} onReconnectNow={props.onReconnectNow} onOpenSettings={onOpenSettings} />}
        <div className="header-actions">
          <LanguageSwitch {...props} />
          <button
            type="button"
            className="icon-button"
            data-testid="search-open"
            aria-label={t.search}
            title={t.searchTitle}
            aria-keyshortcuts="Control+F"
            aria-expanded={props.search.open}
            onClick={props.search.openSearch}
          >
            <IconSearch />
          </button>
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
      <SearchSlot search={props.search} />
    </>
  );
}

function IconSearch() {
  return (
    <svg
      className="icon"
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.6}
      strokeLinecap="round"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="7" cy="7" r="4.5" />
      <path d="M10.4 10.4 14 14" />
    </svg>
  );
}

function LanguageSwitch({ settingsRead, languageLocked, onChooseLocale }: HeaderProps) {
  const { t, locale } = useI18n();
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
