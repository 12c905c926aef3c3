/**
 * Files and images in the window (Chromium over the real core, FileDesk and server), in English
 * and Chinese: a received image shows inline through main's image route (the CSP holds) and a
 * document as a card; the picker, a pasted screenshot (previewed, with a caption) and a drop of two
 * files each send one message that the other member gets byte-exact; a file over the server's
 * announced limit is refused in the dialog before it is copied, and one over the user's storage
 * fails in words with Retry and Cancel; a download lands in the downloads folder and is
 * shown in its folder, never opened; the viewer zooms, goes to the next image, copies and saves.
 * Axe clean; screenshots attachments-{en,zh-CN}.png and image-viewer-{en,zh-CN}.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { defaultServerOptions } from '../../server/server';
import { conversationPeer, type ConversationPeer, type Frame } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { download, filesBase, sha256, uploadFile } from '../helpers/file-http';
import { makePng } from '../helpers/png';
import { withTimeout } from '../helpers/wait';
import type { FileDesk } from '../../electron/core/files';
import { startUiHost } from '../helpers/ui-host';
import { axe } from './axe';
import { statusIs, T, waitForMessage } from './helpers';

const LIMIT = 256 * 1024;
/** Alice's storage on the server: less than one file under LIMIT. */
const QUOTA = 200 * 1024;
const WORDS = {
  en: {
    tooLarge: 'big.bin: Could not add the file: the file is too large for this server',
    full: 'Upload failed: your storage on the server is full',
    of: 'chart.png (1 of 3)',
    second: /^screenshot-.*\(2 of 3\)$/,
    third: 'sunset.png (3 of 3)',
    copied: 'Copied',
    two: 'Send 2 files',
    fit: 'Fit',
  },
  'zh-CN': {
    tooLarge: 'big.bin: 无法添加文件：文件太大，超过此服务器的上限',
    full: '上传失败：你在服务器上的存储空间已满',
    of: 'chart.png（第 1 张，共 3 张）',
    second: /^screenshot-.*（第 2 张，共 3 张）$/,
    third: 'sunset.png（第 3 张，共 3 张）',
    copied: '已复制',
    fit: '适应窗口',
    two: '发送 2 个文件',
  },
} as const;

const heard = (bob: ConversationPeer, conv: string, pred: (f: Frame) => boolean, what: string) =>
  bob.next((f) => f.type === 'chat_message' && f.conv === conv && pred(f), T, what);

/** The bytes bob downloads of each attachment of `f`, by name. */
async function bytesAt(base: string, f: Frame): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const a of f.attachments) out.set(a.name, sha256((await download(base, 'token-bob', `/files/${a.id}`)).bytes));
  return out;
}

/** Dispatches a paste, or a drag then drop, of `files` (name, type, base64) as the browser would, with a DataTransfer. */
async function handOver(page: Page, how: 'paste' | 'drop', files: Array<{ name: string; type: string; b64: string }>) {
  const fire = (step: 'paste' | 'drag' | 'drop') =>
    page.evaluate(
      ([step, files]) => {
        const w = window as unknown as { __dt?: DataTransfer };
        if (!w.__dt || step !== 'drop') {
          w.__dt = new DataTransfer();
          for (const f of files)
            w.__dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
        }
        const dataTransfer = w.__dt;
        if (step === 'paste') {
          const box = document.querySelector('[data-testid="input"]')!;
          box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dataTransfer, bubbles: true, cancelable: true }));
          return;
        }
        const area = document.querySelector('[data-testid="log"]')!;
        for (const type of step === 'drag' ? ['dragenter', 'dragover'] : ['drop'])
          area.dispatchEvent(new DragEvent(type, { dataTransfer, bubbles: true, cancelable: true }));
        if (step === 'drop') delete w.__dt;
      },
      [step, files] as const,
    );
  if (how === 'paste') return fire('paste');
  await fire('drag');
  await page.getByTestId('drop-overlay').waitFor({ timeout: T });
  await fire('drop');
  await page.getByTestId('drop-overlay').waitFor({ state: 'detached', timeout: T });
}

