/**
 * `uos-chat doctor`: what support asks first. Reachability, the WebSocket
 * upgrade, negotiated extensions, server features, an application ping, and
 * which D-Bus sources the machine offers. Readable by default, `--json` for tools.
 * Exits non-zero, with the reason, when the server cannot be used.
 */
import * as net from 'node:net';
import * as os from 'node:os';
import type { Reason } from '../common/errors';
import { describeReason } from '../common/words';
import type { CaBundle, ProxyReport } from '../core/network';
import { ChatClient, type ClientConfig, type TlsInfo, redactUrl } from '../core/connection';
import { describeLaunch, readLaunchInfo, type LaunchInfo, MachineMonitor, type MachineSnapshot } from '../core/desktop';
import { defaultLogDir } from '../core/support';
import { MemoryOutboxStore } from '../core/store';
import { proxyLines, tcpTarget, type TcpTarget } from './doctor-proxy';

export interface DoctorReport {
  server: string;
  ok: boolean;
  /** To the server, or (`via`) to the proxy in force: the server itself may be out of reach from here. */
  tcp: { ok: boolean; ms?: number; error?: string; via?: string };
  websocket: { ok: boolean; ms?: number; reason?: string; words?: string; user?: string; features?: string[]; extensions?: string };
  ping: { ok: boolean; ms?: number; error?: string };
  compression: string;
  tls?: { protocol: string | null; chain: TlsInfo['chain']; validatedBy: string };
  ca: Array<{ kind: string; file?: string; count: number; error?: string }>;
  dbus: Pick<MachineSnapshot, 'sources' | 'network' | 'powerSave' | 'problems'> & {
    services: Array<{ name: string; present: boolean; value?: unknown }>;
  };
  /** The proxy decision of the last attempt: routes, where it came from, the proxy's answer and its time (no credentials). */
  proxy?: ProxyReport;
  /** The launcher's display-backend and sandbox decisions (UOS_CHAT_LAUNCH), or viaLauncher: false. */
  launch: LaunchInfo;
  /** Where the app writes its log files (the CLI itself logs to stderr). */
  logs: string;
}

function tcpCheck({ host, port, via }: TcpTarget, timeoutMs: number): Promise<DoctorReport['tcp']> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (r: DoctorReport['tcp']) => {
      socket.destroy();
      resolve(via ? { ...r, via } : r);
    };
    socket.once('connect', () => done({ ok: true, ms: round(performance.now() - started) }));
    socket.once('timeout', () => done({ ok: false, error: `no answer within ${timeoutMs} ms` }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, error: `${err.code ?? ''} ${err.message}`.trim() }));
  });
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Which of our CA sources holds a certificate of the chain (the root, usually). */
function validatedBy(tls: TlsInfo, ca: CaBundle): string {
  for (const cert of [...tls.chain].reverse()) {
    const kind = ca.origin.get(cert.fingerprint256);
    if (!kind) continue;
    const file = ca.sources.find((s) => s.kind === kind)?.file;
    const names = { builtin: "Node's built-in roots", user: 'your CA bundle', uos: 'the UOS CA bundle', system: 'the system CA store' };
    return `${names[kind]}${file ? ` (${file})` : ''}: ${cert.subject}`;
  }
  return 'unknown';
}

/** Connected, refused for good (a bad token), or the last reason it could not connect within the time. */
function connectOutcome(client: ChatClient, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: Reason }> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ ok: false, reason: lastReason ?? { code: 'TIMEOUT', detail: `not connected within ${timeoutMs} ms` } }),
      timeoutMs,
    );
    let lastReason: Reason | undefined;
    client.on('status', (s) => {
      const c = s.connection;
      if (c.kind === 'connected') {
        clearTimeout(timer);
        resolve({ ok: true });
      } else if (c.kind === 'auth-failed') {
        clearTimeout(timer);
        resolve({ ok: false, reason: c.reason });
      } else if (c.kind === 'reconnecting') lastReason = c.reason;
    });
    void client.start();
  });
}

