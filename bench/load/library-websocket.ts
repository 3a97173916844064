/**
 * A receiver built on the `ws` library, as real Node clients are: `ws` parses every frame into a
 * message of its own, with its stream and event machinery. The realistic readers use it, so the
 * bench counts what a server's message count costs its clients; the lean RawWebSocket stays for
 * measuring the server alone.
 */
import WebSocket from 'ws'
import type { RawState } from './raw-websocket.js'

const ABNORMAL_CLOSURE = 1006

export class LibraryWebSocket {
  state: RawState = 'connecting'
  onOpen: () => void = () => undefined
  onMessage: (payload: Buffer) => void = () => undefined
  onClose: (code: number, reason: string) => void = () => undefined
  private readonly socket: WebSocket

  constructor(url: string) {
    this.socket = new WebSocket(url, { perMessageDeflate: false })
    this.socket.on('open', () => {
      this.state = 'open'
      this.onOpen()
    })
    this.socket.on('message', (data: Buffer) => this.onMessage(data))
    this.socket.on('close', (code: number, reason: Buffer) => this.closed(code, reason.toString()))
    // A failed connection is reported by the close that follows.
    this.socket.on('error', () => undefined)
  }

  send(message: Uint8Array): void {
    if (this.state === 'open') this.socket.send(message)
  }

  terminate(): void {
    this.socket.terminate()
    this.closed(ABNORMAL_CLOSURE, 'terminated')
  }

  private closed(code: number, reason: string): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.onClose(code, reason)
  }
}
