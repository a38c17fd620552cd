/** Handlers by name; one that throws is reported and the others still run. */
export class Listeners<Events> {
  private readonly byName = new Map<keyof Events, Set<(value: never) => void>>();

  constructor(private readonly onFailure: (error: unknown) => void) {}

  add<K extends keyof Events>(name: K, fn: (value: Events[K]) => void): () => void {
    let set = this.byName.get(name);
    if (!set) this.byName.set(name, (set = new Set()));
    set.add(fn as (value: never) => void);
    return () => set.delete(fn as (value: never) => void);
  }

  has(name: keyof Events): boolean {
    return (this.byName.get(name)?.size ?? 0) > 0;
  }

  emit<K extends keyof Events>(name: K, value: Events[K]): void {
    const set = this.byName.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as (v: Events[K]) => void)(value);
      } catch (e) {
        this.onFailure(e);
      }
    }
  }
}
