/**
 * Grants and share links in Redis, shared by every node of a cluster. Each change is one Lua script
 * (access-scripts.ts). A change computed from what was read (a grant's next revision, a redeem's
 * outcome) is written only if the grant is still as read, and read again otherwise; a redeem checks
 * and counts the link's use inside the script, so concurrent redeems never retry over the count and
 * a link with one use left admits exactly one of them, whichever nodes they came through.
 */
import { changeGrant, givenByLink, grantAt, newGrant, upgradeStoredGrant, withoutLink, type Grant, type GrantChange } from '../../grants.js'
import type { ShareLink } from '../../share-links.js'
import { ServiceError } from '../../service/errors.js'
import { AccessState } from '../access-state.js'
import type { AccessStore, GrantExpiries, LinkRevocation, LinkRevoked, RedeemOutcome, RedeemRefusal, RedeemRequest } from '../access-store.js'
import {
  ACCESS_PREFIX,
  ADD_LINK,
  DELETE_GRANT,
  GRANT_FOR,
  LINK_BY_CODE,
  PUT_GRANT,
  REDEEM,
  REVOKE_LINK,
  REWRITE_GRANTS,
  ROOM_GRANTS,
  ROOM_LINKS,
  SUBJECT_GRANTS,
  TIMED_DUE,
} from './access-scripts.js'
import { jsonList, listOf, recordOf, textOrNil, type RedisPort, type RedisReply } from './redis-port.js'

/** What a compare-and-set rewrite did to one grant. */
interface GrantStep {
  previous: Grant
  grant: Grant | undefined
}

/** Another writer changing the same grant this many times in a row means something is wrong. */
const MAX_ATTEMPTS = 50

export class RedisAccessStore implements AccessStore {
  constructor(
    private readonly redis: RedisPort,
    private readonly prefix = ACCESS_PREFIX,
  ) {}

  async grant(id: string): Promise<Grant | undefined> {
    this.checkUp()
    return parseGrant(await this.redis.command(['GET', `${this.prefix}grant:${id}`]))
  }

  async grantFor(room: string, subject: string): Promise<Grant | undefined> {
    return parseGrant(await this.run(GRANT_FOR, room, subject))
  }

  async roomGrants(room: string): Promise<Grant[]> {
    return jsonList<Grant>(await this.run(ROOM_GRANTS, room))
  }

  async subjectGrants(subjects: readonly string[]): Promise<Grant[]> {
    if (subjects.length === 0) return []
    return jsonList<Grant>(await this.run(SUBJECT_GRANTS, ...subjects))
  }

  async roomLinks(room: string): Promise<ShareLink[]> {
    return listOf(await this.run(ROOM_LINKS, room)).map((fields) => linkFrom(recordOf(fields)))
  }

