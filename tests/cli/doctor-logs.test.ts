/**
 * `doctor` says where the app's log files are (Electron's userData + /logs: $XDG_CONFIG_HOME/UOSChat/logs,
 * else ~/.config/UOSChat/logs), in text and --json. The server is a closed port: only that line matters here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../electron/cli/commands';

async function doctor(env: NodeJS.ProcessEnv, json: boolean): Promise<string> {
  const out: string[] = [];
  // No D-Bus: the monitor gives up at once instead of waiting for a bus.
  const io = {
    out: (l: string) => out.push(l),
    err: () => {},
    env: { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', ...env },
  };
  await runCli(['doctor', '--server', 'ws://127.0.0.1:9/ws/chat/', '--timeout', '1', ...(json ? ['--json'] : [])], io);
  return out.join('\n');
}

test('doctor prints where the logs are: ~/.config/UOSChat/logs, or under XDG_CONFIG_HOME', async () => {
  assert.match(
    await doctor({ HOME: '/home/li' }, false),
    /^ {2}App logs {7}\/home\/li\/\.config\/UOSChat\/logs \(attach them to a bug report\)$/m,
  );
  const json = JSON.parse(await doctor({ HOME: '/home/li', XDG_CONFIG_HOME: '/cfg' }, true)) as { logs: string };
  assert.equal(json.logs, '/cfg/UOSChat/logs');
});
