/**
 * Where a guest key is kept between visits: the guest key is the guest's identity (their grants,
 * refreshes, "shared with me"), so in a browser it must outlive a page load.
 */
export interface KeyStorage {
  get(key: string): string | null
  set(key: string, value: string): void
  remove(key: string): void
}

/** Keys kept in this object only: for Node, tests, or a page that must not remember its guest. */
export function memoryStorage(): KeyStorage {
  const values = new Map<string, string>()
  return {
    get: (key) => values.get(key) ?? null,
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  }
}

/** The part of the Web Storage API (localStorage) used here. */
interface WebStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** A Web Storage object (`localStorage`, `sessionStorage`) as a KeyStorage. */
export function webStorage(storage: WebStorage): KeyStorage {
  return {
    get: (key) => storage.getItem(key),
    set: (key, value) => storage.setItem(key, value),
    remove: (key) => storage.removeItem(key),
  }
}

/** localStorage where there is one that works (a browser page), memory elsewhere. */
export function defaultStorage(): KeyStorage {
  try {
    // Reading the property itself throws in some browsers when storage is disabled.
    const local = (globalThis as { localStorage?: WebStorage }).localStorage
    if (local) {
      local.getItem('lectern.probe')
      return webStorage(local)
    }
  } catch {
    // Storage refused: fall through to memory.
  }
  return memoryStorage()
}
