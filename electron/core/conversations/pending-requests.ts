/**
 * Requests of the conversations extension waiting for their answer, by `ref`: each
 * resolves with the frame that carries its ref back, or rejects with a Reason (the
 * server's refusal in its words, a timeout, or the connection's end).
 */
import { reason, type Reason } from '../../common/errors';
import { WireErrorCodes, type ConversationEvent, type ConversationRequest, type ErrorFrame } from '../../../protocol';
import type { Clock, TimerHandle } from '../base/clock';

/** What can be asked and answered (subscribe and read have no answer of their own). */
export type Asked = Exclude<ConversationRequest, { type: 'subscribe' } | { type: 'read' }>;

type AnswerType = {
  create: 'conversation';
  open_dm: 'conversation';
  join: 'conversation';
  invite: 'conversation';
  leave: 'left';
  list: 'conversation_list';
  users: 'user_list';
  search: 'search_results';
  receipts: 'receipts';
  receipts_setting: 'receipts_setting';
};
export type Answer<T extends Asked> = Extract<ConversationEvent, { type: AnswerType[T['type']] }>;

interface Waiting {
  resolve(event: ConversationEvent): void;
  reject(why: Reason): void;
  timer: TimerHandle;
}

export class PendingRequests {
  private readonly waiting = new Map<string, Waiting>();
  private next = 0;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  add(type: string): { ref: string; answer: Promise<ConversationEvent> } {
    const ref = `q${++this.next}`;
    const answer = new Promise<ConversationEvent>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.waiting.delete(ref);
        reject(reason('TIMEOUT', `no answer to ${type} within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.waiting.set(ref, { resolve, reject, timer });
    });
    return { ref, answer };
  }

  /** True when `ref` was waiting. */
  answer(ref: string, event: ConversationEvent): boolean {
    const w = this.take(ref);
    w?.resolve(event);
    return w !== undefined;
  }

  refuse(ref: string, error: ErrorFrame): boolean {
    const w = this.take(ref);
    w?.reject(reason(error.code === WireErrorCodes.forbidden ? 'FORBIDDEN' : 'REJECTED', error.message));
    return w !== undefined;
  }

  failAll(why: Reason): void {
    for (const ref of [...this.waiting.keys()]) this.take(ref)?.reject(why);
  }

  private take(ref: string): Waiting | undefined {
    const w = this.waiting.get(ref);
    if (!w) return undefined;
    this.waiting.delete(ref);
    w.timer.cancel();
    return w;
  }
}
