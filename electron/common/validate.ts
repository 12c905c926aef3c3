/**
 * Validation of every argument that crosses from the renderer into main.
 * The renderer is untrusted: type, size and allowed values are checked here.
 */
import type { InvokeChannel, InvokeMap } from './contract';
import { InvokeChannels, MAX_PAGE, MAX_SEARCH_CHARS, NOTICE_IDS } from './contract';
import { MAX_MESSAGE_BYTES, MAX_ID_LENGTH } from './protocol';
import { FIELD_SPECS, type SettingsKey } from './settings-fields';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Generous upper bound so that a too-large message gets a TOO_LARGE failure, not a crash. */
const MAX_SEND_CHARS = MAX_MESSAGE_BYTES * 4;

/** An account's key as get-leftovers gives it (core/accounts.ts: 24 hex digits; a little room to spare). */
const ACCOUNT_KEY = /^[0-9a-f]{1,64}$/;

const KNOWN = new Set<string>(Object.values(InvokeChannels));

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && KNOWN.has(channel);
}

export function checkInvokeArg<C extends InvokeChannel>(channel: C, arg: unknown): Checked<InvokeMap[C]['arg']> {
  const ok = (value: unknown) => ({ ok: true as const, value: value as InvokeMap[C]['arg'] });
  switch (channel) {
    case 'chat:get-snapshot':
    case 'chat:reconnect-now':
    case 'chat:get-settings':
    case 'chat:show-log-folder':
    case 'chat:copy-diagnostics':
    case 'chat:choose-ca-bundle':
    case 'chat:get-notices':
    case 'chat:get-leftovers':
    case 'chat:clear-history':
      return arg === null || arg === undefined ? ok(null) : { ok: false, error: `${channel} takes no argument` };
    case 'chat:send':
      if (typeof arg !== 'string') return { ok: false, error: 'send needs a string' };
      if (arg.length > MAX_SEND_CHARS) return { ok: false, error: `send text over ${MAX_SEND_CHARS} characters` };
      return ok(arg);
    case 'chat:retry':
      if (typeof arg !== 'string' || arg.length === 0 || arg.length > MAX_ID_LENGTH + 8) {
        return { ok: false, error: 'retry needs a message key' };
      }
      return ok(arg);
    case 'chat:save-settings':
      return checkSettingsPatch(arg) ?? ok(arg);
    case 'chat:get-older':
      return checkOlderQuery(arg) ?? ok(arg);
    case 'chat:search':
      return checkSearchQuery(arg) ?? ok(arg);
    case 'chat:discard-leftovers':
      // Shape only: whether it is one of the current leftovers is checked by the host (ChatService).
      return typeof arg === 'string' && ACCOUNT_KEY.test(arg) ? ok(arg) : { ok: false, error: 'discard-leftovers needs an account key (hex, 1…64 characters) from get-leftovers' };
    case 'chat:dismiss-notice':
      return typeof arg === 'string' && (NOTICE_IDS as readonly string[]).includes(arg) ? ok(arg) : { ok: false, error: `dismiss-notice needs one of ${NOTICE_IDS.join(', ')}` };
    default:
      return { ok: false, error: `unknown channel ${String(channel)}` };
  }
}

function checkOlderQuery(arg: unknown): { ok: false; error: string } | undefined {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return { ok: false, error: 'get-older needs { before, limit }' };
  const keys = Object.keys(arg);
  if (keys.length !== 2 || !keys.includes('before') || !keys.includes('limit')) return { ok: false, error: 'get-older needs exactly { before, limit }' };
  const { before, limit } = arg as Record<string, unknown>;
  if (typeof before !== 'number' || !Number.isSafeInteger(before) || before < 0) return { ok: false, error: 'get-older: before must be a whole number ≥ 0' };
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) return { ok: false, error: `get-older: limit must be a whole number 1…${MAX_PAGE}` };
  return undefined;
}

function checkSearchQuery(arg: unknown): { ok: false; error: string } | undefined {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return { ok: false, error: 'search needs { text, limit }' };
  const keys = Object.keys(arg);
  if (keys.length !== 2 || !keys.includes('text') || !keys.includes('limit')) return { ok: false, error: 'search needs exactly { text, limit }' };
  const { text, limit } = arg as Record<string, unknown>;
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_SEARCH_CHARS) return { ok: false, error: `search: text must be 1…${MAX_SEARCH_CHARS} characters` };
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) return { ok: false, error: `search: limit must be a whole number 1…${MAX_PAGE}` };
  return undefined;
}

/** Shape only (known keys, strings, sizes, allowed values); meaning (a URL, a file) is checked by main. */
function checkSettingsPatch(arg: unknown): { ok: false; error: string } | undefined {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return { ok: false, error: 'save-settings needs an object' };
  if (Object.getPrototypeOf(arg) !== Object.prototype && Object.getPrototypeOf(arg) !== null) return { ok: false, error: 'save-settings needs a plain object' };
  for (const [key, value] of Object.entries(arg)) {
    const spec = Object.hasOwn(FIELD_SPECS, key) ? FIELD_SPECS[key as SettingsKey] : undefined;
    if (!spec) return { ok: false, error: `save-settings: unknown field ${JSON.stringify(key).slice(0, 40)}` };
    if (typeof value !== 'string') return { ok: false, error: `save-settings: ${key} must be a string` };
    if (value.length > spec.maxLength) return { ok: false, error: `save-settings: ${key} over ${spec.maxLength} characters` };
    if (spec.values && !spec.values.includes(value)) return { ok: false, error: `save-settings: ${key} must be one of ${spec.values.join(', ')}` };
  }
  return undefined;
}
