/**
 * Grants: who may do what in a room. There is one grant per (room, subject), changed in place, so a
 * grant id stays the same through scope changes and live sessions can follow it.
 */
import type { RoomScope } from './claims.js'
import { randomToken } from './secrets.js'

/** `admin` adds managing the room's links and grants to `write`. */
export type GrantScope = 'read' | 'write' | 'admin'

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

export interface Grant {
  id: string
  room: string
  subject: string
  scope: GrantScope
  /** Grows by one at every change, so a late-arriving older view never overrides a newer one. */
  revision: number
  createdAt: string
  createdBy: string
  updatedAt: string
  updatedBy: string
  /** The share link that created this grant: revoking that link can take the grant back. */
  linkId?: string
  /** A name the redeemer gave, so an admin can tell anonymous guests apart. Not an identity. */
  displayName?: string
}

export interface GrantChange {
  room: string
  subject: string
  scope: GrantScope
  actor: string
  at: Date
  linkId?: string
  displayName?: string
}

/** The grant after `change`: the existing one changed in place, or a new one with a fresh id. */
export function applyGrantChange(existing: Grant | undefined, change: GrantChange): Grant {
  const at = change.at.toISOString()
  if (existing) {
    const updated: Grant = { ...existing, scope: change.scope, revision: existing.revision + 1, updatedAt: at, updatedBy: change.actor }
    if (change.displayName !== undefined) updated.displayName = change.displayName
    return updated
  }
  const created: Grant = {
    id: randomToken('g_', 16),
    room: change.room,
    subject: change.subject,
    scope: change.scope,
    revision: 1,
    createdAt: at,
    createdBy: change.actor,
    updatedAt: at,
    updatedBy: change.actor,
  }
  if (change.linkId !== undefined) created.linkId = change.linkId
  if (change.displayName !== undefined) created.displayName = change.displayName
  return created
}
