/**
 * Replying to and editing a message (features `reply_to`, `edit`, `recall`), as the composer does
 * them: a message's Reply or Edit puts the composer in that mode (↑ in an empty composer edits the
 * newest own message), Escape or the bar's × leaves it, and sending in it sends the reply or
 * saves the edit. Recall goes straight to the server. A quote's click shows the quoted message.
 */
import { useCallback, useEffect, useMemo, useState, type MutableRefObject } from 'react';
import type { MessageActKind, MessageEntry, SendResult } from '../../electron/common/contract';
import type { Status } from '../../electron/common/state';
import { NO_ACTIONS, type ActionsAllowed, type OnAct } from './MessageTools';
import type { ChatFeed } from './useChatFeed';
import type { MessageActions } from './useMessageActions';
import type { JumpFn } from './useSearchToggle';

export type ComposeMode = { kind: 'reply' | 'edit'; entry: MessageEntry } | undefined;

export interface ComposeModeState {
  mode: ComposeMode;
  cancel: () => void;
  allowed: ActionsAllowed;
  onAct: OnAct;
  onQuote: (seq: number) => void;
  /** ↑ in an empty composer. */
  onEditLast: () => void;
  /** What the composer's Send does now: send, reply, or save the edit. */
  submit: (text: string) => Promise<SendResult>;
}

/**
 * What the server takes. While connected, what it announced; otherwise what a server with
 * conversations (the reference server) takes: an action queued meanwhile is refused in words
 * should the server turn out not to take it.
 */
export function actionsAllowed(status: Status | null, multi: boolean): ActionsAllowed {
  if (!multi) return NO_ACTIONS;
  const c = status?.connection;
  if (c?.kind !== 'connected') return { reply: true, edit: true, recall: true };
  return { reply: c.features.includes('reply_to'), edit: c.features.includes('edit'), recall: c.features.includes('recall') };
}

export function useComposeMode(
  feed: ChatFeed,
  actions: MessageActions,
  jumpRef: MutableRefObject<JumpFn | null>,
  status: Status | null,
  conv: string | undefined,
): ComposeModeState {
  const [mode, setMode] = useState<ComposeMode>(undefined);
  const multi = conv !== undefined;
  const allowed = useMemo(() => actionsAllowed(status, multi), [status, multi]);
  // Another conversation: nothing of this one's reply or edit carries over.
  useEffect(() => setMode(undefined), [conv]);
  const cancel = useCallback(() => setMode(undefined), []);
  const { act, send } = actions;

  const onAct = useCallback<OnAct>(
    (kind: MessageActKind, entry: MessageEntry) => {
      if (kind === 'recall') void act('recall', entry.seq!, '');
      else setMode({ kind, entry });
    },
    [act],
  );
  const onQuote = useCallback((seq: number) => void jumpRef.current?.({ seq }), [jumpRef]);
  const onEditLast = useCallback(() => {
    const last = feed.store.newestOwnSent();
    if (last && allowed.edit) setMode({ kind: 'edit', entry: last });
  }, [feed.store, allowed.edit]);

  const submit = useCallback(
    async (text: string): Promise<SendResult> => {
      if (!mode) return send(text);
      const result = await act(mode.kind, mode.entry.seq!, text);
      if (result.ok) setMode(undefined);
      return result;
    },
    [mode, act, send],
  );

  return { mode, cancel, allowed, onAct, onQuote, onEditLast, submit };
}
