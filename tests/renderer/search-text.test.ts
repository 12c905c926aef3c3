/** The search panel's snippet and match marking (renderer/src/searchText.ts), on plain strings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highlightPieces, matchRanges } from '../../renderer/src/searchText';

const marked = (text: string, q: string) =>
  highlightPieces(text, q)
    .map((p) => (p.match ? `[${p.text}]` : p.text))
    .join('');

test('a Chinese substring is marked where it is', () => {
  assert.equal(marked('今天的会议改到三点', '会议改'), '今天的[会议改]到三点');
});

test('Latin letters match in any case, and every occurrence is marked', () => {
  assert.deepEqual(matchRanges('Deploy the deploy DEPLOY', 'deploy'), [
    [0, 6],
    [11, 17],
    [18, 24],
  ]);
  assert.equal(marked('Deploy the deploy DEPLOY', 'dePLoy'), '[Deploy] the [deploy] [DEPLOY]');
});

test('no match: the text as it is (the start of it), nothing marked', () => {
  assert.deepEqual(highlightPieces('hello', 'xyz'), [{ text: 'hello', match: false }]);
  assert.deepEqual(highlightPieces('hello', ''), [{ text: 'hello', match: false }]);
});

test('a long text is cut around the first match with an ellipsis on each cut side', () => {
  const text = 'x'.repeat(300) + 'NEEDLE' + 'y'.repeat(300);
  const pieces = highlightPieces(text, 'needle');
  assert.equal(pieces[0]!.text, '…');
  assert.equal(pieces.at(-1)!.text, '…');
  assert.deepEqual(
    pieces.filter((p) => p.match).map((p) => p.text),
    ['NEEDLE'],
  );
  assert.ok(pieces.reduce((n, p) => n + p.text.length, 0) <= 162);
});

test('a cut never splits a character outside the BMP', () => {
  const text = '😀'.repeat(40) + '会议改' + '😀'.repeat(100);
  for (const p of highlightPieces(text, '会议改')) assert.doesNotMatch(p.text, /^[\udc00-\udfff]|[\ud800-\udbff]$/, JSON.stringify(p.text));
});

test('a letter whose lower case is longer (İ) falls back to exact matching, so positions stay right', () => {
  assert.equal(marked('İstanbul meeting', 'meeting'), 'İstanbul [meeting]');
  assert.equal(marked('İstanbul MEETING', 'MEETING'), 'İstanbul [MEETING]');
});

test('markup in the text stays text', () => {
  assert.equal(marked('<img src=x onerror=alert(1)> hi', 'img'), '<[img] src=x onerror=alert(1)> hi');
});
