/** doctor's proxy lines: the decision, where it came from, the proxy's answer to CONNECT and how long it took. */
import type { ProxyReport } from '../core/proxy-agent';

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
