/**
 * Reconnect delays: exponential backoff with full jitter
 * (delay = random(0, min(cap, base·2^(attempt-1)))), unlimited attempts.
 * Some reasons deserve a floor: a rate-limit close or a TLS failure will not
 * fix itself in a second, and hammering the server makes it worse.
 */
import type { ReasonCode } from '../../common/errors';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Minimum delay after a 4008 close. */
  rateLimitedMs: number;
  /** Minimum delay after a TLS failure (it needs the person to change something). */
  tlsMs: number;
  /**
   * Minimum delay after the proxy could not be reached or could not resolve the server (default 5 s):
   * a proxy being restarted or a network being switched, not worth hammering. A proxy that refuses
   * (407, 403) needs the person, and waits `tlsMs`.
   */
  proxyMs?: number;
}

export const defaultBackoff: BackoffPolicy = {
  baseMs: 1_000,
  capMs: 30_000,
  rateLimitedMs: 60_000,
  tlsMs: 120_000,
};

export function backoffDelay(attempt: number, code: ReasonCode, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  const jittered = Math.floor(random() * exp);
  if (code === 'RATE_LIMITED') return policy.rateLimitedMs + jittered;
  if (code.startsWith('TLS_') || code === 'PROXY_AUTH_REQUIRED' || code === 'PROXY_REFUSED') return policy.tlsMs + jittered;
  if (code === 'PROXY_UNREACHABLE' || code === 'PROXY_DNS_FAILED') return (policy.proxyMs ?? 5_000) + jittered;
  return jittered;
}
