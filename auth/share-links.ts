/**
 * Share links: a secret code that, redeemed, gives its redeemer a grant on one room. The code is
 * returned once at creation and stored only as a hash; the link's id is not secret and names it in
 * listings, revocations and the audit log.
 */
import type { GrantScope } from './grants.js'
import { hashSecret, randomToken } from './secrets.js'

/** 32 random bytes: 256 bits, well above the 128 a guessing attack would have to beat. */
const CODE_BYTES = 32
const SHARE_CODE_PREFIX = 'lct_share_'

export interface ShareLink {
  id: string
  room: string
  /** The scope the redeemer's grant gets. An admin link is an invitation to co-own: give it one use. */
  scope: GrantScope
  codeHash: string
  label?: string
  createdAt: string
  createdBy: string
  expiresAt: string
  /** null: no limit. */
  maxUses: number | null
  uses: number
  revokedAt: string | null
  revokedBy: string | null
}

export type LinkStatus = 'active' | 'expired' | 'used_up' | 'revoked'

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
export interface LinkView extends Omit<ShareLink, 'codeHash'> {
  status: LinkStatus
}

export function viewLink(link: ShareLink, now: Date): LinkView {
  const { codeHash: _hidden, ...visible } = link
  return { ...visible, status: linkStatus(link, now) }
}
