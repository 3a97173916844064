/**
 * Lapses timed grants on time. Every node sweeps its store a few times a second (and once at
 * start, so a lapse that fell while the relay was down is applied before anyone connects); the
 * store reports each lapse to exactly one sweeper, which moves its sessions, tells the other nodes
 * and audits it. Time comes from the injected clock, so a test moves it instead of waiting.
 */
import type { Clock } from '../clock.js'
import type { AccessStore } from '../store/access-store.js'
import type { GrantChanges } from './grant-changes.js'

/** Well inside the 1 s in which a lapse must reach the sessions. */
export const EXPIRY_SWEEP_MS = 250
const ACTOR = 'expiry'

export class GrantExpiry {
  private timer: NodeJS.Timeout | undefined
  private sweeping: Promise<void> | undefined

  constructor(
    private readonly store: AccessStore,
    private readonly changes: GrantChanges,
    private readonly clock: Clock,
    private readonly onError: (error: Error) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), EXPIRY_SWEEP_MS)
    // A CLI command that opened the store must still exit when it is done.
    this.timer.unref()
  }

  /** Applies every lapse due now; a sweep already running is waited for, not doubled. */
  sweep(): Promise<void> {
    this.sweeping ??= this.lapse()
      .catch((error: Error) => this.onError(error))
      .finally(() => {
        this.sweeping = undefined
      })
    return this.sweeping
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.sweeping
  }

  private async lapse(): Promise<void> {
    const { changed, revoked } = await this.store.expireGrants(this.clock.now())
    await this.changes.changedAll(changed, ACTOR, 'grant.expired')
    if (revoked.length > 0) await this.changes.ended(revoked, ACTOR, 'grant.expired', 'timed grant ended')
  }
}
