/**
 * The contract every DocumentStore implementation keeps. Each backend's test file calls
 * `documentStoreContract` with a way to open stores on one backing (a data directory, a memory
 * object, a Redis server): opening a second store on it is a restart, or another node.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  SESSION_ORIGIN,
  RESTORE_ORIGIN,
  type DocumentStore,
  type RemoteOrigin,
  type RoomHost,
} from '../../relay/storage/document-store.js'
import { waitFor } from '../support/relay-fixture.js'

export interface StoreBacking {
  /** A new store on the same documents. */
  open(options: { compactAfterBytes: number }): Promise<DocumentStore>
  /** Whether stores opened on this backing see each other's writes live (a cluster backend). */
  readonly shared: boolean
  dispose(): Promise<void>
}

/** A room as the relay would host it: a document, and what the store delivered to it. */
export class TestHost implements RoomHost {
  readonly doc = new Y.Doc()
  readonly remoteUpdates: RemoteOrigin[] = []
  readonly remoteAwareness: Uint8Array[] = []
  readonly goneNodes: string[] = []
  unavailable: string | null = null
  stateEncodings = 0

  encodeState(): Uint8Array {
    this.stateEncodings++
    return Y.encodeStateAsUpdate(this.doc)
  }
  applyRemoteUpdate(update: Uint8Array, origin: RemoteOrigin): void {
    this.remoteUpdates.push(origin)
    Y.applyUpdate(this.doc, update, origin)
  }
  applyRemoteAwareness(frame: Uint8Array): void {
    this.remoteAwareness.push(frame)
  }
  removeNodeAwareness(node: string): void {
    this.goneNodes.push(node)
  }
  storeUnavailable(reason: string): void {
    this.unavailable = reason
  }

  /** Loads the room into the host's document. */
  async load(store: DocumentStore, room: string): Promise<Uint8Array[]> {
    const updates = await store.load(room, this)
    Y.transact(this.doc, () => updates.forEach((update) => Y.applyUpdate(this.doc, update)), RESTORE_ORIGIN)
    return updates
  }

  /** A local session's edit: applied here, then appended as the relay does. */
  edit(store: DocumentStore, room: string, change: (text: Y.Text) => void): void {
    const before = Y.encodeStateVector(this.doc)
    change(this.doc.getText('text'))
    store.append(room, Y.encodeStateAsUpdate(this.doc, before), SESSION_ORIGIN)
  }

  get text(): string {
    return this.doc.getText('text').toString()
  }
}

export function documentStoreContract(name: string, makeBacking: () => Promise<StoreBacking>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let backing: StoreBacking
    const open: DocumentStore[] = []
    const openStore = async (compactAfterBytes = 1 << 20) => {
      const store = await backing.open({ compactAfterBytes })
      open.push(store)
      return store
    }
    const ROOM = 'course-101/week:3'

    beforeEach(async () => {
      backing = await makeBacking()
    })
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close()
      await backing.dispose()
    })

    it('loads a room it never saw as empty, and is healthy', async () => {
      const store = await openStore()
      expect(await new TestHost().load(store, ROOM)).toEqual([])
      expect(store.health()).toEqual({ ok: true })
    })

    it('keeps what sessions wrote across a release and a new store', async () => {
      const first = await openStore()
      const host = new TestHost()
      await host.load(first, ROOM)
      host.edit(first, ROOM, (text) => text.insert(0, 'hello'))
      host.edit(first, ROOM, (text) => text.insert(5, ' world'))
      await first.release(ROOM)
      const again = new TestHost()
      await again.load(await openStore(), ROOM)
      expect(again.text).toBe('hello world')
    })

    it('makes flushed appends readable by another store while the first keeps the room', async () => {
      const first = await openStore()
      const host = new TestHost()
      await host.load(first, ROOM)
      for (let i = 0; i < 20; i++) host.edit(first, ROOM, (text) => text.insert(0, 'x'))
      await first.flush()
      const reader = new TestHost()
      await reader.load(await openStore(), ROOM)
      expect(reader.text).toBe('x'.repeat(20))
    })

    it('writes everything on close', async () => {
      const first = await backing.open({ compactAfterBytes: 1 << 20 })
      const host = new TestHost()
      await host.load(first, ROOM)
      host.edit(first, ROOM, (text) => text.insert(0, 'closing'))
      await first.close()
      const again = new TestHost()
      await again.load(await openStore(), ROOM)
      expect(again.text).toBe('closing')
    })

    it('never records an update that came from another node or from the store itself', async () => {
      const store = await openStore()
      const host = new TestHost()
      await host.load(store, ROOM)
      host.edit(store, ROOM, (text) => text.insert(0, 'mine'))
      const elsewhere = new Y.Doc()
      elsewhere.getText('text').insert(0, 'theirs')
      const foreign = Y.encodeStateAsUpdate(elsewhere)
      store.append(ROOM, foreign, { kind: 'remote', node: 'node-b' })
      store.append(ROOM, foreign, RESTORE_ORIGIN)
      await store.flush()
      const reader = new TestHost()
      const updates = await reader.load(await openStore(), ROOM)
      expect(reader.text).toBe('mine')
      expect(updates.length).toBeGreaterThan(0)
    })

    it('compacts a long history by itself, from the room state, losing nothing', async () => {
      const store = await openStore(1000)
      const host = new TestHost()
      await host.load(store, ROOM)
      for (let i = 0; i < 300; i++) host.edit(store, ROOM, (text) => text.insert(i, String(i % 10)))
      await waitFor(() => host.stateEncodings > 0, 'the store asked the room for its state')
      await store.flush()
      const reader = new TestHost()
      const updates = await reader.load(await openStore(), ROOM)
      expect(reader.text).toBe(host.text)
      // Without compaction there would be 300 stored updates.
      expect(updates.length).toBeLessThan(100)
    })

    it('delivers one node\'s updates and awareness to the other nodes, never back to the writer', async (context) => {
      if (!backing.shared) {
        context.skip()
        return
      }
      const nodeA = await openStore()
      const nodeB = await openStore()
      const onA = new TestHost()
      const onB = new TestHost()
      await onA.load(nodeA, ROOM)
      await onB.load(nodeB, ROOM)
      for (let i = 0; i < 50; i++) onA.edit(nodeA, ROOM, (text) => text.insert(0, 'a'))
      onB.edit(nodeB, ROOM, (text) => text.insert(0, 'b'))
      nodeA.publishAwareness(ROOM, new Uint8Array([1, 2, 3]))
      await waitFor(() => onB.text.length === 51 && onA.text.length === 51, 'both nodes have every edit')
      await waitFor(() => onB.remoteAwareness.length === 1, 'awareness reached node B')
      expect(onA.text).toBe(onB.text)
      expect(onA.remoteAwareness).toEqual([])
      expect([...onB.remoteAwareness[0]!]).toEqual([1, 2, 3])
      const nodesSeenByA = new Set(onA.remoteUpdates.map((origin) => origin.node))
      const nodesSeenByB = new Set(onB.remoteUpdates.map((origin) => origin.node))
      expect(nodesSeenByA.size).toBe(1)
      expect(nodesSeenByB.size).toBe(1)
      expect(nodesSeenByA).not.toEqual(nodesSeenByB)
    })
  })
}
