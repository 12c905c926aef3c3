/**
 * The argument check of each IPC channel. The renderer is untrusted: type, size and allowed values
 * are checked here, before anything reaches the core. The channel table (contract.ts) names which
 * check each channel uses.
 */
import {
  MAX_PAGE,
  MAX_SEARCH_CHARS,
  NOTICE_IDS,
  type NoticeId,
  type OlderQuery,
  type CreateRoomArg,
  type InviteArg,
  type MessageActArg,
  type MessageActKind,
  type SearchQuery,
  type SendToArg,
  type SetDraftArg,
  type SetNotifyArg,
  type SettingsPatchIn,
} from './ipc-types';
import { MAX_CONVERSATION_NAME, MAX_CREATE_MEMBERS, MAX_NAME_ID } from '../../protocol/conversations';
import { MAX_ID_LENGTH, MAX_MESSAGE_BYTES } from '../../protocol/codec';
import { FIELD_SPECS, type SettingsKey } from './settings-fields';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };
export type ArgCheck<T> = (arg: unknown) => Checked<T>;

/** Generous upper bound so that a too-large message gets a TOO_LARGE failure, not a crash. */
const MAX_SEND_CHARS = MAX_MESSAGE_BYTES * 4;

/** An account's key as get-leftovers gives it (core/accounts.ts: 24 hex digits; a little room to spare). */
const ACCOUNT_KEY = /^[0-9a-f]{1,64}$/;

// eslint-disable-next-line no-control-regex -- control characters are exactly what an id must not hold
const CONTROL = /[\u0000-\u001f\u007f]/;

export const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
export const refuse = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** A channel that takes nothing; `name` words the refusal. */
export function noArg(name: string): ArgCheck<null> {
  return (arg) => (arg === null || arg === undefined ? ok(null) : refuse(`${name} takes no argument`));
}

export const checkSendText: ArgCheck<string> = (arg) => {
  if (typeof arg !== 'string') return refuse('send needs a string');
  if (arg.length > MAX_SEND_CHARS) return refuse(`send text over ${MAX_SEND_CHARS} characters`);
  return ok(arg);
};

/** A conversation id as the server gives them (protocol/conversations.ts MAX_NAME_ID): printable, 1…64 characters. */
export const checkConversationId: ArgCheck<string> = (arg) =>
  typeof arg === 'string' && arg.length > 0 && arg.length <= MAX_NAME_ID && !CONTROL.test(arg)
    ? ok(arg)
    : refuse('needs a conversation id (1…64 printable characters)');

/** A user id as the server's directory gives them: the same shape as a conversation id. */
export const checkUserId: ArgCheck<string> = (arg) =>
  typeof arg === 'string' && arg.length > 0 && arg.length <= MAX_NAME_ID && !CONTROL.test(arg)
    ? ok(arg)
    : refuse('start-dm needs a user id (1…64 printable characters)');

export const checkSendTo: ArgCheck<SendToArg> = (arg) => {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return refuse('send-to needs { conv, text }');
  const keys = Object.keys(arg);
  if (keys.length !== 2 || !keys.includes('conv') || !keys.includes('text')) return refuse('send-to needs exactly { conv, text }');
  const { conv, text } = arg as Record<string, unknown>;
  const c = checkConversationId(conv);
  if (!c.ok) return refuse(`send-to: ${c.error}`);
  const t = checkSendText(text);
  return t.ok ? ok({ conv: c.value, text: t.value }) : refuse(`send-to: ${t.error}`);
};

const ACT_KINDS: readonly string[] = ['reply', 'edit', 'recall'];

export const checkAct: ArgCheck<MessageActArg> = (arg) => {
  const o = exactly(arg, ['conv', 'kind', 'seq', 'text'], 'act');
  if (typeof o === 'string') return refuse(o);
  const c = checkConversationId(o.conv);
  if (!c.ok) return refuse(`act: ${c.error}`);
  if (typeof o.kind !== 'string' || !ACT_KINDS.includes(o.kind)) return refuse('act: kind must be reply, edit or recall');
  if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 1) return refuse('act: seq must be a whole number ≥ 1');
  const t = checkSendText(o.text);
  if (!t.ok) return refuse(`act: ${t.error}`);
  if ((o.kind === 'recall') !== (t.value === '')) return refuse('act: a recall has no text, a reply or edit has some');
  return ok({ conv: c.value, kind: o.kind as MessageActKind, seq: o.seq, text: t.value });
};

/** A draft is kept up to this many characters (desk-memory.ts keeps the same). */
export const MAX_DRAFT_CHARS = 64 * 1024;
const NOTIFY_LEVELS: readonly string[] = ['all', 'mentions', 'muted'];

/** An object with exactly these keys, or why not. */
export function exactly(arg: unknown, keys: string[], what: string): Record<string, unknown> | string {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return `${what} needs { ${keys.join(', ')} }`;
  const got = Object.keys(arg).sort().join();
  return got === [...keys].sort().join() ? (arg as Record<string, unknown>) : `${what} needs exactly { ${keys.join(', ')} }`;
}

export const checkSetNotify: ArgCheck<SetNotifyArg> = (arg) => {
  const o = exactly(arg, ['conv', 'level'], 'set-notify');
  if (typeof o === 'string') return refuse(o);
  const c = checkConversationId(o.conv);
  if (!c.ok) return refuse(`set-notify: ${c.error}`);
  return typeof o.level === 'string' && NOTIFY_LEVELS.includes(o.level)
    ? ok({ conv: c.value, level: o.level as SetNotifyArg['level'] })
    : refuse("set-notify: level is 'all', 'mentions' or 'muted'");
};

