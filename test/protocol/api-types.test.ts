/**
 * The API client's wire types describe what the token service really answers: every answer type
 * of the service must be assignable to the client's type (checked by tsc over the test sources).
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { Grant } from '../../auth/grants.js'
import type { LinkView } from '../../auth/share-links.js'
import type { IssuedToken, NewLinkRequest, RedeemResult, SharedRoom, TokenService } from '../../auth/service/token-service.js'
import type * as Wire from '../../protocol/api-types.js'
import type { LiveRoom } from '../../relay/http/api.js'

type Answer<Method extends keyof TokenService> = TokenService[Method] extends (...args: never[]) => Promise<infer T> ? T : never

describe('API wire types', () => {
  it('accept what the token service answers', () => {
    expectTypeOf<Grant>().toExtend<Wire.Grant>()
    expectTypeOf<LinkView>().toExtend<Wire.Link>()
    expectTypeOf<IssuedToken>().toExtend<Wire.IssuedToken>()
    expectTypeOf<RedeemResult>().toExtend<Wire.Redeemed>()
    expectTypeOf<SharedRoom>().toExtend<Wire.SharedRoom>()
    expectTypeOf<Answer<'createLink'>>().toExtend<Wire.CreatedLink>()
    expectTypeOf<Answer<'listGrants'>>().toExtend<Wire.GrantWithSessions[]>()
    expectTypeOf<LiveRoom>().toExtend<Wire.LiveRoom>()
    expectTypeOf<Answer<'revokeLink'>>().toExtend<Wire.RevokedLink>()
    expectTypeOf<Answer<'setGrant'>>().toExtend<Wire.GrantChange>()
    expectTypeOf<Answer<'revokeGrant'>>().toExtend<Wire.GrantEnded>()
    expectTypeOf<Answer<'leave'>>().toExtend<Wire.GrantEnded>()
    expectTypeOf<Answer<'rotateKeys'>>().toExtend<Wire.RotatedKeys>()
  })

  it('send what the token service accepts', () => {
    expectTypeOf<Wire.NewLink>().toExtend<NewLinkRequest>()
  })
})
