/** lectern/client against a real relay: the API as the operator, and joined rooms torn down after each test. */
import WebSocket from 'ws'
import { afterEach } from 'vitest'
import * as Y from 'yjs'
import { joinRoom, LecternApi, memoryStorage, type JoinOptions, type RoomHandle } from '../../client/index.js'
import { apiUrlOfRelay } from '../../protocol/api-client.js'
import type { StartOptions } from '../../relay/start.js'
import type { RelayConfig } from '../../relay/config.js'
import { useTestRelay, type TestRelay } from './relay-fixture.js'
import { readAdminKey } from './token-service-client.js'

export interface ClientFixture {
  readonly relay: TestRelay
  /** The API with the server admin key. */
  readonly admin: LecternApi
  /** WebSocket upgrades the relay has received so far. */
  readonly handshakes: number
  start(config?: Partial<RelayConfig>, options?: StartOptions): Promise<TestRelay>
  /** joinRoom on this relay, with `ws`, a storage of its own and a new document unless given. */
  join(options: Partial<JoinOptions>): Promise<RoomHandle>
}

export function useClientFixture(): ClientFixture {
  const relays = useTestRelay()
  const handles: RoomHandle[] = []
  let admin: LecternApi | undefined
  let handshakes = 0
  afterEach(() => {
    for (const handle of handles.splice(0)) handle.destroy()
  })
  return {
    get relay() {
      return relays.relay
    },
    get admin() {
      if (!admin) throw new Error('no relay: call start() first')
      return admin
    },
    get handshakes() {
      return handshakes
    },
    async start(config = {}, options = {}) {
      const relay = await relays.start(config, options)
      handshakes = 0
      relay.server.http.on('upgrade', () => handshakes++)
      admin = new LecternApi({ api: apiUrlOfRelay(relay.url), credential: await readAdminKey(relay.dataDir) })
      return relay
    },
    async join(options) {
      const handle = await joinRoom({
        relay: relays.relay.url,
        doc: new Y.Doc(),
        storage: memoryStorage(),
        WebSocket,
        ...options,
      })
      handles.push(handle)
      return handle
    },
  }
}

/** Resolves with the next value of a handle's event. */
export function nextEvent<Name extends 'scope' | 'status' | 'revoked' | 'doc' | 'error' | 'readOnlyEdit'>(handle: RoomHandle, name: Name): Promise<unknown> {
  return new Promise((resolve) => {
    const off = handle.on(name, ((value: unknown) => {
      off()
      resolve(value)
    }) as never)
  })
}
