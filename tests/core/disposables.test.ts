/** base/: DisposableStore and EventSource, the one way to let go of listeners and subscriptions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableStore, toDisposable } from '../../electron/core/base/disposables';
import { EventSource } from '../../electron/core/base/event';

test('a DisposableStore lets go of everything once, newest first, and at once of what comes after', () => {
  const order: string[] = [];
  const store = new DisposableStore();
  store.add(toDisposable(() => order.push('a')));
  store.add(toDisposable(() => order.push('b')));
  store.dispose();
  store.dispose();
  assert.deepEqual(order, ['b', 'a']);
  store.add(toDisposable(() => order.push('late')));
  assert.deepEqual(order, ['b', 'a', 'late'], 'added after dispose: disposed at once');
});

test('one failing disposable does not keep the others alive, and its error is not lost', () => {
  const done: string[] = [];
  const store = new DisposableStore();
  store.add(toDisposable(() => done.push('first')));
  store.add(
    toDisposable(() => {
      throw new Error('boom');
    }),
  );
  assert.throws(() => store.dispose(), /boom/);
  assert.deepEqual(done, ['first']);
});

test('an event reaches each subscriber until its subscription is disposed; a throwing one is reported, not fatal', () => {
  const errors: unknown[] = [];
  const source = new EventSource<number>((err) => errors.push(err));
  const seen: number[] = [];
  const sub = source.event((v) => seen.push(v));
  source.event(() => {
    throw new Error('listener broke');
  });
  source.fire(1);
  sub.dispose();
  source.fire(2);
  assert.deepEqual(seen, [1]);
  assert.equal(errors.length, 2);
  assert.match(String(errors[0]), /listener broke/);
});

test('without an error handler every listener still runs, then the first error reaches whoever fired', () => {
  const source = new EventSource<string>();
  const seen: string[] = [];
  source.event(() => {
    throw new Error('first listener broke');
  });
  source.event((v) => seen.push(v));
  assert.throws(() => source.fire('x'), /first listener broke/);
  assert.deepEqual(seen, ['x']);
});