const loaded = (page: Page, selector: string) =>
  page.waitForFunction(
    (sel) => [...document.querySelectorAll<HTMLImageElement>(sel)].some((i) => i.complete && i.naturalWidth > 0),
    selector,
    { timeout: T },
  );

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: images inline, files as cards; picker, paste and drop send byte-exact; downloads; the viewer`, async (t) => {
    const w = WORDS[locale];
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-ui-files-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const host = await startUiHost({
      locale,
      conversations: true,
      dataDir,
      server: { tokens: THREE, files: { ...defaultServerOptions.files, maxFileBytes: LIMIT, quotaBytes: QUOTA } },
      viewport: { width: 1100, height: 800 },
    });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    const bob = await conversationPeer(host.server.url, 'token-bob');
    t.after(() => bob.close());
    const room = (await bob.request({ type: 'create', name: '设计组', kind: 'private', members: ['alice'] })).conversation.id as string;
    await bob.subscribe([{ conv: room }]);
    const base = filesBase(host.server.url);
    const chart = makePng(480, 300, [
      [0, 103, 214],
      [23, 114, 69],
    ]);
    const pdf = Buffer.from('%PDF-1.4\n% 季度报告\n'.repeat(400));
    const sent = [
      await uploadFile(base, 'token-bob', room, 'chart.png', chart),
      await uploadFile(base, 'token-bob', room, '季度报告.pdf', pdf),
    ];
    bob.ws.send(
      JSON.stringify({ type: 'chat_message', id: 'b-files', conv: room, message: 'Q3 numbers', attachments: sent.map((a) => a.id) }),
    );
    await page.locator(`#conversation-sidebar [data-conversation="${room}"]`).click();
    const row = await waitForMessage(page, 'Q3 numbers');

    // Received: the image inline (through the image route: it decodes), the PDF as a card.
    await loaded(page, '[data-testid="attachment-image"] img');
    assert.equal(await row.getByTestId('file-name').textContent(), '季度报告.pdf');

    // The picker: one file, a caption; bob gets it byte-exact.
    const notes = Buffer.from('会议纪要\nminutes of the meeting\n');
    await page.getByTestId('attach-input').setInputFiles([{ name: '纪要.txt', mimeType: 'text/plain', buffer: notes }]);
    await page.getByTestId('send-files').waitFor({ timeout: T });
    await page.getByTestId('send-files-caption').fill('今天的纪要');
    await page.getByTestId('send-files-send').click();
    const picked = await heard(bob, room, (f) => f.message === '今天的纪要', 'the picked file at bob');
    assert.deepEqual([...(await bytesAt(base, picked))], [['纪要.txt', sha256(notes)]]);
    const own = await waitForMessage(page, '今天的纪要', 'sent');
    await own.getByTestId('file-card').waitFor({ timeout: T });

    // A pasted screenshot: previewed before it goes, named by the time, sent with its caption.
    const shot = makePng(300, 200, [[180, 35, 24]]);
    await handOver(page, 'paste', [{ name: 'image.png', type: 'image/png', b64: shot.toString('base64') }]);
    await page.getByTestId('send-files').waitFor({ timeout: T });
    await loaded(page, '[data-testid="send-files-preview"]');
    await page.getByTestId('send-files-caption').fill('截图');
    await page.keyboard.press('Enter');
    const pasted = await heard(bob, room, (f) => f.message === '截图', 'the pasted screenshot at bob');
    assert.match(pasted.attachments[0].name, /^screenshot-\d{8}-\d{6}\.png$/);
    assert.equal([...(await bytesAt(base, pasted)).values()][0], sha256(shot));

    // A drop of two files: the overlay while dragging, one message with both.
    const sunset = makePng(400, 260, [
      [255, 163, 26],
      [143, 42, 134],
    ]);
    const sheet = Buffer.from('季度,收入\nQ3,42\n');
    await handOver(page, 'drop', [
      { name: 'sunset.png', type: 'image/png', b64: sunset.toString('base64') },
      { name: '收入.csv', type: 'text/csv', b64: sheet.toString('base64') },
    ]);
    await page.getByTestId('send-files').getByText(w.two).waitFor({ timeout: T });
    await page.getByTestId('send-files-send').click();
    const dropped = await heard(bob, room, (f) => f.attachments?.length === 2, 'the dropped files at bob');
    assert.deepEqual(
      [...(await bytesAt(base, dropped))],
      [
        ['sunset.png', sha256(sunset)],
        ['收入.csv', sha256(sheet)],
      ],
    );

    // Over the largest file the server announced: said in the dialog, before a byte is copied; Escape keeps nothing.
    await page
      .getByTestId('attach-input')
      .setInputFiles([{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(LIMIT + 1) }]);
    await page.getByTestId('send-files-send').click();
    assert.equal(await page.getByTestId('send-files-problem').textContent(), w.tooLarge);
    await page.keyboard.press('Escape');
    await page.getByTestId('send-files').waitFor({ state: 'detached', timeout: T });
    assert.deepEqual(host.files!.uploads(), [], 'nothing queued');

    // Over her storage on the server: the upload fails in words, with Retry and Cancel; Cancel forgets it.
    await page
      .getByTestId('attach-input')
      .setInputFiles([{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(QUOTA + 1) }]);
    await page.getByTestId('send-files-send').click();
    const failed = page.getByTestId('upload').filter({ has: page.getByTestId('upload-failed') });
    await failed.waitFor({ timeout: T });
    assert.equal(await failed.getByTestId('upload-failed').textContent(), w.full);
    assert.equal(await failed.getByTestId('upload-retry').count(), 1);
    assert.equal(await failed.getByTestId('upload-bar').count(), 1);
    const { bad: badUploads } = await axe(page);
    assert.deepEqual(badUploads, [], 'axe: the failed upload row');
    await host.screenshot(`attachments-${locale}`);
    await failed.getByTestId('upload-cancel').click();
    await page.getByTestId('upload').waitFor({ state: 'detached', timeout: T });

    // Download: into the downloads folder, then "Show in folder" (main is asked to show it; nothing opens it).
    await row.getByTestId('download').click();
    await row.getByTestId('show-in-folder').click();
    const saved = path.join(dataDir, 'Downloads', '季度报告.pdf');
    assert.equal(sha256(readFileSync(saved)), sha256(pdf), 'byte-exact in the downloads folder');
    assert.deepEqual(host.fileShellCalls.shown, [saved]);

    // The viewer: zoom, next, copy, save as; Esc closes.
    await row.getByTestId('attachment-image').click();
    const viewer = page.getByTestId('viewer');
    await viewer.waitFor({ timeout: T });
    assert.equal(await viewer.getByTestId('viewer-title').textContent(), w.of);
    await loaded(page, '[data-testid="viewer-image"]');
    await viewer.getByTestId('zoom-in').click();
    assert.equal(await viewer.getByTestId('viewer-zoom').textContent(), '150%');
    await page.keyboard.press('ArrowRight');
    await viewer.getByTestId('viewer-title').getByText(w.second).waitFor({ timeout: T });
    assert.equal(await viewer.getByTestId('viewer-zoom').textContent(), w.fit, 'the next image starts fitted to the window');
    await viewer.getByTestId('viewer-next').click();
    await viewer.getByTestId('viewer-title').getByText(w.third).waitFor({ timeout: T });
    assert.ok(await viewer.getByTestId('viewer-next').isDisabled(), 'the last image has no next');
    await loaded(page, '[data-testid="viewer-image"]');
    const { bad } = await axe(page);
    assert.deepEqual(bad, [], 'axe: the viewer');
    await host.screenshot(`image-viewer-${locale}`);
    await viewer.getByTestId('viewer-copy').click();
    await viewer.getByTestId('viewer-note').getByText(w.copied).waitFor({ timeout: T });
    assert.deepEqual(host.fileShellCalls.copiedBytes, [sunset.length], 'main was handed the image the viewer shows');
    await viewer.getByTestId('viewer-save').click();
    const savedAs = path.join(dataDir, 'Saved', 'sunset.png');
    await downloaded(host.files!, savedAs);
    assert.equal(sha256(readFileSync(savedAs)), sha256(sunset));
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached', timeout: T });
    assert.deepEqual(await host.cspViolations(), [], 'the CSP held: images came only from the image route and blob: previews');
  });
}

/** The download to `file` finished in main (FileDesk says so), within T. */
function downloaded(files: FileDesk, file: string): Promise<void> {
  const done = () => files.downloadsList().some((d) => d.path === file && d.state === 'done');
  if (done()) return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => {
      const off = files.onDidChange(() => {
        if (!done()) return;
        off();
        resolve();
      });
    }),
    T,
    `the download to ${file}`,
  );
}
