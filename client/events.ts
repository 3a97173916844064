/** A small typed event emitter: one set of listeners per event name, each call returns its unsubscribe. */
export class Emitter<Events extends { [Name in keyof Events]: (...args: never[]) => void }> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>()

  on<Name extends keyof Events>(name: Name, listener: Events[Name]): () => void {
    let set = this.listeners.get(name)
    if (!set) {
      set = new Set()
      this.listeners.set(name, set)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }

  emit<Name extends keyof Events>(name: Name, ...args: Parameters<Events[Name]>): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      ;(listener as (...args: Parameters<Events[Name]>) => void)(...args)
    }
  }

  clear(): void {
    this.listeners.clear()
  }
}
