/**
 * WebSocket close codes the relay uses. y-websocket ≥ 3.1 stops reconnecting on 4400–4499 (the
 * session cannot succeed by retrying); 45xx codes mean "reconnect and resync".
 * Documented in the README; keep the two in step.
 */
export const CloseCode = {
  /** The server is shutting down; clients reconnect. */
  goingAway: 1001,
  /** A text frame: the protocol is binary only. */
  unsupportedData: 1003,
  /** A frame above the configured maximum size (sent by `ws` itself). */
  messageTooBig: 1009,
  /** The URL does not name a valid room. */
  badRoom: 4400,
  /** Missing, malformed, badly signed or expired token; or a grant-less token reached its `exp`. */
  unauthorized: 4401,
  /** A valid token for another room, or the grant behind the session was revoked. */
  forbidden: 4403,
  /**
   * The relay could not load the room, or lost its document store (cluster mode: Redis
   * unreachable), so the session is closed or refused; clients reconnect and resync once it is back.
   */
  roomUnavailable: 4500,
  /** The session's send buffer passed its high-water mark: it fell behind and must resync. */
  slowReceiver: 4508,
} as const
