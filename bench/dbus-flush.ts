/**
 * Network back → connected → outbox flushed, through real D-Bus: a private
 * dbus-daemon (tests/helpers/dbus.ts), the test NetworkManager service, the real
 * MachineMonitor driving a real ChatClient against the reference server.
 *
 * Per repeat: NM says 20 (disconnected) → the client is offline; 100 messages are
 * queued; then NM emits StateChanged(70) and the clock runs until the client is
 * connected and until every queued message is acked (outbox empty).
 */
import type { TestContext } from 'node:test';
import { performance } from 'node:perf_hooks';
import { ChatClient } from '../electron/core/connection';
import { MemoryOutboxStore } from '../electron/core/store';
import { MachineMonitor } from '../electron/core/desktop';
import { NetworkManager, serve, startBuses } from '../tests/helpers/dbus';
import { chatText, startServerProc, until, withTimeout, type Ctx } from './lib';
import { figure, type Figure } from './report';

/** Reference constants (not measured here): what the design being replaced would wait. */
const SEED_TIMER_MS = 5_000;

export async function benchDbusFlush(ctx: Ctx): Promise<Figure[]> {
  const { queued, repeats } = ctx.sizes.dbus;
  const cleanups: Array<() => unknown> = [];
  // tests/helpers/dbus.ts registers its teardown with t.after(); collect it instead.
  const t = { after: (fn: () => unknown) => void cleanups.push(fn) } as unknown as TestContext;
  const srv = await startServerProc();
  try {
    const buses = await startBuses(t);
    const nm = new NetworkManager(20);
    await serve(t, buses.system.address, 'org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager', nm);
    const runMode = async (compression: 'deflate' | 'off') => {
      const client = new ChatClient({
        config: { url: srv.roomUrl(`dbus-${compression}`, ''), token: 'token-alice', compression },
        outboxStore: new MemoryOutboxStore(),
      });
      const monitor = new MachineMonitor({
        target: client,
        systemBusAddress: buses.system.address,
        sessionBusAddress: buses.session.address,
        busRetry: false,
      });
      const stops = [() => monitor.stop(), () => client.stop()];
      cleanups.push(...stops);
      await monitor.start();
      await client.start();
      await until(() => client.status().connection.kind === 'offline', 10_000, 'client offline (NM 20)');

      const acted: number[] = [];
      const connected: number[] = [];
      const flushed: number[] = [];
      for (let r = 0; r < repeats + 1; r++) {
        ctx.check();
        await until(() => client.status().connection.kind === 'offline', 10_000, 'client offline');
        const results = await Promise.all(Array.from({ length: queued }, (_, i) => client.send(chatText(80, r * 1000 + i))));
        if (results.some((x) => !x.ok) || client.pendingCount() !== queued) throw new Error(`queued ${client.pendingCount()}/${queued}`);
        let tActed = 0;
        let tConnected = 0;
        const offMon = monitor.on('change', (s) => {
          if (!tActed && s.network === 'online') tActed = performance.now();
        });
        const offStatus = client.on('status', (s) => {
          if (!tConnected && s.connection.kind === 'connected') tConnected = performance.now();
        });
        const done = new Promise<number>((resolve) => {
          const off = client.on('outbox', (n) => {
            if (n === 0) {
              off();
              resolve(performance.now());
            }
          });
        });
        const t0 = performance.now();
        nm.set(70);
        const tFlushed = await withTimeout(done, 15_000, 'outbox flushed after network up');
        offMon();
        offStatus();
        if (r > 0) {
          acted.push(tActed - t0);
          connected.push(tConnected - t0);
          flushed.push(tFlushed - t0);
        }
        ctx.log(
          `dbus ${compression} ${r === 0 ? 'warm-up' : r}: monitor acted ${(tActed - t0).toFixed(1)} ms, connected ${(tConnected - t0).toFixed(1)} ms, ${queued} flushed ${(tFlushed - t0).toFixed(1)} ms`,
        );
        nm.set(20);
      }
      await monitor.stop();
      await client.stop();
      await until(() => client.status().connection.kind !== 'connected', 5_000, 'client stopped');
      return { acted, connected, flushed };
    };
    const shipped = await runMode('deflate');
    nm.set(20);
    const off = await runMode('off');
    const { acted, connected, flushed } = shipped;
    const reference = {
      label: 'seed design: fixed 5 s reconnect timer; socket.io: reconnectionDelayMax 5 s (up to)',
      kind: 'reference' as const,
      samples: [SEED_TIMER_MS],
    };
    return [
      figure({
        id: 'dbus.flush',
        section: 'dbus-flush',
        name: `network-up D-Bus signal → connected → outbox (${queued} queued) flushed`,
        unit: 'ms',
        samples: flushed,
        baseline: reference,
        target: { on: 'value', op: '<=', limit: 100, text: '≤ 100 ms' },
        note: `as shipped (permessage-deflate negotiated); private dbus-daemon + test NetworkManager: StateChanged(70) emitted → MachineMonitor → ChatClient.setNetwork('online') → connect → connection_status → ${queued} messages written and acked (outbox empty); ${repeats} repeats after a warm-up. The baseline values are reference constants quoted from the seed design and socket.io's defaults, not measured.`,
      }),
      figure({
        id: 'dbus.flush-off',
        section: 'dbus-flush',
        name: `… the same with compression 'off'`,
        unit: 'ms',
        samples: off.flushed,
        baseline: reference,
        target: { on: 'value', op: '<=', limit: 100, text: '≤ 100 ms' },
        details: { connected: off.connected, acted: off.acted },
      }),
      figure({
        id: 'dbus.connected',
        section: 'dbus-flush',
        name: '… of which: signal → connected',
        unit: 'ms',
        samples: connected,
        baseline: reference,
      }),
      figure({
        id: 'dbus.acted',
        section: 'dbus-flush',
        name: '… of which: signal → MachineMonitor acted',
        unit: 'ms',
        samples: acted,
      }),
    ];
  } finally {
    for (const fn of cleanups.reverse()) {
      try {
        await withTimeout(Promise.resolve(fn()), 10_000, 'dbus cleanup');
      } catch {
        /* keep cleaning up */
      }
    }
    await srv.stop();
  }
}
