/**
 * The IPC boundary, fuzzed through the stand-in (the real built main.js):
 * arbitrary values on every channel are either rejected with a clear error or,
 * when valid, handled; calls from sub-frames, other URLs and other file:// URLs
 * are refused; the channel list is exactly the contract's; and the app stays
 * healthy afterwards (snapshot and a real send still work).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { InvokeChannels } from '../../electron/common/contract';
import { ReasonCodes } from '../../electron/common/errors';
import { MAX_ID_LENGTH, MAX_MESSAGE_BYTES } from '../../protocol/codec';
import type { Status } from '../../electron/common/state';
import { ChatClient } from '../../electron/core/connection/client';
import { checkAsync, installTraps, printSummary, runs } from '../fuzz/fuzz-kit';
import { stateIs, until } from '../helpers/wait';
import { ROOT, bootStandIn, type StandIn } from '../helpers/standin';

const traps = installTraps();
let s: StandIn;
const MAX_SEND_CHARS = MAX_MESSAGE_BYTES * 4;

before(async () => {
  // A generous rate limit: valid chat:send cases really queue messages.
  s = await bootStandIn('token-alice', { rateLimit: { messages: 100_000, windowMs: 60_000 } });
});
after(async () => {
  await s?.stop();
  traps.remove();
  printSummary('ipc');
});

const top = () => s.fake.windows[0]!.webContents.mainFrame;

/** What the contract allows, written independently of validate.ts. */
function isValid(channel: string, arg: unknown): boolean {
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
    case 'chat:get-conversations':
    case 'chat:list-users':
    case 'chat:get-uploads':
    case 'chat:get-downloads':
    case 'chat:get-attachment-places':
      return arg === null || arg === undefined;
    case 'chat:drop-staged':
    case 'chat:cancel-upload':
    case 'chat:retry-upload':
      return isMainId(arg);
    case 'chat:stage-chunk':
    case 'chat:send-attachments':
    case 'chat:show-download':
      // Only a stage, an upload or a download main made: the fuzz never has one (refused as the window's bug).
      return false;
    case 'chat:stage-attachment': {
      if (!hasExactly(arg, 'conv,name,size')) return false;
      const { conv, name, size } = arg as { conv: unknown; name: unknown; size: unknown };
      return conv === 'lobby' && typeof name === 'string' && name.length >= 1 && name.length <= 1024 && isSize(size);
    }
    case 'chat:download':
    case 'chat:save-attachment-as': {
      if (!hasExactly(arg, 'attachment,conv')) return false;
      const { conv, attachment } = arg as { conv: unknown; attachment: unknown };
      if (conv !== 'lobby' || !hasExactly(attachment, 'id,name,size')) return false;
      const a = attachment as { id: unknown; name: unknown; size: unknown };
      return isMainId(a.id) && typeof a.name === 'string' && a.name.length <= 1024 && isSize(a.size);
    }
    case 'chat:copy-image': {
      if (!hasExactly(arg, 'conv,id')) return false;
      const { conv, id } = arg as { conv: unknown; id: unknown };
      return conv === 'lobby' && isMainId(id);
    }
    case 'chat:start-dm':
    case 'chat:get-members':
      return isConversationId(arg);
    case 'chat:select-conversation':
      // alice's one conversation on the reference server: the public lobby.
      return arg === 'lobby';
    case 'chat:mark-read':
      return isConversationId(arg);
    case 'chat:set-notify': {
      if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return false;
      if (Object.keys(arg).sort().join() !== 'conv,level') return false;
      const { conv, level } = arg as { conv: unknown; level: unknown };
      return conv === 'lobby' && (level === 'all' || level === 'mentions' || level === 'muted');
    }
    case 'chat:set-draft': {
      if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return false;
      if (Object.keys(arg).sort().join() !== 'conv,text') return false;
      const { conv, text } = arg as { conv: unknown; text: unknown };
      return conv === 'lobby' && typeof text === 'string' && text.length <= 64 * 1024;
    }
    case 'chat:send-to': {
      if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return false;
      if (Object.keys(arg).sort().join() !== 'conv,text') return false;
      const { conv, text } = arg as { conv: unknown; text: unknown };
      return isConversationId(conv) && typeof text === 'string' && text.length <= MAX_SEND_CHARS;
    }
    case 'chat:create-room': {
      if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return false;
      if (Object.keys(arg).sort().join() !== 'members,name,private') return false;
      const { name, members } = arg as { name: unknown; members: unknown };
      return (
        typeof name === 'string' &&
        name.trim() !== '' &&
        name.length <= 80 &&
        // eslint-disable-next-line no-control-regex -- a name must not hold control characters
        !/[\u0000-\u001f\u007f]/.test(name) &&
        typeof (arg as { private: unknown }).private === 'boolean' &&
        Array.isArray(members) &&
        members.length <= 200 &&
        members.every(isConversationId)
      );
    }
    case 'chat:invite': {
      if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return false;
      if (Object.keys(arg).sort().join() !== 'conv,user') return false;
      const { conv, user } = arg as { conv: unknown; user: unknown };
      return isConversationId(conv) && isConversationId(user);
    }
    case 'chat:act': {
      if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return false;
      if (Object.keys(arg).sort().join() !== 'conv,kind,seq,text') return false;
      const { conv, kind, seq, text } = arg as { conv: unknown; kind: unknown; seq: unknown; text: unknown };
      return (
        isConversationId(conv) &&
        (kind === 'reply' || kind === 'edit' || kind === 'recall') &&
        Number.isSafeInteger(seq) &&
        (seq as number) >= 1 &&
        typeof text === 'string' &&
        text.length <= MAX_SEND_CHARS &&
        (kind === 'recall') === (text === '')
      );
    }
    case 'chat:discard-leftovers':
      // Only a key among the current leftovers; the stand-in's account has none (checked below).
      return false;
    case 'chat:dismiss-notice':
      return arg === 'sandbox-off';
    case 'chat:save-settings': {
      if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return false;
      const proto = Object.getPrototypeOf(arg);
      if (proto !== Object.prototype && proto !== null) return false;
      const allowed: Record<string, [number, string[]?]> = {
        serverUrl: [2048],
        token: [4096],
        caFile: [4096],
        compression: [16, ['deflate', 'zlib', 'off']],
        language: [16, ['auto', 'zh-CN', 'en']],
      };
      return Object.entries(arg).every(([k, v]) => {
        const spec = allowed[k];
        return spec !== undefined && typeof v === 'string' && v.length <= spec[0] && (!spec[1] || spec[1].includes(v));
      });
    }
    case 'chat:send':
      return typeof arg === 'string' && arg.length <= MAX_SEND_CHARS;
    case 'chat:retry':
      return typeof arg === 'string' && arg.length >= 1 && arg.length <= MAX_ID_LENGTH + 8;
    case 'chat:get-older': {
      if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return false;
      if (Object.keys(arg).sort().join() !== 'before,limit') return false;
      const { before, limit } = arg as { before: unknown; limit: unknown };
      return (
        Number.isSafeInteger(before) &&
        (before as number) >= 0 &&
        Number.isInteger(limit) &&
        (limit as number) >= 1 &&
        (limit as number) <= 1_000
      );
    }
    case 'chat:search': {
      if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return false;
      if (Object.keys(arg).sort().join() !== 'limit,text') return false;
      const { text, limit } = arg as { text: unknown; limit: unknown };
      return (
        typeof text === 'string' &&
        text.length >= 1 &&
        text.length <= 200 &&
        Number.isInteger(limit) &&
        (limit as number) >= 1 &&
        (limit as number) <= 1_000
      );
    }
    default:
      return false;
  }
}

