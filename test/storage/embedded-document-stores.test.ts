import { rm } from 'node:fs/promises'
import { FileDocumentStore } from '../../relay/storage/file-document-store.js'
import { MemoryDocuments, MemoryDocumentStore } from '../../relay/storage/memory-document-store.js'
import { makeDataDir } from '../support/relay-fixture.js'
import { documentStoreContract } from './document-store-contract.js'

documentStoreContract('file', async () => {
  const dir = await makeDataDir()
  return {
    shared: false,
    open: async ({ compactAfterBytes }) => new FileDocumentStore(dir, 20, compactAfterBytes),
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
})

documentStoreContract('memory', async () => {
  const documents = new MemoryDocuments()
  return {
    shared: false,
    open: async ({ compactAfterBytes }) => new MemoryDocumentStore(documents, compactAfterBytes),
    dispose: async () => undefined,
  }
})
