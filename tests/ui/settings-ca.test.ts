/**
 * The CA bundle field's "Choose…" in Chromium. Main's side (the dialog, reading and parsing the
 * file) is tested on the stand-in (tests/electron/main-ca-chooser.test.ts); here the test host's
 * support port answers `chat:choose-ca-bundle` with what the test picks, through the real
 * window.chat and ChatService (validation included): a chosen file fills the field and, saved,
 * becomes the setting; a problem is said in the window's language; a cancel changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ChooseCaBundleResult } from '../../electron/common/contract';
import { makePki } from '../helpers/certs';
import { hostSupport, startUiHost } from '../helpers/ui-host';
import { withTimeout } from '../helpers/wait';
import { statusIs, T } from './helpers';

const PROBLEM: Record<'zh-CN' | 'en', string> = {
  'zh-CN': '/home/li/notes.crt 中没有可用的证书（PEM 或 DER）：no PEM or DER certificate found。',
  en: '/home/li/notes.crt holds no certificate (PEM or DER): no PEM or DER certificate found.',
};

for (const locale of ['zh-CN', 'en'] as const) {
  test(`${locale}: "Choose…" fills the CA field with a file main checked; problems are said; cancel changes nothing`, async (t) => {
    const pki = makePki();
    t.after(() => pki.cleanup());
    const answers: ChooseCaBundleResult[] = [];
    let calls = 0;
    let answered: () => void = () => {};
    const nextAnswer = () => withTimeout(new Promise<void>((r) => (answered = r)), T, 'chat:choose-ca-bundle answered');
    const calls0 = { showLogFolder: 0, copyDiagnostics: 0 };
    const support = {
      ...hostSupport(calls0),
      chooseCaBundle: async (): Promise<ChooseCaBundleResult> => {
        calls++;
        setImmediate(answered);
        return answers.shift() ?? { ok: false, code: 'CANCELLED' };
      },
    };
    const host = await startUiHost({ locale, support });
    t.after(() => host.close());
    const { page } = host;
    await statusIs(page, 'connected');
    await page.getByTestId('settings-open').click();
    const field = page.getByTestId('settings-caFile');
    await field.waitFor({ timeout: T });
    const choose = page.getByTestId('settings-caFile-choose');
    assert.equal(await choose.textContent(), locale === 'en' ? 'Choose…' : '选择…');

    // Cancelled: the field is as it was, nothing said.
    const cancelled = nextAnswer();
    await choose.click();
    await cancelled;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r))); // the answer reached the page and rendered
    assert.equal(await field.inputValue(), '');
    assert.equal(await page.getByTestId('settings-caFile-problem').count(), 0);

    // Not a certificate: said in the locale's words and punctuation; the field is untouched.
    answers.push({ ok: false, code: 'CA_NO_CERTIFICATES', path: '/home/li/notes.crt', detail: 'no PEM or DER certificate found' });
    await choose.click();
    const problem = page.getByTestId('settings-caFile-problem');
    await problem.waitFor({ timeout: T });
    assert.equal(await problem.textContent(), PROBLEM[locale]);
    assert.equal(await problem.getAttribute('role'), 'alert');
    assert.equal(await field.inputValue(), '');
    await host.screenshot(`settings-ca-problem-${locale}.png`);

    // A good file: into the field, the problem gone; saved, it is the setting.
    answers.push({ ok: true, path: pki.ca.certFile, certificates: 1 });
    await choose.click();
    await page.waitForFunction(
      (v) => (document.querySelector('[data-testid="settings-caFile"]') as HTMLInputElement).value === v,
      pki.ca.certFile,
      { timeout: T },
    );
    assert.equal(await problem.count(), 0);
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-dialog').waitFor({ state: 'detached', timeout: T });
    assert.equal((JSON.parse(readFileSync(host.settingsFile, 'utf8')) as { caFile?: string }).caFile, pki.ca.certFile);
    assert.equal(calls, 3, 'one dialog per click');
    assert.deepEqual(host.pageErrors, []);
    assert.deepEqual(await host.cspViolations(), []);
  });
}
