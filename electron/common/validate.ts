/**
 * Validation of every argument that crosses from the renderer into main.
 * The renderer is untrusted: type, size and allowed values are checked here.
 */
import type { InvokeChannel, InvokeMap } from './contract';
import { InvokeChannels } from './contract';
import { MAX_MESSAGE_BYTES, MAX_ID_LENGTH } from './protocol';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Generous upper bound so that a too-large message gets a TOO_LARGE failure, not a crash. */
const MAX_SEND_CHARS = MAX_MESSAGE_BYTES * 4;

const KNOWN = new Set<string>(Object.values(InvokeChannels));

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && KNOWN.has(channel);
}

export function checkInvokeArg<C extends InvokeChannel>(channel: C, arg: unknown): Checked<InvokeMap[C]['arg']> {
  const ok = (value: unknown) => ({ ok: true as const, value: value as InvokeMap[C]['arg'] });
  switch (channel) {
    case 'chat:get-snapshot':
    case 'chat:reconnect-now':
      return arg === null || arg === undefined ? ok(null) : { ok: false, error: `${channel} takes no argument` };
    case 'chat:send':
      if (typeof arg !== 'string') return { ok: false, error: 'send needs a string' };
      if (arg.length > MAX_SEND_CHARS) return { ok: false, error: `send text over ${MAX_SEND_CHARS} characters` };
      return ok(arg);
    case 'chat:retry':
      if (typeof arg !== 'string' || arg.length === 0 || arg.length > MAX_ID_LENGTH + 8) {
        return { ok: false, error: 'retry needs a message key' };
      }
      return ok(arg);
    default:
      return { ok: false, error: `unknown channel ${String(channel)}` };
  }
}
