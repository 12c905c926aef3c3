/**
 * The launcher (build/launcher/uos-chat), run by dash exactly as installed: an app directory with
 * bin/uos-chat, the uos-chat -> bin/uos-chat link electron-builder's entries point at, and a fake
 * `uos-chat-electron` that prints its argv and UOS_CHAT_LAUNCH. The user-namespace probe is steered by PATH
 * (a fake `unshare` that succeeds or fails, or none at all) and, without unshare, by UOS_CHAT_PROC_SYS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLaunchInfo } from '../../electron/core/desktop/launch-flags';

const root = path.resolve(__dirname, '../..');
const launcherSource = path.join(root, 'build/launcher/uos-chat');
const DASH = '/bin/dash';
/** What the launcher runs besides shell builtins (resolved on this machine, linked into a private PATH). */
const TOOLS = ['readlink', 'dirname', 'find', 'cat'];

interface Setup {
  unshare?: 'ok' | 'denied' | 'absent';
  helper?: 'setuid-root' | 'plain' | 'absent';
  flagsFile?: string;
  procSys?: { unprivileged_userns_clone?: string; max_user_namespaces?: string };
}

interface Launch {
  argv: string[];
  launch: Record<string, string>;
  stderr: string;
  probeCalls: string[];
  marker: string | undefined;
  /** UOS_CHAT_LAUNCHER as Electron got it (the autostart entry's Exec). */
  launcher: string | undefined;
}

function which(tool: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${tool} is needed on this machine`);
  return r.stdout.trim();
}

/** An installed-looking app dir, a PATH with only what we allow, and a home with an optional flags file. */
function install(setup: Setup): { dir: string; env: NodeJS.ProcessEnv; entry: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-launcher-'));
  const app = path.join(dir, 'opt/UOSChat');
  mkdirSync(path.join(app, 'bin'), { recursive: true });
  copyFileSync(launcherSource, path.join(app, 'bin/uos-chat'));
  chmodSync(path.join(app, 'bin/uos-chat'), 0o755);
  symlinkSync('bin/uos-chat', path.join(app, 'uos-chat'));
  // The fake Electron: one line per argument, then what the launcher decided and a variable passed through.
  writeFileSync(
    path.join(app, 'uos-chat-electron'),
    '#!/bin/sh\nfor a in "$@"; do printf \'ARG:%s\\n\' "$a"; done\nprintf \'LAUNCH:%s\\n\' "$UOS_CHAT_LAUNCH"\nprintf \'MARKER:%s\\n\' "$TEST_MARKER"\nprintf \'LAUNCHER:%s\\n\' "$UOS_CHAT_LAUNCHER"\n',
    { mode: 0o755 },
  );
  if (setup.helper && setup.helper !== 'absent') {
    const helper = path.join(app, 'chrome-sandbox');
    writeFileSync(helper, '#!/bin/sh\nexit 0\n');
    if (setup.helper === 'setuid-root') chownSync(helper, 0, 0);
    chmodSync(helper, setup.helper === 'setuid-root' ? 0o4755 : 0o755);
  }
  // /usr/bin/uos-chat -> /etc/alternatives/uos-chat -> /opt/UOSChat/uos-chat -> bin/uos-chat, as dpkg leaves it.
  mkdirSync(path.join(dir, 'usr/bin'), { recursive: true });
  mkdirSync(path.join(dir, 'etc/alternatives'), { recursive: true });
  symlinkSync(path.join(app, 'uos-chat'), path.join(dir, 'etc/alternatives/uos-chat'));
  symlinkSync(path.join(dir, 'etc/alternatives/uos-chat'), path.join(dir, 'usr/bin/uos-chat'));

  const pathDir = path.join(dir, 'path');
  mkdirSync(pathDir);
  for (const t of TOOLS) symlinkSync(which(t), path.join(pathDir, t));
  if (setup.unshare !== 'absent') {
    const code = setup.unshare === 'denied' ? 1 : 0;
    writeFileSync(path.join(pathDir, 'unshare'), `#!/bin/sh\necho "$*" >> '${dir}/probe-calls'\nexit ${code}\n`, { mode: 0o755 });
  }
  const home = path.join(dir, 'home');
  mkdirSync(path.join(home, '.config'), { recursive: true });
  if (setup.flagsFile !== undefined) writeFileSync(path.join(home, '.config/uos-chat-flags.conf'), setup.flagsFile);
  const env: NodeJS.ProcessEnv = { PATH: pathDir, HOME: home, TEST_MARKER: 'passed-through' };
  if (setup.procSys) {
    const sys = path.join(dir, 'proc-sys');
    mkdirSync(path.join(sys, 'kernel'), { recursive: true });
    mkdirSync(path.join(sys, 'user'), { recursive: true });
    const { unprivileged_userns_clone: clone, max_user_namespaces: max } = setup.procSys;
    if (clone !== undefined) writeFileSync(path.join(sys, 'kernel/unprivileged_userns_clone'), `${clone}\n`);
    if (max !== undefined) writeFileSync(path.join(sys, 'user/max_user_namespaces'), `${max}\n`);
    env.UOS_CHAT_PROC_SYS = sys;
  }
  return { dir, env, entry: path.join(app, 'uos-chat') };
}