/** Ids main makes and attachment ids: 1…64 of letters, digits, - and _. */
const isMainId = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v);
const isSize = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const hasExactly = (v: unknown, keys: string) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).sort().join() === keys;

/** What the server's conversation ids may be: 1…64 characters, none of them a control character. */
function isConversationId(v: unknown): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what an id must not hold
  return typeof v === 'string' && v.length >= 1 && v.length <= 64 && !/[\u0000-\u001f\u007f]/.test(v);
}

const CLEAR_ERROR =
  /needs a conversation id|send-to(:| needs)|select-conversation:|takes no argument|send needs a string|send text over \d+ characters|retry needs a message key|save-settings(:| needs)|get-older(:| needs)|search(:| needs)|dismiss-notice needs|discard-leftovers(:| needs)|set-notify(:| needs)|set-draft(:| needs)|start-dm needs a user id|create-room(:| needs)|invite(:| needs)|act(:| needs)|stage-attachment(:| needs)|stage-chunk(:| needs)|drop-staged needs|send-attachments(:| needs)|cancel-upload needs|retry-upload needs|download(:| needs)|save-attachment-as:|show-download(:| needs)|copy-image(:| needs)/;

const hostileArg: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withObjectString: true,
    withBoxedValues: true,
  }),
  // 'sandbox-off' and its near misses: the one value chat:dismiss-notice takes.
  fc.constantFrom('sandbox-off', 'SANDBOX-OFF', 'sandbox-off ', ['sandbox-off'], { id: 'sandbox-off' }, '__proto__'),
  // chat:discard-leftovers' shape: account keys (24 hex digits) that are not among the leftovers, and near misses.
  fc.constantFrom('0'.repeat(24), 'a'.repeat(64), 'a'.repeat(65), 'A'.repeat(24), '../accounts', `${'f'.repeat(23)}/`, ''),
  fc.constantFrom(
    null,
    undefined,
    '',
    ' ',
    0,
    NaN,
    [],
    {},
    'x'.repeat(MAX_SEND_CHARS),
    'x'.repeat(MAX_SEND_CHARS + 1),
    'k'.repeat(MAX_ID_LENGTH + 8),
    'k'.repeat(MAX_ID_LENGTH + 9),
  ),
  fc.string({ maxLength: 100 }),
  fc.integer({ min: MAX_SEND_CHARS - 2, max: MAX_SEND_CHARS + 2 }).map((n) => '字'.repeat(n)),
  fc.record({ toString: fc.constant(() => 'hi'), length: fc.nat() }),
  // Conversation ids (the one room, shapes that pass and ones that do not) and chat:send-to's shape.
  fc.constantFrom('lobby', 'c_AAAAAAAAAAAAAAAA', 'x'.repeat(64), 'x'.repeat(65), 'a\u0000b', 'tab\there'),
  fc.record({
    conv: fc.oneof(fc.constantFrom('lobby', 'c_AAAAAAAAAAAAAAAA', '', 'x'.repeat(65), 'a\nb'), fc.integer()),
    text: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('x'.repeat(MAX_SEND_CHARS + 1)), fc.constant(null)),
  }),
  // chat:set-notify's shape: levels that exist and ones that do not.
  fc.record({
    conv: fc.oneof(fc.constantFrom('lobby', 'c_AAAAAAAAAAAAAAAA', '', 'a\nb'), fc.integer()),
    level: fc.oneof(fc.constantFrom('all', 'mentions', 'muted', 'loud', ''), fc.constant(null)),
  }),
  fc.record({ conv: fc.constant('lobby'), text: fc.constant('x'.repeat(64 * 1024 + 1)) }),
  // chat:create-room's shape: names around the bounds, blank and with control characters; members good and bad.
  fc.record({
    name: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('项目组', '   ', 'x'.repeat(80), 'x'.repeat(81), 'a\nb'), fc.integer()),
    private: fc.oneof(fc.boolean(), fc.constant('yes')),
    members: fc.oneof(
      fc.constant([]),
      fc.array(fc.constantFrom('alice', 'nobody', '', 'a\u0000b', 'x'.repeat(65)), { maxLength: 3 }),
      fc.constant('alice'),
    ),
  }),
  // chat:invite's shape.
  fc.record({
    conv: fc.constantFrom('lobby', 'c_AAAAAAAAAAAAAAAA', '', 'a\nb'),
    user: fc.oneof(fc.constantFrom('alice', 'nobody', '', 'x'.repeat(65), 'a\tb'), fc.integer()),
  }),
  // chat:act's shape: kinds that exist and ones that do not, seqs around the bounds, recalls with and without text.
  fc.record({
    conv: fc.oneof(fc.constantFrom('lobby', 'c_AAAAAAAAAAAAAAAA', '', 'a\nb'), fc.integer()),
    kind: fc.constantFrom('reply', 'edit', 'recall', 'delete', ''),
    seq: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER + 2), fc.constant('1')),
    text: fc.oneof(fc.constantFrom('', 'fixed', 'x'.repeat(MAX_SEND_CHARS + 1)), fc.constant(null)),
  }),
  // chat:get-older's shape, with values in and out of range.
  fc.record({
    before: fc.oneof(
      fc.nat(),
      fc.integer({ min: -5, max: -1 }),
      fc.double(),
      fc.constant(Number.MAX_SAFE_INTEGER + 2),
      fc.string({ maxLength: 4 }),
    ),
    limit: fc.oneof(fc.integer({ min: -2, max: 1_002 }), fc.double(), fc.constant('200')),
  }),
  fc.record(
    { before: fc.nat(), limit: fc.integer({ min: 1, max: 1_000 }), extra: fc.anything({ maxDepth: 1 }) },
    { requiredKeys: ['before', 'limit'] },
  ),
  // chat:search's shape: Chinese and Latin text around the length bound, limits in and out of range.
  fc.record({
    text: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('会议', '会议改', 'HELLO', '%_\\"', '字'.repeat(200), '字'.repeat(201)),
      fc.integer(),
    ),
    limit: fc.oneof(fc.integer({ min: -2, max: 1_002 }), fc.double(), fc.constant('5')),
  }),
);

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

