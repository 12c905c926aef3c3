/** A clock the test moves by hand: timers fire only on advance(), and jump() moves wall time alone. */
import type { Clock, TimerHandle } from '../../electron/core/base/clock';

interface Timer {
  at: number;
  fn: () => void;
  done: boolean;
  seq: number;
}

export class ManualClock implements Clock {
  private t = 1_750_000_000_000;
  private timers: Timer[] = [];
  private seq = 0;

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.t + Math.max(0, ms), fn, done: false, seq: this.seq++ };
    this.timers.push(timer);
    return { cancel: () => (timer.done = true) };
  }

  /** Delays (from now) of the timers still waiting. */
  pending(): number[] {
    return this.timers.filter((x) => !x.done).map((x) => x.at - this.t);
  }

  /** Moves time forward, firing due timers in order. Bounded: at most 10,000 timers per call. */
  advance(ms: number): void {
    const target = this.t + ms;
    for (let i = 0; i < 10_000; i++) {
      const due = this.timers.filter((x) => !x.done && x.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      // A timer due before a wall-clock jump fires late, at the jumped time (as after a suspend).
      this.t = Math.max(this.t, due.at);
      due.done = true;
      due.fn();
    }
    this.t = target;
    this.timers = this.timers.filter((x) => !x.done);
  }

  /** The wall clock jumps (suspend, NTP) without any timer firing. */
  jump(ms: number): void {
    this.t += ms;
  }
}
