/**
 * The API's wire types live once, in protocol/api-types.ts: the token service answers with them
 * and the HTTP layer lists live rooms with them (checked by tsc over the test sources), so the
 * typed client and the server cannot drift apart.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { TokenService } from '../../auth/service/token-service.js'
import type * as Wire from '../../protocol/api-types.js'
import type { LiveRooms } from '../../relay/http/api.js'

type Answer<Method extends keyof TokenService> = TokenService[Method] extends (...args: never[]) => Promise<infer T> ? T : never
type Request<Method extends keyof TokenService> = TokenService[Method] extends (...args: infer A) => unknown ? A : never

describe('API wire types', () => {
  it('are what the token service answers', () => {
    expectTypeOf<Answer<'createLink'>>().toEqualTypeOf<Wire.CreatedLink>()
    expectTypeOf<Answer<'listLinks'>>().toEqualTypeOf<Wire.Link[]>()
    expectTypeOf<Answer<'revokeLink'>>().toEqualTypeOf<Wire.RevokedLink>()
    expectTypeOf<Answer<'redeem'>>().toEqualTypeOf<Wire.Redeemed>()
    expectTypeOf<Answer<'listGrants'>>().toEqualTypeOf<Wire.GrantWithSessions[]>()
    expectTypeOf<Answer<'setGrant'>>().toEqualTypeOf<Wire.GrantChange>()
    expectTypeOf<Answer<'revokeGrant'>>().toEqualTypeOf<Wire.GrantEnded>()
    expectTypeOf<Answer<'leave'>>().toEqualTypeOf<Wire.GrantEnded>()
    expectTypeOf<Answer<'sharedWithMe'>>().toEqualTypeOf<Wire.SharedRoom[]>()
    expectTypeOf<Answer<'roomToken'>>().toEqualTypeOf<Wire.IssuedToken>()
    expectTypeOf<Answer<'createRoom'>>().toEqualTypeOf<Wire.OpenedRoom>()
    expectTypeOf<Answer<'rotateKeys'>>().toEqualTypeOf<Wire.RotatedKeys>()
    expectTypeOf<ReturnType<LiveRooms>>().toEqualTypeOf<Wire.LiveRoom[]>()
  })

  it('are what the token service accepts', () => {
    expectTypeOf<Request<'createLink'>[2]>().toEqualTypeOf<Wire.NewLink>()
    expectTypeOf<Request<'setGrant'>[3]>().toEqualTypeOf<Wire.GrantRequest>()
  })
})
