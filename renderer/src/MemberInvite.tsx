/**
 * "Add people…" under a room's member list: the directory without those already in the room,
 * filtered as the person types; choosing someone invites them (the server adds them and tells
 * every member). The new list comes back in the answer; a refusal is said in words.
 */
import { useEffect, useMemo, useState } from 'react';
import type { UserView } from '../../electron/common/contract';
import { useChat, useI18n } from './AppContext';
import { reasonText } from './i18n';
import { matchingUsers, UserLabel } from './UserLabel';
import { useRequest } from './useRequest';

export interface MemberInviteProps {
  conv: string;
  members: UserView[];
  onMembers: (members: UserView[]) => void;
}

export function MemberInvite({ conv, members, onMembers }: MemberInviteProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <button type="button" className="button members-invite" data-testid="members-invite" onClick={() => setOpen(true)}>
        {t.membersInvite}
      </button>
    );
  }
  return <InvitePicker conv={conv} members={members} onMembers={onMembers} />;
}

function InvitePicker({ conv, members, onMembers }: MemberInviteProps) {
  const { t, locale } = useI18n();
  const chat = useChat();
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [query, setQuery] = useState('');
  const { busy, problem, run } = useRequest();
  // The directory once; a refusal is said where an invite's would be.
  useEffect(() => run(chat.listUsers(), (r) => setUsers(r.users)), [chat, run]);
  const here = useMemo(() => new Set(members.map((m) => m.id)), [members]);
  const shown = matchingUsers(users ?? [], query).filter((u) => !here.has(u.id));
  const q = query.trim();
  const invite = (user: string) => run(chat.invite(conv, user), (r) => onMembers(r.members));

  return (
    <div className="members-invite-picker" role="group" aria-label={t.membersInviteLabel} aria-busy={busy} data-testid="invite-picker">
      <input
        className="switcher-input"
        aria-label={t.newMessageSearch}
        placeholder={t.newMessageSearch}
        value={query}
        autoFocus
        onChange={(e) => setQuery(e.target.value)}
      />
      {users !== null && shown.length === 0 && <p className="switcher-none">{q === '' ? t.membersInviteNone : t.newMessageNone}</p>}
      <ul className="switcher-list">
        {shown.map((u) => (
          <li key={u.id}>
            <button type="button" className="user-choice" data-invite={u.id} disabled={busy} onClick={() => invite(u.id)}>
              <UserLabel user={u} />
            </button>
          </li>
        ))}
      </ul>
      {problem && (
        <p className="switcher-problem" role="alert" data-testid="invite-error">
          {t.membersInviteFailed(reasonText(problem, locale))}
        </p>
      )}
    </div>
  );
}
