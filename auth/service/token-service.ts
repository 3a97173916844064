/**
 * The token service: share links, grants, and room tokens minted from grants. Every operation
 * checks who is asking, changes the store, applies the change to live sessions, and records it in
 * the audit log, in that order: sessions change as soon as the change is durable.
 */
import { decodeJwt } from 'jose'
import type { AuditEvent, AuditSink } from '../audit.js'
import type { Clock } from '../clock.js'
import { isSubject, roomScopeOf, strongerScope, type Grant, type GrantScope } from '../grants.js'
import type { KeyRing } from '../keys.js'
import { hashSecret } from '../secrets.js'
import { createShareLink, viewLink, type LinkView } from '../share-links.js'
import { mintRoomToken, type MintRequest, type TokenSettings } from '../tokens.js'
import { isValidRoomName } from '../../protocol/room-name.js'
import type { AccessEvents } from '../store/access-events.js'
import type { AccessStore } from '../store/access-store.js'
import { redeemRefused, ServiceError } from './errors.js'
import { newGuestKey } from './guest-keys.js'
import type { LiveGrantSessions } from './live-sessions.js'
import { actorOf, subjectsOf, type Principal, type UserPrincipal } from './principal.js'
import type { TokenServiceSettings } from './settings.js'
import type { GrantView, IssuedToken, NewLinkRequest, RedeemResult, SharedRoom } from './views.js'

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

export type { GrantView, IssuedToken, NewLinkRequest, RedeemResult, SharedRoom } from './views.js'

export class TokenService {
  constructor(private readonly parts: TokenServiceParts) {}

  async createLink(principal: Principal | null, room: string, request: NewLinkRequest): Promise<{ link: LinkView; code: string }> {
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

  async listLinks(principal: Principal | null, room: string): Promise<LinkView[]> {
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
  ): Promise<{ link: LinkView; grantsRevoked: number; sessionsEnded: number }> {
    const admin = await this.requireRoomAdmin(principal, room)
    const actor = actorOf(admin)
    const at = this.parts.clock.now()
    const revoked = await this.parts.store.revokeLink({ room, linkId, actor, at, revokeGrants: endSessions })
    if (!revoked) throw new ServiceError(404, 'not_found', `room ${room} has no share link ${linkId}`)
    const linkEvent: AuditEvent = { action: 'link.revoked', actor, room, linkId, grantsRevoked: revoked.revokedGrants.length }
    for (const { grant, previous } of revoked.changedGrants) await this.grantChanged(grant, previous, actor)
    const sessionsEnded = await this.endGrants(revoked.revokedGrants, actor, 'grant.revoked', 'share link revoked', linkEvent)
    return { link: viewLink(revoked.link, at), grantsRevoked: revoked.revokedGrants.length, sessionsEnded }
  }

  /**
   * Redeems a code for the caller: a user's grant goes to them; a caller without a credential
   * becomes a new guest and gets a guest key with the token.
   */
  async redeem(principal: Principal | null, code: string, displayName?: string): Promise<RedeemResult> {
    if (principal?.kind === 'admin') {
      throw new ServiceError(403, 'forbidden', 'the server admin credential cannot redeem share links: redeem as a guest or a user')
    }
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
      await this.parts.audit.record({
        action: 'link.redeem_refused',
        actor: principal ? subject : 'anonymous',
        reason: outcome.refusal,
        ...(outcome.link ? { room: outcome.link.room, linkId: outcome.link.id } : {}),
      })
      throw redeemRefused(outcome.refusal)
    }
    const { link, grant, previous } = outcome
    await this.grantChanged(grant, previous, subject, {
      action: 'link.redeemed',
      actor: subject,
      room: link.room,
      linkId: link.id,
      grantId: grant.id,
      scope: link.scope,
    })
    const issued = await this.issue(grant, subject)
    return { ...issued, subject, ...(redeemer.key !== undefined ? { guestKey: redeemer.key } : {}) }
  }

  /** The room's grants, each with how many of its sessions are connected to this relay now. */
  async listGrants(principal: Principal | null, room: string): Promise<GrantView[]> {
    await this.requireRoomAdmin(principal, room)
    const grants = await this.parts.store.roomGrants(room)
    return grants
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((grant) => ({ ...grant, sessions: this.parts.live.sessionCount(grant.id) }))
  }

