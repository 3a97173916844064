/**
 * Share links: a secret code that, redeemed, gives its redeemer a grant on one room. The code is
 * returned once at creation and stored only as a hash; the link's id is not secret and names it in
 * listings, revocations and the audit log.
 */
import type { GrantScope, Link, LinkStatus } from '../protocol/api-types.js'
import { hashSecret, randomToken } from './secrets.js'

/** 32 random bytes: 256 bits, well above the 128 a guessing attack would have to beat. */
const CODE_BYTES = 32
const SHARE_CODE_PREFIX = 'lct_share_'

/** A link as stored: what callers see of it (its status is worked out when asked), and its code's hash. */
export interface ShareLink extends Omit<Link, 'status'> {
  codeHash: string
}

/** Why a link no longer admits, most deliberate cause first. */
export function linkStatus(link: ShareLink, now: Date): LinkStatus {
  if (link.revokedAt !== null) return 'revoked'
  if (link.maxUses !== null && link.uses >= link.maxUses) return 'used_up'
  if (Date.parse(link.expiresAt) <= now.getTime()) return 'expired'
  return 'active'
}

export interface NewLink {
  room: string
  scope: GrantScope
  expiresInSeconds: number
  maxUses: number | null
  label?: string
  actor: string
  at: Date
}

export function createShareLink(request: NewLink): { link: ShareLink; code: string } {
  const code = randomToken(SHARE_CODE_PREFIX, CODE_BYTES)
  const link: ShareLink = {
    id: randomToken('l_', 12),
    room: request.room,
    scope: request.scope,
    codeHash: hashSecret(code),
    createdAt: request.at.toISOString(),
    createdBy: request.actor,
    expiresAt: new Date(request.at.getTime() + request.expiresInSeconds * 1000).toISOString(),
    maxUses: request.maxUses,
    uses: 0,
    revokedAt: null,
    revokedBy: null,
  }
  if (request.label !== undefined) link.label = request.label
  return { link, code }
}

/** A link as callers see it: everything but the code's hash, plus its status now. */
export function viewLink(link: ShareLink, now: Date): Link {
  const { codeHash: _hidden, ...visible } = link
  return { ...visible, status: linkStatus(link, now) }
}
