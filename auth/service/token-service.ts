/**
 * The token service: share links, grants, and room tokens minted from grants. Every operation
 * checks who is asking, changes the store, applies the change to live sessions, and records it in
 * the audit log, in that order: sessions change as soon as the change is durable.
 */
import { decodeJwt } from 'jose'
import type { AuditEvent, AuditSink } from '../audit.js'
import type { Clock } from '../clock.js'
import type { Caller, CreatedLink, Grant, GrantChange, GrantEnded, GrantRequest, GrantWithSessions, IssuedToken, Link, NewLink, OpenedRoom, Redeemed, RevokedLink, RotatedKeys, SharedRoom } from '../../protocol/api-types.js'
import { isSubject, roomScopeOf } from '../grants.js'
import type { KeyRing } from '../keys.js'
import { hashSecret } from '../secrets.js'
import { createShareLink, viewLink } from '../share-links.js'
import { mintRoomToken, type MintRequest, type TokenSettings } from '../tokens.js'
import type { AccessEvents } from '../store/access-events.js'
import type { AccessStore } from '../store/access-store.js'
import { redeemRefused, ServiceError } from './errors.js'
import { GrantChanges } from './grant-changes.js'
import { RedeemGuard } from './redeem-guard.js'
import { bestGrant, checkRoom, checkTarget, grantsCovering, prefixesAbove, requireServerAdmin, requireUser } from './room-access.js'
import { describeCaller, openRoom } from './room-creation.js'
import { newGuestKey } from './guest-keys.js'
import type { LiveGrantSessions } from './live-sessions.js'
import { actorOf, subjectsOf, type Principal, type UserPrincipal } from './principal.js'
import type { TokenServiceSettings } from './settings.js'

export interface TokenServiceParts {
  store: AccessStore
  keys: KeyRing
  tokens: TokenSettings
  settings: TokenServiceSettings
  audit: AuditSink
  live: LiveGrantSessions
  /** How changes reach the other nodes' sessions and key rings. */
  events: AccessEvents
  clock: Clock
}

/** The longest a timed grant change may last. */
const MAX_TIMED_SECONDS = 366 * 86_400

export class TokenService {
  readonly changes: GrantChanges
  private readonly redeemGuard: RedeemGuard

  constructor(private readonly parts: TokenServiceParts) {
    this.changes = new GrantChanges(parts.live, parts.events, parts.audit)
    this.redeemGuard = new RedeemGuard(parts.settings.redeemRatePerSecond, parts.settings.redeemBurst)
  }

  async createLink(principal: Principal | null, room: string, request: NewLink): Promise<CreatedLink> {
    checkRoom(room)
    const admin = await this.requireRoomAdmin(principal, room)
    const { linkTtlSeconds, linkMaxTtlSeconds } = this.parts.settings
    const expiresInSeconds = request.expiresInSeconds ?? linkTtlSeconds
    if (expiresInSeconds > linkMaxTtlSeconds) {
      throw new ServiceError(400, 'invalid_body', `expiresInSeconds ${expiresInSeconds} is above this server's maximum of ${linkMaxTtlSeconds}`)
    }
    const at = this.parts.clock.now()
    const { link, code } = createShareLink({
      room,
      scope: request.scope,
      expiresInSeconds,
      maxUses: request.maxUses ?? null,
      actor: actorOf(admin),
      at,
      ...(request.label !== undefined ? { label: request.label } : {}),
    })
    await this.parts.store.addLink(link)
    await this.parts.audit.record({ action: 'link.created', actor: actorOf(admin), room, linkId: link.id, scope: link.scope })
    return { link: viewLink(link, at), code }
  }

  async listLinks(principal: Principal | null, room: string): Promise<Link[]> {
    await this.requireRoomAdmin(principal, room)
    const now = this.parts.clock.now()
    const links = await this.parts.store.roomLinks(room)
    return links.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((link) => viewLink(link, now))
  }

  /** With `endSessions`, the grants the link created are revoked too and their sessions end. */
  async revokeLink(
    principal: Principal | null,
    room: string,
    linkId: string,
    endSessions: boolean,
  ): Promise<RevokedLink> {
    const admin = await this.requireRoomAdmin(principal, room)
    const actor = actorOf(admin)
    const at = this.parts.clock.now()
    const revoked = await this.parts.store.revokeLink({ room, linkId, actor, at, revokeGrants: endSessions })
    if (!revoked) throw new ServiceError(404, 'not_found', `room ${room} has no share link ${linkId}`)
    const linkEvent: AuditEvent = { action: 'link.revoked', actor, room, linkId, grantsRevoked: revoked.revokedGrants.length }
    await this.changes.changedAll(revoked.changedGrants, actor)
    const sessionsEnded = await this.changes.ended(revoked.revokedGrants, actor, 'grant.revoked', 'share link revoked', linkEvent)
    return { link: viewLink(revoked.link, at), grantsRevoked: revoked.revokedGrants.length, sessionsEnded }
  }

