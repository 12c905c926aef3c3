/**
 * Read status at scale: a room of 100 members where 60 read (the sender and 59 others). The
 * sender sends 100 messages; after each, every reader's client says it read it (5,900 read
 * frames). The sender sees 40 unread on its last message, with the right lists of who read and
 * who did not, and the receipts pushed to it stay within one frame per interval: the stated
 * bound is 60,000 / receiptsIntervalMs frames per minute per conversation and connection (30 at
 * the default 2 s), whatever the number of readers or messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationPeer, type ConversationPeer, type Frame } from '../helpers/conversation-peer';
import { testServer } from '../helpers/server';

const MEMBERS = 100;
const READERS = 59;
const MESSAGES = 100;
const INTERVAL_MS = 250;

const name = (i: number) => `u${String(i).padStart(2, '0')}`;

test(
  `receipts: ${MEMBERS} members, ${READERS + 1} read; the sender sees ${MEMBERS - READERS - 1} unread, within one push per interval`,
  { timeout: 120_000 },
  async (t) => {
    const tokens = new Map(Array.from({ length: MEMBERS }, (_, i) => [`token-${name(i)}`, name(i)]));
    const srv = await testServer({ tokens, receiptsIntervalMs: INTERVAL_MS, rateLimit: { messages: 1_000_000, windowMs: 60_000 } });
    t.after(() => srv.stop());
    const features = { features: 'conversations,receipts' };
    const sender = await conversationPeer(srv.url, `token-${name(0)}`, features);
    const members = Array.from({ length: MEMBERS - 1 }, (_, i) => name(i + 1));
    const room = (await sender.request({ type: 'create', name: '百人群', kind: 'private', members })).conversation.id as string;
    const readers: ConversationPeer[] = [];
    for (let i = 1; i <= READERS; i++) readers.push(await conversationPeer(srv.url, `token-${name(i)}`, features));
    t.after(async () => {
      for (const p of [sender, ...readers]) await p.close();
    });
    for (const p of [sender, ...readers]) await p.subscribe([{ conv: room }]);

    const started = Date.now();
    let last = 0;
    for (let m = 0; m < MESSAGES; m++) {
      const ack = await sender.say(room, `m${m}`, `消息 ${m}`);
      last = ack.seq as number;
      sender.ws.send(JSON.stringify({ type: 'read', conv: room, seq: last }));
      for (const r of readers) r.ws.send(JSON.stringify({ type: 'read', conv: room, seq: last }));
    }
    const pushes = () => sender.frames.filter((f) => f.type === 'receipts' && f.conv === room && f.ref === undefined);
    const folded = () => Object.assign({}, ...pushes().map((f) => f.read as Record<string, number>)) as Record<string, number>;
    await sender.next(() => readers.every((_, i) => folded()[name(i + 1)] === last), 20_000, 'every reader pushed at the last message');
    const elapsed = Date.now() - started;

    const answer = (await sender.request({ type: 'receipts', conv: room })) as Frame;
    const read = Object.entries(answer.read as Record<string, number>)
      .filter(([user, seq]) => user !== name(0) && seq >= last)
      .map(([user]) => user)
      .sort();
    const unread = members.filter((m) => !read.includes(m));
    assert.deepEqual(
      read,
      Array.from({ length: READERS }, (_, i) => name(i + 1)),
      'who has read',
    );
    assert.equal(unread.length, MEMBERS - READERS - 1);
    assert.deepEqual(
      unread,
      Array.from({ length: MEMBERS - READERS - 1 }, (_, i) => name(READERS + 1 + i)),
      'who has not',
    );

    const frames = pushes().length;
    const bound = Math.ceil(elapsed / INTERVAL_MS) + 2;
    assert.ok(
      frames >= 1 && frames <= bound,
      `${frames} receipts frames in ${elapsed} ms: at most one per ${INTERVAL_MS} ms interval (${bound})`,
    );
    const readFrames = (READERS + 1) * MESSAGES;
    console.log(
      `receipts: ${readFrames} read frames in, ${frames} receipts frames out to the sender in ${elapsed} ms ` +
        `(bound ${bound}; at the default 2 s interval, at most 30 per minute per conversation and connection)`,
    );
  },
);
