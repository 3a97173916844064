/**
 * How a bench session frames and reads sync messages for each server. Lectern and
 * @y/websocket-server speak plain y-websocket; Hocuspocus prefixes every message with the
 * document name and authenticates with a message of its own; the bare `ws` server only forwards,
 * so its sessions send updates in y-websocket framing and skip the handshake nobody would answer.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { WireKind } from '../spec.js'

export type SyncStep = 'step1' | 'step2' | 'update'
export type FrameKind = SyncStep | 'other'

const SYNC = 0
/** Hocuspocus's sync message that does not ask for another step 1 back. */
const HOCUSPOCUS_SYNC_REPLY = 4
const HOCUSPOCUS_AUTH = 2
const HOCUSPOCUS_AUTH_TOKEN = 0
const STEP_CODES: Record<SyncStep, number> = { step1: 0, step2: 1, update: 2 }
const STEPS: ReadonlyArray<SyncStep> = ['step1', 'step2', 'update']

export interface Wire {
  /** The URL a session of `room` opens. */
  url(base: string, room: string, token: string): string
  /** Frames a session sends as soon as its socket opens (its token, its sync step 1). */
  greeting(room: string, token: string, stateVector: Uint8Array): Uint8Array[]
  /** False when the server never answers a step 1: the session is ready once the socket opens. */
  readonly answersStep1: boolean
  frame(room: string, step: SyncStep, payload: Uint8Array): Uint8Array
  /** What a received frame is, from its first bytes only. */
  classify(frame: Uint8Array): FrameKind
  /** The sync payload (state vector or update) of a frame `classify` called a sync step. */
  payload(frame: Uint8Array): Uint8Array
}

function syncFrame(prefix: string | null, step: SyncStep, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  if (prefix !== null) encoding.writeVarString(encoder, prefix)
  encoding.writeVarUint(encoder, SYNC)
  encoding.writeVarUint(encoder, STEP_CODES[step])
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** Where the message type sits: after the document name for Hocuspocus, at 0 otherwise. */
function typeOffset(frame: Uint8Array, prefixed: boolean): number {
  if (!prefixed) return 0
  const decoder = decoding.createDecoder(frame)
  const nameLength = decoding.readVarUint(decoder)
  return decoder.pos + nameLength
}

function classifyAt(frame: Uint8Array, offset: number): FrameKind {
  const type = frame[offset]
  if (type !== SYNC && type !== HOCUSPOCUS_SYNC_REPLY) return 'other'
  return STEPS[frame[offset + 1] ?? -1] ?? 'other'
}

function payloadAt(frame: Uint8Array, offset: number): Uint8Array {
  const decoder = decoding.createDecoder(frame)
  decoder.pos = offset + 2
  return decoding.readVarUint8Array(decoder)
}

function yWebsocketWire(answersStep1: boolean): Wire {
  return {
    url: (base, room, token) => `${base}/${encodeURIComponent(room)}?token=${encodeURIComponent(token)}`,
    greeting: (_room, _token, stateVector) => (answersStep1 ? [syncFrame(null, 'step1', stateVector)] : []),
    answersStep1,
    frame: (_room, step, payload) => syncFrame(null, step, payload),
    classify: (frame) => classifyAt(frame, 0),
    payload: (frame) => payloadAt(frame, 0),
  }
}

const hocuspocusWire: Wire = {
  // The Hocuspocus provider connects to the server's base URL; the document is named in each message.
  url: (base) => base,
  greeting: (room, token, stateVector) => {
    const auth = encoding.createEncoder()
    encoding.writeVarString(auth, room)
    encoding.writeVarUint(auth, HOCUSPOCUS_AUTH)
    encoding.writeVarUint(auth, HOCUSPOCUS_AUTH_TOKEN)
    encoding.writeVarString(auth, token)
    return [encoding.toUint8Array(auth), syncFrame(room, 'step1', stateVector)]
  },
  answersStep1: true,
  frame: (room, step, payload) => syncFrame(room, step, payload),
  classify: (frame) => classifyAt(frame, typeOffset(frame, true)),
  payload: (frame) => payloadAt(frame, typeOffset(frame, true)),
}

export function wireFor(kind: WireKind): Wire {
  switch (kind) {
    case 'y-websocket':
      return yWebsocketWire(true)
    case 'forward':
      return yWebsocketWire(false)
    case 'hocuspocus':
      return hocuspocusWire
  }
}
