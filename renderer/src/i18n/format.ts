/** Formatting for display: message times and numbers via Intl, and reason codes as words. */
import { describeReason } from '../../../electron/common/words';
import type { ReasonCode } from '../../../electron/common/errors';
import type { Locale } from './locales';

/** Words for reason codes come from electron/common/words.ts (shared with the CLI and the logs). */
export function reasonText(code: ReasonCode, locale: Locale): string {
  return describeReason(code, locale);
}

/** The words for the two nearest days (Strings.today / Strings.yesterday). */
export interface DayWords {
  today: string;
  yesterday: string;
}

function dayNumber(d: Date): number {
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000;
}

/** Formats message times (the day is said by the day separators above them) and numbers, via Intl. */
export function timeFormatters(locale: Locale) {
  const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long' });
  const full = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'medium' });
  const stamp = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const number = new Intl.NumberFormat(locale);
  return {
    /** The time of day only ("14:05", "2:05 PM"). */
    time(iso: string): string {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? '' : time.format(d);
    },
    /** A day separator's label: today, yesterday, else the date in the locale. */
    day(iso: string, words: DayWords, now = new Date()): string {
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return '';
      const ago = dayNumber(now) - dayNumber(d);
      if (ago === 0) return words.today;
      if (ago === 1) return words.yesterday;
      return date.format(d);
    },
    full(iso: string): string {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : full.format(d);
    },
    /** Date and time, short ("2026年11月23日 14:05", "Nov 23, 2026, 2:05 PM"): a search result, far from its day separator. */
    stamp(iso: string): string {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : stamp.format(d);
    },
    number: (n: number) => number.format(n),
  };
}

export type TimeFormatters = ReturnType<typeof timeFormatters>;