test('every channel: invalid arguments are refused with a clear error, valid ones are handled', async () => {
  for (const channel of Object.values(InvokeChannels)) {
    await checkAsync(
      `ipc/${channel}`,
      hostileArg,
      async (arg) => {
        const valid = isValid(channel, arg);
        // What the structured clone cannot carry never leaves the renderer (ipcRenderer.invoke docs).
        if (!cloneable(arg)) {
          await assert.rejects(s.fake.invokeAs(top(), channel, arg), /An object could not be cloned/);
          return;
        }
        const outcome = await s.fake.invokeAs(top(), channel, arg).then(
          (value) => ({ ok: true as const, value }),
          (err: unknown) => ({ ok: false as const, err: err as Error }),
        );
        if (!valid) {
          assert.equal(outcome.ok, false, `${channel} accepted ${fc.stringify(arg).slice(0, 60)}`);
          assert.match(String((outcome as { err: Error }).err?.message), CLEAR_ERROR);
          // The renderer sees only the message (ipcMain.handle docs); what main threw is the cause.
          assert.equal(((outcome as { err: Error }).err.cause as { code?: string }).code, 'INVALID_IPC_CALL');
          return;
        }
        assert.ok(outcome.ok, `${channel} refused a valid argument: ${(outcome as { err: Error }).err?.message}`);
        const v = outcome.value as any;
        if (channel === 'chat:get-snapshot') assert.ok(v.status && Array.isArray(v.entries) && typeof v.hasOlder === 'boolean');
        else if (channel === 'chat:get-older') {
          const q = arg as { before: number; limit: number };
          assert.ok(Array.isArray(v.entries) && typeof v.hasOlder === 'boolean' && v.entries.length <= q.limit);
          assert.ok(
            v.entries.every((e: { order: number }) => e.order < q.before),
            'only entries before the cursor',
          );
        } else if (channel === 'chat:search') {
          const q = arg as { text: string; limit: number };
          assert.ok(Array.isArray(v.entries) && v.entries.length <= q.limit);
          assert.ok(
            v.entries.every(
              (e: { kind: string; text: string }) => e.kind === 'message' && e.text.toLowerCase().includes(q.text.toLowerCase()),
            ),
            'only messages containing the text',
          );
        } else if (channel === 'chat:reconnect-now') assert.equal(v, null);
        else if (channel === 'chat:get-settings') assert.equal(typeof v.serverUrl, 'string');
        else if (channel === 'chat:save-settings') assert.ok(v.ok === true || Array.isArray(v.problems), JSON.stringify(v).slice(0, 200));
        else if (channel === 'chat:show-log-folder')
          assert.ok(v.ok === true && v.folder === path.join(s.userData, 'logs'), JSON.stringify(v));
        else if (channel === 'chat:get-notices') assert.deepEqual(v, [], 'not launched through the launcher: nothing to tell');
        else if (channel === 'chat:dismiss-notice') assert.equal(v, null);
        else if (channel === 'chat:get-leftovers') assert.deepEqual(v, [], 'one account only: nothing waits for another');
        else if (channel === 'chat:clear-history' || channel === 'chat:mark-read' || channel === 'chat:set-draft') assert.equal(v, null);
        else if (channel === 'chat:list-users')
          assert.ok(v.ok === true && Array.isArray(v.users) && v.me === 'alice', JSON.stringify(v).slice(0, 200));
        else if (channel === 'chat:get-members')
          // lobby's members are listed; any other id is not one of alice's conversations.
          assert.ok(
            arg === 'lobby'
              ? v.ok === true && v.members.some((m: { id: string }) => m.id === 'alice')
              : v.ok === false && v.reason.code === 'FORBIDDEN',
            JSON.stringify(v).slice(0, 200),
          );
        else if (channel === 'chat:start-dm')
          // Nobody the fuzz names exists on the stand-in's server: a refusal in words, the window unchanged.
          assert.ok(v.ok === false && (ReasonCodes as readonly string[]).includes(v.reason.code), JSON.stringify(v).slice(0, 200));
        else if (channel === 'chat:create-room') {
          // A room made and shown (then lobby again, as every other case expects), or a refusal in words.
          if (v.ok === true) {
            assert.ok(
              v.view.current !== 'lobby' && v.view.list.some((c: { id: string }) => c.id === v.view.current),
              JSON.stringify(v).slice(0, 200),
            );
            await s.fake.invokeAs(top(), 'chat:select-conversation', 'lobby');
          } else assert.ok((ReasonCodes as readonly string[]).includes(v.reason.code), JSON.stringify(v).slice(0, 200));
        } else if (channel === 'chat:invite')
          // alice is in lobby already (the same list back); nobody else exists; any other room is not hers.
          assert.ok(
            v.ok === true
              ? arg !== null && (arg as { conv: string }).conv === 'lobby' && v.members.some((m: { id: string }) => m.id === 'alice')
              : (ReasonCodes as readonly string[]).includes(v.reason.code),
            JSON.stringify(v).slice(0, 200),
          );
        else if (channel === 'chat:set-notify')
          assert.equal(v.list.find((c: { id: string }) => c.id === 'lobby')?.notify, (arg as { level: string }).level, 'the level is kept');
        else if (channel === 'chat:get-conversations' || channel === 'chat:select-conversation')
          // The reference server has conversations: alice's list is the public lobby, shown.
          assert.ok(
            v.multi === true && v.current === 'lobby' && v.list.some((c: { id: string }) => c.id === 'lobby'),
            JSON.stringify(v).slice(0, 200),
          );
        else if (channel === 'chat:get-uploads' || channel === 'chat:get-downloads')
          assert.ok(Array.isArray(v), JSON.stringify(v).slice(0, 200));
        else if (channel === 'chat:get-attachment-places') assert.deepEqual(v, { imageBase: 'uos-file://files/' });
        else if (channel === 'chat:drop-staged') assert.equal(v, null);
        else if (channel === 'chat:cancel-upload' || channel === 'chat:retry-upload') assert.equal(v, false, 'no such upload');
        else if (channel === 'chat:stage-attachment')
          assert.ok(
            v.ok === true ? typeof v.stage === 'string' : (ReasonCodes as readonly string[]).includes(v.reason.code),
            JSON.stringify(v).slice(0, 200),
          );
        else if (channel === 'chat:download')
          // Started (it fails later, by itself: no such attachment), into this run's downloads folder.
          assert.ok(v.ok === true && v.download.path.startsWith(path.join(s.userData, '下载')), JSON.stringify(v).slice(0, 200));
        else if (channel === 'chat:save-attachment-as')
          assert.deepEqual(v, { ok: false, reason: { code: 'CANCELLED' } }, "the stand-in's person cancels");
        else if (channel === 'chat:copy-image') assert.ok(v.ok === false && typeof v.detail === 'string', JSON.stringify(v).slice(0, 200));
        else if (channel === 'chat:choose-ca-bundle')
          assert.deepEqual(v, { ok: false, code: 'CANCELLED' }, "the stand-in's person cancels the dialog");
        else if (channel === 'chat:copy-diagnostics')
          assert.ok(v.ok === true && /^UOS Chat /.test(v.text) && !v.text.includes('token-alice'), JSON.stringify(v).slice(0, 200));
        else {
          // A SendResult: ok with an entry, or a refusal with a known reason code.
          assert.ok(
            v.ok === true ? v.entry.kind === 'message' : (ReasonCodes as readonly string[]).includes(v.reason.code),
            JSON.stringify(v).slice(0, 200),
          );
          if (channel === 'chat:retry') assert.equal(v.ok, false); // nothing has failed, so nothing can be retried
        }
        traps.assertQuiet();
      },
      // chat:send with a valid string really queues a message, and a valid create-room makes a room: fewer of those.
      channel === 'chat:send' ? runs(150) : channel === 'chat:create-room' ? runs(100) : runs(300),
    );
  }
});

