/**
 * Small building blocks every area uses: the injected clock, a typed emitter, disposables.
 * The area's public surface: main/, cli/ and bench/ import only this file.
 */
export { systemClock } from './clock';
export { DisposableStore, toDisposable, type Disposable } from './disposables';
export { EventSource, type Event } from './event';
