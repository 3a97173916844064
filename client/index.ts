/**
 * lectern/client: join a Lectern room the careful way (README "lectern/client"), and call its
 * HTTP API. Browser-safe: no Node imports; in Node pass `ws` as `WebSocket`.
 */
export { joinRoom } from './join-room.js'
export { memoryStorage, webStorage, type KeyStorage } from './key-storage.js'
export type { JoinOptions, ReadOnlyEdits, RoomEvents, RoomHandle, Scope, Status, WebSocketClass } from './types.js'
export { LecternApi, apiUrlOfRelay, type Fetch, type LecternApiOptions } from '../protocol/api-client.js'
export { LecternApiError, API_ERROR_CODES, type ApiErrorCode, type ClientErrorCode, type LecternApiErrorCode } from '../protocol/api-error.js'
export type * from '../protocol/api-types.js'
