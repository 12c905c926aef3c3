/**
 * The whole window. Talks to the app only through `window.chat`: the feed (log and status),
 * the message actions and the settings panel each live in their own hook.
 */
import { lazy, Suspense, useEffect, useMemo, type ComponentProps } from 'react';
import { ChatLog } from './ChatLog';
import { Composer } from './Composer';
import { Header } from './Header';
import { LaunchNotices } from './LaunchNotices';
import { LeftoversBanner } from './LeftoversBanner';
import { resolveLocale, strings, timeFormatters, type Locale } from './i18n';
import { SettingsWarnings } from './SettingsWarnings';
import { useChatFeed } from './useChatFeed';
import { useMessageActions } from './useMessageActions';
import { useSearchToggle } from './useSearchToggle';
import { useSettingsPanel } from './useSettingsPanel';

// Its own chunk, loaded on first open (or when main.tsx prefetches it after the first paint):
// not parsed before the log's first paint. Nothing shows until it is in.
const LazySettingsDialog = lazy(() => import('./SettingsDialog').then((m) => ({ default: m.SettingsDialog })));
const SettingsDialog = (props: ComponentProps<typeof LazySettingsDialog>) => (
  <Suspense fallback={null}>
    <LazySettingsDialog {...props} />
  </Suspense>
);

export function App() {
  // First, so the snapshot is asked for before the settings (it is what the first paint waits on).
  const feed = useChatFeed();
  const actions = useMessageActions(feed.feed);
  const panel = useSettingsPanel();
  const search = useSearchToggle();
  // The language is a setting kept by main; until it is read, the system's language.
  const locale: Locale = resolveLocale(panel.settings?.language);
  const t = strings(locale);
  const fmt = useMemo(() => timeFormatters(locale), [locale]);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t.appName;
  }, [locale, t.appName]);

  return (
    <div className="app" data-locale={locale}>
      <Header
        t={t}
        locale={locale}
        status={feed.status}
        onReconnectNow={actions.reconnectNow}
        settingsRead={panel.settings !== null}
        languageLocked={panel.languageLocked}
        onChooseLocale={panel.chooseLocale}
        gear={panel.gear}
        settingsOpen={panel.open}
        onOpenSettings={panel.openSettings}
        search={search}
      />
      <LaunchNotices t={t} />
      <SettingsWarnings warnings={panel.warnings} t={t} onClose={panel.dismissWarnings} />
      {panel.open && panel.settings && (
        <SettingsDialog view={panel.settings} t={t} onSave={panel.saveSettings} onSaved={panel.onSaved} onClose={() => panel.closeSettings()} />
      )}
      <LeftoversBanner t={t} />
      <main className="main">
        <ChatLog
          store={feed.feed.store}
          version={feed.version}
          loaded={feed.loaded}
          t={t}
          locale={locale}
          fmt={fmt}
          retryErrors={actions.retryErrors}
          onRetry={actions.onRetry}
          stickRequest={feed.stickRequest}
          atEndRef={feed.atEndRef}
          fetchOlder={actions.fetchOlder}
          onStoreChange={actions.onStoreChange}
          jumpRef={search.jumpRef}
        />
      </main>
      <footer className="footer">
        <Composer t={t} locale={locale} fmt={fmt} limit={feed.limit} send={actions.send} />
      </footer>
    </div>
  );
}
