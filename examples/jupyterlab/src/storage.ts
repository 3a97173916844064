import type { KeyStorage } from 'lectern/client'

/** The attendee's guest key survives a reload, so a reload keeps the grant (and any write given). */
export const browserStorage: KeyStorage = {
  get: (key) => window.localStorage.getItem(key),
  set: (key, value) => window.localStorage.setItem(key, value),
  remove: (key) => window.localStorage.removeItem(key),
}

/**
 * The presenter's guest identity lives only as long as the presentation: kept in the browser,
 * it would be shared with an attendee view in the same browser, which would then redeem the
 * attendee link with the presenter's admin grant and be able to write.
 */
export function memoryStorage(): KeyStorage {
  const values = new Map<string, string>()
  return {
    get: (key) => values.get(key) ?? null,
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  }
}
