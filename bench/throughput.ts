/**
 * Receive throughput of ~200-byte chat_message frames.
 *
 * Method (the same for every client): the measured client's socket is paused
 * (ws.pause()), a sender (bare ws, token-bob, in the server's process) floods N
 * messages and waits for all N acks, so the server has written every broadcast
 * into the paused connection; then the socket is resumed and the clock runs
 * until the client has handled N messages. That measures the client's inbound
 * path, not the server's or the sender's speed.
 *
 *   core: ChatClient, counted on its 'entries' events (decoded, deduplicated, logged)
 *   bare: a ws client that JSON.parses each frame and counts chat_message
 *   ipc:  ChatClient → ChatService (16 ms batches) → test host push → the React page
 *         in Chromium, counted in the page by a window.chat.onEntries subscriber
 */
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { startBare, startCore, type Core } from './clients';
import { epochNow, sleep, startServerProc, textForFrame, until, withTimeout, type Ctx } from './lib';
import { launch, openPage } from './page-host';
import { figure, type Figure } from './report';

const FRAME_BYTES = 200;

const COUNTER = `
  window.__benchTp = { count: 0, target: Infinity, doneAt: 0 };
  window.addEventListener('DOMContentLoaded', () => {
    window.chat.onEntries((batch) => {
      const s = window.__benchTp;
      for (const e of batch) if (e.kind === 'message' && !e.own) s.count++;
      if (!s.doneAt && s.count >= s.target) s.doneAt = performance.timeOrigin + performance.now();
    });
  });
`;