test('unknown channels have no handler, and the list is exactly the contract (no fs, shell or generic channel)', async () => {
  assert.deepEqual([...s.fake.handlers.keys()].sort(), Object.values(InvokeChannels).sort());
  for (const name of s.fake.handlers.keys()) assert.doesNotMatch(name, /fs|file|shell|exec|open|path|eval|invoke|require|spawn/i);
  await checkAsync(
    'ipc/unknown-channel',
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('chat:*', 'chat:eval', 'fs:read', 'shell:open-external', 'CHAT:SEND', 'chat:send ', '__proto__', 'constructor'),
    ),
    async (channel) => {
      if (s.fake.handlers.has(channel)) return;
      await assert.rejects(s.fake.invokeAs(top(), channel, null), /No handler registered/);
    },
    runs(200),
  );
});

/** A well-formed argument for each files channel (from the top frame they get through to the core). */
const FILE_ARGS: Record<string, unknown> = {
  'chat:stage-attachment': { conv: 'lobby', name: 'a.txt', size: 1 },
  'chat:stage-chunk': { stage: 'x1', offset: 0, bytes: new Uint8Array([1]) },
  'chat:drop-staged': 'x1',
  'chat:send-attachments': { conv: 'lobby', caption: '', stages: ['x1'] },
  'chat:cancel-upload': 'x1',
  'chat:retry-upload': 'x1',
  'chat:download': { conv: 'lobby', attachment: { id: 'x1', name: 'a.txt', size: 1 } },
  'chat:save-attachment-as': { conv: 'lobby', attachment: { id: 'x1', name: 'a.txt', size: 1 } },
  'chat:show-download': 'x1',
  'chat:copy-image': { conv: 'lobby', id: 'x1' },
};
/** …and what the core answers when it never made the stage, upload or download named. */
const FILE_REFUSALS: Record<string, RegExp> = {
  'chat:stage-chunk': /no such staged file/,
  'chat:send-attachments': /not a file staged/,
  'chat:show-download': /not a download of this run/,
};

