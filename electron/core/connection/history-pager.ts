/**
 * Asking the server for older messages (the `history` extension): one request at a time,
 * answered by its `history_page`, or by nothing within the timeout or before the
 * connection ends (then the caller shows what the store has).
 */
import { encodeFrame, type HistoryPage } from '../../../protocol/codec';
import type { Clock, TimerHandle } from '../base/clock';

export class HistoryPager {
  private waiting: { resolve: (page: HistoryPage | undefined) => void; timer: TimerHandle } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Sends `{type:"history", before, limit}` through `write`; resolves with the page, or undefined. */
  request(write: (text: string) => void, before: number, limit: number): Promise<HistoryPage | undefined> {
    if (this.waiting) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => this.settle(undefined), this.timeoutMs);
      this.waiting = { resolve, timer };
      write(encodeFrame({ type: 'history', before, limit }));
    });
  }

  /** A `history_page` arrived (one nobody waits for is dropped). */
  onPage(page: HistoryPage): void {
    this.settle(page);
  }

  /** The connection ended: nobody will answer. */
  cancel(): void {
    this.settle(undefined);
  }

  private settle(page: HistoryPage | undefined): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.timer.cancel();
    waiting?.resolve(page);
  }
}