export async function benchThroughput(ctx: Ctx, browser?: Awaited<ReturnType<typeof launch>>): Promise<Figure[]> {
  const { warmup, messages, deflateMessages, ipcMessages } = ctx.sizes.throughput;
  const textBytes = textForFrame(FRAME_BYTES);
  const srv = await startServerProc();
  const figures: Figure[] = [];
  try {
    // ---- core and bare, interleaved: as shipped (permessage-deflate), then compression off -------------
    const pair = async (mode: 'deflate' | 'off', n: number) => {
      const core = await startCore(srv.roomUrl(`tp-core-${mode}`, ''), { compression: mode });
      let coreCount = 0;
      core.client.on('entries', (es) => {
        for (const e of es) if (e.kind === 'message' && !e.own) coreCount++;
      });
      const bare = await startBare(srv.roomUrl(`tp-bare-${mode}`), mode === 'deflate');
      let bareCount = 0;
      bare.ws.on('message', (data: WebSocket.RawData) => {
        const s = data.toString();
        const f = JSON.parse(s) as { type: string };
        if (f.type === 'chat_message') {
          bareCount++;
          frameSize = Buffer.byteLength(s);
        }
      });
      try {
        const coreWs = () => core.ws() ?? (() => { throw new Error('core has no socket'); })();
        await drain(coreWs(), `tp-core-${mode}`, warmup, () => coreCount);
        await drain(bare.ws, `tp-bare-${mode}`, warmup, () => bareCount);
        const coreRates: number[] = [];
        const bareRates: number[] = [];
        for (let r = 0; r < ctx.sizes.repeats; r++) {
          coreRates.push(await drain(coreWs(), `tp-core-${mode}`, n, () => coreCount));
          bareRates.push(await drain(bare.ws, `tp-bare-${mode}`, n, () => bareCount));
          ctx.log(`throughput ${mode} repeat ${r + 1}: core ${coreRates.at(-1)!.toFixed(0)}/s, bare ${bareRates.at(-1)!.toFixed(0)}/s`);
        }
        return { coreRates, bareRates, extensions: core.ws()?.extensions ?? '' };
      } finally {
        await core.stop();
        await bare.close();
      }
    };
    let frameSize = 0;
    const drain = async (ws: WebSocket, room: string, n: number, count: () => number): Promise<number> => {
      ctx.check();
      const before = count();
      ws.pause();
      const sent = await srv.flood(room, n, textBytes);
      if (sent.acked < n) throw new Error(`flood: only ${sent.acked}/${n} acked`);
      const t0 = performance.now();
      ws.resume();
      await until(() => count() - before >= n, 120_000, `${room}: ${n} messages`, 1);
      return n / ((performance.now() - t0) / 1000);
    };
    const shipped = await pair('deflate', deflateMessages);
    const off = await pair('off', messages);
    const method = `paused socket; a sender floods N messages (all acked by the server, so all broadcasts are written into the paused connection); resume and time until the client has handled N; ${ctx.sizes.repeats} repeats after a ${warmup}-message warm-up, core and bare interleaved.`;
    figures.push(
      figure({
        id: 'throughput.core',
        section: 'throughput',
        name: `receive throughput, ${FRAME_BYTES}-byte chat JSON, as shipped (permessage-deflate)`,
        unit: 'msg/s',
        samples: shipped.coreRates,
        baseline: { label: 'bare ws (deflate)', kind: 'measured', samples: shipped.bareRates },
        target: { on: 'ratio', op: '>=', limit: 0.8, text: '≥ 0.8× bare' },
        note: `${method} Both negotiate permessage-deflate (${shipped.extensions || 'none'}), the core's and server's default; ${deflateMessages} per repeat; frames ~${frameSize} bytes.`,
        details: { frameBytes: frameSize, messagesPerRepeat: deflateMessages, extensions: shipped.extensions },
      }),
      figure({
        id: 'throughput.core-off',
        section: 'throughput',
        name: `receive throughput, ${FRAME_BYTES}-byte chat JSON, compression off`,
        unit: 'msg/s',
        samples: off.coreRates,
        baseline: { label: 'bare ws (no deflate)', kind: 'measured', samples: off.bareRates },
        target: { on: 'ratio', op: '>=', limit: 0.8, text: '≥ 0.8× bare' },
        note: `${method} Core compression 'off', bare ws perMessageDeflate false: the client's own per-message cost; ${messages} per repeat.`,
        details: { frameBytes: frameSize, messagesPerRepeat: messages },
      }),
    );

    // ---- through ChatService to the page ------------------------------------------------------
    const b = browser ?? (await launch());
    let ipc: Core | undefined;
    try {
      ipc = await startCore(srv.roomUrl('tp-ipc', ''), { compression: 'off' });
      const bp = await openPage(b, ipc.client, COUNTER);
      try {
        await bp.page.goto(b.files.url, { waitUntil: 'load' });
        await bp.page.locator('[data-testid="status"]').waitFor();
        const ws = ipc.ws()!;
        const run = async (n: number): Promise<number> => {
          ctx.check();
          await bp.page.evaluate((n) => {
            const s = (window as unknown as { __benchTp: { count: number; target: number; doneAt: number } }).__benchTp;
            s.target = s.count + n;
            s.doneAt = 0;
          }, n);
          ws.pause();
          const sent = await srv.flood('tp-ipc', n, textBytes);
          if (sent.acked < n) throw new Error(`flood: only ${sent.acked}/${n} acked`);
          const t0 = epochNow();
          ws.resume();
          let doneAt = 0;
          await withTimeout(
            (async () => {
              while (!doneAt) {
                await sleep(20);
                doneAt = await bp.page.evaluate(() => (window as unknown as { __benchTp: { doneAt: number } }).__benchTp.doneAt);
              }
            })(),
            120_000,
            `page saw ${n} entries`,
          );
          return n / ((doneAt - t0) / 1000);
        };
        await run(warmup);
        const rates: number[] = [];
        for (let r = 0; r < ctx.sizes.repeats; r++) {
          rates.push(await run(ipcMessages));
          ctx.log(`throughput ipc repeat ${r + 1}: ${rates.at(-1)!.toFixed(0)}/s`);
        }
        figures.push(
          figure({
            id: 'throughput.ipc',
            section: 'throughput',
            name: 'receive throughput through ChatService → page (Chromium test host)',
            unit: 'msg/s',
            samples: rates,
            note: `as above (core compression 'off', to isolate the IPC path), counted by a window.chat.onEntries subscriber in the page while the React log renders; pushes cross the test host's page.evaluate (CDP), Electron uses IPC. ${ipcMessages} per repeat.`,
            details: { messagesPerRepeat: ipcMessages, pageErrors: bp.errors.slice(0, 5) },
          }),
        );
      } finally {
        await bp.close();
      }
    } finally {
      await ipc?.stop();
      if (!browser) await b.close();
    }
    return figures;
  } finally {
    await srv.stop();
  }
}
