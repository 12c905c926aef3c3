/**
 * "New room", inside the New message dialog: a name, public (anyone may join) or private
 * (members only, who invite), and the first members picked from the directory. Create opens
 * the room; a refusal is said in words and the form keeps what was typed.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ConversationsView, CreateRoomArg, UserView } from '../../electron/common/contract';
import { useChat, useI18n } from './AppContext';
import { reasonText } from './i18n';
import { matchingUsers, UserLabel } from './UserLabel';
import { useRequest } from './useRequest';

/** MAX_CONVERSATION_NAME in protocol/conversations.ts: the box takes no more. */
const MAX_ROOM_NAME = 80;

export interface NewRoomFormProps {
  /** The directory without the person themself (empty while it loads or when it failed). */
  users: UserView[];
  onOpened: (view: ConversationsView) => void;
  onBack: () => void;
}

export function NewRoomForm({ users, onOpened, onBack }: NewRoomFormProps) {
  const { t, locale } = useI18n();
  const ids = useId();
  const nameRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [isPrivate, setPrivate] = useState(true);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const chat = useChat();
  const { busy: creating, problem, run } = useRequest();
  const create = (room: CreateRoomArg) => run(chat.createRoom(room), (r) => onOpened(r.view));
  useEffect(() => nameRef.current?.focus(), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() !== '' && !creating) create({ name: name.trim(), private: isPrivate, members: [...chosen] });
  };
  const toggle = (id: string) =>
    setChosen((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <form className="new-room" data-testid="new-room" aria-busy={creating} onSubmit={submit}>
      <label className="new-room-label" htmlFor={`${ids}-name`}>
        {t.newRoomName}
      </label>
      <input
        ref={nameRef}
        id={`${ids}-name`}
        className="switcher-input"
        data-testid="new-room-name"
        required
        maxLength={MAX_ROOM_NAME}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <label className="new-room-check">
        <input type="checkbox" data-testid="new-room-private" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />
        {t.newRoomPrivate}
      </label>
      <MemberPicker users={users} chosen={chosen} onToggle={toggle} />
      {problem && (
        <p className="switcher-problem" role="alert" data-testid="new-room-error">
          {t.newRoomFailed(reasonText(problem, locale))}
        </p>
      )}
      <div className="switcher-actions">
        <button type="button" className="button" onClick={onBack}>
          {t.newRoomBack}
        </button>
        <button type="submit" className="button button-primary" data-testid="new-room-create" disabled={name.trim() === '' || creating}>
          {t.newRoomCreate}
        </button>
      </div>
    </form>
  );
}

/** The first members: the directory as checkboxes, filtered as the person types. */
function MemberPicker({ users, chosen, onToggle }: { users: UserView[]; chosen: ReadonlySet<string>; onToggle: (id: string) => void }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  // Someone chosen stays in view whatever is typed, so it can be unchosen.
  const shown = useMemo(() => {
    const matching = new Set(matchingUsers(users, query));
    return users.filter((u) => chosen.has(u.id) || matching.has(u));
  }, [users, query, chosen]);
  return (
    <fieldset className="new-room-members">
      <legend>{t.newRoomMembers(chosen.size)}</legend>
      <input
        className="switcher-input"
        aria-label={t.newMessageSearch}
        placeholder={t.newMessageSearch}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <ul className="switcher-list">
        {shown.map((u) => (
          <li key={u.id}>
            <label className="user-choice">
              <input type="checkbox" data-member-choice={u.id} checked={chosen.has(u.id)} onChange={() => onToggle(u.id)} />
              <UserLabel user={u} />
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
