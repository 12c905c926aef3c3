/**
 * The design notes' rate limit: at most N messages per fixed window per connection
 * (100 per 60 s); the message over the limit gets an error and the connection 4008.
 */
export class FixedWindowLimiter {
  private windowStart = 0;
  private count = 0;

  constructor(
    readonly messages: number,
    readonly windowMs: number,
  ) {}

  /** Counts one message; false when it is over the limit. */
  take(now: number): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count += 1;
    return this.count <= this.messages;
  }
}
