/**
 * Debian's Chromium driven by playwright-core, for every browser suite (never a downloaded browser).
 * `.ci/run` installs it; elsewhere a suite without it is skipped with a message, in CI it fails.
 */
import { existsSync } from 'node:fs'
import { describe } from 'vitest'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = process.env.LECTERN_CHROMIUM ?? '/usr/bin/chromium'

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH)
}

export async function launchChromium(): Promise<Browser> {
  if (!chromiumInstalled()) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium (bash .ci/run does it)`)
  }
  // Root in a container: no sandbox; no GPU; /dev/shm is small in containers.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
}

/**
 * `describe` for suites that need Chromium: skipped with a message when it is missing, except in
 * CI (CI=true), where the suite runs and fails at launch.
 */
export function describeWithChromium(name: string, suite: () => void): void {
  const skip = !chromiumInstalled() && process.env.CI !== 'true'
  if (skip) console.warn(`skipping "${name}": no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`)
  describe.skipIf(skip)(name, suite)
}
