/**
 * What the person does to the conversation: send, retry a failed message, reconnect at once,
 * and page in older entries. Each answer from main goes into the feed's store.
 */
import { useChat } from './AppContext';
import { useCallback, useEffect, useRef, useState, type MutableRefObject } from 'react';
import type { MessageActKind, OlderEntries, SendResult } from '../../electron/common/contract';
import type { ReasonCode } from '../../electron/common/errors';
import type { ChatFeed } from './useChatFeed';

export interface MessageActions {
  send: (text: string) => Promise<SendResult>;
  /** A reply to, or an edit or recall of, the message with `seq` in the conversation shown. */
  act: (kind: MessageActKind, seq: number, text: string) => Promise<SendResult>;
  /** Why the last retry of an entry (by key) was refused; shown on its row until the next retry. */
  retryErrors: ReadonlyMap<string, ReasonCode>;
  onRetry: (key: string) => void;
  reconnectNow: () => void;
  fetchOlder: (before: number, limit: number) => Promise<OlderEntries>;
  /** The store changed outside a push (an older page went in). */
  onStoreChange: () => void;
}

/** `conv`: the conversation shown (feature `conversations`); a message goes to the one it was written in. */
export function useMessageActions(feed: ChatFeed, conv?: string): MessageActions {
  const { store, publish } = feed;
  const chat = useChat();
  const [retryErrors, setRetryErrors] = useState<ReadonlyMap<string, ReasonCode>>(new Map());
  const shown = useRef(conv);
  useEffect(() => {
    shown.current = conv;
  }, [conv]);

  const send = useCallback(
    async (text: string): Promise<SendResult> => {
      const result = conv === undefined ? await chat.send(text) : await chat.sendTo(conv, text);
      // Another conversation is shown now: the message is in its own, not in this log.
      if (shown.current !== conv) return result;
      // Show it at once; the push with the same key replaces it in place.
      if (result.ok && !store.has(result.entry.key)) store.upsert([result.entry]);
      if (result.ok) publish({ stick: true });
      return result;
    },
    [chat, store, publish, conv],
  );

  const act = useAct(feed, conv, shown);

  const onRetry = useCallback(
    (key: string) => {
      setRetryErrors((m) => withoutKey(m, key));
      chat.retry(key).then(
        (result) => {
          if (result.ok) {
            const current = store.get(key);
            // Only move a failed entry back to pending; never undo a newer "sent".
            if (current?.kind === 'message' && current.delivery === 'failed') {
              store.upsert([result.entry]);
              publish();
            }
          } else {
            setRetryErrors((m) => new Map(m).set(key, result.reason.code));
          }
        },
        () => setRetryErrors((m) => new Map(m).set(key, 'REJECTED')),
      );
    },
    [chat, store, publish],
  );

  const reconnectNow = useCallback(() => {
    void chat.reconnectNow();
  }, [chat]);
  const fetchOlder = useCallback((before: number, limit: number) => chat.getOlder(before, limit), [chat]);
  const onStoreChange = useCallback(() => publish(), [publish]);

  return { send, act, retryErrors, onRetry, reconnectNow, fetchOlder, onStoreChange };
}

/** A reply, edit or recall: a reply shows at once as a send does; an edit or recall on the message it names. */
function useAct(feed: ChatFeed, conv: string | undefined, shown: MutableRefObject<string | undefined>): MessageActions['act'] {
  const { store, publish } = feed;
  const chat = useChat();
  return useCallback(
    async (kind: MessageActKind, seq: number, text: string): Promise<SendResult> => {
      if (conv === undefined) return { ok: false, reason: { code: 'ACTION_UNSUPPORTED' } };
      const result = await chat.act({ conv, kind, seq, text });
      if (shown.current !== conv || !result.ok) return result;
      if (kind === 'reply' ? !store.has(result.entry.key) : store.has(result.entry.key)) store.upsert([result.entry]);
      publish(kind === 'reply' ? { stick: true } : undefined);
      return result;
    },
    [chat, store, publish, conv, shown],
  );
}

function withoutKey<V>(m: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
  if (!m.has(key)) return m;
  const next = new Map(m);
  next.delete(key);
  return next;
}
