/**
 * The header's member count, as a button: it shows who is in the conversation (asked of main
 * each time it opens, so it is current), display names first and ids beside them. In a room
 * (not a DM, which stays two) members add people from there (MemberInvite.tsx).
 */
import { useEffect, useId, useState } from 'react';
import type { UserView } from '../../electron/common/contract';
import type { ReasonCode } from '../../electron/common/errors';
import { useChat, useI18n } from './AppContext';
import { reasonText } from './i18n';
import { MemberInvite } from './MemberInvite';

type Members = { state: 'loading' } | { state: 'ready'; members: UserView[] } | { state: 'failed'; code: ReasonCode };

export function MemberList({ conv, count, canInvite }: { conv: string; count: number; canInvite: boolean }) {
  const { t } = useI18n();
  const panelId = useId();
  const [open, setOpen] = useState(false);
  return (
    <div className="members">
      <button
        type="button"
        className="conversation-members"
        aria-expanded={open}
        aria-controls={panelId}
        data-testid="members-button"
        onClick={() => setOpen((o) => !o)}
      >
        {t.membersCount(count)}
      </button>
      {open && <MembersPanel id={panelId} conv={conv} canInvite={canInvite} onClose={() => setOpen(false)} />}
    </div>
  );
}

function MembersPanel({ id, conv, canInvite, onClose }: { id: string; conv: string; canInvite: boolean; onClose: () => void }) {
  const { t, locale } = useI18n();
  const chat = useChat();
  const [members, setMembers] = useState<Members>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    chat.getMembers(conv).then(
      (r) => live && setMembers(r.ok ? { state: 'ready', members: r.members } : { state: 'failed', code: r.reason.code }),
      () => live && setMembers({ state: 'failed', code: 'REJECTED' }),
    );
    return () => {
      live = false;
    };
  }, [chat, conv]);
  return (
    <div
      id={id}
      className="members-panel"
      role="region"
      aria-label={t.membersTitle}
      data-testid="members-panel"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      {members.state === 'loading' && <p className="switcher-none">{t.loading}</p>}
      {members.state === 'failed' && (
        <p className="switcher-problem" role="alert">
          {t.membersFailed(reasonText(members.code, locale))}
        </p>
      )}
      {members.state === 'ready' && (
        <ul className="members-list">
          {members.members.map((m) => (
            <li key={m.id} data-member={m.id}>
              <span className="switcher-name">{m.display ?? m.id}</span>
              {m.display !== undefined && <span className="user-id">{m.id}</span>}
            </li>
          ))}
        </ul>
      )}
      {members.state === 'ready' && canInvite && (
        <MemberInvite conv={conv} members={members.members} onMembers={(m) => setMembers({ state: 'ready', members: m })} />
      )}
    </div>
  );
}
