/**
 * WebSocket-level pings: a client that has not answered the previous ping (nor
 * sent anything) by the next one is gone without a close, and is terminated.
 */
import type { ServerContext } from './context';

/** Starts pinging every `pingIntervalMs` (0: never); returns the stop function. */
export function startLiveness(ctx: ServerContext): () => void {
  const { pingIntervalMs } = ctx.options;
  if (pingIntervalMs <= 0) return () => undefined;
  const pinger = setInterval(() => {
    for (const c of ctx.clients) {
      if (!c.alive) {
        ctx.options.log(`user ${c.user}: no pong, terminating`);
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }, pingIntervalMs);
  pinger.unref();
  return () => clearInterval(pinger);
}
