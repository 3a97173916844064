/**
 * Access events between nodes that share one process: each `node()` is one node's channel. Tests
 * run several relays in one process on it; delivery is asynchronous, as it is across machines.
 */
import type { AccessEvent, AccessEventListener, AccessEvents } from './access-events.js'

export class MemoryAccessBus {
  private readonly nodes = new Set<MemoryNodeEvents>()

  node(): AccessEvents {
    const node = new MemoryNodeEvents(this.nodes)
    this.nodes.add(node)
    return node
  }
}

class MemoryNodeEvents implements AccessEvents {
  private readonly listeners = new Set<AccessEventListener>()
  /** One chain per node keeps delivery in publication order. */
  private delivery: Promise<void> = Promise.resolve()

  constructor(private readonly peers: Set<MemoryNodeEvents>) {}

  async publish(event: AccessEvent): Promise<void> {
    // A copy per receiver: nodes never share objects across machines either.
    const text = JSON.stringify(event)
    for (const peer of this.peers) {
      if (peer !== this) peer.receive(JSON.parse(text) as AccessEvent)
    }
  }

  subscribe(listener: AccessEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async close(): Promise<void> {
    this.peers.delete(this)
    this.listeners.clear()
  }

  private receive(event: AccessEvent): void {
    this.delivery = this.delivery.then(() => {
      for (const listener of this.listeners) listener(event)
    })
  }
}
