/** The reference server on each of its stores, with three users, for the conversation tests. */
import type { TestContext } from 'node:test';
import type { ServerOptions } from '../../server/server';
import { startRedis } from '../scale/scale-kit';
import { testServer, type TestServer } from './server';

export const THREE = new Map([
  ['token-alice', 'alice'],
  ['token-bob', 'bob'],
  ['token-carol', 'carol'],
]);

/** A server on each store; Redis is started for the test and removed after it. */
export const STORES: Array<{ name: string; start(t: TestContext, extra?: Partial<ServerOptions>): Promise<TestServer> }> = [
  {
    name: 'memory',
    start: async (t, extra = {}) => {
      const srv = await testServer({ tokens: THREE, ...extra });
      t.after(() => srv.stop());
      return srv;
    },
  },
  {
    name: 'redis',
    start: async (t, extra = {}) => {
      const redis = await startRedis({ persistent: false });
      const srv = await testServer({ tokens: THREE, redisUrl: redis.url, ...extra });
      t.after(async () => {
        await srv.stop();
        await redis.dispose();
      });
      return srv;
    },
  },
];