function launch(setup: Setup, env: NodeJS.ProcessEnv, args: string[] = [], via: 'entry' | 'usr-bin' = 'entry'): Launch {
  const inst = install(setup);
  const target = via === 'entry' ? inst.entry : path.join(inst.dir, 'usr/bin/uos-chat');
  const r = spawnSync(DASH, [target, ...args], { encoding: 'utf8', env: { ...inst.env, ...env }, timeout: 10_000 });
  assert.equal(r.status, 0, `launcher exit ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  const lines = r.stdout.split('\n');
  const launchLine = lines.find((l) => l.startsWith('LAUNCH:'))?.slice(7) ?? '';
  let probeCalls: string[] = [];
  try {
    probeCalls = readFileSync(path.join(inst.dir, 'probe-calls'), 'utf8').trim().split('\n');
  } catch {
    /* the probe never ran */
  }
  return {
    argv: lines.filter((l) => l.startsWith('ARG:')).map((l) => l.slice(4)),
    launch: Object.fromEntries(launchLine.split(',').map((kv) => kv.split('=') as [string, string])),
    stderr: r.stderr,
    probeCalls,
    marker: lines.find((l) => l.startsWith('MARKER:'))?.slice(7),
    launcher: lines.find((l) => l.startsWith('LAUNCHER:'))?.slice(9),
  };
}

const X11_DEEPIN = { XDG_SESSION_TYPE: 'x11', XDG_CURRENT_DESKTOP: 'Deepin' };
const WAYLAND_DEEPIN = { XDG_SESSION_TYPE: 'wayland', XDG_CURRENT_DESKTOP: 'Deepin' };

test('the launcher is POSIX sh: dash parses it and shellcheck (sh dialect) finds nothing', (t) => {
  const n = spawnSync(DASH, ['-n', launcherSource], { encoding: 'utf8' });
  assert.equal(n.status, 0, n.stderr);
  const sc = spawnSync('shellcheck', ['-s', 'sh', launcherSource], { encoding: 'utf8' });
  if (sc.error) return t.skip('shellcheck not installed (.ci/run installs it)');
  assert.equal(sc.status, 0, sc.stdout);
});

test('X11 session: Electron picks the backend itself; user namespaces work: the namespace sandbox', () => {
  const r = launch({ unshare: 'ok' }, X11_DEEPIN, ['--server', 'ws://h/ws/chat/']);
  assert.deepEqual(r.argv, ['--server', 'ws://h/ws/chat/']);
  assert.deepEqual(r.launch, { ozone: 'auto', ozone_by: 'electron', sandbox: 'namespace', sandbox_by: 'userns', probe: 'unshare' });
  assert.deepEqual(r.probeCalls, ['--user --map-root-user true'], 'probes by creating a user namespace and mapping root');
  assert.equal(r.marker, 'passed-through', 'the environment reaches Electron');
  assert.equal(r.stderr, '');
});

test("--hidden (the autostart entry) is passed through, also from /usr/bin; main learns the launcher's own path for that entry", () => {
  for (const via of ['entry', 'usr-bin'] as const) {
    const r = launch({ unshare: 'ok' }, X11_DEEPIN, ['--hidden'], via);
    assert.deepEqual(r.argv, ['--hidden'], via);
    assert.match(r.launcher ?? '', /\/opt\/UOSChat\/bin\/uos-chat$/, `${via}: the resolved launcher, not a link`);
  }
});

test('Wayland session on deepin/UOS (Deepin, DDE): --ozone-platform=x11 before anything else', () => {
  for (const desktop of ['Deepin', 'DDE', 'deepin:GNOME']) {
    const r = launch({ unshare: 'ok' }, { XDG_SESSION_TYPE: 'wayland', XDG_CURRENT_DESKTOP: desktop }, ['a']);
    assert.deepEqual(r.argv, ['--ozone-platform=x11', 'a'], desktop);
    assert.equal(r.launch.ozone, 'x11');
    assert.equal(r.launch.ozone_by, 'deepin-wayland');
  }
  const gnome = launch({ unshare: 'ok' }, { XDG_SESSION_TYPE: 'wayland', XDG_CURRENT_DESKTOP: 'GNOME' });
  assert.deepEqual(gnome.argv, [], 'elsewhere Electron keeps its default');
  assert.equal(gnome.launch.ozone, 'auto');
});

test('Wayland opt-in (UOS_CHAT_WAYLAND=1 or --wayland): wayland with the Wayland IME; --wayland is not passed on', () => {
  const byEnv = launch({ unshare: 'ok' }, { ...WAYLAND_DEEPIN, UOS_CHAT_WAYLAND: '1' });
  assert.deepEqual(byEnv.argv, ['--ozone-platform=wayland', '--enable-wayland-ime']);
  assert.equal(byEnv.launch.ozone_by, 'opt-in');
  const byFlag = launch({ unshare: 'ok' }, WAYLAND_DEEPIN, ['--wayland', 'x']);
  assert.deepEqual(byFlag.argv, ['--ozone-platform=wayland', '--enable-wayland-ime', 'x']);
  assert.equal(byFlag.launch.ozone, 'wayland');
  // The menu entry carries no switch any more, so the opt-in works from the menu too (it used to carry x11).
  const own = launch({ unshare: 'ok' }, WAYLAND_DEEPIN, ['--ozone-platform=wayland']);
  assert.deepEqual(own.argv, ['--ozone-platform=wayland'], "a person's own --ozone-platform: nothing added");
  assert.deepEqual([own.launch.ozone, own.launch.ozone_by], ['wayland', 'flag']);
});

test('flags file (comments, blank lines, spaces) then UOS_CHAT_FLAGS then the command line, after the launcher switches', () => {
  const flagsFile =
    '# my flags\n\n   --enable-features=WaylandWindowDecorations  \n\t# indented comment\n--lang=zh-CN\n--title=a b\n--no-trailing-newline';
  const r = launch({ unshare: 'ok', flagsFile }, { ...WAYLAND_DEEPIN, UOS_CHAT_FLAGS: '--foo  --bar=*' }, ['--cli']);
  assert.deepEqual(r.argv, [
    '--ozone-platform=x11',
    '--enable-features=WaylandWindowDecorations',
    '--lang=zh-CN',
    '--title=a b',
    '--no-trailing-newline',
    '--foo',
    '--bar=*',
    '--cli',
  ]);
  const fromFile = launch({ unshare: 'ok', flagsFile: '--wayland\n' }, WAYLAND_DEEPIN);
  assert.deepEqual(fromFile.argv, ['--ozone-platform=wayland', '--enable-wayland-ime'], '--wayland works from the flags file');
  const xdg = install({ unshare: 'ok' });
  mkdirSync(path.join(xdg.dir, 'xdg'));
  writeFileSync(path.join(xdg.dir, 'xdg/uos-chat-flags.conf'), '--from-xdg\n');
  const r2 = spawnSync(DASH, [xdg.entry], {
    encoding: 'utf8',
    env: { ...xdg.env, XDG_CONFIG_HOME: path.join(xdg.dir, 'xdg') },
    timeout: 10_000,
  });
  assert.match(r2.stdout, /^ARG:--from-xdg$/m, 'XDG_CONFIG_HOME is honoured');
});

test('user namespaces denied, setuid-root chrome-sandbox present (plain deb): the setuid sandbox', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to make a root-owned setuid file');
  const r = launch({ unshare: 'denied', helper: 'setuid-root' }, X11_DEEPIN, [], 'usr-bin');
  assert.deepEqual(r.argv, []);
  assert.deepEqual([r.launch.sandbox, r.launch.sandbox_by], ['setuid', 'chrome-sandbox']);
  // An AppImage is mounted nosuid: there the helper never counts.
  const appImage = launch({ unshare: 'denied', helper: 'setuid-root' }, { ...X11_DEEPIN, APPIMAGE: '/tmp/x.AppImage' });
  assert.equal(appImage.launch.sandbox, 'none');
});

test('user namespaces denied, no usable setuid helper (UOS store package): --no-sandbox, said in words', () => {
  for (const helper of ['absent', 'plain'] as const) {
    const r = launch({ unshare: 'denied', helper }, X11_DEEPIN, ['--x'], 'usr-bin');
    assert.deepEqual(r.argv, ['--no-sandbox', '--x'], helper);
    assert.deepEqual([r.launch.sandbox, r.launch.sandbox_by], ['none', 'no-userns']);
    assert.match(r.stderr, /disables user namespaces.*--no-sandbox/);
    const info = readLaunchInfo({
      UOS_CHAT_LAUNCH: Object.entries(r.launch)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    });
    assert.ok(info.viaLauncher && info.sandbox === 'none' && info.sandboxBy === 'no-userns', 'main reads it back');
  }
});

test('--no-sandbox given: not doubled; the reason is the system when namespaces are denied (AppImage AppRun adds it)', () => {
  const denied = launch({ unshare: 'denied' }, X11_DEEPIN, ['--no-sandbox']);
  assert.deepEqual(denied.argv, ['--no-sandbox']);
  assert.deepEqual([denied.launch.sandbox, denied.launch.sandbox_by], ['none', 'no-userns']);
  const chosen = launch({ unshare: 'ok' }, X11_DEEPIN, ['--no-sandbox']);
  assert.deepEqual([chosen.launch.sandbox, chosen.launch.sandbox_by], ['none', 'flag']);
});

test('without unshare, the sysctls decide (Debian unprivileged_userns_clone, max_user_namespaces)', () => {
  const cases: Array<[Setup['procSys'], string]> = [
    [{ unprivileged_userns_clone: '0', max_user_namespaces: '15000' }, 'none'],
    [{ unprivileged_userns_clone: '1', max_user_namespaces: '0' }, 'none'],
    [{ max_user_namespaces: '0' }, 'none'],
    [{ unprivileged_userns_clone: '1', max_user_namespaces: '15000' }, 'namespace'],
    [{ max_user_namespaces: '15000' }, 'namespace'],
    [{}, 'none'], // nothing to read: do not guess that it works
  ];
  for (const [procSys, sandbox] of cases) {
    const r = launch({ unshare: 'absent', procSys }, X11_DEEPIN);
    assert.equal(r.launch.sandbox, sandbox, JSON.stringify(procSys));
    assert.equal(r.launch.probe, 'proc');
    assert.deepEqual(r.probeCalls, []);
  }
});
