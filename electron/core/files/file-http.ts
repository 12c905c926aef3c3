/**
 * One HTTP(S) request to the files endpoint of the chat server (docs/PROTOCOL.md "Files"), under
 * the same rules as the chat connection: the same proxy decision (a ProxyChainAgent asks the
 * resolver afresh for each request), the same trusted CAs, TLS verification never off, and the
 * token in the `Authorization` header only. Every request is bounded in time.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientConfig } from '../connection/client-config';
import { ProxyChainAgent } from '../network/proxy-agent';

export type FilesConfig = Pick<ClientConfig, 'url' | 'token' | 'tls' | 'proxy'>;

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, for the JSON answers (at most 64 KB read). */
  json: unknown;
}

/** The files endpoint beside the chat endpoint: ws://host:port/ws/chat/ → http://host:port. */
export function filesOrigin(wsUrl: string): string {
  const u = new URL(wsUrl);
  return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
}

const MAX_JSON = 64 * 1024;

/**
 * Sends a request and reads its JSON answer. `body`: a buffer, or a writer that writes exactly the
 * Content-Length (each write awaited, so it may reuse one buffer) and resolves when done.
 */
export function jsonRequest(
  config: FilesConfig,
  method: string,
  path: string,
  o: { headers?: Record<string, string>; body?: Buffer | BodyWriter; timeoutMs: number; signal?: AbortSignal },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = open(config, method, path, { headers: o.headers ?? {}, timeoutMs: o.timeoutMs, signal: o.signal }, (res) => {
      readJson(res).then((json) => resolve({ status: res.statusCode ?? 0, headers: res.headers, json }), reject);
    });
    req.on('error', reject);
    if (o.body === undefined || Buffer.isBuffer(o.body)) return req.end(o.body);
    const write = (piece: Buffer) => new Promise<void>((resolve, reject) => req.write(piece, (err) => (err ? reject(err) : resolve())));
    o.body(write).then(
      () => req.end(),
      (err: Error) => req.destroy(err),
    );
  });
}

/** Writes a request body through `write`, one piece at a time. */
export type BodyWriter = (write: (piece: Buffer) => Promise<void>) => Promise<void>;

/** Starts a GET whose body the caller streams (a download). */
export function streamRequest(
  config: FilesConfig,
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = open(config, 'GET', path, { headers, timeoutMs, signal }, resolve);
    req.on('error', reject);
    req.end();
  });
}

function open(
  config: FilesConfig,
  method: string,
  path: string,
  { headers, timeoutMs, signal }: { headers: Record<string, string>; timeoutMs: number; signal?: AbortSignal | undefined },
  onResponse: (res: http.IncomingMessage) => void,
): http.ClientRequest {
  const origin = filesOrigin(config.url);
  const url = new URL(path, origin);
  const secure = url.protocol === 'https:';
  const ca = config.tls?.ca;
  const agent = config.proxy
    ? // The chat endpoint's URL without its query, as the chat connection asks: the same proxy decision, TLS (wss) end to end.
      new ProxyChainAgent({ resolve: config.proxy, serverUrl: `${config.url.split('?')[0]}`, timeoutMs, ...(ca ? { ca } : {}) })
    : undefined;
  // agent-base guesses http or https from the call stack, which fails here: say it.
  if (agent) agent.protocol = url.protocol;
  const options: https.RequestOptions = {
    method,
    headers: { ...headers, ...(config.token ? { authorization: `Bearer ${config.token}` } : {}) },
    timeout: timeoutMs,
    // Cancel: the request (and a download's response) is destroyed with an AbortError.
    ...(signal ? { signal } : {}),
    ...(agent ? { agent } : {}),
    ...(secure && ca ? { ca } : {}),
  };
  const req = (secure ? https : http).request(url, options, onResponse);
  // No answer (or no progress) for timeoutMs: the request fails instead of hanging.
  req.on('timeout', () => req.destroy(new Error(`no answer from ${url.host} in ${Math.round(timeoutMs / 1000)} s`)));
  return req;
}

/** A response's body as JSON (at most MAX_JSON read; the rest is drained); undefined when it is not JSON. */
export async function readJson(res: http.IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    n += c.length;
    if (n <= MAX_JSON) parts.push(c);
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch {
    return undefined;
  }
}
