/**
 * A TCP fault proxy on loopback: forwards to the server and cuts every
 * connection on demand, as a flaky network, a NAT timeout or a Wi-Fi switch would.
 *
 * Cuts can also be driven by traffic: after a budget of forwarded bytes (drawn
 * anew after each cut), every open connection is cut. Counting bytes rather than
 * milliseconds makes the number of cuts a property of the traffic, not of how
 * fast the machine happens to be (a fast run once finished before ten timed cuts).
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  port: number;
  cuts: number;
  /** Bytes forwarded so far, both directions. */
  forwarded: number;
  /** Destroys every open connection pair (both directions, without a close handshake). */
  cutAll(): number;
  /**
   * Cut everything each time `nextBudget()` more bytes have been forwarded, at most `maxCuts` times
   * in all. `undefined` stops it.
   */
  cutByTraffic(plan: { nextBudget: () => number; maxCuts: number } | undefined): void;
  /**
   * Stops passing the clients' bytes on once `bytes` of them (towards the server, from now on)
   * have gone through: the link stalls mid-transfer, as a dead Wi-Fi does, so a test can act at
   * that point of the traffic. Resolves when it stalls.
   */
  stallAfter(bytes: number): Promise<void>;
  /** Sees every chunk the clients send towards the server (to check what a client asked for). */
  onClientBytes?: (chunk: Buffer) => void;
  close(): Promise<void>;
}

export async function faultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let plan: { nextBudget: () => number; maxCuts: number } | undefined;
  let budget = Infinity;
  let stall: { left: number; stalled: () => void } | undefined;
  const counted = (chunk: Buffer) => {
    handle.forwarded += chunk.length;
    if (!plan) return;
    budget -= chunk.length;
    // Cut on the next turn of the event loop: the chunk in hand is delivered first, as on a real link.
    if (budget <= 0 && handle.cuts < plan.maxCuts) {
      budget = plan.nextBudget();
      setImmediate(() => handle.cutAll());
    }
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop).on('data', counted);
    upstream.on('error', drop).on('close', drop).on('data', counted);
    client.on('data', (chunk: Buffer) => {
      handle.onClientBytes?.(chunk);
      if (!stall) return;
      stall.left -= chunk.length;
      if (stall.left > 0) return;
      // Every client's bytes stop here (this chunk is the last to go through).
      for (const [c, u] of pairs) c.unpipe(u).pause();
      stall.stalled();
      stall = undefined;
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const handle: FaultProxy = {
    port: (server.address() as AddressInfo).port,
    cuts: 0,
    forwarded: 0,
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
    cutByTraffic(next) {
      plan = next;
      budget = next ? next.nextBudget() : Infinity;
    },
    stallAfter(bytes) {
      return new Promise<void>((stalled) => (stall = { left: bytes, stalled }));
    },
    async close() {
      plan = undefined;
      handle.cutAll();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return handle;
}
