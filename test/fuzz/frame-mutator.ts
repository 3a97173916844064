/** Seeded generation and mutation of y-websocket frames for the relay fuzz test. */
import * as encoding from 'lib0/encoding'

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Dice {
  constructor(readonly next: () => number) {}

  int(below: number): number {
    return Math.floor(this.next() * below)
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) out[i] = this.int(256)
    return out
  }
}

/** A copy of `bytes` damaged in one of the ways a hostile or broken client would. */
export function mutate(dice: Dice, bytes: Uint8Array, other: Uint8Array): Uint8Array {
  if (bytes.length === 0) return dice.bytes(1 + dice.int(16))
  const at = dice.int(bytes.length)
  switch (dice.int(8)) {
    case 0: {
      const out = bytes.slice()
      out[at] = out[at]! ^ (1 << dice.int(8))
      return out
    }
    case 1:
      // Cut off: a delete set, a struct or a string broken off half-way.
      return bytes.slice(0, Math.max(1, bytes.length - 1 - dice.int(Math.min(8, bytes.length))))
    case 2:
      return bytes.slice(0, at)
    case 3: {
      const out = bytes.slice()
      out[at] = dice.int(256)
      return out
    }
    case 4:
      return concat(bytes.slice(0, at), dice.bytes(1 + dice.int(8)), bytes.slice(at))
    case 5:
      return concat(bytes.slice(0, at), bytes.slice(Math.min(bytes.length, at + 1 + dice.int(8))))
    case 6:
      // Two updates spliced: valid pieces in an invalid whole.
      return concat(bytes.slice(0, at), other.slice(dice.int(Math.max(1, other.length))))
    default: {
      // A huge varint where a count or length should be.
      const out = bytes.slice()
      out.set([0xff, 0xff, 0xff, 0x7f].slice(0, Math.min(4, out.length - at)), at)
      return out
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

export function syncFrame(step: 0 | 1 | 2, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, step)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

export function awarenessFrame(entries: Array<[clientId: number, clock: number, state: string]>): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const [clientId, clock, state] of entries) {
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, state)
  }
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  return encoding.toUint8Array(e)
}

/** The messages in bytes a server wrote as WebSocket frames (unmasked, as frame-once writes them). */
export function readServerFrames(bytes: Buffer): Uint8Array[] {
  const messages: Uint8Array[] = []
  let offset = 0
  while (offset < bytes.length) {
    let length = bytes[offset + 1]! & 0x7f
    let header = 2
    if (length === 126) {
      length = bytes.readUInt16BE(offset + 2)
      header = 4
    } else if (length === 127) {
      length = bytes.readUInt32BE(offset + 2) * 0x100000000 + bytes.readUInt32BE(offset + 6)
      header = 10
    }
    messages.push(bytes.subarray(offset + header, offset + header + length))
    offset += header + length
  }
  return messages
}
