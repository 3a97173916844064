/**
 * Grants: who may do what in a room (or under a room prefix). There is one grant per (room,
 * subject), changed in place, so a grant id stays the same through scope changes and live sessions
 * can follow it.
 *
 * A grant is a stack of layers, bottom first; its scope is the top layer's. The bottom layer is
 * what created the grant (a room admin, or a share link's redeem). A redeem that raises an existing
 * grant adds a layer naming its link, so revoking that link takes back exactly what it gave. A
 * timed change ("write for 5 minutes") is a layer with `until`: at that time it lapses and the
 * scope below it shows again (or, with `revokeAtExpiry`, the whole grant goes). A room admin's plain
 * change is their decision over everything before it: it leaves one layer, still naming the link
 * that created the grant.
 */
import type { Grant, GrantLayer, GrantScope, RoomScope } from '../protocol/api-types.js'
import { randomToken } from './secrets.js'

export type { Grant, GrantLayer, GrantScope, GrantThen } from '../protocol/api-types.js'

const SCOPE_RANK: Record<GrantScope, number> = { read: 1, write: 2, admin: 3 }

export function isGrantScope(value: unknown): value is GrantScope {
  return value === 'read' || value === 'write' || value === 'admin'
}

export function strongerScope(a: GrantScope, b: GrantScope): GrantScope {
  return SCOPE_RANK[a] >= SCOPE_RANK[b] ? a : b
}

/** What a session admitted through a grant may do: an admin edits like a writer. */
export function roomScopeOf(scope: GrantScope): RoomScope {
  return scope === 'read' ? 'read' : 'write'
}

const SUBJECT_PATTERN = /^(user|group):[A-Za-z0-9._@+-]{1,128}$/
const NAME_PATTERN = /^[A-Za-z0-9._@+-]{1,128}$/

/** `user:NAME` or `group:NAME`; names are letters, digits and `._@+-`, up to 128 characters. */
export function isSubject(value: unknown): value is string {
  return typeof value === 'string' && SUBJECT_PATTERN.test(value)
}

export function isSubjectName(value: string): boolean {
  return NAME_PATTERN.test(value)
}

export function userSubject(name: string): string {
  return `user:${name}`
}

export function groupSubject(name: string): string {
  return `group:${name}`
}

export interface GrantChange {
  room: string
  subject: string
  scope: GrantScope
  actor: string
  at: Date
  /** A timed change: it lasts until then. */
  until?: Date
  /** What a timed change does at its end; `revert` needs a scope to go back to. */
  then?: 'revert' | 'revoke'
  linkId?: string
  displayName?: string
  label?: string
}

/** A new grant; a timed one is revoked at its end (there is nothing to revert to). */
export function newGrant(change: GrantChange): Grant {
  const at = change.at.toISOString()
  const bottom: GrantLayer = { scope: change.scope }
  if (change.linkId !== undefined) bottom.linkId = change.linkId
  if (change.until !== undefined) {
    bottom.until = change.until.toISOString()
    bottom.revokeAtExpiry = true
  }
  const grant: Grant = {
    id: randomToken('g_', 16),
    room: change.room,
    subject: change.subject,
    scope: change.scope,
    revision: 1,
    createdAt: at,
    createdBy: change.actor,
    updatedAt: at,
    updatedBy: change.actor,
    layers: [bottom],
  }
  if (change.displayName !== undefined) grant.displayName = change.displayName
  if (change.label !== undefined) grant.label = change.label
  return settle(grant)
}

/**
 * A room admin's change. A plain one leaves a single layer (keeping the link that created the
 * grant); a timed one replaces any earlier timed layer and goes on top.
 */
export function changeGrant(existing: Grant, change: GrantChange): Grant {
  const base = existing.layers.filter((layer) => layer.until === undefined)
  let layers: GrantLayer[]
  if (change.until === undefined) {
    const bottom: GrantLayer = { scope: change.scope }
    const creator = existing.layers[0]?.linkId
    if (creator !== undefined) bottom.linkId = creator
    layers = [bottom]
  } else {
    const timed: GrantLayer = { scope: change.scope, until: change.until.toISOString() }
    if (change.then === 'revoke' || base.length === 0) timed.revokeAtExpiry = true
    layers = [...base, timed]
  }
  const changed = touched(existing, layers, change.actor, change.at)
  if (change.displayName !== undefined) changed.displayName = change.displayName
  return changed
}

/** A redeem of a link stronger than the grant: a layer that revoking the link takes away. */
export function raiseByLink(existing: Grant, scope: GrantScope, linkId: string, actor: string, at: Date): Grant {
  return touched(existing, [...existing.layers, { scope, linkId }], actor, at)
}

/** The grant without what `linkId` gave; undefined when it gave everything that was left. */
export function withoutLink(existing: Grant, linkId: string, actor: string, at: Date): Grant | undefined {
  const layers = existing.layers.filter((layer) => layer.linkId !== linkId)
  return layers.length === 0 ? undefined : touched(existing, layers, actor, at)
}

export function givenByLink(grant: Grant, linkId: string): boolean {
  return grant.layers.some((layer) => layer.linkId === linkId)
}

/** When the grant changes by itself next (its timed layer lapses); undefined if never. */
export function nextExpiry(grant: Grant): number | undefined {
  return grant.until === undefined ? undefined : Date.parse(grant.until)
}

/**
 * The grant as it stands at `now`: a lapsed timed layer removed (revision bumped), or undefined
 * when its lapse revokes the grant. The same grant when nothing lapsed.
 */
export function grantAt(grant: Grant, now: Date): Grant | undefined {
  const due = nextExpiry(grant)
  if (due === undefined || due > now.getTime()) return grant
  const lapsing = grant.layers.find((layer) => layer.until !== undefined)
  if (lapsing?.revokeAtExpiry) return undefined
  const layers = grant.layers.filter((layer) => layer !== lapsing)
  if (layers.length === 0) return undefined
  return touched(grant, layers, 'expiry', now)
}

function touched(existing: Grant, layers: GrantLayer[], actor: string, at: Date): Grant {
  return settle({ ...existing, layers, revision: existing.revision + 1, updatedAt: at.toISOString(), updatedBy: actor })
}

/** Derives what is read from the layers: the scope, the creating link, the timed layer's end. */
function settle(grant: Grant): Grant {
  const { until: _until, then: _then, linkId: _linkId, ...rest } = grant
  const settled: Grant = { ...rest, scope: grant.layers[grant.layers.length - 1]!.scope }
  const creator = grant.layers[0]!.linkId
  if (creator !== undefined) settled.linkId = creator
  const timed = grant.layers.find((layer) => layer.until !== undefined)
  if (timed?.until !== undefined) {
    settled.until = timed.until
    const rest = grant.layers.filter((layer) => layer !== timed)
    settled.then = timed.revokeAtExpiry || rest.length === 0 ? 'revoke' : rest[rest.length - 1]!.scope
  }
  return settled
}

/** A grant stored before layers existed: one layer holding its scope and its link. */
export function upgradeStoredGrant(stored: Omit<Grant, 'layers'> & { layers?: GrantLayer[] }): Grant {
  if (stored.layers !== undefined && stored.layers.length > 0) return stored as Grant
  const bottom: GrantLayer = { scope: stored.scope }
  if (stored.linkId !== undefined) bottom.linkId = stored.linkId
  return { ...stored, layers: [bottom] }
}