test('calls from sub-frames, other origins and other file:// URLs are refused', async () => {
  const rendererUrl = pathToFileURL(path.join(ROOT, 'dist/renderer/index.html')).href;
  assert.equal(top().url, rendererUrl);
  const lookalikes = fc.constantFrom(
    `${rendererUrl}.evil.html`,
    `${rendererUrl}/../../../etc/passwd`,
    rendererUrl.replace('index.html', 'other.html'),
    rendererUrl.replace('file://', 'file://evil.example'),
    rendererUrl.toUpperCase(),
    'file:///etc/passwd',
    'file:///tmp/index.html',
    pathToFileURL(path.join(ROOT, 'dist/renderer/assets/index.html')).href,
    'about:blank',
    'data:text/html,<script>1</script>',
    'javascript:alert(1)',
    'devtools://devtools/bundled/inspector.html',
    'chrome-extension://abc/index.html',
    'http://127.0.0.1/',
    '',
  );
  const frameArb = fc.record({
    url: fc.oneof(lookalikes, fc.webUrl(), fc.string({ maxLength: 40 }), fc.constant(rendererUrl), fc.constant(`${rendererUrl}#x`)),
    subFrame: fc.boolean(),
  });
  await checkAsync(
    'ipc/untrusted-frames',
    fc.tuple(frameArb, fc.constantFrom(...Object.values(InvokeChannels))),
    async ([f, channel]) => {
      const frame = { url: f.url, parent: f.subFrame ? top() : null };
      const trusted = !f.subFrame && (f.url === rendererUrl || f.url.startsWith(`${rendererUrl}#`) || f.url.startsWith(`${rendererUrl}?`));
      const arg =
        channel === 'chat:send'
          ? 'from a frame'
          : channel === 'chat:retry'
            ? 'k'
            : channel === 'chat:save-settings'
              ? {}
              : channel === 'chat:get-older'
                ? { before: 1, limit: 1 }
                : channel === 'chat:search'
                  ? { text: 'x', limit: 1 }
                  : channel === 'chat:dismiss-notice'
                    ? 'sandbox-off'
                    : channel === 'chat:discard-leftovers'
                      ? '0'.repeat(24)
                      : channel === 'chat:send-to' || channel === 'chat:set-draft'
                        ? { conv: 'lobby', text: 'from a frame' }
                        : channel === 'chat:set-notify'
                          ? { conv: 'lobby', level: 'muted' }
                          : channel === 'chat:select-conversation' || channel === 'chat:mark-read' || channel === 'chat:get-members'
                            ? 'lobby'
                            : channel === 'chat:start-dm'
                              ? 'nobody-here'
                              : channel === 'chat:create-room'
                                ? { name: 'from a frame', private: true, members: ['nobody-here'] }
                                : channel === 'chat:invite'
                                  ? { conv: 'lobby', user: 'nobody-here' }
                                  : channel === 'chat:act'
                                    ? { conv: 'lobby', kind: 'recall', seq: 1, text: '' }
                                    : (FILE_ARGS[channel] ?? null);
      const call = s.fake.invokeAs(frame, channel, arg);
      // A trusted discard gets through to the service, which refuses a key that is not among the leftovers;
      // so do files calls naming what main never made.
      const refusedAnyway = channel === 'chat:discard-leftovers' ? /no messages are waiting/ : FILE_REFUSALS[channel];
      if (trusted) await (refusedAnyway ? assert.rejects(call, refusedAnyway) : call);
      else await assert.rejects(call, /refused: untrusted sender/);
    },
    runs(300),
  );
  // No sender frame at all (a destroyed frame) is refused too.
  await assert.rejects(s.fake.invokeAs(null as never, 'chat:get-snapshot', null), /untrusted sender/);
});

test('after all that the app is healthy: snapshot, send and receive through the real server', async () => {
  const snap = (await s.fake.invokeAs(top(), 'chat:get-snapshot', null)) as { status: Status };
  assert.equal(snap.status.connection.kind, 'connected');
  const bob = new ChatClient({ config: { url: s.srv.url, token: 'token-bob' } });
  await bob.start();
  await stateIs(bob, 'connected');
  const r = (await s.api.send('healthy after the IPC fuzz')) as { ok: boolean };
  assert.ok(r.ok);
  await until(
    bob,
    () => bob.snapshot().entries.some((e) => e.kind === 'message' && e.text === 'healthy after the IPC fuzz'),
    20_000,
    'bob receives',
  );
  await bob.stop();
  traps.assertQuiet();
});
