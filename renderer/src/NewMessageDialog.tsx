/**
 * "New message": the server's user directory, filtered as the person types; choosing someone
 * opens the DM with them (the server finds the one they already have, or makes it). A refusal
 * or a lost connection is said in words inside the dialog, which stays open. "New room" turns
 * the dialog into the room form (NewRoomForm.tsx), over the same directory.
 */
import { useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react';
import type { ConversationsView, UserView } from '../../electron/common/contract';
import type { ReasonCode } from '../../electron/common/errors';
import { useChat, useI18n } from './AppContext';
import { reasonText } from './i18n';
import { matchingUsers, UserLabel } from './UserLabel';
import { useRequest } from './useRequest';
import { NewRoomForm } from './NewRoomForm';
import { useModalDialog } from './useModalDialog';

export interface NewMessageDialogProps {
  onOpened: (view: ConversationsView) => void;
  onClose: () => void;
}

type Directory = { state: 'loading' } | { state: 'ready'; users: UserView[] } | { state: 'failed'; code: ReasonCode };

export function NewMessageDialog({ onOpened, onClose }: NewMessageDialogProps) {
  const { t } = useI18n();
  const ids = useId();
  const input = useRef<HTMLInputElement>(null);
  const modal = useModalDialog(onClose, input);
  const dm = useDirectory(onOpened);
  const { directory } = dm;
  const [making, setMaking] = useState<'dm' | 'room'>('dm');

  return (
    <dialog {...modal} className="switcher" aria-labelledby={`${ids}-title`} aria-busy={dm.starting} data-testid="new-message">
      <h2 id={`${ids}-title`} className="switcher-title">
        {making === 'room' ? t.newRoomTitle : t.newMessageTitle}
      </h2>
      {making === 'room' ? (
        <NewRoomForm
          users={directory.state === 'ready' ? directory.users : []}
          onOpened={onOpened}
          onBack={() => {
            setMaking('dm');
            requestAnimationFrame(() => input.current?.focus());
          }}
        />
      ) : (
        <>
          <button type="button" className="button new-room-button" data-testid="new-room-button" onClick={() => setMaking('room')}>
            {t.newRoom}
          </button>
          <DmChooser ids={ids} input={input} dm={dm} onClose={onClose} />
        </>
      )}
    </dialog>
  );
}

/** The directory filtered as the person types; choosing someone opens the DM. */
function DmChooser({
  ids,
  input,
  dm,
  onClose,
}: {
  ids: string;
  input: RefObject<HTMLInputElement | null>;
  dm: ReturnType<typeof useDirectory>;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const { directory, starting, problem, start } = dm;
  const [query, setQuery] = useState('');
  const shown = useMemo(() => (directory.state === 'ready' ? matchingUsers(directory.users, query) : []), [directory, query]);
  return (
    <>
      <input
        ref={input}
        className="switcher-input"
        aria-label={t.newMessageSearch}
        aria-controls={`${ids}-list`}
        placeholder={t.newMessageSearch}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {directory.state === 'loading' && <p className="switcher-none">{t.newMessageLoading}</p>}
      {directory.state === 'failed' && (
        <p className="switcher-problem" role="alert">
          {t.newMessageFailed(reasonText(directory.code, locale))}
        </p>
      )}
      <UserChoices id={`${ids}-list`} users={shown} disabled={starting} onChoose={start} />
      {directory.state === 'ready' && shown.length === 0 && (
        <p className="switcher-none" role="status">
          {t.newMessageNone}
        </p>
      )}
      {problem && (
        <p className="switcher-problem" role="alert" data-testid="new-message-error">
          {t.newMessageFailed(reasonText(problem, locale))}
        </p>
      )}
      <div className="switcher-actions">
        <button type="button" className="button" onClick={onClose}>
          {t.cancel}
        </button>
      </div>
    </>
  );
}

/** The directory (without the person themself), and opening a DM from it. */
function useDirectory(onOpened: (view: ConversationsView) => void) {
  const chat = useChat();
  const [directory, setDirectory] = useState<Directory>({ state: 'loading' });
  const { busy: starting, problem, run } = useRequest();
  useEffect(() => {
    let live = true;
    chat.listUsers().then(
      (r) =>
        live &&
        setDirectory(r.ok ? { state: 'ready', users: r.users.filter((u) => u.id !== r.me) } : { state: 'failed', code: r.reason.code }),
      () => live && setDirectory({ state: 'failed', code: 'REJECTED' }),
    );
    return () => {
      live = false;
    };
  }, [chat]);
  const start = (user: string) => run(chat.startDm(user), (r) => onOpened(r.view));
  return { directory, starting, problem, start };
}

function UserChoices({
  id,
  users,
  disabled,
  onChoose,
}: {
  id: string;
  users: UserView[];
  disabled: boolean;
  onChoose: (user: string) => void;
}) {
  const { t } = useI18n();
  return (
    <ul id={id} className="switcher-list" aria-label={t.newMessageUsers}>
      {users.map((u) => (
        <li key={u.id}>
          <button type="button" className="user-choice" data-user={u.id} disabled={disabled} onClick={() => onChoose(u.id)}>
            <UserLabel user={u} />
          </button>
        </li>
      ))}
    </ul>
  );
}
