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

/** `make()` once, on first use. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/**
 * Formats message times (the day is said by the day separators above them) and numbers, via Intl.
 * Each Intl formatter is made on first use: the first paint needs only `time` and `full` (and `day`
 * at a day's first message), and making one costs ~0.3 ms each once ICU is up (boot.ts warms it).
 */
function makeTimeFormatters(locale: Locale) {
  const time = once(() => new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }));
  const date = once(() => new Intl.DateTimeFormat(locale, { dateStyle: 'long' }));
  const full = once(() => new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'medium' }));
  const stamp = once(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }));
  const number = once(() => new Intl.NumberFormat(locale));
  return {
    /** The time of day only ("14:05", "2:05 PM"). */
    time(iso: string): string {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? '' : time().format(d);
    },
    /** A day separator's label: today, yesterday, else the date in the locale. */
    day(iso: string, words: DayWords, now = new Date()): string {
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return '';
      const ago = dayNumber(now) - dayNumber(d);
      if (ago === 0) return words.today;
      if (ago === 1) return words.yesterday;
      return date().format(d);
    },
    full(iso: string): string {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : full().format(d);
    },
    /** Date and time, short ("2026年11月23日 14:05", "Nov 23, 2026, 2:05 PM"): a search result, far from its day separator. */
    stamp(iso: string): string {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : stamp().format(d);
    },
    number: (n: number) => number().format(n),
  };
}

export type TimeFormatters = ReturnType<typeof makeTimeFormatters>;

/** One set per locale for the window's life (the log, the composer and the search panel share it). */
const formattersByLocale = new Map<Locale, TimeFormatters>();

export function timeFormatters(locale: Locale): TimeFormatters {
  let f = formattersByLocale.get(locale);
  if (!f) formattersByLocale.set(locale, (f = makeTimeFormatters(locale)));
  return f;
}