  /**
   * Redeems a code for the caller: a user's grant goes to them; a caller without a credential
   * becomes a new guest and gets a guest key with the token.
   */
  async redeem(principal: Principal | null, code: string, displayName?: string, clientAddress?: string): Promise<Redeemed> {
    if (principal?.kind === 'admin') {
      throw new ServiceError(403, 'forbidden', 'the server admin credential cannot redeem share links: redeem as a guest or a user')
    }
    if (!principal && clientAddress !== undefined) this.redeemGuard.admit(clientAddress)
    const redeemer: { subject: string; key?: string } = principal ?? newGuestKey()
    const subject = redeemer.subject
    const outcome = await this.parts.store.redeem({
      codeHash: hashSecret(code),
      subject,
      actor: subject,
      at: this.parts.clock.now(),
      ...(displayName !== undefined ? { displayName } : {}),
    })
    if (!outcome.ok) {
      const refused: AuditEvent = {
        action: 'link.redeem_refused',
        actor: principal ? subject : 'anonymous',
        reason: outcome.refusal,
        ...(outcome.link ? { room: outcome.link.room, linkId: outcome.link.id } : {}),
      }
      await this.parts.audit.record(...this.redeemGuard.auditRefusal(refused))
      throw redeemRefused(outcome.refusal)
    }
    const { link, grant, previous } = outcome
    await this.changes.changed(grant, previous, subject, {
      action: 'link.redeemed',
      actor: subject,
      room: link.room,
      linkId: link.id,
      grantId: grant.id,
      scope: link.scope,
    })
    const issued = await this.issue(grant, subject, link.room)
    return { ...issued, subject, ...(redeemer.key !== undefined ? { guestKey: redeemer.key } : {}) }
  }

  /**
   * The grants naming `room` (a room or a prefix), then those of the prefixes a room is under, each
   * with how many of its sessions are connected to this relay now.
   */
  async listGrants(principal: Principal | null, room: string): Promise<GrantWithSessions[]> {
    await this.requireRoomAdmin(principal, room)
    const own = (await this.parts.store.roomGrants(room)).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    const above = (await Promise.all(prefixesAbove(room).map((prefix) => this.parts.store.roomGrants(prefix)))).flat()
    return [...own, ...above].map((grant) => ({ ...grant, sessions: this.parts.live.sessionCount(grant.id) }))
  }

  /**
   * Creates or changes a grant on a room or a prefix; its live sessions follow at once. A timed
   * change lasts `expiresInSeconds`, then reverts to the scope below it (or, with `then: revoke`,
   * revokes the grant); a new grant has nothing to revert to.
   */
  async setGrant(
    principal: Principal | null,
    room: string,
    subject: string,
    request: GrantRequest,
  ): Promise<GrantChange> {
    const admin = await this.requireRoomAdmin(principal, room)
    if (!isSubject(subject)) {
      throw new ServiceError(400, 'invalid_subject', `"${subject}" is not a subject: expected user:NAME or group:NAME (letters, digits, ._@+-)`)
    }
    const { scope, expiresInSeconds, then } = request
    if (expiresInSeconds !== undefined && expiresInSeconds > MAX_TIMED_SECONDS) {
      throw new ServiceError(400, 'invalid_body', `"expiresInSeconds" must be at most ${MAX_TIMED_SECONDS} (366 days)`)
    }
    const existing = await this.parts.store.grantFor(room, subject)
    if (!existing && then === 'revert') {
      throw new ServiceError(400, 'invalid_body', `"then": "revert" needs a grant to go back to, and ${subject} has none on ${room}: use "revoke"`)
    }
    if (expiresInSeconds === undefined && existing?.scope === scope && existing.until === undefined) {
      return { grant: existing, created: false, sessionsChanged: 0 }
    }
    const at = this.parts.clock.now()
    const { grant, previous } = await this.parts.store.setGrant({
      room,
      subject,
      scope,
      actor: actorOf(admin),
      at,
      ...(expiresInSeconds !== undefined ? { until: new Date(at.getTime() + expiresInSeconds * 1000), then: then ?? 'revert' } : {}),
    })
    const sessionsChanged = await this.changes.changed(grant, previous, actorOf(admin))
    return { grant, created: previous === undefined, sessionsChanged }
  }

  async revokeGrant(principal: Principal | null, room: string, subject: string): Promise<GrantEnded> {
    const admin = await this.requireRoomAdmin(principal, room)
    const grant = await this.parts.store.deleteGrant(room, subject)
    if (!grant) throw new ServiceError(404, 'not_found', `${subject} has no grant on room ${room}`)
    const sessionsEnded = await this.changes.ended([grant], actorOf(admin), 'grant.revoked', 'grant revoked')
    return { grant, sessionsEnded }
  }

