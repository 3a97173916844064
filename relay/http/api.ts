/** The token service's HTTP API under `/api/v1/`, described in openapi.yaml. */
import type { Authenticator } from '../../auth/service/authenticator.js'
import type { TokenService } from '../../auth/service/token-service.js'
import type { LiveRoom } from '../../protocol/api-types.js'
import { requireServerAdmin } from '../../auth/service/room-access.js'
import { endSessionsQuery, emptyBody, grantBody, newLinkBody, newRoomBody, redeemBody, rotateBody } from './api-bodies.js'
import { apiRouter, type ApiRoute } from './api-router.js'
import { parseTrustedProxies } from './client-address.js'
import type { RouteHandler } from './http-server.js'

export const API_PREFIX = '/api/v1'

/** The rooms open on this relay; none where the API runs without one (`lectern api`). */
export type LiveRooms = () => LiveRoom[]

/** `trustProxy`: the proxies whose X-Forwarded-For names the client (`--trust-proxy`). */
export function tokenServiceRoutes(
  service: TokenService,
  authenticator: Authenticator,
  trustProxy: readonly string[] = [],
  liveRooms: LiveRooms = () => [],
): RouteHandler {
  const authenticate = (authorization: string | undefined) => authenticator.authenticate(authorization)
  return apiRouter(API_PREFIX, apiRoutes(service, liveRooms), authenticate, parseTrustedProxies(trustProxy))
}

/** Every route of the API; openapi.yaml describes exactly these (a test holds the two in step). */
export function apiRoutes(service: TokenService, liveRooms: LiveRooms = () => []): ApiRoute[] {
  const ok = (body: unknown) => ({ status: 200, body })
  return [
    {
      // The presenter's console lists these for the server admin: JupyterLab's room names are not typed by hand.
      method: 'GET',
      path: '/rooms',
      handle: async ({ principal }) => {
        requireServerAdmin(principal)
        return ok({ rooms: liveRooms().sort((a, b) => b.sessions - a.sessions || a.room.localeCompare(b.room)) })
      },
    },
    {
      method: 'POST',
      path: '/rooms',
      handle: async ({ principal, body }) => ({ status: 201, body: await service.createRoom(principal, newRoomBody(await body())) }),
    },
    {
      method: 'POST',
      path: '/rooms/:room/links',
      handle: async ({ principal, param, body }) =>
        ({ status: 201, body: await service.createLink(principal, param('room'), newLinkBody(await body())) }),
    },
    {
      method: 'GET',
      path: '/rooms/:room/links',
      handle: async ({ principal, param }) => ok({ links: await service.listLinks(principal, param('room')) }),
    },
    {
      method: 'DELETE',
      path: '/rooms/:room/links/:link',
      handle: async ({ principal, param, query }) =>
        ok(await service.revokeLink(principal, param('room'), param('link'), endSessionsQuery(query))),
    },
    {
      method: 'POST',
      path: '/redeem',
      handle: async ({ principal, body, clientAddress }) => {
        const { code, displayName } = redeemBody(await body())
        return ok(await service.redeem(principal, code, displayName, clientAddress))
      },
    },
    {
      method: 'GET',
      path: '/rooms/:room/grants',
      handle: async ({ principal, param }) => ok({ grants: await service.listGrants(principal, param('room')) }),
    },
    {
      method: 'PUT',
      path: '/rooms/:room/grants/:subject',
      handle: async ({ principal, param, body }) => {
        const result = await service.setGrant(principal, param('room'), param('subject'), grantBody(await body()))
        return { status: result.created ? 201 : 200, body: result }
      },
    },
    {
      method: 'DELETE',
      path: '/rooms/:room/grants/:subject',
      handle: async ({ principal, param }) => ok(await service.revokeGrant(principal, param('room'), param('subject'))),
    },
    {
      method: 'POST',
      path: '/rooms/:room/token',
      handle: async ({ principal, param, body }) => {
        emptyBody(await body())
        return ok(await service.roomToken(principal, param('room')))
      },
    },
    {
      // Who the credential is: the presenter's console offers "New room" only to those who may.
      method: 'GET',
      path: '/me',
      handle: async ({ principal }) => ok(service.whoAmI(principal)),
    },
    {
      method: 'GET',
      path: '/me/rooms',
      handle: async ({ principal }) => ok({ rooms: await service.sharedWithMe(principal) }),
    },
    {
      method: 'DELETE',
      path: '/me/rooms/:room',
      handle: async ({ principal, param }) => ok(await service.leave(principal, param('room'))),
    },
    {
      method: 'POST',
      path: '/keys/rotate',
      handle: async ({ principal, body }) => ok(await service.rotateKeys(principal, rotateBody(await body()))),
    },
  ]
}
