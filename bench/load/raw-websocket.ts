/**
 * A minimal WebSocket client (RFC 6455) for the load generator. With a thousand receivers in one
 * process, the `ws` client's per-message stream machinery, not the server, became the limit of the
 * measurement. This client reads every socket into one shared buffer (`onread`: no Buffer and no
 * stream event per read) and parses frames in place. It speaks only what the bench needs:
 * unfragmented binary messages, ping/pong and the close handshake.
 */
import { createHash, randomBytes, randomFillSync } from 'node:crypto'
import { connect, type Socket } from 'node:net'

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const HEADER_END = Buffer.from('\r\n\r\n')
/**
 * One read buffer for every connection in the process: a read is parsed to the end before the
 * next read happens, and bytes that must outlive it are copied out.
 */
const SHARED_READ_BUFFER = Buffer.allocUnsafe(256 * 1024)

const Opcode = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const
const FIN = 0x80
const MASKED = 0x80
const NO_STATUS_CODE = 1005
const ABNORMAL_CLOSURE = 1006

/** Masking keys only need to be unpredictable to proxies; a pooled random fill is plenty. */
const maskPool = Buffer.allocUnsafe(4096)
let maskOffset = maskPool.length

function nextMask(): Buffer {
  if (maskOffset + 4 > maskPool.length) {
    randomFillSync(maskPool)
    maskOffset = 0
  }
  const mask = maskPool.subarray(maskOffset, maskOffset + 4)
  maskOffset += 4
  return mask
}

function maskedFrame(opcode: number, payload: Uint8Array): Buffer {
  const length = payload.length
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8
  const frame = Buffer.allocUnsafe(2 + lengthBytes + 4 + length)
  frame[0] = FIN | opcode
  if (lengthBytes === 0) {
    frame[1] = MASKED | length
  } else if (lengthBytes === 2) {
    frame[1] = MASKED | 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = MASKED | 127
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2)
    frame.writeUInt32BE(length >>> 0, 6)
  }
  const maskAt = 2 + lengthBytes
  nextMask().copy(frame, maskAt)
  const dataAt = maskAt + 4
  for (let i = 0; i < length; i++) frame[dataAt + i] = payload[i]! ^ frame[maskAt + (i & 3)]!
  return frame
}

export type RawState = 'connecting' | 'open' | 'closed'

export class RawWebSocket {
  state: RawState = 'connecting'
  onOpen: () => void = () => undefined
  /** `payload` is only valid during the call: it may point into the shared read buffer. */
  onMessage: (payload: Buffer) => void = () => undefined
  onClose: (code: number, reason: string) => void = () => undefined
  private readonly socket: Socket
  private readonly key = randomBytes(16).toString('base64')
  /** Bytes of an incomplete handshake response or frame, kept (copied) until the next read. */
  private leftover: Buffer | null = null

  constructor(url: string) {
    const target = new URL(url)
    if (target.protocol !== 'ws:') throw new Error(`only ws:// URLs are supported, got ${url}`)
    this.socket = connect({
      host: target.hostname,
      port: Number(target.port),
      noDelay: true,
      onread: {
        buffer: SHARED_READ_BUFFER,
        callback: (bytes: number, buffer: Uint8Array) => {
          this.receive(Buffer.from(buffer.buffer, buffer.byteOffset, bytes))
          return true
        },
      },
    })
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${this.key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      )
    })
    this.socket.on('error', () => this.closed(ABNORMAL_CLOSURE, 'socket error'))
    this.socket.on('close', () => this.closed(ABNORMAL_CLOSURE, 'socket closed'))
  }

  send(message: Uint8Array): void {
    if (this.state === 'open') this.socket.write(maskedFrame(Opcode.binary, message))
  }

  /** Drops the connection without a close handshake. */
  terminate(): void {
    this.socket.destroy()
    this.closed(ABNORMAL_CLOSURE, 'terminated')
  }

  private closed(code: number, reason: string): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.onClose(code, reason)
  }

  private receive(chunk: Buffer): void {
    const bytes = this.leftover ? Buffer.concat([this.leftover, chunk]) : chunk
    this.leftover = null
    let position = 0
    if (this.state === 'connecting') {
      position = this.completeHandshake(bytes)
      if (position < 0) return
    }
    while (this.state === 'open') {
      const consumed = this.readFrame(bytes, position)
      if (consumed === 0) break
      position += consumed
    }
    if (position < bytes.length && this.state !== 'closed') this.leftover = Buffer.from(bytes.subarray(position))
  }

  /** Returns where frames start, or -1 if the response is incomplete (kept) or refused (closed). */
  private completeHandshake(bytes: Buffer): number {
    const end = bytes.indexOf(HEADER_END)
    if (end === -1) {
      this.leftover = Buffer.from(bytes)
      return -1
    }
    const head = bytes.toString('latin1', 0, end)
    const expected = createHash('sha1').update(this.key + HANDSHAKE_GUID).digest('base64')
    const accepted = new RegExp(`^sec-websocket-accept:\\s*${expected.replace(/[+/=]/g, '\\$&')}\\s*$`, 'im')
    if (!head.startsWith('HTTP/1.1 101') || !accepted.test(head)) {
      this.socket.destroy()
      this.closed(ABNORMAL_CLOSURE, `handshake refused: ${head.split('\r\n', 1)[0]}`)
      return -1
    }
    this.state = 'open'
    this.onOpen()
    return end + HEADER_END.length
  }

  /** Parses one frame at `at`; returns its length, or 0 if it is not complete yet. */
  private readFrame(bytes: Buffer, at: number): number {
    const available = bytes.length - at
    if (available < 2) return 0
    const opcode = bytes[at]! & 0x0f
    const second = bytes[at + 1]!
    let length = second & 0x7f
    let header = 2
    if (length === 126) {
      if (available < 4) return 0
      length = bytes.readUInt16BE(at + 2)
      header = 4
    } else if (length === 127) {
      if (available < 10) return 0
      length = bytes.readUInt32BE(at + 2) * 2 ** 32 + bytes.readUInt32BE(at + 6)
      header = 10
    }
    if (available < header + length) return 0
    if (second & MASKED || opcode === Opcode.continuation) {
      this.socket.destroy()
      this.closed(ABNORMAL_CLOSURE, 'server sent a masked or fragmented frame, which the bench client does not accept')
      return 0
    }
    const payload = bytes.subarray(at + header, at + header + length)
    switch (opcode) {
      case Opcode.binary:
      case Opcode.text:
        this.onMessage(payload)
        break
      case Opcode.ping:
        this.socket.write(maskedFrame(Opcode.pong, payload))
        break
      case Opcode.close: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : NO_STATUS_CODE
        this.socket.end(maskedFrame(Opcode.close, payload.subarray(0, 2)))
        this.closed(code, payload.toString('utf8', 2))
        break
      }
    }
    return header + length
  }
}