  async setGrant(change: GrantChange): Promise<{ grant: Grant; previous: Grant | undefined }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const previous = await this.grantFor(change.room, change.subject)
      const grant = previous ? changeGrant(previous, change) : newGrant(change)
      const written = await this.run(PUT_GRANT, change.room, change.subject, ...expected(previous), grant.id, JSON.stringify(grant), untilMs(grant))
      if (written === 1) return { grant, previous }
    }
    throw contended(change.room, change.subject)
  }

  async deleteGrant(room: string, subject: string): Promise<Grant | undefined> {
    return parseGrant(await this.run(DELETE_GRANT, room, subject))
  }

  async addLink(link: ShareLink): Promise<void> {
    const maxUses = link.maxUses === null ? '' : String(link.maxUses)
    await this.run(ADD_LINK, link.id, link.room, link.codeHash, JSON.stringify(link), maxUses, String(Date.parse(link.expiresAt)))
  }

  /**
   * The link is marked revoked in one script; what it gave is then taken back in another, a
   * compare-and-set per grant (not a round trip per grant: a link redeemed by hundreds took seconds).
   */
  async revokeLink(revocation: LinkRevocation): Promise<LinkRevoked | undefined> {
    const { room, linkId, actor, at, revokeGrants } = revocation
    const reply = await this.run(REVOKE_LINK, room, linkId, at.toISOString(), actor, revokeGrants ? '1' : '0')
    if (reply === null) return undefined
    const [fields, given] = listOf(reply)
    const outcome: LinkRevoked = { link: linkFrom(recordOf(fields!)), revokedGrants: [], changedGrants: [] }
    const gave = jsonList<Grant>(given!)
    for (const step of await this.rewriteAll(gave, (current) => (givenByLink(current, linkId) ? withoutLink(current, linkId, actor, at) : current))) {
      if (step?.grant === undefined) {
        if (step) outcome.revokedGrants.push(step.previous)
      } else if (step.grant.scope !== step.previous.scope) {
        outcome.changedGrants.push({ grant: step.grant, previous: step.previous })
      }
    }
    return outcome
  }

  /** Each due grant is rewritten with a compare-and-set (all in one script): of nodes sweeping at once, one wins each lapse. */
  async expireGrants(now: Date): Promise<GrantExpiries> {
    const outcome: GrantExpiries = { changed: [], revoked: [] }
    const due = jsonList<Grant>(await this.run(TIMED_DUE, String(now.getTime())))
    for (const step of await this.rewriteAll(due, (current) => grantAt(current, now))) {
      if (!step) continue
      if (step.grant) outcome.changed.push({ grant: step.grant, previous: step.previous })
      else outcome.revoked.push(step.previous)
    }
    return outcome
  }

  async redeem(request: RedeemRequest): Promise<RedeemOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const fields = recordOf(await this.run(LINK_BY_CODE, request.codeHash))
      if (fields.link === undefined) return { ok: false, refusal: 'unknown_code', link: undefined }
      const link = linkFrom(fields)
      const existing = await this.grantFor(link.room, request.subject)
      // The outcome is computed as the embedded store computes it, on just this link and grant.
      const outcome = AccessState.from({ grants: existing ? [existing] : [], links: [link] }).change((draft) => draft.redeem(request))
      if (!outcome.ok) return outcome
      const changed = outcome.grant !== existing
      const reply = await this.run(
        REDEEM,
        link.id,
        String(request.at.getTime()),
        link.room,
        request.subject,
        ...expected(existing),
        changed ? outcome.grant.id : '',
        changed ? JSON.stringify(outcome.grant) : '',
        untilMs(outcome.grant),
      )
      if (typeof reply === 'number') return { ...outcome, link: { ...link, uses: reply } }
      const refusal = textOrNil(reply)
      if (refusal !== 'conflict') return { ok: false, refusal: refusal as RedeemRefusal, link }
    }
    throw new Error('a share link redeem kept racing a change to the same grant; giving up')
  }

  async close(): Promise<void> {}

  /**
   * Writes `next(current)` in place of each grant that nobody changed meanwhile, all in one script,
   * and reads the others again for another round. Per grant, in order: undefined when there was
   * nothing to do (the grant is gone, or `next` left it as is), else what it was and became.
   */
  private async rewriteAll(starts: readonly Grant[], next: (current: Grant) => Grant | undefined): Promise<Array<GrantStep | undefined>> {
    const steps: Array<GrantStep | undefined> = starts.map(() => undefined)
    let pending = starts.map((grant, index) => ({ index, current: upgradeStoredGrant(grant) }))
    for (let attempt = 0; attempt < MAX_ATTEMPTS && pending.length > 0; attempt++) {
      const writes = pending.map(({ index, current }) => ({ index, current, grant: next(current) })).filter((write) => write.grant !== write.current)
      if (writes.length === 0) return steps
      const args = writes.flatMap(({ current, grant }) => [current.room, current.subject, ...expected(current), grant?.id ?? '', grant ? JSON.stringify(grant) : '', grant ? untilMs(grant) : ''])
      const written = listOf(await this.run(REWRITE_GRANTS, ...args))
      const raced = writes.filter((write, i) => {
        if (written[i] !== 1) return true
        steps[write.index] = { previous: write.current, grant: write.grant }
        return false
      })
      const reread = await Promise.all(raced.map(({ current }) => this.grant(current.id)))
      pending = raced.flatMap(({ index }, i) => (reread[i] ? [{ index, current: reread[i] }] : []))
    }
    if (pending.length > 0) throw contended(pending[0]!.current.room, pending[0]!.current.subject)
    return steps
  }

  private run(script: string, ...args: string[]): Promise<RedisReply> {
    this.checkUp()
    return this.redis.command(['EVAL', script, '0', this.prefix, ...args])
  }

  /** While Redis is away a command would wait for its return: callers get a clear refusal at once instead. */
  private checkUp(): void {
    const down = this.redis.down
    if (down !== null) throw new ServiceError(503, 'store_unavailable', `grants and links cannot be reached (${down}): try again shortly`)
  }
}

/** What the scripts compare the stored grant with: the id and revision read. */
function expected(grant: Grant | undefined): [string, string] {
  return [grant?.id ?? '', String(grant?.revision ?? 0)]
}

function parseGrant(reply: RedisReply): Grant | undefined {
  const text = textOrNil(reply)
  return text === undefined ? undefined : upgradeStoredGrant(JSON.parse(text) as Grant)
}

/** The score the `timed` index keeps the grant under: when its timed layer lapses. */
function untilMs(grant: Grant): string {
  return grant.until === undefined ? '' : String(Date.parse(grant.until))
}

/** A link as created, with the fields that change after creation taken from their own hash fields. */
function linkFrom(fields: Record<string, string>): ShareLink {
  const link = JSON.parse(fields.link!) as ShareLink
  return { ...link, uses: Number(fields.uses), revokedAt: fields.revokedAt || null, revokedBy: fields.revokedBy || null }
}

function contended(room: string, subject: string): Error {
  return new Error(`the grant of ${subject} on ${room} kept changing under this write; giving up`)
}
