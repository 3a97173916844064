/**
 * One load-generator connection. It does what a y-websocket or Hocuspocus provider does on the
 * wire (greets, answers the server's step 1 with its state, counts as ready on the server's
 * step 2), and hands every document frame to whoever measures it.
 */
import * as Y from 'yjs'
import type { ClientKind } from '../spec.js'
import { LibraryWebSocket } from './library-websocket.js'
import { RawWebSocket } from './raw-websocket.js'
import type { FrameKind, Wire } from './wire.js'

/** An empty document's state as an update: what a session without a document answers a step 1 with. */
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc())
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc())

/** `frame` is only valid during the call (it may point into a shared read buffer). */
export type DocumentFrameHandler = (frame: Buffer, kind: FrameKind) => void

/** Transaction origin of changes that came from the server, so a writer does not send them back. */
export const FROM_SERVER = Symbol('from-server')

export class BenchSession {
  readonly ws: RawWebSocket | LibraryWebSocket
  readonly ready: Promise<void>
  /** Document frames (step 2 and updates) received after the session became ready. */
  onDocumentFrame: DocumentFrameHandler | null = null
  /** The step 2 that made the session ready. */
  firstStep2: Uint8Array | null = null
  private isReady = false

  constructor(
    readonly wire: Wire,
    base: string,
    readonly room: string,
    token: string,
    /**
     * The session's own document, if it keeps one, as a provider does: its state answers the
     * server's step 1 and every received update is applied to it.
     */
    readonly doc: Y.Doc | null = null,
    /** `realistic`: a `ws` client that decodes every message, as an application's provider does. */
    private readonly client: ClientKind = 'lean',
  ) {
    const url = wire.url(base, room, token)
    this.ws = client === 'realistic' ? new LibraryWebSocket(url) : new RawWebSocket(url)
    this.ready = new Promise<void>((resolve, reject) => {
      // A close after sync shows up as missing deliveries, which the scenario reports.
      this.ws.onClose = (code, reason) => {
        if (!this.isReady) reject(new Error(`session of room ${room} closed before sync: ${code} ${reason}`))
      }
      this.ws.onOpen = () => {
        const stateVector = this.doc ? Y.encodeStateVector(this.doc) : EMPTY_STATE_VECTOR
        for (const frame of wire.greeting(room, token, stateVector)) this.ws.send(frame)
        if (!wire.answersStep1) this.markReady(resolve)
      }
      this.ws.onMessage = (data) => this.receive(data, resolve)
    })
  }

  get open(): boolean {
    return this.ws.state === 'open'
  }

  send(frame: Uint8Array): void {
    this.ws.send(frame)
  }

  close(): void {
    this.ws.terminate()
  }

  private receive(data: Buffer, resolveReady: () => void): void {
    const kind = this.wire.classify(data)
    if (kind === 'step1') {
      const state = this.doc ? Y.encodeStateAsUpdate(this.doc, this.wire.payload(data)) : EMPTY_UPDATE
      this.ws.send(this.wire.frame(this.room, 'step2', state))
      return
    }
    if (!this.isReady) {
      if (kind === 'step2') {
        // A copy: `data` may be the shared read buffer, overwritten by the next read.
        this.firstStep2 = this.wire.payload(data).slice()
        if (this.doc) Y.applyUpdate(this.doc, this.firstStep2, FROM_SERVER)
        this.markReady(resolveReady)
      }
      return
    }
    if (kind === 'other') return
    if (this.doc) Y.applyUpdate(this.doc, this.wire.payload(data), FROM_SERVER)
    // A realistic client decodes every sync message before handing its update on; the sample with
    // a document applies it too.
    else if (this.client === 'realistic') this.wire.payload(data)
    this.onDocumentFrame?.(data, kind)
  }

  private markReady(resolve: () => void): void {
    this.isReady = true
    resolve()
  }
}
