/**
 * The one-time notice when the launcher had to turn the sandbox off (UOS_CHAT_LAUNCH sandbox=none,
 * sandbox_by=no-userns), in the real renderer on the test host: main's side is the real notices store
 * (electron/core/desktop/notices.ts) on a temp file. Shown in the person's language under the header; closing it
 * is remembered, so the next start shows nothing. Screenshots: tests/artifacts/launch-notice-sandbox-{en,zh-CN}.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLaunchInfo } from '../../electron/core/desktop/launch-flags';
import { noticesFor, openNotices } from '../../electron/core/desktop/notices';
import type { NoticePort } from '../../electron/core/service/chat-service';
import { consoleProblems, startUiHost } from '../helpers/ui-host';
import { withTimeout } from '../helpers/wait';
import { statusIs, T } from './helpers';

const FALLBACK = readLaunchInfo({ UOS_CHAT_LAUNCH: 'ozone=x11,ozone_by=deepin-wayland,sandbox=none,sandbox_by=no-userns,probe=proc' });

function stateDir(t: { after(fn: () => unknown): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-notices-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

for (const [locale, title, body, button] of [
  ['zh-CN', '未使用系统沙箱运行', '此系统禁用了用户命名空间', '知道了'],
  ['en', 'Running without the system sandbox', 'This system disables user namespaces', 'Got it'],
] as const) {
  test(`${locale}: the sandbox notice shows once; closed, it does not come back on the next start`, async (t) => {
    const file = path.join(stateDir(t), 'notices.json');
    const logged: string[] = [];
    const port = await openNotices(file, noticesFor(FALLBACK), (l) => logged.push(l));
    let saved: () => void = () => {};
    const dismissalSaved = new Promise<void>((resolve) => (saved = resolve));
    const notices: NoticePort = { pending: () => port.pending(), dismiss: (id) => port.dismiss(id).then(saved) };
    const first = await startUiHost({ locale, settings: { language: locale }, notices });
    t.after(() => first.close());
    await statusIs(first.page, 'connected');
    const notice = first.page.getByTestId('notice-sandbox-off');
    await notice.waitFor({ state: 'visible', timeout: T });
    assert.equal(await notice.getAttribute('role'), 'status', 'announced politely');
    assert.match(await notice.innerText(), new RegExp(`${title}[\\s\\S]*${body}`));
    assert.match(
      logged.join('\n'),
      /notice sandbox-off shown: this system disables user namespaces; the renderer runs without the OS sandbox; context isolation, the CSP and IPC checks still apply/,
    );
    const shot = await first.screenshot(`launch-notice-sandbox-${locale}.png`);
    assert.ok(statSync(shot).size > 1000);

    await notice.getByRole('button', { name: button }).click();
    await notice.waitFor({ state: 'detached', timeout: T });
    await withTimeout(dismissalSaved, T, 'main to save the dismissal');
    assert.deepEqual(consoleProblems(first.console), [], 'a clean console');
    await first.close();
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).dismissed, ['sandbox-off']);

    const next = await startUiHost({
      locale,
      settings: { language: locale },
      notices: await openNotices(file, noticesFor(FALLBACK), (l) => logged.push(l)),
    });
    t.after(() => next.close());
    await statusIs(next.page, 'connected');
    assert.deepEqual(await next.page.evaluate(() => window.chat.getNotices()), [], 'main has nothing more to tell');
    assert.equal(await next.page.getByTestId('notice-sandbox-off').count(), 0, 'no notice on the next start');
    assert.match(logged.at(-1) ?? '', /notice sandbox-off \(dismissed before, not shown\)/);
  });
}
