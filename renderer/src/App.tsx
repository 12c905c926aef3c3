/**
 * The whole window. Talks to the app only through `window.chat`:
 * subscribe, take a snapshot, then apply pushes (status, entry upserts).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SaveSettingsResult, SendResult, SettingsPatchIn, SettingsView } from '../../electron/common/contract';
import type { ReasonCode } from '../../electron/common/errors';
import type { Status } from '../../electron/common/state';
import { ChatLog } from './ChatLog';
import { Composer } from './Composer';
import { describeSettingsProblem, LOCALES, resolveLocale, strings, timeFormatters, type Locale } from './i18n';
import { IconAlert, IconGear, IconLogo } from './Icons';
import { SettingsDialog } from './SettingsDialog';
import { StatusLabel } from './StatusLabel';
import { EntryStore } from './store';

/** Until the snapshot says otherwise. */
const DEFAULT_LIMIT = 10 * 1024;
/**
 * While the person follows the bottom, the window holds at most LIVE_MAX entries and is
 * cut back to LIVE_KEEP (the rest can be paged in again): a flood of messages must not
 * grow what the log lays out on every change (5,000 msgs/s froze frames for 0.7 s at 50k).
 */
const LIVE_MAX = 1_500;
const LIVE_KEEP = 1_000;

export function App() {
  // The language is a setting kept by main; until it is read, the system's language.
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const locale: Locale = resolveLocale(settings?.language);
  const t = strings(locale);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [warnings, setWarnings] = useState<string[]>([]);
  const gear = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const fmt = useMemo(() => timeFormatters(locale), [locale]);

  const store = useRef(new EntryStore()).current;
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<Status | null>(null);
  const [limit, setLimit] = useState(DEFAULT_LIMIT);
  const [loaded, setLoaded] = useState(false);
  const [stickRequest, setStickRequest] = useState(0);
  const [retryErrors, setRetryErrors] = useState<ReadonlyMap<string, ReasonCode>>(new Map());
  const atEndRef = useRef(true);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t.appName;
  }, [locale, t.appName]);

  useEffect(() => {
    const chat = window.chat;
    let ready = false;
    let disposed = false;
    // Subscribe first so nothing between the snapshot and the subscription is
    // lost. Pushes that arrive before the snapshot's answer were sent before
    // it was taken (one ordered channel), so the snapshot already holds them.
    const offStatus = chat.onStatus((s) => {
      if (ready) setStatus(s);
    });
    // Pushes go into the store at once, but React renders at most once per display frame:
    // two pushes landing in one frame would otherwise lay the log out twice. (The timer is
    // the fallback for a window that gets no animation frames, e.g. while hidden.)
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const render = () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      frame = 0;
      timer = undefined;
      if (!disposed) setVersion(store.version);
    };
    const offEntries = chat.onEntries((batch) => {
      if (!ready) return;
      store.upsert(batch);
      if (atEndRef.current && store.size > LIVE_MAX) store.trimOldest(LIVE_KEEP);
      if (timer !== undefined) return;
      frame = requestAnimationFrame(render);
      timer = setTimeout(render, 100);
    });
    chat.getSnapshot().then(
      (snap) => {
        if (disposed) return;
        store.reset(snap.entries, snap.hasOlder);
        ready = true;
        setStatus(snap.status);
        setLimit(snap.limits.maxMessageBytes);
        setVersion(store.version);
        setLoaded(true);
        setStickRequest((n) => n + 1);
      },
      () => {
        if (!disposed) setLoaded(true);
      },
    );
    chat.getSettings().then(
      (view) => {
        if (!disposed) setSettings(view);
      },
      () => {},
    );
    return () => {
      disposed = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      offStatus();
      offEntries();
    };
  }, [store]);

  // The server announces its message limit when a connection opens; the
  // snapshot is the only place the contract carries it, so re-read it then.
  const kind = status?.connection.kind;
  const wasConnected = useRef<boolean | undefined>(undefined);
  useEffect(() => {
    if (kind === undefined) return;
    const first = wasConnected.current === undefined;
    const now = kind === 'connected';
    if (!first && now && !wasConnected.current) {
      window.chat.getSnapshot().then(
        (snap) => setLimit(snap.limits.maxMessageBytes),
        () => {},
      );
    }
    wasConnected.current = now;
  }, [kind]);

  const send = useCallback(
    async (text: string): Promise<SendResult> => {
      const result = await window.chat.send(text);
      if (result.ok && !store.has(result.entry.key)) {
        // Show it at once; the push with the same key replaces it in place.
        store.upsert([result.entry]);
        setVersion(store.version);
      }
      if (result.ok) setStickRequest((n) => n + 1);
      return result;
    },
    [store],
  );

  const onRetry = useCallback(
    (key: string) => {
      setRetryErrors((m) => {
        if (!m.has(key)) return m;
        const next = new Map(m);
        next.delete(key);
        return next;
      });
      window.chat.retry(key).then(
        (result) => {
          if (result.ok) {
            const current = store.get(key);
            // Only move a failed entry back to pending; never undo a newer "sent".
            if (current?.kind === 'message' && current.delivery === 'failed') {
              store.upsert([result.entry]);
              setVersion(store.version);
            }
          } else {
            setRetryErrors((m) => new Map(m).set(key, result.reason.code));
          }
        },
        () => setRetryErrors((m) => new Map(m).set(key, 'REJECTED')),
      );
    },
    [store],
  );

  const fetchOlder = useCallback((before: number, limit: number) => window.chat.getOlder(before, limit), []);
  const onStoreChange = useCallback(() => setVersion(store.version), [store]);

  const reconnectNow = useCallback(() => {
    void window.chat.reconnectNow();
  }, []);

  const saveSettings = useCallback((patch: SettingsPatchIn): Promise<SaveSettingsResult> => window.chat.saveSettings(patch), []);

  const openSettings = useCallback(() => {
    returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setWarnings([]);
    // Fresh from main: the environment or another window may have changed something.
    window.chat.getSettings().then(
      (view) => {
        setSettings(view);
        setSettingsOpen(true);
      },
      () => setSettingsOpen(true),
    );
  }, []);

  const focusAfterClose = useRef<HTMLElement | null>(null);
  const closeSettings = useCallback((saved = false) => {
    // Back to where the person was. After a save the status label's "Open settings" is about to go
    // (the problem it offered to fix is being fixed), so the gear is the sensible place then.
    const back = returnFocus.current;
    returnFocus.current = null;
    focusAfterClose.current = back && back.isConnected && !(saved && back.closest('.status-group')) ? back : gear.current;
    setSettingsOpen(false);
  }, []);
  // Once the dialog is gone (and the browser has restored focus its own way), put it where we chose.
  useEffect(() => {
    if (settingsOpen) return;
    const target = focusAfterClose.current;
    focusAfterClose.current = null;
    (target && target.isConnected ? target : target && gear.current)?.focus();
  }, [settingsOpen]);

  const onSaved = useCallback(
    (view: SettingsView, saveWarnings: string[]) => {
      setSettings(view);
      setWarnings(saveWarnings);
      closeSettings(true);
    },
    [closeSettings],
  );

  // The header switch is a shortcut for the language setting: saved by main like the rest.
  const chooseLocale = (l: Locale) => {
    if (!settings || settings.language === l) return;
    const before = settings;
    setSettings({ ...settings, language: l });
    window.chat.saveSettings({ language: l }).then(
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

  return (
    <div className="app" data-locale={locale}>
      <header className="header">
        <div className="brand">
          <IconLogo />
          <h1 className="app-name">{t.appName}</h1>
        </div>
        {status && (
          <StatusLabel status={status} t={t} locale={locale} onReconnectNow={reconnectNow} onOpenSettings={openSettings} />
        )}
        <div className="header-actions">
          <div className="lang" role="group" aria-label={t.languageSwitch}>
            {LOCALES.map((l) => (
              <button
                key={l}
                type="button"
                className="lang-option"
                data-testid={`lang-${l}`}
                aria-pressed={l === locale}
                lang={l}
                disabled={!settings || languageLocked}
                title={languageLocked ? t.overriddenNote : undefined}
                onClick={() => chooseLocale(l)}
              >
                {t.languageName[l]}
              </button>
            ))}
          </div>
          <button
            ref={gear}
            type="button"
            className="icon-button"
            data-testid="settings-open"
            aria-label={t.settings}
            title={t.settings}
            aria-haspopup="dialog"
            aria-expanded={settingsOpen}
            onClick={openSettings}
          >
            <IconGear />
          </button>
        </div>
      </header>
      {warnings.length > 0 && (
        <div className="notice" role="status" data-testid="settings-warnings">
          <IconAlert />
          <div className="notice-body">
            <span className="notice-title">{t.warningsTitle}</span>
            {warnings.map((w, i) => (
              <span key={i} className="notice-line">
                {describeSettingsProblem(w, t).text}
              </span>
            ))}
          </div>
          <button type="button" className="button button-small" onClick={() => setWarnings([])}>
            {t.close}
          </button>
        </div>
      )}
      {settingsOpen && settings && (
        <SettingsDialog view={settings} t={t} onSave={saveSettings} onSaved={onSaved} onClose={() => closeSettings()} />
      )}
      <main className="main">
        <ChatLog
          store={store}
          version={version}
          loaded={loaded}
          t={t}
          locale={locale}
          fmt={fmt}
          retryErrors={retryErrors}
          onRetry={onRetry}
          stickRequest={stickRequest}
          atEndRef={atEndRef}
          fetchOlder={fetchOlder}
          onStoreChange={onStoreChange}
        />
      </main>
      <footer className="footer">
        <Composer t={t} locale={locale} fmt={fmt} limit={limit} send={send} />
      </footer>
    </div>
  );
}
