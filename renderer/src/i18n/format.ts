/** Formatting for display: message times and numbers via Intl, and reason codes as words. */
import { describeReason } from '../../../electron/common/words';
import type { ReasonCode } from '../../../electron/common/errors';
import type { Locale } from './locales';

/** Words for reason codes come from electron/common/words.ts (shared with the CLI and the logs). */
export function reasonText(code: ReasonCode, locale: Locale): string {
  return describeReason(code, locale);
}

/** Formats a message time: just the time today, date and time otherwise. */
export function timeFormatters(locale: Locale) {
  const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
  const dateTime = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  const full = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'medium' });
  const number = new Intl.NumberFormat(locale);
  return {
    short(iso: string, now = new Date()): string {
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return '';
      const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
      return (sameDay ? time : dateTime).format(d);
    },
    full(iso: string): string {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : full.format(d);
    },
    number: (n: number) => number.format(n),
  };
}

export type TimeFormatters = ReturnType<typeof timeFormatters>;
