/**
 * `uos-chat listen`: print status, machine and message lines as JSON until
 * --count messages arrived or --timeout passed. With --data-dir the account's history
 * is kept there: the next run resumes from its last seq and prints only what is new.
 * `--room ID` or `--to USER` listens to that conversation; `--all` to every conversation
 * of the user, over one connection. Then every message line names its `room`.
 */
import { parseArgs } from 'node:util';
import { describeReason } from '../common/words';
import { AccountDirectory, MemoryOutboxStore } from '../core/store';
import { ChatClient, type ClientConfig } from '../core/connection';
import { ConversationClients, roomOf } from '../core/conversations';
import type { MachineMonitor, MachineTarget } from '../core/desktop';
import {
  commonOptions,
  exitCodeFor,
  followMachine,
  changeLine,
  messageLine,
  optionSpec,
  reasonLine,
  statusLine,
  UsageError,
  type CliIo,
} from './common';
import { withDm } from './conversation-verbs';

/** What drives the run: one client, or the clients of every conversation. */
interface Listened {
  start(): Promise<unknown>;
  stop(): Promise<void>;
  /** The client the machine (D-Bus) drives: the one client, or each as it is made. */
  machineTargets(each: (client: ChatClient) => void): void;
}

export async function listen(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: optionSpec, allowPositionals: false });
  const common = commonOptions({ ...values, timeout: values.timeout ?? '10' }, io.env, argv, io.err);
  let count = Infinity;
  if (values.count !== undefined) {
    count = Number(values.count);
    if (!Number.isSafeInteger(count) || count <= 0) throw new UsageError('--count must be a positive whole number');
  }
  if (values.all === true && (values.room !== undefined || values.to !== undefined))
    throw new UsageError('give --all, --room or --to, not two');
  const configured = await withDm(common.config, values.to, common.timeoutMs, io);
  if (typeof configured === 'number') return configured;
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
  const dataDir = values['data-dir'];
  // The history only records: a first run prints what arrives from now on, not the room's past.
  const config = { ...configured, firstContactHistory: 0 };
  const accounts = dataDir ? new AccountDirectory({ base: dataDir }) : undefined;
  const named = values.room !== undefined || values.to !== undefined ? roomOf(config.url) : undefined;
  return run(io, { count, timeoutMs }, (print) =>
    values.all === true ? everyConversation(config, accounts, print, io) : oneRoom(config, accounts, print, named),
  );
}

type Print = (client: ChatClient, room: string | undefined) => void;

function oneRoom(
  config: Partial<ClientConfig> & { url: string },
  accounts: AccountDirectory | undefined,
  print: Print,
  room?: string,
): Listened {
  const stores = accounts ? { accounts } : { outboxStore: new MemoryOutboxStore() };
  const client = new ChatClient({ config, ...stores });
  print(client, room);
  return { start: () => client.start(), stop: () => client.stop(), machineTargets: (each) => each(client) };
}

function everyConversation(
  config: Partial<ClientConfig> & { url: string },
  accounts: AccountDirectory | undefined,
  print: Print,
  io: CliIo,
): Listened {
  const made: Array<(client: ChatClient) => void> = [];
  const clients = new ConversationClients({
    config,
    ...(accounts ? { accounts } : {}),
    onClient: (conv, client) => {
      print(client, conv);
      made.forEach((each) => each(client));
    },
  });
  clients.on('ready', ({ multi }) => io.out(JSON.stringify({ event: 'conversations', multi, count: clients.link.list.all().length })));
  // Read status as the server pushes it (feature receipts): one line per member who read further.
  clients.link.on('event', (e) => {
    if (e.type !== 'receipts' || e.ref !== undefined) return;
    for (const [user, seq] of Object.entries(e.read))
      if (user !== clients.link.user) io.out(JSON.stringify({ event: 'read', room: e.conv, user, seq }));
  });
  return {
    start: () =>
      clients.start().then(
        () => clients.followAll(),
        (why) => io.err(`uos-chat: ${reasonLine(why)}`),
      ),
    stop: () => clients.stop(),
    machineTargets: (each) => made.push(each),
  };
}

function run(io: CliIo, limits: { count: number; timeoutMs: number | undefined }, make: (print: Print) => Listened): Promise<number> {
  let machine: MachineMonitor | undefined;
  let listened: Listened | undefined;
  return new Promise<number>((resolve) => {
    let seen = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (code: number, line?: string) => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      if (line) io.err(line);
      void Promise.allSettled([listened?.stop(), machine?.stop()]).then(() => resolve(code));
    };
    if (limits.timeoutMs !== undefined)
      timer = setTimeout(
        () => finish(5, `uos-chat: timed out after ${limits.timeoutMs! / 1000} s with ${seen} message(s)`),
        limits.timeoutMs,
      );
    const print: Print = (client, room) => {
      const about = room !== undefined ? { room } : {};
      client.on('status', (s) => {
        io.out(JSON.stringify({ ...statusLine(s), ...about }));
        if (s.connection.kind === 'auth-failed') finish(exitCodeFor(s.connection.reason), `uos-chat: ${reasonLine(s.connection.reason)}`);
      });
      // Messages already printed: a later entry for one is an edit or a recall of it.
      const printed = new Set<string>();
      client.on('entries', (entries) => {
        for (const e of entries) {
          if (e.kind === 'marker') io.out(JSON.stringify({ event: 'marker', marker: e.marker, timestamp: e.timestamp, ...about }));
          else if (printed.has(e.key)) {
            const change = changeLine(e, room);
            if (change) io.out(JSON.stringify(change));
          } else if (!e.own && seen < limits.count) {
            io.out(JSON.stringify(messageLine(e, room)));
            printed.add(e.key);
            seen += 1;
          }
        }
        if (seen >= limits.count) finish(0);
      });
      client.on('problem', (p) =>
        io.out(JSON.stringify({ event: 'problem', reason: p.code, words: describeReason(p.code), detail: p.detail, ...about })),
      );
    };
    listened = make(print);
    // Network and power-save changes arrive as status lines too (the monitor drives each client).
    void startMachine(listened, io).then((m) => {
      machine = m;
      return listened!.start();
    });
  });
}

async function startMachine(listened: Listened, io: CliIo): Promise<MachineMonitor> {
  const machine = await followMachine(fanOut(listened));
  const snap = machine.snapshot();
  io.out(
    JSON.stringify({ event: 'machine', sources: snap.sources, network: snap.network, powerSave: snap.powerSave, problems: snap.problems }),
  );
  return machine;
}

/** What the machine says goes to every client, and to each one made later (with what was said so far). */
function fanOut(listened: Listened): MachineTarget {
  const clients: ChatClient[] = [];
  let network: Parameters<MachineTarget['setNetwork']>[0] | undefined;
  let powerSave = false;
  let asleep = false;
  listened.machineTargets((client) => {
    clients.push(client);
    if (network !== undefined) client.setNetwork(network);
    if (powerSave) client.setPowerSave(true);
    if (asleep) client.suspend();
  });
  return {
    setNetwork: (n) => {
      network = n;
      clients.forEach((c) => c.setNetwork(n));
    },
    setPowerSave: (on) => {
      powerSave = on;
      clients.forEach((c) => c.setPowerSave(on));
    },
    suspend: () => {
      asleep = true;
      clients.forEach((c) => c.suspend());
    },
    resume: () => {
      asleep = false;
      clients.forEach((c) => c.resume());
    },
  };
}
