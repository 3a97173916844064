/**
 * Frames from `ws` are often views into a larger buffer shared with other connections' data. The
 * lib0 decoders make sub-views from the *underlying* buffer, so a length field that lies about the
 * payload would read bytes past the frame: another session's data. Decoding an owned copy turns
 * such a lie into a range error.
 */
export function ownedBytes(view: Uint8Array): Uint8Array {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view
  return new Uint8Array(view)
}
