/**
 * How a log row sits against the row above it, decided from that one neighbour only
 * (no pass over the log: the virtualizer asks just for the rows in view, and a page
 * going in on top changes only the row that was first).
 *
 * - A day separator above a message whose local day differs from the previous
 *   message's, and above the first row held or one after a gap marker (what came
 *   before is not known there).
 * - "Continued": the same sender as the message just above, within GROUP_WINDOW_MS,
 *   on the same day: the avatar and name are not repeated, the time shows on hover.
 */
import type { LogEntry, MessageEntry } from '../../electron/common/contract';

/** Consecutive messages from one sender within this span form a group. */
export const GROUP_WINDOW_MS = 5 * 60_000;

export interface RowPlace {
  /** A local day starts here (or, after a gap or at the top of what is held, may): label it. */
  dayStart: boolean;
  /** Same sender as the message above, close in time: no avatar, no name line. */
  continued: boolean;
}

const NONE: RowPlace = { dayStart: false, continued: false };

function localDay(ms: number): number {
  const d = new Date(ms);
  return d.getFullYear() * 10_000 + d.getMonth() * 100 + d.getDate();
}

function senderOf(e: MessageEntry): string {
  return e.fromServer ? '\u0000server' : e.own ? '\u0000own' : `u:${e.user}`;
}

/** `prev` is the entry just above `entry` in the log (undefined: `entry` is the first held). */
export function rowPlace(entry: LogEntry, prev: LogEntry | undefined): RowPlace {
  if (entry.kind !== 'message') return NONE;
  const at = Date.parse(entry.timestamp);
  if (Number.isNaN(at)) return NONE;
  if (!prev || prev.kind !== 'message') return { dayStart: true, continued: false };
  const before = Date.parse(prev.timestamp);
  if (Number.isNaN(before)) return NONE;
  if (localDay(at) !== localDay(before)) return { dayStart: true, continued: false };
  const continued = senderOf(entry) === senderOf(prev) && Math.abs(at - before) <= GROUP_WINDOW_MS;
  return { dayStart: false, continued };
}