export const checkSetDraft: ArgCheck<SetDraftArg> = (arg) => {
  const o = exactly(arg, ['conv', 'text'], 'set-draft');
  if (typeof o === 'string') return refuse(o);
  const c = checkConversationId(o.conv);
  if (!c.ok) return refuse(`set-draft: ${c.error}`);
  return typeof o.text === 'string' && o.text.length <= MAX_DRAFT_CHARS
    ? ok({ conv: c.value, text: o.text })
    : refuse(`set-draft: text is a string of at most ${MAX_DRAFT_CHARS} characters`);
};

/** The server's own bounds (protocol/conversations.ts): a name of 1…80 characters, not blank, at most 200 first members. */
export const checkCreateRoom: ArgCheck<CreateRoomArg> = (arg) => {
  const o = exactly(arg, ['name', 'private', 'members'], 'create-room');
  if (typeof o === 'string') return refuse(o);
  const { name, members } = o;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_CONVERSATION_NAME || CONTROL.test(name)) {
    return refuse(`create-room: name is 1…${MAX_CONVERSATION_NAME} printable characters, not blank`);
  }
  if (typeof o.private !== 'boolean') return refuse('create-room: private is true or false');
  if (!Array.isArray(members) || members.length > MAX_CREATE_MEMBERS || !members.every((m) => checkUserId(m).ok)) {
    return refuse(`create-room: members is a list of at most ${MAX_CREATE_MEMBERS} user ids`);
  }
  return ok({ name: name.trim(), private: o.private, members: [...new Set(members as string[])] });
};

export const checkInvite: ArgCheck<InviteArg> = (arg) => {
  const o = exactly(arg, ['conv', 'user'], 'invite');
  if (typeof o === 'string') return refuse(o);
  const c = checkConversationId(o.conv);
  if (!c.ok) return refuse(`invite: ${c.error}`);
  return checkUserId(o.user).ok
    ? ok({ conv: c.value, user: o.user as string })
    : refuse('invite: user is a user id (1…64 printable characters)');
};

export const checkMessageKey: ArgCheck<string> = (arg) =>
  typeof arg === 'string' && arg.length > 0 && arg.length <= MAX_ID_LENGTH + 8 ? ok(arg) : refuse('retry needs a message key');

/** Shape only: whether it is one of the current leftovers is checked by the host (ChatService). */
export const checkAccountKey: ArgCheck<string> = (arg) =>
  typeof arg === 'string' && ACCOUNT_KEY.test(arg)
    ? ok(arg)
    : refuse('discard-leftovers needs an account key (hex, 1…64 characters) from get-leftovers');

export const checkNoticeId: ArgCheck<NoticeId> = (arg) =>
  typeof arg === 'string' && (NOTICE_IDS as readonly string[]).includes(arg)
    ? ok(arg as NoticeId)
    : refuse(`dismiss-notice needs one of ${NOTICE_IDS.join(', ')}`);

export const checkOlderQuery: ArgCheck<OlderQuery> = (arg) => {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return refuse('get-older needs { before, limit }');
  const keys = Object.keys(arg);
  if (keys.length !== 2 || !keys.includes('before') || !keys.includes('limit')) return refuse('get-older needs exactly { before, limit }');
  const { before, limit } = arg as Record<string, unknown>;
  if (typeof before !== 'number' || !Number.isSafeInteger(before) || before < 0)
    return refuse('get-older: before must be a whole number ≥ 0');
  if (!isPageLimit(limit)) return refuse(`get-older: limit must be a whole number 1…${MAX_PAGE}`);
  return ok({ before, limit });
};

export const checkSearchQuery: ArgCheck<SearchQuery> = (arg) => {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return refuse('search needs { text, limit }');
  const keys = Object.keys(arg);
  if (keys.length !== 2 || !keys.includes('text') || !keys.includes('limit')) return refuse('search needs exactly { text, limit }');
  const { text, limit } = arg as Record<string, unknown>;
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_SEARCH_CHARS) {
    return refuse(`search: text must be 1…${MAX_SEARCH_CHARS} characters`);
  }
  if (!isPageLimit(limit)) return refuse(`search: limit must be a whole number 1…${MAX_PAGE}`);
  return ok({ text, limit });
};

function isPageLimit(limit: unknown): limit is number {
  return typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE;
}

/** Shape only (known keys, strings, sizes, allowed values); meaning (a URL, a file) is checked by main. */
export const checkSettingsPatch: ArgCheck<SettingsPatchIn> = (arg) => {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return refuse('save-settings needs an object');
  const proto: unknown = Object.getPrototypeOf(arg);
  if (proto !== Object.prototype && proto !== null) return refuse('save-settings needs a plain object');
  for (const [key, value] of Object.entries(arg)) {
    const spec = Object.hasOwn(FIELD_SPECS, key) ? FIELD_SPECS[key as SettingsKey] : undefined;
    if (!spec) return refuse(`save-settings: unknown field ${JSON.stringify(key).slice(0, 40)}`);
    if (typeof value !== 'string') return refuse(`save-settings: ${key} must be a string`);
    if (value.length > spec.maxLength) return refuse(`save-settings: ${key} over ${spec.maxLength} characters`);
    if (spec.values && !spec.values.includes(value)) return refuse(`save-settings: ${key} must be one of ${spec.values.join(', ')}`);
  }
  return ok(arg as SettingsPatchIn);
};
