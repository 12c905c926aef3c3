/**
 * Files from the command line (feature `files`): `send --file PATH [--file PATH…] [TEXT]` uploads
 * each file into the conversation (resuming an interrupted upload with the same --data-dir) and
 * prints its attachment, then sends the message naming them; `download ID --out PATH` writes the
 * exact bytes. Both go through the same proxy and CAs as the chat connection.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Features } from '../../protocol/features';
import { reason, type Reason } from '../common/errors';
import type { ConnectionState } from '../common/state';
import type { ChatClient, ClientConfig } from '../core/connection';
import { roomOf } from '../core/conversations';
import { FileTransfer, hashFile, TransferError, UploadJournal } from '../core/files';
import { commonOptions, exitCodeFor, optionSpec, reasonLine, UsageError, type CliIo } from './common';

type Config = Partial<ClientConfig> & { url: string };

/**
 * Uploads `files` into the conversation `config` names, once the server has said it takes files.
 * Resolves with the attachment ids, or the reason none can be sent.
 */
export async function uploadAll(
  client: ChatClient,
  config: Config,
  files: string[],
  dataDir: string,
  timeoutMs: number,
  io: CliIo,
): Promise<string[] | Reason> {
  const state = await connected(client, timeoutMs);
  if ('code' in state) return state;
  if (!state.features.includes(Features.files)) return reason('FILES_UNSUPPORTED', 'the server does not announce "files"');
  const transfer = new FileTransfer({ config, journal: new UploadJournal(path.join(dataDir, 'uploads.json')), timeoutMs });
  const ids: string[] = [];
  for (const file of files) {
    try {
      const a = await transfer.upload(roomOf(config.url), file);
      io.out(JSON.stringify({ event: 'uploaded', file, ...a }));
      ids.push(a.id);
    } catch (err) {
      if (err instanceof TransferError) return { ...err.reason, detail: `${path.basename(file)}: ${err.reason.detail ?? ''}` };
      throw err;
    }
  }
  return ids;
}

/** The connected state (with the server's features), or why there is none within the time. */
function connected(client: ChatClient, timeoutMs: number): Promise<Extract<ConnectionState, { kind: 'connected' }> | Reason> {
  return new Promise((resolve) => {
    const check = (c: ConnectionState) => {
      if (c.kind === 'connected') done(c);
      else if (c.kind === 'auth-failed') done(c.reason);
    };
    const timer = setTimeout(() => done(reason('TIMEOUT', `not connected within ${timeoutMs / 1000} s`)), timeoutMs);
    const off = client.on('status', (s) => check(s.connection));
    const done = (v: Extract<ConnectionState, { kind: 'connected' }> | Reason) => {
      clearTimeout(timer);
      off();
      resolve(v);
    };
    check(client.status().connection);
  });
}

/** `uos-chat download ID --out PATH`: the exact bytes, through PATH.part; prints the size and SHA-256. */
export async function download(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: optionSpec, allowPositionals: true });
  const [id] = positionals;
  if (!id || positionals.length > 1) throw new UsageError('download needs one attachment id (as send or listen printed it)');
  if (!values.out) throw new UsageError('download needs --out PATH');
  const { config, timeoutMs } = commonOptions(values, io.env, argv, io.err);
  const out = path.resolve(values.out);
  try {
    const size = await new FileTransfer({ config, timeoutMs }).download(id, out);
    io.out(JSON.stringify({ event: 'downloaded', id, out, size, sha256: await hashFile(out) }));
    return 0;
  } catch (err) {
    if (!(err instanceof TransferError)) throw err;
    io.err(`uos-chat: ${reasonLine(err.reason)}`);
    return exitCodeFor(err.reason);
  }
}
