/**
 * Switching conversations in the window (Chromium, the test host's wiring over the real core
 * and server, each conversation's own SQLite store): from the click on a conversation with
 * 10,000 stored to its newest row painted. The baseline, in the same run, is the window's
 * first paint of that same conversation (navigation → its newest row painted), so the figure
 * says what a switch costs beside opening the window on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startUiHost } from '../tests/helpers/ui-host';
import { THREE } from '../tests/helpers/conversation-stores';
import { peer } from './conversations';
import { until } from '../tests/helpers/wait';
import { type Ctx } from './lib';
import { figure, type Figure } from './report';

/** In the page: resolves with performance.now() at the frame after `text` is shown in the log (20 s at most). */
const NEWEST_PAINTED = `(text) => new Promise((resolve, reject) => {
  const until = performance.now() + 20000;
  const tick = () => {
    const shown = [...document.querySelectorAll('[data-testid="message-text"]')].some((e) => e.textContent === text);
    if (shown) return requestAnimationFrame(() => resolve(performance.now()));
    if (performance.now() > until) return reject(new Error('the newest row did not appear'));
    requestAnimationFrame(tick);
  };
  tick();
})`;

/** Click → the newest row painted. A string expression: CDP evaluates it, the page's CSP allows no eval of its own. */
async function switchMs(page: Page, conv: string, newest: string): Promise<number> {
  const option = JSON.stringify(`#conversation-sidebar [data-conversation="${conv}"]`);
  return page.evaluate(`(async () => {
    const option = document.querySelector(${option});
    if (!option) throw new Error('no sidebar entry');
    const t0 = performance.now();
    option.click();
    return (await (${NEWEST_PAINTED})(${JSON.stringify(newest)})) - t0;
  })()`) as Promise<number>;
}

/** Navigation → the newest row painted, on a fresh load of the window showing the big conversation. */
async function firstPaintMs(page: Page, newest: string): Promise<number> {
  await page.reload({ waitUntil: 'commit' });
  return page.evaluate(`(${NEWEST_PAINTED})(${JSON.stringify(newest)})`) as Promise<number>;
}

/** Lobby shown, its log in place: the big conversation's newest row gone (else a switch back would find it at once). */
async function showLobby(page: Page, newest: string): Promise<void> {
  await page.locator('#conversation-sidebar [data-conversation="lobby"]').click();
  await page.locator('.conversation-title', { hasText: 'lobby' }).waitFor({ timeout: 20_000 });
  await page.getByTestId('message-text').getByText(newest, { exact: true }).waitFor({ state: 'detached', timeout: 20_000 });
}

// long-function: one measurement read top to bottom (fill, then interleaved switches and first paints)
export async function benchSwitching(ctx: Ctx): Promise<Figure[]> {
  const stored = ctx.sizes.tiny ? 200 : 10_000;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-bench-switch-'));
  const host = await startUiHost({
    conversations: true,
    dataDir,
    server: { tokens: THREE, historyLimit: 2 * stored, rateLimit: { messages: 1_000_000_000, windowMs: 60_000 } },
    client: { logLimit: 2 * stored },
    viewport: { width: 1100, height: 720 },
  });
  try {
    const bob = await peer(host.server.url, 'token-bob');
    try {
      const big = (await bob.request({ type: 'create', name: 'big', kind: 'private', members: ['alice'] })).conversation as { id: string };
      await bob.flood([big.id], stored, 'switch');
      const newest = `0:${stored - 1}`;
      // In alice's list, then every message in her store for it before anything is timed.
      await host.page.locator(`#conversation-sidebar [data-conversation="${big.id}"]`).waitFor({ timeout: 20_000 });
      const client = host.desk!.clientOf(big.id)!;
      await until(client, () => client.search(newest, 1).length === 1, 60_000, 'the big conversation stored');
      const switches: number[] = [];
      const paints: number[] = [];
      for (let r = 0; r < ctx.sizes.repeats; r++) {
        ctx.check();
        await showLobby(host.page, newest);
        switches.push(await switchMs(host.page, big.id, newest));
        paints.push(await firstPaintMs(host.page, newest));
        ctx.log(`conversations: switch ${switches[r]!.toFixed(0)} ms, first paint ${paints[r]!.toFixed(0)} ms (${stored} stored)`);
      }
      return [
        figure({
          id: 'conversations.switch',
          section: 'conversations',
          name: `switch to a conversation with ${stored} stored → its newest row painted`,
          unit: 'ms',
          samples: switches,
          baseline: { label: 'the window first painting that conversation, same run', kind: 'measured', samples: paints },
        }),
      ];
    } finally {
      bob.close();
    }
  } finally {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
