// `npm start`: build, start the reference server on 127.0.0.1 with dev tokens, then launch the app connected to it.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// The switches every launcher passes (build/desktop-entry.cjs explains each); Electron gets them too.
const { app: appMeta } = createRequire(import.meta.url)('./desktop-entry.cjs');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const say = (line) => console.log(`[start] ${line}`);

const built = spawnSync(process.execPath, ['build/build.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

// Dev tokens, made once and kept in .dev/ (git-ignored): one for the app, one for a second client.
const devDir = path.join(root, '.dev');
const tokensFile = path.join(devDir, 'tokens.json');
mkdirSync(devDir, { recursive: true });
if (!existsSync(tokensFile)) {
  const t = () => randomBytes(18).toString('base64url');
  writeFileSync(tokensFile, JSON.stringify({ [t()]: 'me', [t()]: 'friend' }, null, 2) + '\n', { mode: 0o600 });
}
const [appToken] = Object.keys(JSON.parse(readFileSync(tokensFile, 'utf8')));
const port = process.env.UOS_CHAT_PORT ?? '8765';

const server = spawn(
  process.execPath,
  ['--import', 'tsx', 'server/main.ts', '--port', port, '--tokens', tokensFile, '--data-dir', path.join(devDir, 'server-data')],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise((resolve, reject) => {
  const rl = createInterface({ input: server.stdout });
  rl.on('line', (l) => (l.startsWith('listening on ') ? resolve(l.slice(13)) : console.log(l)));
  server.on('exit', (code) => reject(new Error(`the reference server exited (${code}); is port ${port} in use? set UOS_CHAT_PORT`)));
}).catch((err) => {
  console.error(`[start] ${err.message}`);
  process.exit(1);
});
say(`reference server: ${url}`);
// Tokens are never printed; the hint reads the second one from the file.
say('talk to the app from a second client:');
say(`  UOS_CHAT_TOKEN=$(node -p "Object.keys(require('./.dev/tokens.json'))[1]") npm run -s cli -- send --server ${url} "你好"`);

let electronPath;
try {
  // The electron package downloads its binary on first use; that needs internet access.
  electronPath = createRequire(import.meta.url)('electron');
} catch (err) {
  console.error(`[start] The Electron binary is not available (${err.message.split('\n')[0]}).`);
  console.error('[start] On a machine with internet access `npm start` downloads it. The reference server keeps running; Ctrl+C stops it.');
  await new Promise((resolve) => server.on('exit', resolve));
  process.exit(1);
}

// Chromium refuses to start as root with its sandbox on; say so rather than fail silently.
const extra = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
if (extra.length) say('running as root: passing --no-sandbox to Electron');
const app = spawn(electronPath, [...appMeta.launchArgs, root, ...extra], {
  stdio: 'inherit',
  env: { ...process.env, UOS_CHAT_SERVER: url, UOS_CHAT_TOKEN: appToken },
});
const stop = () => server.kill('SIGTERM');
app.on('exit', (code) => {
  stop();
  process.exit(code ?? 0);
});
process.on('SIGINT', () => app.kill('SIGINT'));
process.on('SIGTERM', () => app.kill('SIGTERM'));
