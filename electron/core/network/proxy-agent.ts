/**
 * The socket under one WebSocket connection, through the proxy the decision names.
 * An agent-base Agent handed to ws as `agent`: for each connection it asks the
 * resolver afresh, then tries the routes in order (a PAC list such as
 * `PROXY a:3128; SOCKS5 b:1080; DIRECT`), and hands ws the first socket that reaches
 * the server. HTTP(S) proxies get `CONNECT host:port` with Basic auth (https-proxy-agent);
 * SOCKS5 proxies resolve the name themselves with socks5h:// (socks-proxy-agent).
 * TLS runs end to end to the chat server with the request's own options (our CA
 * bundle, the server's name): the proxy only ever sees an opaque tunnel.
 *
 * A route that fails is reported as a PROXY_* error whose message names the proxy
 * without credentials; classifySocketError turns it into a Reason. Only routes the
 * decision lists are tried: a dead proxy never means a quiet direct connection.
 */
import type * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import type { ReasonCode } from '../../common/errors';
import { describeProxy, describeRoute, type ProxyDecision, type ProxyResolver, type ProxyRoute } from './proxy-decision';

export type ProxyFailureCode = Extract<ReasonCode, 'PROXY_UNREACHABLE' | 'PROXY_AUTH_REQUIRED' | 'PROXY_REFUSED' | 'PROXY_DNS_FAILED'>;

