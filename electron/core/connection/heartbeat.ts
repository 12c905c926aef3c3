/**
 * Detects a dead link: a WebSocket ping every `intervalMs`; no pong within
 * `timeoutMs` means the link is gone. A wall clock that moved much further
 * than the timer did means the machine slept, and the socket is stale.
 */
import type { Clock, TimerHandle } from '../base/clock';
import type { ReasonCode } from '../../common/errors';

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Extra wall-clock time beyond the interval that counts as a jump. */
  jumpToleranceMs: number;
}

export interface HeartbeatTarget {
  ping(): void;
  dead(code: Extract<ReasonCode, 'HEARTBEAT_TIMEOUT' | 'CLOCK_JUMP'>): void;
}

export interface HeartbeatDeps {
  clock: Clock;
  options: HeartbeatOptions;
  target: HeartbeatTarget;
}

export class Heartbeat {
  private tick: TimerHandle | undefined;
  private deadline: TimerHandle | undefined;
  private lastTickAt = 0;

  private readonly clock: Clock;
  private readonly target: HeartbeatTarget;
  private options: HeartbeatOptions;

  constructor(deps: HeartbeatDeps) {
    ({ clock: this.clock, target: this.target, options: this.options } = deps);
  }

  get intervalMs(): number {
    return this.options.intervalMs;
  }

  start(): void {
    this.stop();
    this.schedule();
  }

  stop(): void {
    this.tick?.cancel();
    this.deadline?.cancel();
    this.tick = this.deadline = undefined;
  }

  /** Any sign of life (pong or frame) clears the pending deadline. */
  alive(): void {
    this.deadline?.cancel();
    this.deadline = undefined;
  }

  /** Power save changes the interval; a running heartbeat picks it up at once. */
  setInterval(intervalMs: number): void {
    if (intervalMs === this.options.intervalMs) return;
    this.options = { ...this.options, intervalMs };
    if (this.tick) this.schedule();
  }

  private schedule(): void {
    this.tick?.cancel();
    this.lastTickAt = this.clock.now();
    this.tick = this.clock.setTimeout(() => this.onTick(), this.options.intervalMs);
  }

  private onTick(): void {
    const elapsed = this.clock.now() - this.lastTickAt;
    if (elapsed > this.options.intervalMs + this.options.jumpToleranceMs) {
      this.stop();
      this.target.dead('CLOCK_JUMP');
      return;
    }
    if (!this.deadline) {
      this.deadline = this.clock.setTimeout(() => {
        this.stop();
        this.target.dead('HEARTBEAT_TIMEOUT');
      }, this.options.timeoutMs);
    }
    this.target.ping();
    this.schedule();
  }
}