  /** The rooms shared with the caller, directly or through their groups. */
  async sharedWithMe(principal: Principal | null): Promise<SharedRoom[]> {
    const user = requireUser(principal)
    const grants = await this.parts.store.subjectGrants(subjectsOf(user))
    return grants
      .sort((a, b) => a.room.localeCompare(b.room) || a.subject.localeCompare(b.subject))
      .map(({ room, scope, label, id: grantId, subject, updatedAt }) =>
        ({ room, scope, ...(label !== undefined ? { label } : {}), grantId, via: subject === user.subject ? 'user' : 'group', subject, updatedAt }))
  }

  /** Who the credential is, and whether they may open rooms (see room-creation.ts). */
  whoAmI(principal: Principal | null): Caller {
    return describeCaller(this.parts.settings, principal)
  }

  /** Removes the caller's own grant on a room or prefix; their sessions through it end. */
  async leave(principal: Principal | null, room: string): Promise<GrantEnded> {
    const user = requireUser(principal)
    checkTarget(room)
    const grant = await this.parts.store.deleteGrant(room, user.subject)
    if (!grant) {
      const other = (await this.grantsOn(room, user))[0]
      if (other) {
        const through = other.room === room ? other.subject : `${other.subject} on ${other.room}`
        throw new ServiceError(409, 'group_grant', `your access to ${room} comes from ${through}: leave that, or ask a room admin`)
      }
      throw new ServiceError(404, 'not_found', `you have no grant on room ${room}`)
    }
    const sessionsEnded = await this.changes.ended([grant], user.subject, 'grant.left', 'left the room')
    return { grant, sessionsEnded }
  }

  /**
   * A fresh room token for the caller's strongest grant reaching the room (its own, a group's, a
   * prefix's): the refresh call for a guest (guest key) and the identity exchange for a user
   * (identity JWT). A session admitted with it follows that one grant.
   */
  async roomToken(principal: Principal | null, room: string): Promise<IssuedToken> {
    const user = requireUser(principal)
    checkRoom(room)
    const best = bestGrant(await this.grantsOn(room, user), user, room)
    if (!best) throw new ServiceError(403, 'no_grant', `room ${room} is not shared with you`)
    return this.issue(best, user.subject, room)
  }

  /** A presenter opens a room of their own: see room-creation.ts. */
  async createRoom(principal: Principal | null, label?: string): Promise<OpenedRoom> {
    const opened = await openRoom(this.parts, principal, label)
    await this.changes.changed(opened.grant, undefined, opened.grant.subject, {
      action: 'room.created',
      actor: opened.grant.subject,
      room: opened.room,
    })
    return opened
  }

  /** A new signing key; the old ones keep verifying for `graceSeconds` (by default, a token's lifetime). */
  async rotateKeys(principal: Principal | null, graceSeconds?: number): Promise<RotatedKeys> {
    const admin = requireServerAdmin(principal)
    const grace = graceSeconds ?? this.parts.settings.tokenTtlSeconds + this.parts.tokens.clockToleranceSeconds
    const key = await this.parts.keys.rotate(grace)
    await this.parts.events.publish({ kind: 'keys.rotated', keyId: key.kid, actor: actorOf(admin) })
    await this.parts.audit.record({ action: 'keys.rotated', actor: actorOf(admin), keyId: key.kid })
    return { keyId: key.kid, graceSeconds: grace }
  }

  private async issue(grant: Grant, sub: string, room: string): Promise<IssuedToken> {
    const scope = roomScopeOf(grant.scope)
    const request: MintRequest = { room, scope, sub, ttlSeconds: this.parts.settings.tokenTtlSeconds, gid: grant.id }
    if (grant.linkId !== undefined) request.lid = grant.linkId
    const token = await mintRoomToken(this.parts.keys, this.parts.tokens, request)
    const expiresAt = new Date(decodeJwt(token).exp! * 1000).toISOString()
    return { token, expiresAt, room, scope, grant }
  }

  /** The user's grants (their own and their groups') that reach `room`, a room or a prefix. */
  private async grantsOn(room: string, user: UserPrincipal): Promise<Grant[]> {
    return grantsCovering(await this.parts.store.subjectGrants(subjectsOf(user)), room)
  }

  /**
   * The server admin, or a user with an admin grant reaching the room or prefix (their own or a
   * group's, on it or on a prefix above it).
   */
  private async requireRoomAdmin(principal: Principal | null, room: string): Promise<Principal> {
    checkTarget(room)
    if (!principal) throw new ServiceError(401, 'unauthorized', 'this call needs a credential: Authorization: Bearer <credential>')
    if (principal.kind === 'admin') return principal
    const grants = await this.grantsOn(room, principal)
    if (!grants.some((grant) => grant.scope === 'admin')) {
      throw new ServiceError(403, 'forbidden', `managing room ${room} needs an admin grant on it`)
    }
    return principal
  }
}
