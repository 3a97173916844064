/**
 * Node liveness for cross-node awareness. Each node holds a lease key that it refreshes; the other
 * nodes check the leases of the nodes whose sessions' awareness states they hold, and when one has
 * expired (the node died, `kill -9`) they remove its states. Worst case: lease TTL + check interval,
 * 15 s + 5 s, inside the 30 s after which y-websocket clients drop a silent peer themselves.
 */
import type { Logger } from '../../logger.js'
import type { RedisConnection } from '../../redis-connection.js'
import { nodeKey } from './keys.js'

const LEASE_MS = 15_000
const INTERVAL_MS = 5_000

export class NodeLeases {
  private readonly timer: NodeJS.Timeout
  /** Other nodes whose awareness states this node holds. */
  private readonly watched = new Set<string>()

  constructor(
    private readonly redis: RedisConnection,
    private readonly member: string,
    private readonly gone: (member: string) => void,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.tick(), INTERVAL_MS)
    this.timer.unref()
  }

  async start(): Promise<void> {
    await this.refresh()
  }

  /** Starts watching a node whose sessions' awareness states arrived here. */
  watch(member: string): void {
    if (member !== this.member) this.watched.add(member)
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.redis.command(['DEL', nodeKey(this.member)]).catch(() => undefined)
  }

  private refresh(): Promise<unknown> {
    return this.redis.command(['SET', nodeKey(this.member), '1', 'PX', String(LEASE_MS)])
  }

  private async tick(): Promise<void> {
    // While Redis is away nothing can be learnt, and nobody must be declared dead for it.
    if (this.redis.down !== null) return
    try {
      await this.refresh()
      const members = [...this.watched]
      const alive = await Promise.all(members.map((member) => this.redis.command(['EXISTS', nodeKey(member)])))
      members.forEach((member, index) => {
        if (alive[index] !== 0) return
        this.watched.delete(member)
        this.log.info({ node: member }, 'node lease expired: removing its awareness states')
        this.gone(member)
      })
    } catch (error) {
      this.log.debug({ err: error }, 'node lease check failed')
    }
  }
}
