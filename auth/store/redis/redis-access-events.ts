/**
 * Access events through a Redis stream every node reads: XADD to publish (capped, so it never grows
 * without bound), one follower per node. A node skips its own entries: it applied the change to its
 * sessions before publishing. Entries stay in the stream, so a node whose connection blipped reads
 * on from where it was.
 */
import type { AccessEvent, AccessEventListener, AccessEvents } from '../access-events.js'
import { ACCESS_PREFIX } from './access-scripts.js'
import type { RedisPort } from './redis-port.js'
import { StreamFollower } from './stream-follower.js'

/**
 * Far more than any node falls behind by during a blip; about a megabyte of grant changes. A node
 * that falls further behind re-checks its sessions against the store (see StreamFollower).
 */
const STREAM_LENGTH = 10_000

export class RedisAccessEvents implements AccessEvents {
  private readonly listeners = new Set<AccessEventListener>()
  private readonly missedListeners = new Set<() => void>()
  private follower: StreamFollower | null = null

  private constructor(
    private readonly redis: RedisPort,
    private readonly stream: string,
    private readonly nodeId: string,
  ) {}

  /** Starts following from the stream's newest entry: what happened before this node started is in the store. */
  static async open(redis: RedisPort, nodeId: string, onError: (error: unknown) => void, prefix = ACCESS_PREFIX): Promise<RedisAccessEvents> {
    const stream = `${prefix}events`
    const events = new RedisAccessEvents(redis, stream, nodeId)
    const reader = redis.duplicate('access-events')
    await reader.connect()
    const from = await StreamFollower.newestId(redis, stream)
    const missed = () => events.missedListeners.forEach((listener) => listener())
    events.follower = new StreamFollower(reader, stream, from, (fields) => events.receive(fields), onError, missed)
    return events
  }

  async publish(event: AccessEvent): Promise<void> {
    await this.redis.command(['XADD', this.stream, 'MAXLEN', '~', String(STREAM_LENGTH), '*', 'n', this.nodeId, 'e', JSON.stringify(event)])
  }

  subscribe(listener: AccessEventListener, missed?: () => void): () => void {
    this.listeners.add(listener)
    if (missed) this.missedListeners.add(missed)
    return () => {
      this.listeners.delete(listener)
      if (missed) this.missedListeners.delete(missed)
    }
  }

  async close(): Promise<void> {
    this.listeners.clear()
    this.missedListeners.clear()
    await this.follower?.stop()
  }

  private receive(fields: Map<string, string>): void {
    if (fields.get('n') === this.nodeId) return
    const event = JSON.parse(fields.get('e') ?? 'null') as AccessEvent | null
    if (event === null) return
    for (const listener of this.listeners) listener(event)
  }
}
