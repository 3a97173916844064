/** The store contracts against the embedded (file) and in-memory implementations. */
import { rm } from 'node:fs/promises'
import { FileAccessStore } from '../../auth/store/file-access-store.js'
import { FileKeyStore } from '../../auth/store/file-key-store.js'
import { MemoryAccessBus } from '../../auth/store/memory-access-events.js'
import { MemoryAccessStore } from '../../auth/store/memory-access-store.js'
import { MemoryKeyStore } from '../../auth/store/memory-key-store.js'
import { makeDataDir } from '../support/relay-fixture.js'
import { accessEventsContract } from './contracts/access-events.js'
import { accessStoreContract } from './contracts/access-store.js'
import { keyStoreContract } from './contracts/key-store.js'

/** The contract's links are dated in the past: keep them however old (forgetting has its own test). */
const KEEP_LINKS = { linkRetentionMs: 100 * 365 * 86_400_000 }

accessStoreContract('file', async () => {
  const dataDir = await makeDataDir()
  const store = await FileAccessStore.open(dataDir, KEEP_LINKS)
  return {
    store,
    concurrentHandles: false,
    // The embedded store is one process's: another handle is that process reopening the directory
    // (as after a restart), which must see everything acknowledged; it only reads.
    another: () => FileAccessStore.open(dataDir, KEEP_LINKS),
    dispose: async () => {
      await store.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
})

accessStoreContract('memory', async () => {
  const store = new MemoryAccessStore()
  return { store, concurrentHandles: true, another: async () => sharedHandle(store), dispose: () => store.close() }
})

keyStoreContract('file', async () => {
  const dataDir = await makeDataDir()
  return {
    store: new FileKeyStore(dataDir),
    another: async () => new FileKeyStore(dataDir),
    dispose: () => rm(dataDir, { recursive: true, force: true }),
  }
})

keyStoreContract('memory', async () => {
  const store = new MemoryKeyStore()
  return { store, another: async () => sharedHandle(store), dispose: () => store.close() }
})

accessEventsContract('memory', async () => {
  const bus = new MemoryAccessBus()
  return { node: async () => bus.node(), dispose: async () => undefined }
})

/** Another handle on an in-memory store is the same store, minus the right to close it for the others. */
function sharedHandle<T extends { close(): Promise<void> }>(store: T): T {
  return new Proxy(store, { get: (target, key) => (key === 'close' ? async () => undefined : Reflect.get(target, key, target)) })
}
