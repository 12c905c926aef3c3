/**
 * Thumbnails in the window (Chromium over the real core, FileDesk and server; feature `thumbnails`):
 * a large image the person sends goes with a WebP thumbnail the window made (at most 640 px, the
 * shape kept), which the other member can fetch; a received image with a thumbnail shows the
 * thumbnail inline and the original in the viewer; a small image is its own thumbnail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { sniff } from '../../server/file-types';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { download, filesBase, uploadFile } from '../helpers/file-http';
import { makePng } from '../helpers/png';
import { startUiHost } from '../helpers/ui-host';
import { statusIs, T, waitForMessage } from './helpers';

/** The first image under `selector` once it has decoded: its source and natural size. */
const decoded = (page: Page, selector: string) =>
  page
    .waitForFunction(
      (sel) => {
        const img = [...document.querySelectorAll<HTMLImageElement>(sel)].find((i) => i.complete && i.naturalWidth > 0);
        return img ? { src: img.src, width: img.naturalWidth, height: img.naturalHeight } : undefined;
      },
      selector,
      { timeout: T },
    )
    .then((h) => h.jsonValue() as Promise<{ src: string; width: number; height: number }>);

test('sent: a large image goes with the window’s thumbnail; received: the thumbnail inline, the original in the viewer', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-ui-thumbs-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const host = await startUiHost({
    locale: 'en',
    conversations: true,
    dataDir,
    server: { tokens: THREE },
    viewport: { width: 1100, height: 800 },
  });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const bob = await conversationPeer(host.server.url, 'token-bob');
  t.after(() => bob.close());
  const room = (await bob.request({ type: 'create', name: 'photos', kind: 'private', members: ['alice'] })).conversation.id as string;
  await bob.subscribe([{ conv: room }]);
  const base = filesBase(host.server.url);
  await page.locator(`#conversation-sidebar [data-conversation="${room}"]`).click();

  // Sent: 1500 × 1000 and 200 × 100 through the picker, as one message.
  const large = makePng(1500, 1000, [
    [0, 103, 214],
    [255, 163, 26],
  ]);
  const small = makePng(200, 100, [[23, 114, 69]]);
  await page.getByTestId('attach-input').setInputFiles([
    { name: 'whiteboard.png', mimeType: 'image/png', buffer: large },
    { name: 'icon.png', mimeType: 'image/png', buffer: small },
  ]);
  await page.getByTestId('send-files-send').click();
  const got = await bob.next((f) => f.type === 'chat_message' && f.conv === room && f.attachments?.length === 2, T, 'the images at bob');
  const [big, little] = got.attachments;
  assert.equal(little.thumbnail, undefined, 'a small image is its own thumbnail');
  assert.match(big.thumbnail ?? '', /^f_/, 'the large one names a thumbnail');
  const thumb = await download(base, 'token-bob', `/files/${big.thumbnail}`);
  assert.equal(thumb.status, 200);
  assert.deepEqual(sniff(thumb.bytes.subarray(0, 64)), { type: 'image/webp', width: 640, height: 427 }, 'WebP, 640 px, the shape kept');

  // Received: bob's photo with his own thumbnail. Inline the thumbnail; the viewer the original.
  const photo = makePng(1200, 900, [[143, 42, 134]]);
  const a = await uploadFile(base, 'token-bob', room, 'photo.png', photo);
  const b = await uploadFile(base, 'token-bob', room, 'thumbnail.png', makePng(320, 240, [[143, 42, 134]]), undefined, {
    thumbnail_of: a.id,
  });
  bob.ws.send(JSON.stringify({ type: 'chat_message', id: 'b-photo', conv: room, message: 'the view', attachments: [a.id] }));
  const row = await waitForMessage(page, 'the view');
  const inline = await decoded(page, `[data-testid="attachment-image"][data-id="${a.id}"] img`);
  assert.ok(inline.src.endsWith(`/${b.id}`), `inline from the thumbnail: ${inline.src}`);
  assert.deepEqual([inline.width, inline.height], [320, 240]);
  await row.getByTestId('attachment-image').click();
  await page.getByTestId('viewer').waitFor({ timeout: T });
  const full = await decoded(page, '[data-testid="viewer-image"]');
  assert.ok(full.src.endsWith(`/${a.id}`), `the viewer shows the original: ${full.src}`);
  assert.deepEqual([full.width, full.height], [1200, 900]);
  assert.deepEqual(await host.cspViolations(), []);
});
