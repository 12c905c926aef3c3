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