  /** Creates or changes a grant; its live sessions follow at once. */
  async setGrant(
    principal: Principal | null,
    room: string,
    subject: string,
    scope: GrantScope,
  ): Promise<{ grant: Grant; created: boolean; sessionsChanged: number }> {
    const admin = await this.requireRoomAdmin(principal, room)
    if (!isSubject(subject)) {
      throw new ServiceError(400, 'invalid_subject', `"${subject}" is not a subject: expected user:NAME or group:NAME (letters, digits, ._@+-)`)
    }
    const existing = await this.parts.store.grantFor(room, subject)
    if (existing?.scope === scope) return { grant: existing, created: false, sessionsChanged: 0 }
    const { grant, previous } = await this.parts.store.setGrant({ room, subject, scope, actor: actorOf(admin), at: this.parts.clock.now() })
    const sessionsChanged = await this.grantChanged(grant, previous, actorOf(admin))
    return { grant, created: previous === undefined, sessionsChanged }
  }

  async revokeGrant(principal: Principal | null, room: string, subject: string): Promise<{ grant: Grant; sessionsEnded: number }> {
    const admin = await this.requireRoomAdmin(principal, room)
    const grant = await this.parts.store.deleteGrant(room, subject)
    if (!grant) throw new ServiceError(404, 'not_found', `${subject} has no grant on room ${room}`)
    const sessionsEnded = await this.endGrants([grant], actorOf(admin), 'grant.revoked', 'grant revoked')
    return { grant, sessionsEnded }
  }

  /** The rooms shared with the caller, directly or through their groups. */
  async sharedWithMe(principal: Principal | null): Promise<SharedRoom[]> {
    const user = requireUser(principal)
    const grants = await this.parts.store.subjectGrants(subjectsOf(user))
    return grants
      .sort((a, b) => a.room.localeCompare(b.room) || a.subject.localeCompare(b.subject))
      .map(({ room, scope, id: grantId, subject, updatedAt }) => ({ room, scope, grantId, via: subject === user.subject ? 'user' : 'group', subject, updatedAt }))
  }

  /** Removes the caller's own grant on a room; their sessions through it end. */
  async leave(principal: Principal | null, room: string): Promise<{ grant: Grant; sessionsEnded: number }> {
    const user = requireUser(principal)
    checkRoom(room)
    const grant = await this.parts.store.deleteGrant(room, user.subject)
    if (!grant) {
      const throughGroup = (await this.grantsOn(room, user)).find((candidate) => candidate.subject !== user.subject)
      if (throughGroup) {
        throw new ServiceError(409, 'group_grant', `your access to ${room} comes from ${throughGroup.subject}: a room admin can change it`)
      }
      throw new ServiceError(404, 'not_found', `you have no grant on room ${room}`)
    }
    const sessionsEnded = await this.endGrants([grant], user.subject, 'grant.left', 'left the room')
    return { grant, sessionsEnded }
  }

  /**
   * A fresh room token for the caller's strongest grant on the room: the refresh call for a guest
   * (guest key) and the identity exchange for a user (identity JWT). A session admitted with it
   * follows that one grant.
   */
  async roomToken(principal: Principal | null, room: string): Promise<IssuedToken> {
    const user = requireUser(principal)
    checkRoom(room)
    const grants = await this.grantsOn(room, user)
    const best = grants.reduce<Grant | undefined>((chosen, grant) => {
      if (!chosen) return grant
      if (grant.scope === chosen.scope) return grant.subject === user.subject ? grant : chosen
      return strongerScope(grant.scope, chosen.scope) === grant.scope ? grant : chosen
    }, undefined)
    if (!best) throw new ServiceError(403, 'no_grant', `room ${room} is not shared with you`)
    return this.issue(best, user.subject)
  }

  /** A new signing key; the old ones keep verifying for `graceSeconds` (by default, a token's lifetime). */
  async rotateKeys(principal: Principal | null, graceSeconds?: number): Promise<{ keyId: string; graceSeconds: number }> {
    const admin = requireServerAdmin(principal)
    const grace = graceSeconds ?? this.parts.settings.tokenTtlSeconds + this.parts.tokens.clockToleranceSeconds
    const key = await this.parts.keys.rotate(grace)
    await this.parts.events.publish({ kind: 'keys.rotated', keyId: key.kid, actor: actorOf(admin) })
    await this.parts.audit.record({ action: 'keys.rotated', actor: actorOf(admin), keyId: key.kid })
    return { keyId: key.kid, graceSeconds: grace }
  }

