/** A person as the directory names them: the display name, with the id beside it when they differ. */
import type { UserView } from '../../electron/common/contract';
import { fold } from './switcherMatch';

export function UserLabel({ user }: { user: UserView }) {
  return (
    <>
      <span className="switcher-name">{user.display ?? user.id}</span>
      {user.display !== undefined && <span className="user-id">{user.id}</span>}
    </>
  );
}

/** Those whose name or id holds what was typed (ignoring case and width), all for an empty query. */
export function matchingUsers(users: readonly UserView[], query: string): UserView[] {
  const q = fold(query.trim());
  return users.filter((u) => q === '' || fold(`${u.display ?? ''} ${u.id}`).includes(q));
}
