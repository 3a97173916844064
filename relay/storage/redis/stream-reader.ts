/**
 * One reader per node for the streams of all its loaded rooms: a single `XREAD BLOCK` over every
 * stream, on its own connection. Each stream is read from the id its room was loaded at, so no
 * entry falls between loading a room and following it. When the set of rooms changes, the blocked
 * read is interrupted (CLIENT UNBLOCK) and issued again with the new set. Delivery is synchronous
 * and never waits for sessions: a slow receiver cannot hold the reader back.
 */
import type { Logger } from '../../logger.js'
import { replyText, type RedisConnection, type RedisReply } from '../../redis-connection.js'
import { compareStreamIds } from '../../../auth/store/redis/redis-port.js'

export interface StreamEntry {
  id: string
  fields: Map<string, Buffer>
}

/** How long one XREAD blocks at most, and the most entries it returns per stream. */
const BLOCK_MS = 5000
const COUNT = 1000
const RETRY_MS = 250

export class StreamReader {
  private readonly positions = new Map<string, string>()
  private clientId: string | null = null
  private reading = false
  private stopped = false
  private wake: (() => void) | null = null
  private readonly done: Promise<void>

  constructor(
    private readonly connection: RedisConnection,
    /** The node's command connection, used to interrupt the blocked read. */
    private readonly control: RedisConnection,
    private readonly deliver: (stream: string, entries: StreamEntry[]) => void,
    private readonly log: Logger,
  ) {
    connection.onStateChange(() => (this.clientId = null))
    this.done = this.run()
  }

  /** Follows `stream` from after `fromId`. */
  watch(stream: string, fromId: string): void {
    this.positions.set(stream, fromId)
    this.interrupt()
  }

  unwatch(stream: string): void {
    if (this.positions.delete(stream)) this.interrupt()
  }

  /** The id of the last entry delivered for `stream`. */
  position(stream: string): string | undefined {
    return this.positions.get(stream)
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.interrupt()
    await this.connection.close()
    await this.done
  }

  private interrupt(): void {
    this.wake?.()
    if (this.reading && this.clientId !== null) {
      this.control.command(['CLIENT', 'UNBLOCK', this.clientId]).catch(() => undefined)
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.positions.size === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve))
        this.wake = null
        continue
      }
      try {
        await this.readOnce()
      } catch (error) {
        this.reading = false
        if (this.stopped) return
        this.log.debug({ err: error }, 'stream read failed; retrying')
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
      }
    }
  }

  private async readOnce(): Promise<void> {
    this.clientId ??= replyText(await this.connection.command(['CLIENT', 'ID']))
    const streams = [...this.positions.keys()]
    const ids = streams.map((stream) => this.positions.get(stream)!)
    this.reading = true
    const reply = await this.connection.command(['XREAD', 'COUNT', String(COUNT), 'BLOCK', String(BLOCK_MS), 'STREAMS', ...streams, ...ids])
    this.reading = false
    for (const [stream, rawEntries] of streamsOf(reply)) {
      const position = this.positions.get(stream)
      if (position === undefined) continue
      // A room released and loaded again while this read was out: keep only what is newer.
      const entries = parseEntries(rawEntries).filter((entry) => compareStreamIds(entry.id, position) > 0)
      if (entries.length === 0) continue
      this.positions.set(stream, entries[entries.length - 1]!.id)
      this.deliver(stream, entries)
    }
  }
}

/** XREAD's answer as [stream, entries] pairs, whether the client gave a map or an array. */
function streamsOf(reply: RedisReply): Array<[string, RedisReply]> {
  if (reply === null) return []
  if (Array.isArray(reply)) {
    return reply.map((pair) => {
      const [stream, entries] = pair as RedisReply[]
      return [replyText(stream), entries ?? null]
    })
  }
  if (typeof reply === 'object' && !Buffer.isBuffer(reply)) return Object.entries(reply)
  throw new Error('unexpected XREAD reply')
}

/** XRANGE/XREAD entries: [id, [field, value, ...]]. */
export function parseEntries(reply: RedisReply): StreamEntry[] {
  if (!Array.isArray(reply)) return []
  return reply.map((raw) => {
    const [id, flat] = raw as [RedisReply, RedisReply[]]
    const fields = new Map<string, Buffer>()
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(replyText(flat[i]), flat[i + 1] as Buffer)
    return { id: replyText(id), fields }
  })
}
