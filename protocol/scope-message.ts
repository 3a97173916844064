/**
 * The scope message: a y-protocols auth message (type 2) with a sub-type y-protocols does not
 * define, carrying what the session may do now, `read` or `write`. The relay sends it on join and
 * at every live scope change. y-protocols' readAuthMessage switches on the sub-type and ignores
 * the ones it does not know, so unmodified y-websocket clients (1.5.4 and 3.x) skip it.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { RoomScope } from './api-types.js'
import { AuthMessage, MessageType } from './messages.js'

/** 76 is "L": far from y-protocols' own sub-types (only 0, permission denied, exists), one byte. */
export const SCOPE_AUTH_SUBTYPE = AuthMessage.scope

export function encodeScopeMessage(scope: RoomScope): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.auth)
  encoding.writeVarUint(encoder, SCOPE_AUTH_SUBTYPE)
  encoding.writeVarString(encoder, scope)
  return encoding.toUint8Array(encoder)
}

/** Encoded once: the relay sends one of these at every join. */
export const SCOPE_MESSAGES: Readonly<Record<RoomScope, Uint8Array>> = {
  read: encodeScopeMessage('read'),
  write: encodeScopeMessage('write'),
}

/** The scope a frame announces, or null if it is not a (well-formed) scope message. */
export function readScopeMessage(frame: Uint8Array): RoomScope | null {
  if (frame.length < 3 || frame[0] !== MessageType.auth || frame[1] !== SCOPE_AUTH_SUBTYPE) return null
  try {
    const scope = decoding.readVarString(decoding.createDecoder(frame.subarray(2)))
    return scope === 'read' || scope === 'write' ? scope : null
  } catch {
    return null
  }
}
