/** A tiny typed event emitter (no Node dependency, so common code could use it too). */
export type Listener<T> = (value: T) => void;

interface Listeners<T> {
  set: Set<Listener<T>>;
  /**
   * The listeners as of the last change. An emit calls this array, so a listener added
   * during it is not called and one removed during it still is (as with a copy per emit);
   * kept until the next change instead of copying the set on every emit (per frame, under a flood).
   */
  list: Array<Listener<T>> | undefined;
}

export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners: { [K in keyof Events]?: Listeners<Events[K]> } = {};

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const entry = (this.listeners[event] ??= { set: new Set(), list: undefined });
    entry.set.add(listener);
    entry.list = undefined;
    return () => {
      if (entry.set.delete(listener)) entry.list = undefined;
    };
  }

  protected emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const entry = this.listeners[event];
    if (!entry || entry.set.size === 0) return;
    const list = (entry.list ??= [...entry.set]);
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(value);
      } catch (err) {
        // A broken listener (a closed window, a CLI pipe) must not break the connection.
        if (event !== 'log')
          this.emit(
            'log' as K,
            { level: 'error', message: `listener for ${String(event)} threw: ${(err as Error)?.message}` } as Events[K],
          );
      }
    }
  }
}
