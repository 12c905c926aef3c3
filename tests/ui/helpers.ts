/** Small page helpers shared by the UI tests (not a test file itself). */
import type { Locator, Page } from 'playwright-core';
import type { ConnectionKind } from '../../electron/common/state';

export const T = 10_000;

export function statusIs(page: Page, kind: ConnectionKind, timeout = T): Promise<void> {
  return page.locator(`[data-testid="status"][data-state="${kind}"]`).waitFor({ timeout });
}

/** The message row whose text is exactly `text` (compared on textContent, whitespace kept). */
export function message(page: Page, text: string): Locator {
  return page.getByTestId('message').filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });
}

export async function waitForMessage(page: Page, text: string, delivery?: 'pending' | 'sent' | 'failed', timeout = T): Promise<Locator> {
  const row = message(page, text);
  const target = delivery ? row.and(page.locator(`[data-delivery="${delivery}"]`)) : row;
  await target.first().waitFor({ timeout });
  return row.first();
}

export async function messageTexts(page: Page): Promise<string[]> {
  return page.getByTestId('message-text').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
}

/** The element's accessible name and description as Chromium's accessibility tree computes them (over CDP). */
export async function accessibleText(page: Page, selector: string): Promise<{ name: string; description: string }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) throw new Error(`no element matches ${selector}`);
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    const node = nodes[0];
    return { name: String(node?.name?.value ?? ''), description: String(node?.description?.value ?? '') };
  } finally {
    await cdp.detach();
  }
}
