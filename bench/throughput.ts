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
 *   core: ChatClient, counted on its 'entries' events (decoded, deduplicated, logged);
 *         as shipped it announces `batch`, so it gets batch frames; `single`: it does not
 *   bare: a ws client that JSON.parses each frame and counts chat_message (`batch`: it
 *         announces `batch`, gets the core's frames, and counts each batch's messages)
 *   ipc:  ChatClient → ChatService (16 ms batches) → test host push → the React page
 *         in Chromium, counted in the page by a window.chat.onEntries subscriber
 */
import { performance } from 'node:perf_hooks';
import { inflateSync } from 'node:zlib';
import type WebSocket from 'ws';
import { startBare, startCore, type Core } from './clients';
import { epochNow, sleep, startServerProc, textForFrame, until, withTimeout, type Ctx } from './lib';
import { launch, openPage } from './page-host';
import { figure, type Figure } from './report';

const FRAME_BYTES = 200;

/** One measured receiver: its socket (paused and resumed around a flood), its room, and how many chat messages it has handled. */
interface Drained {
  room: string;
  ws(): WebSocket;
  count(): number;
  stop(): Promise<void>;
  extensions(): string;
}

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
    let frameSize = 0;
    const core = async (room: string, mode: 'deflate' | 'off', singleFrames = false): Promise<Drained> => {
      const c = await startCore(srv.roomUrl(room, ''), { compression: mode }, 'token-alice', { singleFrames });
      let n = 0;
      c.client.on('entries', (es) => {
        for (const e of es) if (e.kind === 'message' && !e.own) n++;
      });
      return {
        room,
        ws: () =>
          c.ws() ??
          (() => {
            throw new Error('core has no socket');
          })(),
        count: () => n,
        stop: () => c.stop(),
        extensions: () => c.ws()?.extensions ?? '',
      };
    };
    // `batch`: announces the batch extension, so it gets the frames the core gets (zlib binary batches under
    // permessage-deflate), inflates them, and counts the messages of each.
    const bare = async (room: string, mode: 'deflate' | 'off', batch = false): Promise<Drained> => {
      const b = await startBare(srv.roomUrl(room) + (batch ? '&features=batch' : ''), mode === 'deflate');
      let n = 0;
      b.ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        // A batch to a client with permessage-deflate comes as one zlib binary frame (plain zlib: no zdict1 announced).
        const s = isBinary ? inflateSync(data as Buffer).toString() : data.toString();
        const f = JSON.parse(s) as { type: string; messages?: Array<{ type: string }> };
        if (f.type === 'chat_message') {
          n++;
          if (!batch) frameSize = Buffer.byteLength(s);
        } else if (f.type === 'batch') for (const m of f.messages!) if (m.type === 'chat_message') n++;
      });
      return { room, ws: () => b.ws, count: () => n, stop: () => b.close(), extensions: () => b.ws.extensions };
    };
    /** CPU µs of this process per message of the last drain (the measured client runs here; server and sender do not). */
    let lastCpuUs = 0;
    const drain = async (d: Drained, n: number): Promise<number> => {
      ctx.check();
      const ws = d.ws();
      const before = d.count();
      ws.pause();
      const sent = await srv.flood(d.room, n, textBytes);
      if (sent.acked < n) throw new Error(`flood: only ${sent.acked}/${n} acked`);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      ws.resume();
      await until(() => d.count() - before >= n, 120_000, `${d.room}: ${n} messages`, 1);
      const cpu = process.cpuUsage(cpu0);
      lastCpuUs = (cpu.user + cpu.system) / n;
      return n / ((performance.now() - t0) / 1000);
    };
    /** Each client drains N per repeat, all of them interleaved, so drift in the machine's load hits them alike. */
    const interleaved = async (mode: string, n: number, clients: Drained[]) => {
      try {
        for (const d of clients) await drain(d, warmup);
        const rates = clients.map(() => [] as number[]);
        const cpuUs = clients.map(() => [] as number[]);
        for (let r = 0; r < ctx.sizes.repeats; r++) {
          for (let i = 0; i < clients.length; i++) {
            rates[i]!.push(await drain(clients[i]!, n));
            cpuUs[i]!.push(lastCpuUs);
          }
          ctx.log(`throughput ${mode} repeat ${r + 1}: ${clients.map((d, i) => `${d.room} ${rates[i]!.at(-1)!.toFixed(0)}/s`).join(', ')}`);
        }
        return { rates, cpuUs, extensions: clients[0]!.extensions() };
      } finally {
        for (const d of clients) await d.stop();
      }
    };
    const shipped = await interleaved('deflate', deflateMessages, [
      await core('tp-core-deflate', 'deflate'),
      await bare('tp-bare-deflate', 'deflate'),
      await bare('tp-bare-deflate-batch', 'deflate', true),
    ]);
    const off = await interleaved('off', messages, [
      await core('tp-core-off', 'off'),
      await core('tp-core-off-single', 'off', true),
      await bare('tp-bare-off', 'off'),
      await bare('tp-bare-off-batch', 'off', true),
    ]);
    const [sCore, sBare, sBareBatch] = shipped.rates as [number[], number[], number[]];
    const [oCore, oCoreSingle, oBare, oBareBatch] = off.rates as [number[], number[], number[], number[]];
    const [, oCoreSingleCpu, oBareCpu] = off.cpuUs as [number[], number[], number[], number[]];
    const method = `paused socket; a sender floods N messages (all acked by the server, so all broadcasts are written into the paused connection); resume and time until the client has handled N; ${ctx.sizes.repeats} repeats after a ${warmup}-message warm-up, every client interleaved.`;
    const wire =
      "The core announces `features=batch,zdict1` as shipped, so the server sends it what piled up for it as `batch` frames (up to 32 KiB); the bare ws client announces nothing and gets one frame per message, which it only JSON.parses. The 'same wire' figure gives the bare client the core's frames (it announces `batch` and counts each batch's messages).";
    const target = { on: 'ratio', op: '>=', limit: 0.8, text: '≥ 0.8× bare' } as const;
    figures.push(
      figure({
        id: 'throughput.core',
        section: 'throughput',
        name: `receive throughput, ${FRAME_BYTES}-byte chat JSON, as shipped (permessage-deflate)`,
        unit: 'msg/s',
        samples: sCore,
        baseline: { label: 'bare ws (deflate, single frames)', kind: 'measured', samples: sBare },
        target,
        note: `${method} Both negotiate permessage-deflate (${shipped.extensions || 'none'}), the core's and server's default; ${deflateMessages} per repeat; frames ~${frameSize} bytes. ${wire} Single frames are under ws's 1 KiB threshold and go uncompressed; the core's batches are compressed and inflated (bench/notes/compression.md).`,
        details: { frameBytes: frameSize, messagesPerRepeat: deflateMessages, extensions: shipped.extensions },
      }),
      figure({
        id: 'throughput.core.same-wire',
        section: 'throughput',
        name: `receive throughput, as shipped (permessage-deflate), bare ws on the same wire (batches)`,
        unit: 'msg/s',
        samples: sCore,
        baseline: { label: 'bare ws (deflate, batches)', kind: 'measured', samples: sBareBatch },
        target,
        note: `the core's samples of the figure above, against a bare ws client that announces \`batch\`: both get the same zlib-compressed batch frames; the bare client inflateSyncs each and JSON.parses it.`,
      }),
      figure({
        id: 'throughput.core-off',
        section: 'throughput',
        name: `receive throughput, ${FRAME_BYTES}-byte chat JSON, compression off`,
        unit: 'msg/s',
        samples: oCore,
        baseline: { label: 'bare ws (no deflate, single frames)', kind: 'measured', samples: oBare },
        target,
        note: `${method} Core compression 'off', bare ws perMessageDeflate false; ${messages} per repeat. ${wire} So this figure has the core on batches and the bare client on single frames; see the next two for the core without batching and the bare client with it.`,
        details: { frameBytes: frameSize, messagesPerRepeat: messages },
      }),
      figure({
        id: 'throughput.core-off.single',
        section: 'throughput',
        name: `receive throughput, compression off, one frame per message for both (the core's per-message cost)`,
        unit: 'msg/s',
        samples: oCoreSingle,
        baseline: { label: 'bare ws (no deflate, single frames)', kind: 'measured', samples: oBare },
        target,
        note: `as above, but the core connects without announcing \`features\`, so it gets one frame per message like the bare client: each frame is validated, deduplicated by id/seq, logged in order and reported (one \`entries\` event per socket read).`,
      }),
      figure({
        id: 'throughput.core-off.single.cpu',
        section: 'throughput',
        name: `CPU per message received, compression off, one frame per message for both`,
        unit: 'µs',
        samples: oCoreSingleCpu,
        baseline: { label: 'bare ws (no deflate, single frames)', kind: 'measured', samples: oBareCpu },
        note: "the drains of the figure above, in CPU time of the bench process (user + system, all threads: ws, the client, GC) per message; the server and the sender run in their own process. Less moved by other load than the rates; it includes the bench's 1 ms completion poll, for both alike. Lower is better (where the drain is CPU-bound, 0.8× the rate is 1.25× the CPU).",
      }),
      figure({
        id: 'throughput.core-off.same-wire',
        section: 'throughput',
        name: `receive throughput, compression off, bare ws on the same wire (batches)`,
        unit: 'msg/s',
        samples: oCore,
        baseline: { label: 'bare ws (no deflate, batches)', kind: 'measured', samples: oBareBatch },
        note: 'the core (batches) against a bare ws client that announces `batch` and only JSON.parses each batch and counts its messages.',
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
