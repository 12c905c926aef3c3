/** A tiny typed event emitter (no Node dependency, so common code could use it too). */
export type Listener<T> = (value: T) => void;

export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners: { [K in keyof Events]?: Set<Listener<Events[K]>> } = {};

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const set = (this.listeners[event] ??= new Set());
    set.add(listener);
    return () => set.delete(listener);
  }

  protected emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const set = this.listeners[event];
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(value);
      } catch (err) {
        // A broken listener (a closed window, a CLI pipe) must not break the connection.
        if (event !== 'log') this.emit('log' as K, { level: 'error', message: `listener for ${String(event)} threw: ${(err as Error)?.message}` } as Events[K]);
      }
    }
  }
}
