/** `npm run cli -- send|listen …` (see commands.ts). */
import { runCli } from './commands';

runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  stdin: process.stdin,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`uos-chat: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 70;
  },
);
