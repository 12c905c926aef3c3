/**
 * "Copy diagnostics": what support asks first, as plain text a person pastes into a
 * bug report. Versions, the system (distro, session, desktop), how the app was
 * launched (ozone platform, sandbox) and which way it reaches the server (proxy),
 * where the logs are, and a doctor-style summary of the live connection and D-Bus
 * sources. Main gathers the facts; this words them. Nothing secret: the server URL is
 * redacted, and the whole text goes through redactText with the secrets we hold.
 */
import { readFileSync } from 'node:fs';
import type { Status } from '../../common/state';
import type { MachineSnapshot } from '../desktop/machine-monitor';
import { redactText } from './redact';

const UNKNOWN = 'unknown';

export interface ConnectionFacts {
  /** Redacted (ChatClient.diagnostics()). */
  url: string;
  compression: string;
  extensions: string;
  features: string[];
  tls?: { protocol: string | null };
}

export interface DiagnosticsFacts {
  appVersion: string;
  /** process.versions: electron and chrome exist only inside Electron. */
  versions: Partial<Record<'electron' | 'chrome' | 'node', string>>;
  /** The text of /etc/os-release, when it could be read. */
  osRelease: string | undefined;
  env: NodeJS.ProcessEnv;
  /** The launcher's decisions in words (describeLaunch), when main knows them. */
  launch: { display: string; sandbox: string } | undefined;
  /** How the server is reached (direct, or which proxy, and why), when something decided it. */
  proxy: string | undefined;
  logFolder: string;
  status: Status;
  connection: ConnectionFacts;
  machine: MachineSnapshot;
  /** Masked wherever they appear. */
  secrets: Iterable<string | undefined>;
}

/** /etc/os-release, or undefined (a missing file is normal on some systems). */
export function readOsRelease(file = '/etc/os-release'): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** PRETTY_NAME, else NAME VERSION, from os-release text (shell-style KEY="value" lines). */
export function distroName(osRelease: string | undefined): string {
  if (!osRelease) return UNKNOWN;
  const fields = new Map<string, string>();
  for (const line of osRelease.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) fields.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  const pretty = fields.get('PRETTY_NAME');
  if (pretty) return pretty;
  const named = [fields.get('NAME'), fields.get('VERSION')].filter(Boolean).join(' ');
  return named || UNKNOWN;
}

function connectionLines(f: DiagnosticsFacts): string[] {
  const c = f.status.connection;
  const why = 'reason' in c && c.reason ? ` (${c.reason.code})` : '';
  const m = f.machine;
  return [
    `server: ${f.connection.url}`,
    `connection: ${c.kind}${why}`,
    `compression: ${f.connection.compression}; extensions: ${f.connection.extensions || 'none'}; server features: ${f.connection.features.join(', ') || 'none'}`,
    `tls: ${f.connection.tls?.protocol ?? 'not in use'}`,
    `d-bus network: ${m.sources.network ?? 'no source'} → ${m.network}`,
    `d-bus power: ${m.sources.powerSave ?? 'no source'} → power save ${m.powerSave ? 'on' : 'off'}`,
    `d-bus sleep: ${m.sources.sleep ?? 'no source'}`,
    ...m.problems.map((p) => `problem: ${p}`),
  ];
}

export function diagnosticsText(f: DiagnosticsFacts): string {
  const lines = [
    `UOS Chat ${f.appVersion}`,
    `electron: ${f.versions.electron ?? UNKNOWN}; chrome: ${f.versions.chrome ?? UNKNOWN}; node: ${f.versions.node ?? UNKNOWN}`,
    `system: ${distroName(f.osRelease)}`,
    `session: ${f.env.XDG_SESSION_TYPE || UNKNOWN}; desktop: ${f.env.XDG_CURRENT_DESKTOP || UNKNOWN}`,
    `display: ${f.launch?.display ?? UNKNOWN}`,
    `sandbox: ${f.launch?.sandbox ?? UNKNOWN}`,
    `proxy: ${f.proxy ?? UNKNOWN}`,
    `logs: ${f.logFolder}`,
    '',
    '-- doctor --',
    ...connectionLines(f),
  ];
  return redactText(lines.join('\n'), f.secrets);
}
