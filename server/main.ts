/**
 * `npm run server -- --port N --tokens FILE [--data-dir DIR | --redis URL] [--echo] …`
 * Prints one line `listening on ws://…` on stdout when ready; logs go to stderr.
 * `npm run -s server -- users add|list|revoke …` manages the users file (server/users-cli.ts).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultServerOptions, startChatServer, type ServerOptions } from './server';

const MB = 1024 * 1024;
import { s3TargetOf } from './s3-blob-store';
import { runUsers } from './users-cli';
import { loadUsers } from './users';

const HELP = `UOS Chat reference server

  --host H            listen address (default 127.0.0.1)
  --port N            port (default 8765; 0 picks a free one)
  --tokens FILE       users file (written by "users add", tokens kept as SHA-256
                      hashes) or an old plain token file: JSON {"token":"user"} or
                      lines "token user" (also: env UOS_CHAT_TOKENS=token:user,…)
  --data-dir DIR      keep rooms (seq, history, dedup) on disk across restarts
  --redis URL         keep rooms in Redis instead, shared by every server started
                      with the same URL (redis://[:password@]host:port[/db] or
                      rediss:// for TLS; also: env UOS_CHAT_REDIS). See docs/DEPLOY.md
  --history N         messages kept per room for resume (default 1000)
  --rate-limit N/S    messages per seconds per connection (default 100/60)
  --recall-window S   seconds after sending that a message may be recalled
                      (default 120)
  --max-connections N per token (default 20)
  --max-file-mb N     largest file a user may upload, in MB (default 100)
  --file-quota-mb N   files one user may keep, in MB (default 2048). Files live
                      under --data-dir/files (else a temporary directory); with
                      --redis, files are not offered yet
  --s3 URL            keep complete files in an S3-compatible store instead:
                      http(s)://KEY:SECRET@host:port/bucket[/prefix][?region=R]
                      (also: env UOS_CHAT_S3; without KEY:SECRET, AWS_ACCESS_KEY_ID
                      and AWS_SECRET_ACCESS_KEY)
  --origin URL        allowed browser Origin (repeatable; default: any)
  --echo              answer each chat_message with a chat_response
  --compression MODE  deflate (permessage-deflate, default) | zlib (binary zlib
                      frames to every client) | off
  --tls-cert FILE     serve wss:// with this certificate (PEM) …
  --tls-key FILE      … and this key

users add NAME --tokens FILE [--display "名字"]
                      add a user (or another token for one); prints the new token
                      once, alone on the last line of stdout (use npm run -s)
users list --tokens FILE
                      users with display names and token counts (no secrets)
users revoke NAME --tokens FILE
                      remove every token of NAME
                      (the server reads the file at start: restart it to apply)
`;

const FLAGS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '8765' },
  tokens: { type: 'string' },
  'data-dir': { type: 'string' },
  redis: { type: 'string' },
  history: { type: 'string' },
  'rate-limit': { type: 'string' },
  'recall-window': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-file-mb': { type: 'string' },
  'file-quota-mb': { type: 'string' },
  s3: { type: 'string' },
  origin: { type: 'string', multiple: true },
  echo: { type: 'boolean', default: false },
  compression: { type: 'string', default: 'deflate' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

type Flags = ReturnType<typeof parseFlags>;

function parseFlags() {
  return parseArgs({ options: FLAGS }).values;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'users') {
    process.exitCode = runUsers(process.argv.slice(3));
    return;
  }
  const values = parseFlags();
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const server = await startChatServer(serverOptions(values));
  process.stdout.write(`listening on ${server.url}\n`);
  const shutdown = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** The flags as server options; a bad value throws with words for the command line. */
function serverOptions(values: Flags): Partial<ServerOptions> {
  const { tokens, users } = loadUsers(values.tokens, process.env.UOS_CHAT_TOKENS);
  if (tokens.size === 0) throw new Error('no tokens: give --tokens FILE (see "users add") or UOS_CHAT_TOKENS=token:user');
  const int = (name: string, v: string | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  let rateLimit = { messages: 100, windowMs: 60_000 };
  if (values['rate-limit']) {
    const m = /^(\d+)\/(\d+)$/.exec(values['rate-limit']);
    if (!m) throw new Error('--rate-limit must look like 100/60 (messages/seconds)');
    rateLimit = { messages: Number(m[1]), windowMs: Number(m[2]) * 1000 };
  }
  const compression = values.compression as string;
  if (!['deflate', 'zlib', 'off'].includes(compression)) throw new Error('--compression must be deflate, zlib or off');
  const tls = tlsFiles(values);
  const redisUrl = values.redis ?? process.env.UOS_CHAT_REDIS;
  const s3Url = values.s3 ?? process.env.UOS_CHAT_S3;
  if (redisUrl !== undefined && !/^rediss?:\/\/./.test(redisUrl)) throw new Error('--redis must be a redis:// or rediss:// URL');
  if (redisUrl && values['data-dir']) throw new Error('--redis and --data-dir exclude each other: with Redis, Redis keeps the rooms');
  return {
    host: values.host,
    port: int('port', values.port, 8765),
    tokens,
    users,
    rateLimit,
    historyLimit: int('history', values.history, 1000),
    recallWindowMs: int('recall-window', values['recall-window'], 120) * 1000,
    maxConnectionsPerToken: int('max-connections', values['max-connections'], 20),
    files: {
      ...defaultServerOptions.files,
      maxFileBytes: int('max-file-mb', values['max-file-mb'], 100) * MB,
      quotaBytes: int('file-quota-mb', values['file-quota-mb'], 2048) * MB,
    },
    echo: values.echo,
    compression: compression as 'deflate' | 'zlib' | 'off',
    ...(tls ? { tls } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(s3Url ? { s3: s3TargetOf(s3Url) } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    ...(values.origin ? { allowedOrigins: values.origin } : {}),
  };
}

function tlsFiles(values: Flags): ServerOptions['tls'] {
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new Error('--tls-cert and --tls-key go together');
  const readPem = (flag: string, file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`${flag} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  return values['tls-cert'] && values['tls-key']
    ? { cert: readPem('--tls-cert', values['tls-cert']), key: readPem('--tls-key', values['tls-key']) }
    : undefined;
}

main().catch((err: Error) => {
  process.stderr.write(`uos-chat-server: ${err.message}\n`);
  process.exit(2);
});
