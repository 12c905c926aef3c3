/** Maps Node/ws socket errors to reason codes the person can read. */
import { reason, type Reason } from '../../common/errors';

const TLS_CODES: Record<string, Reason['code']> = {
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS_UNKNOWN_CA',
  UNABLE_TO_GET_ISSUER_CERT: 'TLS_UNKNOWN_CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS_UNKNOWN_CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS_UNKNOWN_CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS_SELF_SIGNED',
  CERT_HAS_EXPIRED: 'TLS_EXPIRED',
  CERT_NOT_YET_VALID: 'TLS_EXPIRED',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS_HOSTNAME',
};

const PROXY_CODES = new Set<string>([
  'PROXY_UNREACHABLE',
  'PROXY_AUTH_REQUIRED',
  'PROXY_REFUSED',
  'PROXY_DNS_FAILED',
] satisfies Reason['code'][]);

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EADDRNOTAVAIL']);

export function classifySocketError(err: unknown): Reason {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  // Our proxy agent's failures (proxy-agent.ts) carry their reason code and name the proxy without credentials.
  if (PROXY_CODES.has(code)) return reason(code as Reason['code'], message);
  const tls = TLS_CODES[code];
  if (tls) return reason(tls, `${code}: ${message}`);
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /certificate|SSL|TLS/i.test(code)) {
    return reason('TLS_OTHER', `${code}: ${message}`);
  }
  if (UNREACHABLE.has(code)) return reason('UNREACHABLE', `${code}: ${message}`);
  // ws's own receiver errors (it closes with 1009/1002/1007 after them).
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return reason('FRAME_TOO_LARGE', `${code}: ${message}`);
  if (code.startsWith('WS_ERR_')) return reason('BAD_FRAME', `${code}: ${message}`);
  if (/timed out|timeout/i.test(message)) return reason('TIMEOUT', message);
  return reason('CONNECTION_LOST', code ? `${code}: ${message}` : message);
}

/** A URL that is safe to log: the token (and any other query value) is masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) {
      if (/token|key|secret|password|auth/i.test(key)) u.searchParams.set(key, '***');
    }
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
