/**
 * One-time notices for the window, and which ones the person has dismissed, kept in a small state file
 * (`notices.json` in the app's data directory, written atomically) so a dismissed notice does not come
 * back on the next start. Today there is one: the renderer runs without the OS sandbox because the system
 * disables user namespaces (the launcher fell back to --no-sandbox; launch-flags.ts).
 */
import { readFile } from 'node:fs/promises';
import { NOTICE_IDS, type NoticeId } from '../../common/contract';
import { writeFileAtomic } from '../store/atomic-file';
import type { NoticePort } from '../service/chat-service';
import { sandboxFallback, type LaunchInfo } from './launch-flags';

/** Why, in English, for the log (the window says it in the person's language). */
export const NOTICE_REASONS: Record<NoticeId, string> = {
  'sandbox-off':
    'this system disables user namespaces; the renderer runs without the OS sandbox; context isolation, the CSP and IPC checks still apply',
};

/** The notices this start calls for, before dismissals. */
export function noticesFor(launch: LaunchInfo): NoticeId[] {
  return sandboxFallback(launch) ? ['sandbox-off'] : [];
}

/** The dismissed ids in the file; a missing, unreadable or odd file dismisses nothing (the notice shows again). */
async function readDismissed(file: string): Promise<Set<NoticeId>> {
  try {
    const raw = JSON.parse(await readFile(file, 'utf8')) as { dismissed?: unknown };
    const ids = Array.isArray(raw.dismissed) ? raw.dismissed : [];
    return new Set(NOTICE_IDS.filter((id) => ids.includes(id)));
  } catch {
    return new Set();
  }
}

/**
 * The notices of this start minus those dismissed before; logs each one that will show, with why.
 * `dismiss` writes the file before it resolves, so a quit right after still remembers it.
 */
export async function openNotices(file: string, wanted: NoticeId[], log: (line: string) => void): Promise<NoticePort> {
  const dismissed = await readDismissed(file);
  for (const id of wanted) log(`notice ${id}${dismissed.has(id) ? ' (dismissed before, not shown)' : ' shown'}: ${NOTICE_REASONS[id]}`);
  let writing: Promise<void> = Promise.resolve();
  return {
    pending: () => wanted.filter((id) => !dismissed.has(id)),
    dismiss(id) {
      if (dismissed.has(id)) return writing;
      dismissed.add(id);
      const body = `${JSON.stringify({ version: 1, dismissed: [...dismissed] }, null, 2)}\n`;
      // Not written: hidden for this run, shown again next start. Said in the log, never thrown at the window.
      writing = writing
        .then(() => writeFileAtomic(file, body))
        .catch((err: Error) => log(`notice ${id}: dismissal not saved: ${err.message}`));
      return writing;
    },
  };
}