  private async issue(grant: Grant, sub: string): Promise<IssuedToken> {
    const scope = roomScopeOf(grant.scope)
    const request: MintRequest = { room: grant.room, scope, sub, ttlSeconds: this.parts.settings.tokenTtlSeconds, gid: grant.id }
    if (grant.linkId !== undefined) request.lid = grant.linkId
    const token = await mintRoomToken(this.parts.keys, this.parts.tokens, request)
    const expiresAt = new Date(decodeJwt(token).exp! * 1000).toISOString()
    return { token, expiresAt, room: grant.room, scope, grant }
  }

  /** Audits a created or changed grant (with `also`, the event that caused it) and moves its live sessions. */
  private async grantChanged(grant: Grant, previous: Grant | undefined, actor: string, also?: AuditEvent): Promise<number> {
    const events: AuditEvent[] = also ? [also] : []
    const base = { actor, room: grant.room, subject: grant.subject, grantId: grant.id, scope: grant.scope }
    let sessions = 0
    if (!previous) {
      events.push({ action: 'grant.created', ...base })
    } else if (previous.scope !== grant.scope) {
      // Published first: the other nodes change their sessions while this one changes its own.
      await this.parts.events.publish({ kind: 'grant.changed', grant, actor })
      sessions = this.parts.live.scopeChanged(grant)
      events.push({ action: 'grant.scope_changed', ...base, previousScope: previous.scope, sessions })
    }
    await this.parts.audit.record(...events)
    return sessions
  }

  /** Ends the live sessions of grants that are gone, then audits it all (`first` leads the batch). */
  private async endGrants(
    grants: readonly Grant[],
    actor: string,
    action: 'grant.revoked' | 'grant.left',
    reason: string,
    first?: AuditEvent,
  ): Promise<number> {
    if (grants.length > 0) await this.parts.events.publish({ kind: 'grants.revoked', grants: [...grants], reason, actor })
    const ended = this.parts.live.revoked(grants, reason)
    const events: AuditEvent[] = first ? [{ ...first, sessions: ended.length }] : []
    for (const grant of grants) {
      const sessions = ended.filter((session) => session.grantId === grant.id).length
      events.push({ action, actor, room: grant.room, subject: grant.subject, grantId: grant.id, scope: grant.scope, reason, sessions })
    }
    for (const session of ended) {
      events.push({ action: 'session.ended', actor, room: session.room, subject: session.sub, grantId: session.grantId, reason })
    }
    await this.parts.audit.record(...events)
    return ended.length
  }

  private async grantsOn(room: string, user: UserPrincipal): Promise<Grant[]> {
    const grants = await this.parts.store.subjectGrants(subjectsOf(user))
    return grants.filter((grant) => grant.room === room)
  }

  /** The server admin, or a user with an admin grant on the room (their own or a group's). */
  private async requireRoomAdmin(principal: Principal | null, room: string): Promise<Principal> {
    checkRoom(room)
    if (!principal) throw new ServiceError(401, 'unauthorized', 'this call needs a credential: Authorization: Bearer <credential>')
    if (principal.kind === 'admin') return principal
    const grants = await this.grantsOn(room, principal)
    if (!grants.some((grant) => grant.scope === 'admin')) {
      throw new ServiceError(403, 'forbidden', `managing room ${room} needs an admin grant on it`)
    }
    return principal
  }
}

function checkRoom(room: string): void {
  if (!isValidRoomName(room)) {
    throw new ServiceError(400, 'invalid_room', 'a room name is 1-256 characters of letters, digits and ._:-/')
  }
}

function requireUser(principal: Principal | null): UserPrincipal {
  if (!principal) throw new ServiceError(401, 'unauthorized', 'this call needs a guest key or an identity token: Authorization: Bearer <credential>')
  if (principal.kind === 'admin') {
    throw new ServiceError(403, 'forbidden', 'the server admin credential holds no grants of its own: call as a guest or a user')
  }
  return principal
}

export function requireServerAdmin(principal: Principal | null): Principal {
  if (!principal) throw new ServiceError(401, 'unauthorized', 'this call needs the server admin credential')
  if (principal.kind !== 'admin') throw new ServiceError(403, 'forbidden', 'this call needs the server admin credential')
  return principal
}
