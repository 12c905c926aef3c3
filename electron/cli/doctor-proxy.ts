/** doctor's proxy lines: the decision, where it came from, the proxy's answer to CONNECT and how long it took. */
import type { ProxyReport } from '../core/network';

/** Where doctor's TCP check goes: the server, or the proxy in force (`via`, named without credentials). */
export interface TcpTarget {
  host: string;
  port: number;
  via?: string;
}

const DEFAULT_PORTS: Record<string, number> = {
  'ws:': 80,
  'wss:': 443,
  'http:': 80,
  'https:': 443,
  'socks5:': 1080,
  'socks5h:': 1080,
  'socks4a:': 1080,
};

function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || DEFAULT_PORTS[u.protocol] || 80) };
}

/**
 * Behind a proxy the server itself may be unreachable from here while the WebSocket works through the proxy:
 * then the TCP line checks the proxy. Which one: the route that reached the server, else the first proxy tried.
 */
export function tcpTarget(serverUrl: string, report: ProxyReport | undefined): TcpTarget {
  const proxy = report?.used !== undefined ? report.used : report?.routes.find((r) => r !== 'DIRECT');
  if (!proxy || proxy === 'DIRECT' || !URL.canParse(proxy)) return hostPort(serverUrl);
  return { ...hostPort(proxy), via: proxy };
}

const SOURCES: Record<ProxyReport['source'], string> = {
  settings: 'the settings file',
  flag: 'the --proxy flag',
  env: 'the environment (UOS_CHAT_PROXY, HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)',
  system: 'the system (desktop proxy settings, PAC or WPAD)',
  default: 'nothing set',
};

export function proxyLines(report: ProxyReport | undefined): string[] {
  if (!report) return ['  Proxy          not decided (no connection was attempted)'];
  const ok = report.used !== undefined;
  const route = report.routes.join('; ');
  const lines = [`${ok ? '✔' : '✘'} Proxy          ${route} — from ${SOURCES[report.source]}${report.note ? ` (${report.note})` : ''}`];
  if (ok) lines.push(`    answer       ${report.used}: ${report.answer} in ${report.ms} ms`);
  for (const failure of report.failures) lines.push(`  ! ${failure}`);
  return lines;
}
