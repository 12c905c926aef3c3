/**
 * The window after a restart, in Chromium on the real renderer with the account's history store
 * (ui-host dataDir, as main keeps it under userData): the conversation from before the restart is
 * painted from the store, and the server, which lost its history while the app was closed (it ran
 * without --data-dir), cannot replay what came after: a gap marker sits between what was stored
 * and what arrives now. Screenshots en and zh-CN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locale } from '../../electron/common/words';
import { startUiHost, type UiHost } from '../helpers/ui-host';
import { until } from '../helpers/wait';
import { messageTexts, statusIs, T, waitForMessage } from './helpers';

const BEFORE: Record<Locale, Array<[token: string, text: string]>> = {
  en: [
    ['token-bob', 'Morning! Is the design review still at 10?'],
    ['token-alice', 'Yes, room 3. I will bring the printouts.'],
    ['token-bob', 'Great, see you there.'],
  ],
  'zh-CN': [
    ['token-bob', '早上好！设计评审还是十点吗？'],
    ['token-alice', '是的，三号会议室。我带打印稿。'],
    ['token-bob', '好的，到时见。'],
  ],
};
const AFTER: Record<Locale, string> = { en: 'The review moved to 3 pm, by the way.', 'zh-CN': '对了，评审改到下午三点了。' };
const GAP: Record<Locale, string> = { en: 'Earlier messages may be missing', 'zh-CN': '更早的消息可能缺失' };

async function converse(host: UiHost, lines: Array<[string, string]>): Promise<void> {
  const bob = await host.peer('token-bob');
  for (const [token, text] of lines) {
    if (token === 'token-bob') await bob.send(text);
    else await host.client.send(text);
    await until(
      host.client,
      () => host.client.snapshot().entries.some((e) => e.kind === 'message' && e.text === text && e.delivery === 'sent'),
      T,
      `"${text}" in the log`,
    );
  }
}

for (const locale of ['en', 'zh-CN'] as const) {
  test(
    `restart with history (${locale}): the stored conversation paints, a gap marker, then what came after`,
    { timeout: 90_000 },
    async (t) => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-ui-restart-'));
      t.after(() => rmSync(dataDir, { recursive: true, force: true }));
      const first = await startUiHost({ locale, dataDir });
      let firstClosed = false;
      t.after(() => (firstClosed ? undefined : first.close()));
      await statusIs(first.page, 'connected');
      await converse(first, BEFORE[locale]);
      const port = first.server.port;
      await first.close();
      firstClosed = true;

      // Same server address (so the same account), but a server that kept nothing: the resume point is one it never issued.
      const second = await startUiHost({ locale, dataDir, server: { port } });
      t.after(() => second.close());
      const texts = BEFORE[locale].map(([, text]) => text);
      for (const text of texts) await waitForMessage(second.page, text);
      await second.page.getByTestId('gap').waitFor({ timeout: T });
      await statusIs(second.page, 'connected');
      const bob = await second.peer('token-bob');
      await bob.send(AFTER[locale]);
      await waitForMessage(second.page, AFTER[locale]);

      assert.deepEqual(
        await messageTexts(second.page),
        [...texts, AFTER[locale]],
        'the stored conversation, then the new message, each once',
      );
      const order = await second.page.evaluate(() => {
        const rows = [...document.querySelectorAll('[data-testid="message"], [data-testid="gap"]')];
        return rows.map((r) => (r.getAttribute('data-testid') === 'gap' ? 'gap' : 'message'));
      });
      assert.deepEqual(order, ['message', 'message', 'message', 'gap', 'message'], 'the gap sits between the stored and the new');
      assert.equal(await second.page.getByTestId('gap').textContent(), GAP[locale]);
      await second.screenshot(`chat-restart-history-gap-${locale}.png`);
    },
  );
}
