/**
 * XSS: a corpus of HTML/JS payloads (tests/fixtures/xss-payloads.json plus very
 * long words) is sent as chat messages by another real client, through the real
 * reference server and core, into the real renderer in Chromium.
 *
 * Everything must render as text: textContent equals the payload, the message
 * text element has no child elements, nothing was injected anywhere in the page,
 * no dialog, no navigation, no CSP violation (nothing even tried to run), no
 * links, and very long words do not overflow horizontally. A separate test shows
 * the CSP itself refusing inline script.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { consoleProblems, ROOT, startUiHost } from '../helpers/ui-host';
import { statusIs, T } from './helpers';

const fixture: string[] = JSON.parse(readFileSync(path.join(ROOT, 'tests/fixtures/xss-payloads.json'), 'utf8'));
const LONG_WORDS = [
  'A'.repeat(10_000),
  '字'.repeat(3_000),
  `https://evil.example/${'x'.repeat(9_000)}`,
  `<img${'x'.repeat(9_000)} onerror=alert(1)>`,
];
const CORPUS = [...fixture, ...LONG_WORDS];
/** Elements a payload might inject; the app's own (the composer form, its input) are in the baseline. */
const HOSTILE =
  'iframe, object, embed, form, input, textarea, base, meta[http-equiv="refresh"], img, video, audio, source, marquee, template, details, math, svg script, noscript';

test('the XSS corpus has at least 40 payloads', () => {
  assert.ok(fixture.length >= 40, `fixture has ${fixture.length}`);
  assert.ok(
    CORPUS.every((p) => Buffer.byteLength(p) <= 10 * 1024),
    'every payload fits the message limit',
  );
  process.stdout.write(`# xss corpus: ${CORPUS.length} payloads (${fixture.length} from the fixture, ${LONG_WORDS.length} long words)\n`);
});

