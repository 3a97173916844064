import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import {
  classifyFrame,
  encodeAwarenessEntries,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  isDocumentWrite,
  KEEPALIVE_FRAME,
  readAwarenessClientIds,
  readAwarenessFrame,
  ownedBytes,
  readSyncPayload,
} from '../../protocol/index.js'
import { parseDurationSeconds } from '../../auth/duration.js'
import { roomFromRequestUrl, tokenFromRequestUrl } from '../../protocol/room-name.js'

function referenceFrame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

describe('frame classification matches y-protocols', () => {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, 'hi')
  const update = Y.encodeStateAsUpdate(doc)

  it('recognises sync step 1, step 2 and update as y-protocols writes them', () => {
    const step1 = referenceFrame((e) => {
      encoding.writeVarUint(e, 0)
      syncProtocol.writeSyncStep1(e, doc)
    })
    const step2 = referenceFrame((e) => {
      encoding.writeVarUint(e, 0)
      syncProtocol.writeSyncStep2(e, doc)
    })
    const incremental = referenceFrame((e) => {
      encoding.writeVarUint(e, 0)
      syncProtocol.writeUpdate(e, update)
    })
    expect(classifyFrame(step1)).toBe('sync-step1')
    expect(classifyFrame(step2)).toBe('sync-step2')
    expect(classifyFrame(incremental)).toBe('sync-update')
    expect(isDocumentWrite(classifyFrame(step2))).toBe(true)
    expect(isDocumentWrite(classifyFrame(incremental))).toBe(true)
    expect(isDocumentWrite(classifyFrame(step1))).toBe(false)
    // Our encoders produce the same bytes as the reference ones.
    expect(encodeSyncStep1(Y.encodeStateVector(doc))).toEqual(step1)
    expect(encodeSyncStep2(Y.encodeStateAsUpdate(doc))).toEqual(step2)
    expect(encodeSyncUpdate(update)).toEqual(incremental)
    expect(readSyncPayload(incremental)).toEqual(update)
  })

  it('classifies awareness, query, auth, malformed and unknown frames', () => {
    expect(classifyFrame(KEEPALIVE_FRAME)).toBe('awareness')
    expect(classifyFrame(new Uint8Array([3]))).toBe('query-awareness')
    expect(classifyFrame(encodePermissionDenied('no'))).toBe('auth')
    expect(classifyFrame(new Uint8Array([]))).toBe('malformed')
    expect(classifyFrame(new Uint8Array([0, 2]))).toBe('malformed')
    expect(classifyFrame(new Uint8Array([0, 7, 1]))).toBe('malformed')
    expect(classifyFrame(new Uint8Array([9, 0, 0]))).toBe('unknown')
    expect(classifyFrame(new Uint8Array([128, 1]))).toBe('unknown')
  })

  it('reads only the first bytes: classification cost does not grow with the frame', () => {
    // Count the bytes classifyFrame reads, through a proxy: the same few for 8 bytes and for 8 MiB.
    const bytesRead = (size: number): number[] => {
      const frame = new Uint8Array(size)
      frame.set([0, 2, 1])
      const read: number[] = []
      const watched = new Proxy(frame, {
        get(target, key) {
          if (typeof key === 'string' && /^\d+$/.test(key)) read.push(Number(key))
          const value = Reflect.get(target, key) as unknown
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
        },
      })
      expect(classifyFrame(watched)).toBe('sync-update')
      return read
    }
    const small = bytesRead(8)
    const huge = bytesRead(8 * 1024 * 1024)
    expect(huge).toEqual(small)
    expect(Math.max(...huge)).toBeLessThan(3)
  })
})