/** Why a route failed. `code` is the reason code; the message names the proxy, never its password. */
export class ProxyError extends Error {
  constructor(
    readonly code: ProxyFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

/** What the last connection did, for doctor and diagnostics. No credentials in it. */
export interface ProxyReport {
  source: ProxyDecision['source'];
  routes: string[];
  note?: string;
  /** The route that reached the server, if one did. */
  used?: string;
  /** The proxy's answer to CONNECT (`HTTP 200 Connection established`, `SOCKS5 granted`), or why each route failed. */
  answer?: string;
  /** From the start of the route that worked (or the last that failed) to its answer. */
  ms?: number;
  failures: string[];
}

export interface ProxyAgentOptions {
  resolve: ProxyResolver;
  serverUrl: string;
  /** Longest wait for one route's answer (a proxy that accepts and never answers). */
  timeoutMs: number;
  /** Trusted CAs for an https:// proxy itself (the server's TLS uses the request's own options). */
  ca?: Array<string | Buffer>;
  /** Called with the report after each connection attempt (success or failure). */
  onReport?: (report: ProxyReport) => void;
}

export class ProxyChainAgent extends Agent {
  constructor(private readonly chain: ProxyAgentOptions) {
    super();
    // ws:// goes over http.request, wss:// over https.request; Node checks the agent speaks the same protocol.
    this.protocol = chain.serverUrl.startsWith('wss:') ? 'https:' : 'http:';
  }

  override async connect(req: http.ClientRequest, opts: AgentConnectOpts): Promise<net.Socket> {
    const secureEndpoint = this.chain.serverUrl.startsWith('wss:');
    const connectOpts = { ...opts, secureEndpoint } as AgentConnectOpts;
    const decision = await this.chain.resolve(this.chain.serverUrl);
    const report: ProxyReport = {
      source: decision.source,
      routes: decision.routes.map(describeRoute),
      ...(decision.note ? { note: decision.note } : {}),
      failures: [],
    };
    let first: Error | undefined;
    for (const route of decision.routes) {
      const started = performance.now();
      try {
        const { socket, answer } = await this.tryRoute(route, req, connectOpts);
        this.chain.onReport?.({ ...report, used: describeRoute(route), answer, ms: Math.round((performance.now() - started) * 10) / 10 });
        return socket;
      } catch (err) {
        first ??= err as Error;
        report.failures.push(`${route.kind === 'direct' ? 'DIRECT: ' : ''}${(err as Error).message}`);
        report.ms = Math.round((performance.now() - started) * 10) / 10;
      }
    }
    this.chain.onReport?.(report);
    // The first route is the one the decision preferred: its failure is what the person needs to know.
    // A direct route's own error (refused, TLS) goes on as it is, so it is classified as without a proxy.
    if (!(first instanceof ProxyError)) throw first!;
    const rest = report.failures.slice(1);
    throw new ProxyError(first.code, rest.length > 0 ? `${first.message}; then ${rest.join('; ')}` : first.message);
  }

  private async tryRoute(
    route: ProxyRoute,
    req: http.ClientRequest,
    opts: AgentConnectOpts,
  ): Promise<{ socket: net.Socket; answer: string }> {
    if (route.kind === 'direct') return { socket: await directSocket(opts, this.chain.timeoutMs), answer: 'DIRECT' };
    const name = describeProxy(route.url);
    const scheme = new URL(route.url).protocol;
    const settle = withTimeout(this.chain.timeoutMs, name);
    if (scheme.startsWith('socks')) {
      const inner = new SocksProxyAgent(route.url, { timeout: this.chain.timeoutMs });
      const socket = await settle(inner.connect(req, opts)).catch((err: Error) => {
        throw socksFailure(name, err, !net.isIP(opts.host ?? ''));
      });
      return { socket, answer: 'SOCKS granted' };
    }
    return this.viaConnect(route.url, name, req, opts, settle);
  }

  /** HTTP CONNECT through https-proxy-agent; its answer (status line) decides, read from its `proxyConnect` event. */
  private async viaConnect(
    url: string,
    name: string,
    req: http.ClientRequest,
    opts: AgentConnectOpts,
    settle: <T>(p: Promise<T>) => Promise<T>,
  ): Promise<{ socket: net.Socket; answer: string }> {
    const inner = new HttpsProxyAgent(url, this.chain.ca ? { ca: this.chain.ca } : {});
    let answer: { statusCode: number; statusText: string; headers: http.IncomingHttpHeaders } | undefined;
    inner.once('proxyConnect', (connect: typeof answer) => (answer = connect));
    const listenersBefore = new Set(req.listeners('socket'));
    const socket = await settle(inner.connect(req, opts)).catch((err: Error) => {
      throw new ProxyError('PROXY_UNREACHABLE', `${name}: ${err.message}`);
    });
    if (answer?.statusCode === 200) return { socket, answer: `HTTP 200 ${answer.statusText}`.trim() };
    // Not 200: https-proxy-agent hands back a stand-in socket that replays the proxy's response to the
    // request, and waits for the request's 'socket' event to do so. Drop both: the next route (or the
    // error) must not receive the proxy's refusal as if the chat server had sent it.
    socket.destroy();
    for (const l of req.listeners('socket')) if (!listenersBefore.has(l)) req.removeListener('socket', l as (...args: unknown[]) => void);
    throw connectFailure(name, url, answer);
  }
}

/** A route of its own: DIRECT still needs the request's TLS options (CA bundle, server name). */
function directSocket(opts: AgentConnectOpts, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = opts.secureEndpoint
      ? tls.connect({ ...opts, servername: opts.servername ?? serverName(opts.host) })
      : net.connect(opts as net.NetConnectOpts);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(opts.secureEndpoint ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** SNI takes names only, not IP addresses. */
function serverName(host: string | null | undefined): string | undefined {
  return host && !net.isIP(host) ? host : undefined;
}

/** Bounds one route: a proxy that accepts and never answers must not hold the attempt forever. */
function withTimeout(ms: number, name: string) {
  return <T>(p: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new ProxyError('PROXY_UNREACHABLE', `${name}: no answer within ${ms} ms`));
      }, ms);
      p.then(
        (v) => {
          clearTimeout(timer);
          // Too late: the caller has given up on it, so nothing else would close it.
          if (late) (v as { destroy?: () => void }).destroy?.();
          else resolve(v);
        },
        (err) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
}

/**
 * The proxy answered CONNECT with something other than 200. Proxies say "could not resolve"
 * differently: squid with `X-Squid-Error: ERR_DNS_FAIL`, others in the status text.
 */
function connectFailure(
  name: string,
  url: string,
  answer: { statusCode: number; statusText: string; headers: http.IncomingHttpHeaders } | undefined,
): ProxyError {
  if (!answer) return new ProxyError('PROXY_UNREACHABLE', `${name}: no answer to CONNECT`);
  const status = `${name} answered CONNECT with HTTP ${answer.statusCode} ${answer.statusText}`.trim();
  // 407 is the standard answer; tinyproxy 1.11 answers wrong credentials on CONNECT with 401.
  if (answer.statusCode === 407 || answer.statusCode === 401) {
    const given = new URL(url).username !== '';
    return new ProxyError(
      'PROXY_AUTH_REQUIRED',
      `${status}${given ? ' (the user name or password was not accepted)' : ' (no user name or password set)'}`,
    );
  }
  const squid = String(answer.headers['x-squid-error'] ?? '');
  if (/DNS/i.test(squid) || /resolve|DNS|unknown host|name or service/i.test(answer.statusText))
    return new ProxyError('PROXY_DNS_FAILED', status);
  return new ProxyError('PROXY_REFUSED', status);
}

/**
 * socks' errors are messages: "Socks5 proxy rejected connection - HostUnreachable", "connect ECONNREFUSED …".
 * A name the proxy could not resolve comes back as HostUnreachable (dante) or, from microsocks, as a
 * general "Failure" (its resolve() failing; refused or unreachable targets get their own replies), so a
 * general failure for a name — not an address — is reported as the name not being resolved.
 */
function socksFailure(name: string, err: Error, destinationIsName: boolean): ProxyError {
  if (err instanceof ProxyError) return err;
  const message = `${name}: ${err.message}`;
  if (/Authentication failed|no accepted authentication/i.test(err.message)) return new ProxyError('PROXY_AUTH_REQUIRED', message);
  if (
    /HostUnreachable|AddressNotSupported/.test(err.message) ||
    (destinationIsName && /rejected connection - Failure$/.test(err.message))
  ) {
    return new ProxyError('PROXY_DNS_FAILED', message);
  }
  if (/rejected connection/i.test(err.message)) return new ProxyError('PROXY_REFUSED', message);
  return new ProxyError('PROXY_UNREACHABLE', message);
}
