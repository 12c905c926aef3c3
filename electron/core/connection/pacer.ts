/**
 * Client-side pacing under the server's announced rate limit. Flushing a
 * long outbox at full speed would get the connection closed with 4008 and
 * then wait a minute; pacing keeps every message moving.
 */
export class Pacer {
  private sent: number[] = [];

  constructor(
    private limit: number,
    private windowMs: number,
  ) {}

  configure(limit: number, windowMs: number): void {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Milliseconds until one more message may be sent (0: now). */
  waitMs(now: number): number {
    const cutoff = now - this.windowMs;
    while (this.sent.length > 0 && (this.sent[0] as number) <= cutoff) this.sent.shift();
    if (this.sent.length < this.limit) return 0;
    return (this.sent[0] as number) - cutoff + 1;
  }

  record(now: number): void {
    this.sent.push(now);
  }
}
