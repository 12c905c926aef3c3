/**
 * The whole window. Talks to the app only through the chat API of ChatContext (main.tsx): the
 * feed (log and status), the message actions and the settings panel each live in their own hook.
 * Provides the language (strings, locale, time formatters) to everything under it.
 */
import { lazy, Suspense, useEffect, useMemo, type ComponentProps } from 'react';
import type { ReceiptsView } from '../../electron/common/contract';
import { I18nContext, type I18n } from './AppContext';
import { ChatLog } from './ChatLog';
import { Composer } from './Composer';
import { FileArea } from './FileArea';
import { Header } from './Header';
import { LaunchNotices } from './LaunchNotices';
import { LeftoversBanner } from './LeftoversBanner';
import { resolveLocale, strings, timeFormatters, type Locale } from './i18n';
import { SettingsWarnings } from './SettingsWarnings';
import { useChatFeed, type ChatFeedState } from './useChatFeed';
import { useConversations } from './useConversations';
import { useConversationScroll } from './useConversationScroll';
import { useComposeMode, type ComposeModeState } from './useComposeMode';
import { useDrafts, type Draft } from './useDrafts';
import { useFiles } from './useFiles';
import { useMessageActions, type MessageActions } from './useMessageActions';
import { useReachConversation } from './useReachConversation';
import { useSearchToggle, type SearchToggle } from './useSearchToggle';
import { useSettingsPanel } from './useSettingsPanel';
import { Workspace } from './Workspace';

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
  const conversations = useConversations();
  const multi = conversations.view?.multi === true;
  const draft = useDrafts(conversations.view);
  const actions = useMessageActions(feed.feed, multi ? conversations.view?.current : undefined);
  const panel = useSettingsPanel();
  const scroll = useConversationScroll(feed.feed, multi ? conversations.view?.current : undefined);
  const search = useSearchToggle(useReachConversation(feed.feed, conversations, scroll.forget));
  // The language is a setting kept by main; until it is read, the system's language.
  const locale: Locale = resolveLocale(panel.settings?.language);
  const i18n = useMemo<I18n>(() => ({ t: strings(locale), locale, fmt: timeFormatters(locale) }), [locale]);

  const unread = conversations.totalUnread;
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = unread > 0 ? `(${unread}) ${i18n.t.appName}` : i18n.t.appName;
  }, [locale, i18n.t.appName, unread]);

  const compose = useComposeMode(feed.feed, actions, search.jumpRef, feed.status, multi ? conversations.view?.current : undefined);
  const receipts = multi ? conversations.view?.receipts : undefined;
  const log = (
    <LogAndComposer
      feed={feed}
      actions={actions}
      jumpRef={search.jumpRef}
      draft={draft}
      scroll={scroll}
      compose={compose}
      receipts={receipts}
      conv={conversations.view?.current}
    />
  );

  return (
    <I18nContext.Provider value={i18n}>
      <div className="app" data-locale={locale}>
        <Header
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
        <LaunchNotices />
        <SettingsWarnings warnings={panel.warnings} onClose={panel.dismissWarnings} />
        {panel.open && panel.settings && (
          <SettingsDialog view={panel.settings} onSave={panel.saveSettings} onSaved={panel.onSaved} onClose={() => panel.closeSettings()} />
        )}
        <LeftoversBanner />
        <Workspace conversations={conversations}>{log}</Workspace>
      </div>
    </I18nContext.Provider>
  );
}

interface LogProps {
  feed: ChatFeedState;
  actions: MessageActions;
  jumpRef: SearchToggle['jumpRef'];
  draft: Draft | undefined;
  scroll: ReturnType<typeof useConversationScroll>;
  compose: ComposeModeState;
  receipts: ReceiptsView | undefined;
  conv: string | undefined;
}

/** The log of the conversation shown, and the composer under it, inside the area files can be dropped on. */
function LogAndComposer(props: LogProps) {
  const { feed, draft, compose, conv } = props;
  const files = useFiles();
  return (
    <FileArea api={files} conv={conv} store={feed.feed.store}>
      {(onFiles, uploads) => (
        <>
          <main className="main">
            <LogOf {...props} />
          </main>
          <footer className="footer">
            {uploads}
            {/* One composer per conversation (its own draft); a one-room server keeps one for the run. */}
            <Composer
              key={draft?.conv}
              limit={feed.limit}
              send={compose.submit}
              initialText={draft?.initial}
              onTextChange={draft?.onChange}
              mode={compose.mode}
              onCancelMode={compose.cancel}
              onEditLast={compose.onEditLast}
              onFiles={onFiles}
            />
          </footer>
        </>
      )}
    </FileArea>
  );
}

function LogOf({ feed, actions, jumpRef, scroll, compose, receipts }: LogProps) {
  return (
    <ChatLog
      store={feed.feed.store}
      version={feed.version}
      loaded={feed.loaded}
      retryErrors={actions.retryErrors}
      onRetry={actions.onRetry}
      stickRequest={feed.stickRequest}
      atEndRef={feed.atEndRef}
      fetchOlder={actions.fetchOlder}
      onStoreChange={actions.onStoreChange}
      jumpRef={jumpRef}
      onPlace={scroll.onPlace}
      restoreRef={scroll.restoreRef}
      allowed={compose.allowed}
      onAct={compose.onAct}
      onQuote={compose.onQuote}
      receipts={receipts}
    />
  );
}