export async function runDoctor(
  config: Partial<ClientConfig> & { url: string },
  timeoutMs: number,
  ca: CaBundle,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DoctorReport> {
  const machine = new MachineMonitor({
    target: { setNetwork() {}, setPowerSave() {}, suspend() {}, resume() {} },
    busRetry: false,
    connectTimeoutMs: 2000,
  });
  const machineStarted = machine.start();

  const client = new ChatClient({ config: { ...config, helloTimeoutMs: Math.min(2000, timeoutMs) }, outboxStore: new MemoryOutboxStore() });
  const started = performance.now();
  let user: string | undefined;
  client.on('frame', (f) => {
    if (f.type === 'connection_status') user = f.user_id;
  });
  const outcome = await connectOutcome(client, timeoutMs);
  const websocket = websocketReport(outcome, client, performance.now() - started, user);
  const diag = client.diagnostics();
  // After the WebSocket attempt: only then is it known whether a proxy is in force, and which one.
  const tcp = await tcpCheck(tcpTarget(config.url, diag.proxy), timeoutMs);
  let ping: DoctorReport['ping'] = { ok: false, error: 'not connected' };
  if (outcome.ok) {
    ping = await client.ping(timeoutMs).then(
      (ms) => ({ ok: true, ms: round(ms) }),
      (why: Reason) => ({ ok: false, error: describeReason(why.code) }),
    );
  }
  await client.stop();
  await machineStarted;
  const snap = machine.snapshot();
  await machine.stop();
  return {
    server: redactUrl(config.url),
    ok: websocket.ok,
    tcp,
    websocket,
    ping,
    compression: diag.compression,
    ...(diag.proxy ? { proxy: diag.proxy } : {}),
    ...(diag.tls ? { tls: { ...diag.tls, validatedBy: validatedBy(diag.tls, ca) } } : {}),
    ca: caReport(ca),
    dbus: dbusReport(snap),
    launch: readLaunchInfo(env),
    logs: defaultLogDir(env, env.HOME || os.homedir()),
  };
}

function websocketReport(
  outcome: { ok: true } | { ok: false; reason: Reason },
  client: ChatClient,
  ms: number,
  user: string | undefined,
): DoctorReport['websocket'] {
  if (!outcome.ok) {
    const { code, detail } = outcome.reason;
    return { ok: false, reason: code, words: describeReason(code), ...(detail ? { detail } : {}) };
  }
  const diag = client.diagnostics();
  return { ok: true, ms: round(ms), ...(user ? { user } : {}), features: diag.features, extensions: diag.extensions || 'none' };
}

function caReport(ca: CaBundle): DoctorReport['ca'] {
  return ca.sources.map((s) => ({
    kind: s.kind,
    ...(s.file ? { file: s.file } : {}),
    count: s.count,
    ...(s.error ? { error: s.error } : {}),
  }));
}

function dbusReport(snap: ReturnType<MachineMonitor['snapshot']>): DoctorReport['dbus'] {
  return {
    sources: snap.sources,
    network: snap.network,
    powerSave: snap.powerSave,
    problems: snap.problems,
    services: snap.services.map((s) => ({ name: s.name, present: s.present, ...(s.value !== undefined ? { value: s.value } : {}) })),
  };
}

export function formatDoctor(r: DoctorReport): string {
  const mark = (ok: boolean) => (ok ? '✔' : '✘');
  const lines = [
    `UOS Chat doctor — ${r.server}`,
    ...proxyLines(r.proxy),
    `${mark(r.tcp.ok)} TCP            ${r.tcp.via ? `to the proxy ${r.tcp.via} (the server is reached through it): ` : ''}${r.tcp.ok ? `connected in ${r.tcp.ms} ms` : r.tcp.error}`,
    `${mark(r.websocket.ok)} WebSocket      ${
      r.websocket.ok
        ? `upgraded and ready in ${r.websocket.ms} ms as ${r.websocket.user ?? '?'}; features: ${r.websocket.features?.join(', ') || 'none (old server: no acks)'}`
        : `${r.websocket.words}${(r.websocket as { detail?: string }).detail ? ` (${(r.websocket as { detail?: string }).detail})` : ''}`
    }`,
    ...(r.tls
      ? [
          `✔ TLS            ${r.tls.protocol}; trusted via ${r.tls.validatedBy}`,
          ...r.tls.chain.map((c, i) => `    ${i === 0 ? 'certificate' : 'issued by  '} ${c.subject} (valid until ${c.validTo})`),
        ]
      : []),
    `${mark(r.websocket.ok)} Extensions     ${r.websocket.ok ? r.websocket.extensions : '-'} (compression: ${r.compression})`,
    ...r.ca.filter((c) => c.error).map((c) => `  ! CA bundle ${c.file}: ${c.error}`),
    `${mark(r.ping.ok)} App ping       ${r.ping.ok ? `${r.ping.ms} ms round trip` : r.ping.error}`,
    `  D-Bus network  ${r.dbus.sources.network ?? 'no source'} → ${r.dbus.network}`,
    `  D-Bus power    ${r.dbus.sources.powerSave ?? 'no source'} → power save ${r.dbus.powerSave ? 'on' : 'off'}`,
    `  D-Bus sleep    ${r.dbus.sources.sleep ?? 'no source'}`,
    ...r.dbus.problems.map((p) => `  ! ${p}`),
    `  Display        ${describeLaunch(r.launch).display}`,
    `  Sandbox        ${describeLaunch(r.launch).sandbox}`,
    `  App logs       ${r.logs} (attach them to a bug report)`,
  ];
  return lines.join('\n');
}
