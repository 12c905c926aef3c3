/**
 * Which certificate authorities the client trusts: Node's built-in roots plus
 *   1. the bundle the person chose (settings, `--ca FILE`, UOS_CHAT_CA),
 *   2. the design notes' `/etc/UOS/certs/ca-bundle.crt`, when it exists,
 *   3. the distribution store `/etc/ssl/certs/ca-certificates.crt`.
 * Read by us and passed to the socket as `ca`, so it does not depend on
 * NODE_EXTRA_CA_CERTS or NODE_OPTIONS (packaging turns those off with fuses).
 * A missing, unreadable or invalid bundle is reported by file name and
 * problem; the certificates that do parse are still used. Verification is
 * never disabled.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { reason, type Reason } from '../../common/errors';

export type CaSourceKind = 'user' | 'uos' | 'system' | 'builtin';

export const UOS_CA_BUNDLE = '/etc/UOS/certs/ca-bundle.crt';
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface CaSourceReport {
  kind: CaSourceKind;
  file?: string;
  /** Certificates taken from this source. */
  count: number;
  /** Certificates that did not parse. */
  rejected: number;
  error?: string;
}

export interface CaBundle {
  /** PEM certificates to pass as `ca` (includes Node's roots: `ca` replaces the defaults). */
  ca: string[];
  sources: CaSourceReport[];
  problems: Reason[];
  /** SHA-256 fingerprint → where we got it, for "which source validated the chain". */
  origin: Map<string, CaSourceKind>;
}

export interface CaOptions {
  userFile?: string | undefined;
  uosFile?: string;
  systemFile?: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Splits a bundle into certificates; the ones that do not parse are counted, not fatal. */
export function parseBundle(text: string): { certs: X509Certificate[]; pems: string[]; rejected: number } {
  const certs: X509Certificate[] = [];
  const pems: string[] = [];
  let rejected = 0;
  for (const block of text.match(PEM_BLOCK) ?? []) {
    try {
      certs.push(new X509Certificate(block));
      pems.push(block);
    } catch {
      rejected += 1;
    }
  }
  // BEGIN markers without a matching END (a truncated file) count as rejected too.
  const begins = (text.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
  rejected += Math.max(0, begins - pems.length - rejected);
  return { certs, pems, rejected };
}

/** A file's certificates: PEM blocks (a bundle), else the whole file as one DER certificate (.cer/.crt exports). */
export function parseCaBytes(bytes: Buffer): { certs: X509Certificate[]; pems: string[]; rejected: number } {
  if (bytes.includes('-----BEGIN')) return parseBundle(bytes.toString('utf8'));
  try {
    const cert = new X509Certificate(bytes);
    return { certs: [cert], pems: [cert.toString()], rejected: 0 };
  } catch {
    return { certs: [], pems: [], rejected: 0 };
  }
}

/** Whether a file chosen as the CA bundle reads and holds certificates (the settings' "Choose…"). */
export function inspectCaFile(
  file: string,
): { ok: true; certificates: number } | { ok: false; code: 'CA_UNREADABLE' | 'CA_NO_CERTIFICATES'; detail: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      ok: false,
      code: 'CA_UNREADABLE',
      detail: e.code === 'ENOENT' ? 'file not found' : e.code === 'EACCES' ? 'permission denied' : e.message,
    };
  }
  const { pems, rejected } = parseCaBytes(bytes);
  if (pems.length === 0)
    return {
      ok: false,
      code: 'CA_NO_CERTIFICATES',
      detail: rejected > 0 ? `${rejected} certificate(s) could not be parsed` : 'no PEM or DER certificate found',
    };
  return { ok: true, certificates: pems.length };
}

export function loadCaBundle(options: CaOptions = {}): CaBundle {
  const bundle: CaBundle = { ca: [...rootCertificates], sources: [], problems: [], origin: new Map() };
  for (const pem of rootCertificates) {
    try {
      bundle.origin.set(new X509Certificate(pem).fingerprint256, 'builtin');
    } catch {
      // Node's own roots always parse; nothing to report if one day one does not.
    }
  }
  bundle.sources.push({ kind: 'builtin', count: rootCertificates.length, rejected: 0 });

  const candidates: Array<{ kind: CaSourceKind; file: string; required: boolean }> = [];
  if (options.userFile) candidates.push({ kind: 'user', file: options.userFile, required: true });
  candidates.push({ kind: 'uos', file: options.uosFile ?? UOS_CA_BUNDLE, required: false });
  candidates.push({ kind: 'system', file: options.systemFile ?? SYSTEM_CA_BUNDLE, required: false });

  for (const { kind, file, required } of candidates) {
    if (!required && !existsSync(file)) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'ENOENT' ? 'file not found' : e.code === 'EACCES' ? 'permission denied' : e.message;
      bundle.sources.push({ kind, file, count: 0, rejected: 0, error: why });
      bundle.problems.push(reason('BAD_CONFIG', `CA bundle ${file}: ${why}`));
      continue;
    }
    const { certs, pems, rejected } = parseCaBytes(bytes);
    const report: CaSourceReport = { kind, file, count: pems.length, rejected };
    if (pems.length === 0) {
      report.error = 'no certificates in the file';
      bundle.problems.push(reason('BAD_CONFIG', `CA bundle ${file}: no PEM certificates found`));
    } else if (rejected > 0) {
      report.error = `${rejected} certificate(s) could not be parsed`;
      bundle.problems.push(reason('BAD_CONFIG', `CA bundle ${file}: ${rejected} certificate(s) could not be parsed; ${pems.length} used`));
    }
    bundle.sources.push(report);
    pems.forEach((p, i) => {
      bundle.ca.push(p);
      const fp = (certs[i] as X509Certificate).fingerprint256;
      if (!bundle.origin.has(fp) || kind === 'user') bundle.origin.set(fp, kind);
    });
  }
  return bundle;
}
