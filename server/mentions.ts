/**
 * Who a message @mentions: `@id` or `@display name` of a member, or everyone with `@all` /
 * `@所有人` (as DingTalk and Mattermost have it). A name must end where the mention ends:
 * `@al` is not alice, but `@张三你好` is 张三, since Chinese has no spaces between words.
 */
import type { UserDirectory } from './users';

const EVERYONE = ['all', '所有人'];
/** What may follow an ASCII name inside a longer name, so the mention is not of this one ('.' only inside: `@bo.li`, not `@bo.`). */
const NAME_CONTINUES = /^(?:[A-Za-z0-9_-]|\.[A-Za-z0-9])/;
const ENDS_ASCII = /[A-Za-z0-9_.-]$/;

export function mentionsIn(text: string, members: readonly string[], users: UserDirectory, author: string): string[] {
  if (!text.includes('@')) return [];
  const candidates = members.filter((m) => m !== author);
  if (EVERYONE.some((word) => mentions(text, word))) return candidates;
  return candidates.filter((m) => {
    const display = users.display(m);
    return mentions(text, m) || (display !== undefined && display.length > 0 && mentions(text, display));
  });
}

function mentions(text: string, name: string): boolean {
  const needle = `@${name}`;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    if (!ENDS_ASCII.test(name) || !NAME_CONTINUES.test(text.slice(at + needle.length, at + needle.length + 2))) return true;
  }
  return false;
}
