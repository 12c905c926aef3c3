/**
 * The whole window. Talks to the app only through `window.chat`:
 * subscribe, take a snapshot, then apply pushes (status, entry upserts).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SendResult } from '../../electron/common/contract';
import type { ReasonCode } from '../../electron/common/errors';
import type { Status } from '../../electron/common/state';
import { ChatLog } from './ChatLog';
import { Composer } from './Composer';
import { initialLocale, LOCALES, saveLocale, strings, timeFormatters, type Locale } from './i18n';
import { IconLogo } from './Icons';
import { StatusLabel } from './StatusLabel';
import { EntryStore } from './store';

/** Until the snapshot says otherwise. */
const DEFAULT_LIMIT = 10 * 1024;

export function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const t = strings(locale);
  const fmt = useMemo(() => timeFormatters(locale), [locale]);

  const store = useRef(new EntryStore()).current;
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<Status | null>(null);
  const [limit, setLimit] = useState(DEFAULT_LIMIT);
  const [loaded, setLoaded] = useState(false);
  const [stickRequest, setStickRequest] = useState(0);
  const [retryErrors, setRetryErrors] = useState<ReadonlyMap<string, ReasonCode>>(new Map());

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
    const offEntries = chat.onEntries((batch) => {
      if (!ready) return;
      store.upsert(batch);
      setVersion(store.version);
    });
    chat.getSnapshot().then(
      (snap) => {
        if (disposed) return;
        store.reset(snap.entries);
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
    return () => {
      disposed = true;
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

  const reconnectNow = useCallback(() => {
    void window.chat.reconnectNow();
  }, []);

  const chooseLocale = (l: Locale) => {
    setLocale(l);
    saveLocale(l);
  };

  return (
    <div className="app" data-locale={locale}>
      <header className="header">
        <div className="brand">
          <IconLogo />
          <h1 className="app-name">{t.appName}</h1>
        </div>
        {status && <StatusLabel status={status} t={t} locale={locale} onReconnectNow={reconnectNow} />}
        <div className="lang" role="group" aria-label={t.languageSwitch}>
          {LOCALES.map((l) => (
            <button
              key={l}
              type="button"
              className="lang-option"
              data-testid={`lang-${l}`}
              aria-pressed={l === locale}
              lang={l}
              onClick={() => chooseLocale(l)}
            >
              {t.languageName[l]}
            </button>
          ))}
        </div>
      </header>
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
        />
      </main>
      <footer className="footer">
        <Composer t={t} locale={locale} fmt={fmt} limit={limit} send={send} />
      </footer>
    </div>
  );
}
