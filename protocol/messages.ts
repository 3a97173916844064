/**
 * The y-websocket wire format, as pure functions over bytes.
 *
 * A frame starts with a varuint message type; sync frames follow it with a varuint sub-type.
 * Every type and sub-type the protocol defines is below 128, so each fits in one byte: a frame
 * can be classified from its first two bytes without decoding anything else.
 */
import * as encoding from 'lib0/encoding'

export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const

export const SyncStep = {
  step1: 0,
  step2: 1,
  update: 2,
} as const

export const AuthMessage = {
  permissionDenied: 0,
  /** Lectern's scope message (protocol/scope-message.ts); not defined by y-protocols. */
  scope: 76,
} as const

/** What a frame is, decided from its first bytes. */
export type FrameKind =
  | 'sync-step1'
  | 'sync-step2'
  | 'sync-update'
  | 'awareness'
  | 'query-awareness'
  | 'auth'
  | 'malformed'
  | 'unknown'

/** Classifies a frame from its first two bytes. O(1): the payload is never read. */
export function classifyFrame(frame: Uint8Array): FrameKind {
  if (frame.length === 0) return 'malformed'
  const type = frame[0]!
  switch (type) {
    case MessageType.sync: {
      if (frame.length < 3) return 'malformed'
      const step = frame[1]!
      if (step === SyncStep.step1) return 'sync-step1'
      if (step === SyncStep.step2) return 'sync-step2'
      if (step === SyncStep.update) return 'sync-update'
      return 'malformed'
    }
    case MessageType.awareness:
      return frame.length < 2 ? 'malformed' : 'awareness'
    case MessageType.queryAwareness:
      return 'query-awareness'
    case MessageType.auth:
      return 'auth'
    default:
      return 'unknown'
  }
}

/** True for the frame kinds that change a document: the ones a read-only session may not send. */
export function isDocumentWrite(kind: FrameKind): boolean {
  return kind === 'sync-step2' || kind === 'sync-update'
}

function withEncoder(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

function encodeSyncMessage(step: number, payload: Uint8Array): Uint8Array {
  return withEncoder((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, step)
    encoding.writeVarUint8Array(e, payload)
  })
}

/** sync step 1: the sender's state vector, asking the peer for what it lacks. */
export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encodeSyncMessage(SyncStep.step1, stateVector)
}

/** sync step 2: the update that brings the peer up to date. */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeSyncMessage(SyncStep.step2, update)
}

/** An incremental document update. */
export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeSyncMessage(SyncStep.update, update)
}

/** Wraps an encoded awareness update into a frame. */
export function encodeAwarenessFrame(awarenessUpdate: Uint8Array): Uint8Array {
  return withEncoder((e) => {
    encoding.writeVarUint(e, MessageType.awareness)
    encoding.writeVarUint8Array(e, awarenessUpdate)
  })
}

/** The y-protocols auth message that tells a client its writes are refused. */
export function encodePermissionDenied(reason: string): Uint8Array {
  return withEncoder((e) => {
    encoding.writeVarUint(e, MessageType.auth)
    encoding.writeVarUint(e, AuthMessage.permissionDenied)
    encoding.writeVarString(e, reason)
  })
}

/** True for a y-protocols permission-denied message (not for Lectern's scope message, also an auth message). */
export function isPermissionDenied(frame: Uint8Array): boolean {
  return frame.length >= 2 && frame[0] === MessageType.auth && frame[1] === AuthMessage.permissionDenied
}

/**
 * An awareness frame with no entries. Clients apply it as a no-op, but it counts as a received
 * message, which keeps y-websocket's 30 s silence timer from reconnecting a quiet session.
 */
export const KEEPALIVE_FRAME: Uint8Array = encodeAwarenessFrame(new Uint8Array([0]))
