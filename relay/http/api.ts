/** The token service's HTTP API under `/api/v1/`, described in openapi.yaml. */
import type { Authenticator } from '../../auth/service/authenticator.js'
import type { TokenService } from '../../auth/service/token-service.js'
import { endSessionsQuery, emptyBody, grantBody, newLinkBody, redeemBody, rotateBody } from './api-bodies.js'
import { apiRouter, type ApiRoute } from './api-router.js'
import type { RouteHandler } from './http-server.js'

export const API_PREFIX = '/api/v1'

export function tokenServiceRoutes(service: TokenService, authenticator: Authenticator): RouteHandler {
  return apiRouter(API_PREFIX, apiRoutes(service), (authorization) => authenticator.authenticate(authorization))
}

/** Every route of the API; openapi.yaml describes exactly these (a test holds the two in step). */
export function apiRoutes(service: TokenService): ApiRoute[] {
  const ok = (body: unknown) => ({ status: 200, body })
  return [
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
      handle: async ({ principal, body }) => {
        const { code, displayName } = redeemBody(await body())
        return ok(await service.redeem(principal, code, displayName))
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
