/**
 * Guest keys: how someone without an identity provider account keeps being the same person. The
 * first redeem without a credential returns a key; the guest's subject is derived from the key's
 * hash, so nothing needs storing and the subject cannot be claimed without the key.
 */
import { GUEST_NAME_PREFIX } from '../identity.js'
import { userSubject } from '../grants.js'
import { hashSecret, randomToken } from '../secrets.js'

const GUEST_KEY_PREFIX = 'lct_guest_'
const GUEST_KEY_PATTERN = /^lct_guest_[A-Za-z0-9_-]{43}$/
/** 96 bits of the hash: no two guests share a subject, and none can be aimed at. */
const SUBJECT_HEX_DIGITS = 24

export function newGuestKey(): { key: string; subject: string } {
  const key = randomToken(GUEST_KEY_PREFIX, 32)
  return { key, subject: guestSubjectOf(key) }
}

export function isGuestKey(credential: string): boolean {
  return GUEST_KEY_PATTERN.test(credential)
}

export function guestSubjectOf(key: string): string {
  return userSubject(`${GUEST_NAME_PREFIX}${hashSecret(key).slice(0, SUBJECT_HEX_DIGITS)}`)
}
