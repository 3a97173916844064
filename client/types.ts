/** The public types of lectern/client. */
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { WebsocketProvider } from 'y-websocket'
import type { Fetch } from '../protocol/api-client.js'
import type { RoomScope } from '../protocol/api-types.js'
import type { ReadOnlyEdits } from './doc-bridge.js'
import type { KeyStorage } from './key-storage.js'

export type Scope = RoomScope
/** `live`: connected and synced; `connecting`: on the way there; `offline`: not connected. */
export type Status = 'connecting' | 'live' | 'offline'
export type { ReadOnlyEdits }

/** A WebSocket class: the browser's own, or `ws` in Node. */
export type WebSocketClass = new (url: string, protocols?: string | string[]) => object

export interface JoinOptions {
  /** The relay's WebSocket URL, such as `ws://127.0.0.1:1234`. */
  relay: string
  /** The HTTP API's base URL; default: the relay's own (`http://127.0.0.1:1234/api/v1`). */
  api?: string
  /** The document to share. See `readOnlyEdits` for when it is replaced. */
  doc: Y.Doc
  /** Default: a new Awareness(doc). */
  awareness?: Awareness
  /** The room; needed unless `code` or `token` names it. */
  room?: string
  /** A share code (`lct_share_…`) to redeem first. */
  code?: string
  /** A guest key, an identity JWT or the server admin key: sent to the API as the bearer. */
  credential?: string
  /** A ready room token: used for the first connection instead of asking the API. */
  token?: string
  /** Shown to room admins with a redeemed grant. */
  displayName?: string
  /** Where the guest key is kept: localStorage in a browser, memory elsewhere. */
  storage?: KeyStorage
  /** Required in Node (pass `ws`); default: the global WebSocket. */
  WebSocket?: WebSocketClass
  /** Default: the global fetch. */
  fetch?: Fetch
  /**
   * What happens to changes made to the document while the session may only read. `discard`
   * (default): they never reach the room; the document is replaced by a fresh copy of the room's
   * (event `doc`). `keep`: they stay in the document and are sent when the session may write.
   */
  readOnlyEdits?: ReadOnlyEdits
}

export interface RoomEvents {
  scope(scope: Scope): void
  status(status: Status): void
  /**
   * Access was taken away (close 4403, or a refresh refused): the handle has stopped for good.
   * `reason`: the relay's close reason (`grant revoked`, …), or the API's refusal of a refresh as
   * `CODE: message`; `unauthorized: …` means the credential itself is no longer accepted (an
   * identity token that expired, a guest key the server no longer knows): signing in again helps.
   */
  revoked(reason: string): void
  /** A change was made to the document while the session may only read. */
  readOnlyEdit(): void
  /** With `readOnlyEdits: 'discard'`: the document was replaced; rebind editors to `doc`. */
  doc(doc: Y.Doc, previous: Y.Doc): void
  error(error: Error): void
}

export interface RoomHandle {
  readonly room: string
  /** The y-websocket 3.x provider. Its `doc` is the library's copy of the room, not `doc`. */
  readonly provider: WebsocketProvider
  /** The caller's document, or the one that replaced it after a discard. */
  readonly doc: Y.Doc
  readonly awareness: Awareness
  /** From the relay's scope message; before the first one, the token's scope. */
  readonly scope: Scope
  readonly status: Status
  readonly subject: string | undefined
  /** Resolves after the first sync with the relay; rejects if the handle stops before. */
  readonly synced: Promise<void>
  on<Name extends keyof RoomEvents>(event: Name, listener: RoomEvents[Name]): () => void
  destroy(): void
}
