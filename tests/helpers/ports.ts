/**
 * Loopback ports for the services tests start themselves (Redis, server nodes, HAProxy, the proxies).
 */
import * as net from 'node:net';

/**
 * Ports for services, which may stop and start again on the same port (Redis, the nodes, the proxies), come from
 * below the kernel's ephemeral range (32768–60999 by default). A port in that range, left without a listener
 * while its service is down, can be handed to any outgoing connection meanwhile — another test's, or a
 * reconnect to the port itself (TCP self-connect on loopback) — and the restarted service could not bind it.
 */
const SERVICE_PORTS = { from: 20_000, to: 32_000, attempts: 200 };

export async function freePort(): Promise<number> {
  for (let i = 0; i < SERVICE_PORTS.attempts; i++) {
    const port = SERVICE_PORTS.from + Math.floor(Math.random() * (SERVICE_PORTS.to - SERVICE_PORTS.from));
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port in ${SERVICE_PORTS.from}–${SERVICE_PORTS.to} after ${SERVICE_PORTS.attempts} tries`);
}

function canBind(port: number): Promise<boolean> {
  const srv = net.createServer();
  return new Promise((resolve) => {
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
