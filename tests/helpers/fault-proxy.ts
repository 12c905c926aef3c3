/**
 * A TCP fault proxy on loopback: forwards to the server and cuts every
 * connection on demand, as a flaky network, a NAT timeout or a Wi-Fi switch would.
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  port: number;
  cuts: number;
  /** Destroys every open connection pair (both directions, without a close handshake). */
  cutAll(): number;
  close(): Promise<void>;
}

export async function faultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const handle: FaultProxy = {
    port: (server.address() as AddressInfo).port,
    cuts: 0,
    cutAll() {
      let n = 0;
      for (const [a, b] of [...pairs]) {
        a.resetAndDestroy();
        b.destroy();
        n++;
      }
      pairs.clear();
      if (n > 0) handle.cuts += 1;
      return n;
    },
    async close() {
      handle.cutAll();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return handle;
}