describe('awareness codec', () => {
  it('reads what y-protocols writes and writes what it reads', () => {
    const doc = new Y.Doc()
    const awareness = new awarenessProtocol.Awareness(doc)
    awareness.setLocalState({ user: { name: 'Ada', color: '#f00' } })
    const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])
    const frame = referenceFrame((e) => {
      encoding.writeVarUint(e, 1)
      encoding.writeVarUint8Array(e, update)
    })
    const entries = readAwarenessFrame(frame)
    expect(entries).toEqual([{ clientId: doc.clientID, clock: 1, state: JSON.stringify({ user: { name: 'Ada', color: '#f00' } }) }])
    expect(readAwarenessClientIds(frame)).toEqual([doc.clientID])
    expect(encodeAwarenessEntries(entries)).toEqual(frame)

    const other = new awarenessProtocol.Awareness(new Y.Doc())
    awarenessProtocol.applyAwarenessUpdate(other, readAwarenessPayload(encodeAwarenessEntries(entries)), 'test')
    expect(other.getStates().get(doc.clientID)).toEqual({ user: { name: 'Ada', color: '#f00' } })
  })

  it('rejects truncated updates and impossible entry counts', () => {
    expect(() => readAwarenessFrame(new Uint8Array([1, 3, 255, 255, 255]))).toThrow(/awareness/)
    expect(() => readAwarenessFrame(new Uint8Array([1, 2, 1, 5]))).toThrow(/awareness/)
    expect(() => readAwarenessFrame(new Uint8Array([0, 0]))).toThrow(/expected an awareness frame/)
  })
})

/** The update inside an awareness frame: one type byte, then the length-prefixed payload. */
function readAwarenessPayload(frame: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(frame)
  decoding.readVarUint(decoder)
  return decoding.readVarUint8Array(decoder)
}

describe('decoding received frames', () => {
  it('never reads past the frame into a shared buffer', () => {
    // An awareness frame whose length field claims 20 bytes but carries 3, sitting in a buffer
    // that continues with another connection's data.
    const shared = new Uint8Array(64)
    shared.set([1, 20, 1, 7, 1])
    shared.set(new TextEncoder().encode('"someone else\'s secret"'), 5)
    const frame = shared.subarray(0, 5)
    expect(() => readAwarenessFrame(ownedBytes(frame))).toThrow(/awareness/)
    const copy = ownedBytes(frame)
    expect(copy).toEqual(frame)
    expect(copy.buffer.byteLength).toBe(5)
    const exact = new Uint8Array([1, 2, 3])
    expect(ownedBytes(exact)).toBe(exact)
  })
})

describe('URL contract', () => {
  it('takes the room from the percent-decoded path and the token from the query', () => {
    expect(roomFromRequestUrl('/json:notebook:0b7c-1?token=abc')).toEqual({ ok: true, room: 'json:notebook:0b7c-1' })
    expect(roomFromRequestUrl('/course-101/week-3')).toEqual({ ok: true, room: 'course-101/week-3' })
    expect(roomFromRequestUrl('/course-101%2Fweek-3')).toEqual({ ok: true, room: 'course-101/week-3' })
    expect(roomFromRequestUrl('/').ok).toBe(false)
    expect(roomFromRequestUrl('/a%20b').ok).toBe(false)
    expect(roomFromRequestUrl('/%E0%A4%A').ok).toBe(false)
    expect(roomFromRequestUrl(`/${'r'.repeat(256)}`).ok).toBe(true)
    expect(roomFromRequestUrl(`/${'r'.repeat(257)}`).ok).toBe(false)
    expect(tokenFromRequestUrl('/room?x=1&token=a.b.c')).toBe('a.b.c')
    expect(tokenFromRequestUrl('/room')).toBeNull()
  })

  it('parses token lifetimes', () => {
    expect(parseDurationSeconds('30s')).toBe(30)
    expect(parseDurationSeconds('10m')).toBe(600)
    expect(parseDurationSeconds('1h')).toBe(3600)
    expect(parseDurationSeconds('7d')).toBe(604800)
    expect(parseDurationSeconds('45')).toBe(45)
    expect(() => parseDurationSeconds('0s')).toThrow(/greater than zero/)
    expect(() => parseDurationSeconds('ten minutes')).toThrow(/invalid duration/)
  })
})
