/**
 * Electron security checklist, item by item, on the real built dist/electron/main.js
 * run with the stand-in electron module (see main-preload.test.ts; a module loads
 * once per process, hence this separate file), plus the static scanner
 * @doyensec/electronegativity over dist/ with every finding triaged below.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { InvokeChannels } from '../../electron/common/contract';
import { CONTENT_SECURITY_POLICY } from '../../electron/common/csp';
import { FakeWebContents } from '../helpers/fake-electron';
import { bootStandIn, ROOT, type StandIn } from '../helpers/standin';

let s: StandIn;
before(async () => {
  s = await bootStandIn();
});
after(() => s?.stop());

const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom('file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'about:blank', 'chrome://gpu', 'app://x'),
);

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? jsFiles(path.join(dir, d.name)) : d.name.endsWith('.js') ? [path.join(dir, d.name)] : [],
  );
}

test('context isolation, sandbox, no node integration, web security on (every window)', () => {
  assert.ok(s.fake.windows.length >= 1);
  for (const w of s.fake.windows) {
    const p = w.options.webPreferences;
    assert.equal(p.contextIsolation, true, 'contextIsolation');
    assert.equal(p.sandbox, true, 'sandbox');
    assert.equal(p.nodeIntegration, false, 'nodeIntegration');
    assert.equal(p.nodeIntegrationInWorker, false, 'nodeIntegrationInWorker');
    assert.equal(p.nodeIntegrationInSubFrames, false, 'nodeIntegrationInSubFrames');
    assert.equal(p.webSecurity, true, 'webSecurity');
    assert.equal(p.allowRunningInsecureContent, false, 'allowRunningInsecureContent');
    assert.equal(p.webviewTag, false, 'webviewTag');
    assert.notEqual(p.experimentalFeatures, true, 'experimentalFeatures');
    assert.equal(p.enableBlinkFeatures, undefined, 'enableBlinkFeatures');
  }
});

test('no @electron/remote: not a dependency, not required anywhere in dist/', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    assert.ok(!Object.keys(pkg[field] ?? {}).some((d) => /remote/.test(d)), `${field} has no remote module`);
  }
  const files = jsFiles(path.join(ROOT, 'dist'));
  assert.ok(files.length >= 3);
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    assert.doesNotMatch(
      src,
      /@electron\/remote|require\(["']remote["']\)|enableRemoteModule\s*:\s*true|\.remote\.require/,
      path.relative(ROOT, f),
    );
  }
});

test('the permission request and check handlers deny everything by default', () => {
  const permissions = fc.oneof(
    fc.constantFrom(
      'media',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'pointerLock',
      'fullscreen',
      'openExternal',
      'clipboard-read',
      'clipboard-sanitized-write',
      'display-capture',
      'hid',
      'serial',
      'usb',
      'idle-detection',
      'keyboardLock',
      'fileSystem',
      'window-management',
      'unknown',
    ),
    fc.string({ maxLength: 20 }),
  );
  let n = 0;
  fc.assert(
    fc.property(permissions, url, (permission, origin) => {
      n += 1;
      let granted: unknown = 'not called';
      s.fake.session.permissionRequestHandler!({}, permission, (ok: boolean) => (granted = ok));
      assert.equal(granted, false, `request ${permission}`);
      assert.equal(s.fake.session.permissionCheckHandler!({}, permission, origin, {}), false, `check ${permission}`);
    }),
    { numRuns: 200 },
  );
  process.stdout.write(`# checklist: permission handler: ${n} cases\n`);
});

test('will-navigate, will-redirect and will-attach-webview are blocked; new windows are denied (any URL)', () => {
  const wcs = [s.fake.windows[0]!.webContents];
  // Any web contents the app ever creates is hardened the same way (web-contents-created).
  const extra = new FakeWebContents();
  s.fake.app.emit('web-contents-created', {}, extra);
  wcs.push(extra);
  let n = 0;
  fc.assert(
    fc.property(url, fc.constantFrom('default', 'foreground-tab', 'background-tab', 'new-window', 'other'), (target, disposition) => {
      n += 1;
      for (const wc of wcs) {
        assert.equal(wc.fireCancellable('will-navigate', target), true, `will-navigate ${target}`);
        assert.equal(wc.fireCancellable('will-redirect', target), true, `will-redirect ${target}`);
        assert.equal(wc.fireCancellable('will-attach-webview', {}, { src: target }), true);
        assert.deepEqual(wc.windowOpenHandler?.({ url: target, disposition } as never), { action: 'deny' });
      }
    }),
    { numRuns: 200 },
  );
  process.stdout.write(`# checklist: navigation/window-open: ${n} cases\n`);
});

test('the CSP header is set on every response and forbids inline script and eval', () => {
  let headers: Record<string, string[]> | undefined;
  s.fake.session.headersHandler!({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
  assert.deepEqual(headers?.['Content-Security-Policy'], [CONTENT_SECURITY_POLICY]);
  assert.deepEqual(headers?.['X-Other'], ['1']);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/);
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
  assert.match(CONTENT_SECURITY_POLICY, /object-src 'none'/);
});

test('no shell.openExternal (nor other shell access) anywhere in dist/electron, but the one openPath of the log folder and the one showItemInFolder of a download', () => {
  const files = readdirSync(path.join(ROOT, 'dist/electron')).filter((f) => f.endsWith('.js'));
  assert.deepEqual(files.sort(), ['main.js', 'preload.js']);
  for (const f of files) {
    const src = readFileSync(path.join(ROOT, 'dist/electron', f), 'utf8');
    assert.doesNotMatch(src, /openExternal|shell\.trashItem/, `${f}: no shell calls`);
    // "Show in folder": a finished download's path, kept by main; the window names only the download's id (chat:show-download).
    assert.equal(
      src.match(/shell\.showItemInFolder\(/g)?.length ?? 0,
      f === 'main.js' ? 1 : 0,
      `${f}: only main shows a file in its folder, once`,
    );
    // "Open log folder": main opens <userData>/logs, a path of its own; chat:show-log-folder takes no argument.
    assert.equal(src.match(/openPath/g)?.length ?? 0, f === 'main.js' ? 1 : 0, `${f}: only main opens a path, once`);
  }
  assert.match(
    readFileSync(path.join(ROOT, 'dist/electron/main.js'), 'utf8'),
    /\.openPath\(folder\)/,
    'the folder main chose, nothing else',
  );
  assert.match(
    readFileSync(path.join(ROOT, 'dist/electron/main.js'), 'utf8'),
    /\.showItemInFolder\(d\.path\)/,
    'the path of a download main made',
  );
  // The preload reaches main only through named invoke channels: no send, no sendSync, no generic invoke.
  const preload = readFileSync(path.join(ROOT, 'dist/electron/preload.js'), 'utf8');
  assert.doesNotMatch(preload, /sendSync|ipcRenderer\.send\(/);
});

test('the IPC channel list is exactly the contract, and the preload exposes only window.chat', () => {
  assert.deepEqual([...s.fake.handlers.keys()].sort(), Object.values(InvokeChannels).sort());
  assert.deepEqual([...s.fake.exposed.keys()], ['chat']);
});

/**
 * Findings of electronegativity 1.10.3 on dist/ (Electron 45), and why each does not apply:
 * - CONTEXT_ISOLATION_JS_CHECK, SANDBOX_JS_CHECK (main.js, `new BrowserWindow`): the scanner only reads
 *   an object literal; ours comes from secureWebPreferences(), and the values are asserted above.
 * - AUXCLICK_JS_CHECK: middle-click can open a new window — every new window is denied
 *   (setWindowOpenHandler, asserted above), and secureWebPreferences() sets disableBlinkFeatures: 'Auxclick'
 *   (asserted in main-preload.test.ts); the scanner cannot see it for the same reason as above.
 * - CSP_GLOBAL_CHECK (main.js, TENTATIVE): the header value is a constant it cannot parse; it is CONTENT_SECURITY_POLICY.
 * - CSP_GLOBAL_CHECK (index.html, FIRM, LOW): csp-evaluator's generic note on script-src 'self'
 *   (JSONP / script gadgets on the same origin). Our origin is file:// with only our own bundle.
 */
