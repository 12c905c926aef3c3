/**
 * The renderer's security shape: the CSP in index.html is exactly csp.ts's,
 * Chromium enforces it and the app never trips it, window.chat has the shape
 * contextBridge gives it (the real preload, on the stand-in), and the renderer source keeps its rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../electron/common/csp';
import { bootStandIn } from '../helpers/standin';
import { consoleProblems, cspMetaOf, rendererBuild, ROOT, startUiHost } from '../helpers/ui-host';
import { statusIs, waitForMessage } from './helpers';

test('the CSP meta of renderer/index.html (source and build) is exactly CONTENT_SECURITY_POLICY', async () => {
  assert.equal(cspMetaOf(path.join(ROOT, 'renderer/index.html')), CONTENT_SECURITY_POLICY);
  const built = path.join(await rendererBuild(), 'index.html');
  assert.equal(cspMetaOf(built), CONTENT_SECURITY_POLICY);
  const html = readFileSync(built, 'utf8');
  // No inline script or style made it into the build.
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    assert.match(m[1]!, /\bsrc=/, 'every script has a src');
    assert.equal(m[2]!.trim(), '', 'no inline script body');
  }
  assert.doesNotMatch(html, /<style\b/i);
  assert.doesNotMatch(html, /\sstyle=/i);
});

test('in Chromium: the page carries the CSP, the app causes no violation, and the CSP is enforced', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  assert.equal(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'), CONTENT_SECURITY_POLICY);

  // Exercise the UI: messages, markers, the virtualizer's transforms, language switch.
  const bob = await host.peer();
  await page.getByTestId('input').fill('checking the CSP');
  await page.getByTestId('input').press('Enter');
  await waitForMessage(page, 'checking the CSP', 'sent');
  assert.ok((await bob.send('reply')).ok);
  await waitForMessage(page, 'reply');
  await page.getByTestId('lang-zh-CN').click();
  await statusIs(page, 'connected');
  await page.getByTestId('lang-en').click();
  assert.deepEqual(await host.cspViolations(), [], 'the app itself trips no CSP rule');
  assert.deepEqual(
    host.console.filter((l) => /Refused to|violates the following Content Security Policy/i.test(l)),
    [],
  );
  assert.deepEqual(host.pageErrors, []);
  assert.deepEqual(consoleProblems(host.console), [], 'no console errors or warnings');

  // The policy is live: an inline style attribute and an inline script are refused.
  const result = await page.evaluate(async () => {
    const seen = new Promise<string[]>((resolve) => {
      const got: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        got.push(e.effectiveDirective);
        if (got.length === 2) resolve(got);
      });
      // Never wait forever: after 5 s report what was seen (the assertion then fails).
      setTimeout(() => resolve(got), 5000);
    });
    const div = document.createElement('div');
    div.setAttribute('style', 'color: rgb(255, 0, 0)');
    document.body.append(div);
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.body.append(script);
    const directives = await seen;
    return {
      color: getComputedStyle(div).color,
      ran: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true,
      directives: directives.sort(),
    };
  });
  assert.notEqual(result.color, 'rgb(255, 0, 0)');
  assert.equal(result.ran, false);
  assert.deepEqual(result.directives, ['script-src-elem', 'style-src-attr']);
});

test('window.chat, as the real built preload exposes it: read-only, frozen, only the named methods; bad calls are refused by main', async (t) => {
  // dist/electron/preload.js in a sandbox-like context on the stand-in, whose contextBridge copies,
  // deep-freezes and defines the API read-only as Electron's does (tests/helpers/fake-electron-ipc.ts).
  const s = await bootStandIn();
  t.after(() => s.stop());
  assert.deepEqual(Object.keys(s.mainWorld), ['chat'], 'the preload exposes window.chat and nothing else');
  const d = Object.getOwnPropertyDescriptor(s.mainWorld, 'chat')!;
  assert.deepEqual([d.writable, d.configurable], [false, false]);
  assert.equal(Reflect.set(s.mainWorld, 'chat', {}), false, 'window.chat cannot be replaced');
  const chat = d.value as Record<string, unknown>;
  assert.ok(Object.isFrozen(chat));
  assert.deepEqual(Object.keys(chat).sort(), [
    'act',
    'cancelUpload',
    'chooseCaBundle',
    'clearHistory',
    'copyDiagnostics',
    'copyImage',
    'createRoom',
    'discardLeftovers',
    'dismissNotice',
    'download',
    'dropStaged',
    'getConversations',
    'getDownloads',
    'getFilePlaces',
    'getLeftovers',
    'getMembers',
    'getNotices',
    'getOlder',
    'getSettings',
    'getSnapshot',
    'getUploads',
    'invite',
    'listUsers',
    'markRead',
    'onAccount',
    'onConversations',
    'onDownloads',
    'onEntries',
    'onStatus',
    'onUploads',
    'openConversation',
    'reconnectNow',
    'retry',
    'retryUpload',
    'saveAttachmentAs',
    'saveSettings',
    'search',
    'send',
    'sendFiles',
    'sendTo',
    'setDraft',
    'setNotify',
    'showDownload',
    'showLogFolder',
    'stageChunk',
    'stageFile',
    'startDm',
  ]);
  for (const [name, fn] of Object.entries(chat)) assert.equal(typeof fn, 'function', name);
  assert.equal(
    Reflect.set(chat, 'send', () => undefined),
    false,
    'its methods cannot be swapped',
  );
  // Nothing generic: no invoke, no ipcRenderer, no require.
  for (const generic of ['invoke', 'ipcRenderer', 'require', 'send_', 'on']) assert.equal(chat[generic], undefined, generic);
  // Main validates what comes through.
  await assert.rejects((chat.send as (x: unknown) => Promise<unknown>)(42), /send needs a string/);
  const snap = await (chat.getSnapshot as () => Promise<{ status: { connection: { kind: string } } }>)();
  assert.equal(snap.status.connection.kind, 'connected');
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)],
  );
}

test('renderer source rules: type-only imports of contract/state, no HTML injection, no style props', () => {
  const files = filesUnder(path.join(ROOT, 'renderer/src')).filter((f) => /\.(ts|tsx)$/.test(f));
  assert.ok(files.length >= 5);
  for (const file of files) {
    const src = readFileSync(file, 'utf8');
    const rel = path.relative(ROOT, file);
    for (const m of src.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)) {
      const from = m[2]!;
      if (/electron\/common\/(contract|state|errors)$/.test(from)) assert.ok(m[1], `${rel}: import type only from ${from}`);
      else if (from.includes('electron/'))
        assert.match(from, /electron\/common\/words$/, `${rel}: only words.ts is imported as a value (${from})`);
    }
    assert.doesNotMatch(src, /dangerouslySetInnerHTML|innerHTML\s*=/, `${rel}: no HTML injection`);
    assert.doesNotMatch(src, /\bstyle=\{/, `${rel}: no React style props (CSP style-src 'self')`);
    assert.doesNotMatch(src, /\bipcRenderer\b|require\(/, `${rel}: talks to window.chat only`);
  }
});
