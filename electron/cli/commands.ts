/**
 * The headless CLI on the same core as the app. Output is one JSON object per
 * line on stdout; failures are one line of words on stderr and a non-zero exit.
 * Exit codes: 0 ok, 1 usage, 2 message refused/failed, 3 authentication failed,
 * 4 TLS problem, 5 unreachable or timed out (common.ts has the table by reason).
 */
import { parseArgs } from 'node:util';
import type { Reason } from '../common/errors';
import { FIELD_SPECS } from '../common/settings-fields';
import { CLI_FIELDS, commonOptions, exitCodeFor, optionSpec, UsageError, type CliIo } from './common';
import { CONVERSATION_VERBS } from './conversation-verbs';
import { formatDoctor, runDoctor } from './doctor';
import { history } from './history';
import { listen } from './listen';
import { act } from './act';
import { download } from './files';
import { send } from './send';

export { defaultDataDir, exitCodeFor, reasonLine, UsageError, type CliIo } from './common';

const settingsHelp = CLI_FIELDS.map((field) => {
  const { flag, flagValue, help } = FIELD_SPECS[field];
  return help ? `${flag} ${flagValue} (${help})` : `${flag} ${flagValue}`;
}).join(', ');

export const USAGE = `usage:
  uos-chat send   --server URL [--token T] [--data-dir DIR] [--timeout S] TEXT
  uos-chat send   --server URL [--token T] [--data-dir DIR] [--timeout S] --stdin   (one message per line)
  uos-chat listen --server URL [--token T] [--data-dir DIR] [--count N] [--timeout S]   (with DIR: resumes, prints only what is new)
  uos-chat history --server URL [--token T] [--data-dir DIR] [--search TEXT] [--limit N]   (stored messages)
  uos-chat doctor --server URL [--token T] [--json] [--timeout S]
Conversations (servers with the "conversations" feature; without --room or --to: lobby, as before):
  uos-chat send   … --room ID TEXT | --to USER TEXT      (--to: the DM with USER, made if there is none)
  uos-chat listen … --room ID | --to USER | --all        (every message line names its "room")
  uos-chat history … --room ID | --to USER
  uos-chat rooms  --server URL [--token T] [--json]      (one line per conversation: id, name, kind, unread, mentions, last)
  uos-chat join ROOM | leave ROOM | invite ROOM USER | read --room ID
  uos-chat create-room NAME [--private] [--members a,b]
Replies, edits and recalls (servers with "reply_to", "edit", "recall"; MSG: a seq, or an id as send printed it):
  uos-chat send … --reply-to MSG TEXT
  uos-chat edit MSG TEXT | recall MSG          (own messages; a recall only within the server's window)
  uos-chat receipts SEQ --room ID | --to USER  (who has read it, who has not: servers with "receipts")
Files (servers with "files"; an interrupted upload resumes with the same --data-dir):
  uos-chat send … --room ID --file PATH [--file PATH…] [TEXT]   (prints each attachment, then the message's ack)
  uos-chat download ATTACHMENT_ID --out PATH                     (the exact bytes; members of its conversation only)
Common options: ${settingsHelp}
Environment: ${CLI_FIELDS.map((field) => FIELD_SPECS[field].env).join(', ')}. Output: one JSON object per line.
Exit codes: 0 ok, 1 usage, 2 message refused or not a member (forbidden), 3 authentication failed, 4 TLS problem, 5 unreachable or timed out.`;

/** Resolves with the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'send') return await send(rest, io);
    if (command === 'listen') return await listen(rest, io);
    if (command === 'history') return await history(rest, io);
    if (command === 'edit' || command === 'recall') return await act(command, rest, io);
    if (command === 'doctor') return await doctor(rest, io);
    if (command === 'download') return await download(rest, io);
    const verb = command !== undefined && Object.hasOwn(CONVERSATION_VERBS, command) ? CONVERSATION_VERBS[command] : undefined;
    if (verb) return await verb(rest, io);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.out(USAGE);
      return command === undefined ? 1 : 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`uos-chat: ${(err as Error).message}\n${USAGE}`);
      return 1;
    }
    throw err;
  }
}

async function doctor(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: optionSpec, allowPositionals: false });
  const { config, timeoutMs, ca } = commonOptions(values, io.env, argv, io.err);
  const report = await runDoctor(config, timeoutMs, ca, io.env);
  io.out(values.json ? JSON.stringify(report) : formatDoctor(report));
  if (!report.ok) io.err(`uos-chat: the server cannot be used: ${report.websocket.words ?? 'unknown problem'}`);
  return report.ok ? 0 : report.websocket.reason ? exitCodeFor({ code: report.websocket.reason as Reason['code'] }) : 5;
}