/**
 * The findings from the scanner's SARIF report. Its CSV report is not usable: electronegativity 1.10.3
 * writes the header and the rows with two unawaited fs.writeFile calls (util/file.js), and when the
 * header lands second it overwrites the start of the first row.
 */
export function sarifFindings(text: string): { issue: string; level: string; file: string; location: string }[] {
  const report = JSON.parse(text) as {
    runs: {
      results: {
        ruleId: string;
        level: string;
        locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
      }[];
    }[];
  };
  return report.runs.flatMap((run) =>
    run.results.map((r) => {
      const where = r.locations[0]!.physicalLocation;
      return {
        issue: r.ruleId,
        level: r.level,
        file: where.artifactLocation.uri,
        location: `${where.region.startLine}:${where.region.startColumn}`,
      };
    }),
  );
}

test('the report reader takes rule, level, file and place from each SARIF result', () => {
  const result = (ruleId: string, uri: string) => ({
    ruleId,
    level: 'note',
    locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: 3, startColumn: 7 } } }],
  });
  const text = JSON.stringify({ runs: [{ results: [result('A_CHECK', 'a.js'), result('B_CHECK', 'b/index.html')] }] });
  assert.deepEqual(sarifFindings(text), [
    { issue: 'A_CHECK', level: 'note', file: 'a.js', location: '3:7' },
    { issue: 'B_CHECK', level: 'note', file: 'b/index.html', location: '3:7' },
  ]);
});