test('every payload from another user renders as plain text, with nothing injected and no overflow', async (t) => {
  const host = await startUiHost({ viewport: { width: 700, height: 600 } });
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const startUrl = page.url();
  const baseline = await page.evaluate(
    (HOSTILE) => ({
      scripts: document.scripts.length,
      links: document.querySelectorAll('link').length,
      styles: document.querySelectorAll('style').length,
      hostile: document.querySelectorAll(HOSTILE).length,
    }),
    HOSTILE,
  );
  const bob = await host.peer();

  for (const [i, payload] of CORPUS.entries()) {
    const sent = await bob.send(payload);
    assert.ok(sent.ok, `payload ${i} sent`);
    const row = page.locator(`[data-testid="message"][data-key="${sent.entry.key}"]`);
    await row.waitFor({ timeout: T });
    const shown = await row.locator('[data-testid="message-text"]').evaluate((el) => ({
      text: el.textContent,
      children: el.children.length,
      html: el.innerHTML.length,
    }));
    assert.equal(shown.text, payload, `payload ${i} renders as its own text`);
    assert.equal(shown.children, 0, `payload ${i}: no element inside the message text`);
    assert.equal(await row.locator('[data-testid="message-sender"]').textContent(), 'bob', `payload ${i}: the sender line is untouched`);

    // Nothing anywhere in the document came from a payload.
    const dom = await page.evaluate(
      (sel) => ({
        scripts: document.scripts.length,
        links: document.querySelectorAll('link').length,
        styles: document.querySelectorAll('style').length,
        anchors: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        hostile: document.querySelectorAll(sel).length,
        handlers: [...document.querySelectorAll('*')].flatMap((el) =>
          [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}.${a.name}`),
        ),
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        polluted: ({} as Record<string, unknown>).polluted,
      }),
      HOSTILE,
    );
    assert.deepEqual(
      {
        ...dom,
        scripts: dom.scripts - baseline.scripts,
        links: dom.links - baseline.links,
        styles: dom.styles - baseline.styles,
        hostile: dom.hostile - baseline.hostile,
      },
      { scripts: 0, links: 0, styles: 0, anchors: [], hostile: 0, handlers: [], pwned: undefined, polluted: undefined },
      `payload ${i}: nothing injected`,
    );

    if (LONG_WORDS.includes(payload)) {
      const overflow = await page.evaluate(() => {
        const doc = document.documentElement;
        const log =
          document.querySelector('[data-testid="message-text"]')?.closest('[class*="scroll"], [data-testid="log"]') ?? document.body;
        const texts = [...document.querySelectorAll('[data-testid="message-text"]')].map((e) => e.getBoundingClientRect().right);
        return {
          page: doc.scrollWidth - doc.clientWidth,
          body: document.body.scrollWidth - document.body.clientWidth,
          log: log.scrollWidth - log.clientWidth,
          rightmost: Math.max(...texts),
          width: window.innerWidth,
        };
      });
      assert.ok(
        overflow.page <= 0 && overflow.body <= 0 && overflow.log <= 0,
        `payload ${i}: no horizontal overflow ${JSON.stringify(overflow)}`,
      );
      assert.ok(overflow.rightmost <= overflow.width, `payload ${i}: text stays inside the window ${JSON.stringify(overflow)}`);
    }
  }

  assert.equal(page.url(), startUrl, 'no navigation');
  assert.deepEqual(host.dialogs, [], 'no dialogs');
  assert.deepEqual(host.pageErrors, [], 'no page errors');
  assert.deepEqual(await host.cspViolations(), [], 'no payload even tried to run (no CSP violation)');
  assert.deepEqual(consoleProblems(host.console), [], 'no console errors or warnings');
  await host.screenshot('chat-xss');
});

test('own messages with payloads (typed into the composer) render as text too', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  for (const payload of fixture.slice(0, 12)) {
    await page.getByTestId('input').fill(payload);
    await page.getByTestId('input').press('Enter');
    const text = page
      .locator('[data-testid="message"][data-own="true"] [data-testid="message-text"]')
      .filter({ hasText: payload.slice(0, 20) })
      .last();
    await text.waitFor({ timeout: T });
  }
  const texts = await page
    .locator('[data-testid="message"][data-own="true"] [data-testid="message-text"]')
    .evaluateAll((els) => els.map((e) => ({ text: e.textContent, children: e.children.length })));
  for (const payload of fixture.slice(0, 12)) {
    assert.ok(
      texts.some((x) => x.text === payload && x.children === 0),
      `own payload renders as text: ${payload}`,
    );
  }
  assert.deepEqual(host.dialogs, []);
  assert.deepEqual(await host.cspViolations(), []);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
});

test('the CSP blocks inline script and inline event handlers (violations are reported)', async (t) => {
  const host = await startUiHost();
  t.after(() => host.close());
  const { page } = host;
  await statusIs(page, 'connected');
  const result = await page.evaluate(async () => {
    const got: string[] = [];
    const seen = new Promise<void>((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => {
        got.push(e.effectiveDirective);
        if (got.length >= 2) resolve();
      });
      setTimeout(resolve, 3000);
    });
    const w = window as unknown as { __inline?: boolean; __handler?: boolean };
    const script = document.createElement('script');
    script.textContent = 'window.__inline = true';
    document.body.append(script);
    const box = document.createElement('div');
    box.innerHTML =
      '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onload="window.__handler = true" onerror="window.__handler = true">';
    document.body.append(box);
    await seen;
    box.remove();
    script.remove();
    return {
      inline: w.__inline === true,
      handler: w.__handler === true,
      directives: got.sort(),
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
    };
  });
  assert.equal(result.inline, false, 'inline script did not run');
  assert.equal(result.handler, false, 'inline handler did not run');
  // eval cannot be probed from page.evaluate (DevTools evaluation is exempt from CSP): the policy must simply not allow it.
  assert.doesNotMatch(result.csp, /unsafe-eval|unsafe-inline|\*/);
  assert.match(result.csp, /script-src 'self'/);
  assert.ok(result.directives.includes('script-src-elem'), `script-src-elem violation, got ${result.directives}`);
  assert.ok(result.directives.includes('script-src-attr'), `script-src-attr violation, got ${result.directives}`);
  assert.deepEqual(host.dialogs, []);
});
