/**
 * Server-to-client WebSocket framing (RFC 6455 §5.2), done once per message instead of once per
 * receiver: the result is written as-is to every receiver's socket. Frames from a server are
 * never masked, so the same bytes are valid on every connection.
 */
const FIN_BINARY = 0x82

function headerLength(payloadLength: number): number {
  if (payloadLength < 126) return 2
  if (payloadLength < 0x10000) return 4
  return 10
}

function writeHeader(out: Buffer, offset: number, payloadLength: number): number {
  out[offset] = FIN_BINARY
  if (payloadLength < 126) {
    out[offset + 1] = payloadLength
    return offset + 2
  }
  if (payloadLength < 0x10000) {
    out[offset + 1] = 126
    out.writeUInt16BE(payloadLength, offset + 2)
    return offset + 4
  }
  out[offset + 1] = 127
  out.writeUInt32BE(Math.floor(payloadLength / 0x100000000), offset + 2)
  out.writeUInt32BE(payloadLength >>> 0, offset + 6)
  return offset + 10
}

/** Frames each payload as one binary message; all of them in one buffer, in order. */
export function frameBinaryMessages(payloads: readonly Uint8Array[]): Buffer {
  let total = 0
  for (const payload of payloads) total += headerLength(payload.length) + payload.length
  const out = Buffer.allocUnsafe(total)
  let offset = 0
  for (const payload of payloads) {
    offset = writeHeader(out, offset, payload.length)
    out.set(payload, offset)
    offset += payload.length
  }
  return out
}