const TRIAGED = new Map<string, string>([
  ['CONTEXT_ISOLATION_JS_CHECK', 'electron/main.js'],
  ['SANDBOX_JS_CHECK', 'electron/main.js'],
  ['AUXCLICK_JS_CHECK', 'electron/main.js'],
  ['CSP_GLOBAL_CHECK', '*'],
]);

test('electronegativity over dist/: every finding is triaged (see the comment above)', (t) => {
  const bin = path.join(ROOT, 'node_modules/.bin/electronegativity');
  if (!existsSync(bin)) {
    t.skip('@doyensec/electronegativity is not installed');
    return;
  }
  const out = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-eneg-'));
  try {
    const report = path.join(out, 'findings.sarif');
    // The scanner's own translation download is stubbed to fail at once (see the helper): it reaches the
    // internet, and offline it can crash the scanner in got/p-cancelable before it reads dist/.
    const offline = path.join(ROOT, 'tests/helpers/electronegativity-offline.cjs');
    const r = spawnSync(
      process.execPath,
      ['--require', offline, realpathSync(bin), '-i', path.join(ROOT, 'dist'), '-r', '-v', 'false', '-e', '45.4.1', '-o', report],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, LANG: 'en-US' } },
    );
    // The stub was the one answering: no request left this machine.
    assert.match(r.stdout, /Could not retrieve updated translations/, 'the scanner took the offline fallback');
    assert.equal(r.status, 0, r.stderr);
    const rows = sarifFindings(readFileSync(report, 'utf8'));
    process.stdout.write(
      `# electronegativity: ${rows.length} findings: ${rows.map((f) => `${f.issue}(${f.level} ${f.file}:${f.location})`).join(', ')}\n`,
    );
    for (const f of rows) {
      const where = TRIAGED.get(f.issue);
      assert.ok(where === '*' || where === f.file, `untriaged finding ${f.issue} in ${f.file}:${f.location}`);
    }
    // It did scan dist/: the known findings (triaged above) are all there; an empty scan would pass the loop above.
    const found = new Set(rows.map((f) => `${f.issue} ${f.file}`));
    for (const expected of [
      'CONTEXT_ISOLATION_JS_CHECK electron/main.js',
      'SANDBOX_JS_CHECK electron/main.js',
      'AUXCLICK_JS_CHECK electron/main.js',
      'CSP_GLOBAL_CHECK electron/main.js',
      'CSP_GLOBAL_CHECK renderer/index.html',
    ]) {
      assert.ok(found.has(expected), `electronegativity reports ${expected}: it read main.js and index.html`);
    }
    // The checks that matter most must not fire at all.
    for (const must of [
      'NODE_INTEGRATION_JS_CHECK',
      'REMOTE_MODULE_JS_CHECK',
      'OPEN_EXTERNAL_JS_CHECK',
      'DANGEROUS_FUNCTIONS_JS_CHECK',
      'WEB_SECURITY_JS_CHECK',
      'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      'INSECURE_CONTENT_JS_CHECK',
    ]) {
      assert.ok(!rows.some((f) => f.issue === must), `${must} fired`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
