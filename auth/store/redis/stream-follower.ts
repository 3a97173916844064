/**
 * Follows one Redis stream on a connection of its own (XREAD BLOCK), from a given id, handing each
 * entry's fields over in order. A lost connection is retried; reading resumes after the last entry
 * handed over, so a Redis blip loses nothing the stream still holds. What it no longer holds (a
 * capped stream trimmed past a follower that was away long enough) is reported to `onGap`.
 */
import { compareStreamIds, listOf, textOrNil, type RedisPort, type RedisReply } from './redis-port.js'

const BLOCK_MS = 5000
const COUNT = 500
const RETRY_MS = 250

export type StreamFields = Map<string, string>

export class StreamFollower {
  private stopped = false
  private readonly done: Promise<void>

  constructor(
    private readonly connection: RedisPort,
    private readonly stream: string,
    private lastId: string,
    private readonly deliver: (fields: StreamFields, id: string) => void,
    private readonly onError: (error: unknown) => void,
    private readonly onGap?: () => void,
  ) {
    this.done = this.run()
  }

  /** The id of the stream's newest entry, or 0-0: where a new follower starts. */
  static async newestId(redis: RedisPort, stream: string): Promise<string> {
    const [newest] = listOf(await redis.command(['XREVRANGE', stream, '+', '-', 'COUNT', '1']))
    return newest === undefined ? '0-0' : textOrNil(listOf(newest)[0])!
  }

  async stop(): Promise<void> {
    this.stopped = true
    // Closing the connection ends the blocked read at once.
    await this.connection.close()
    await this.done
  }

  /**
   * Whether entries after `before` may have been trimmed before they were read: the stream's oldest
   * entry is past it. Trimming takes the oldest first, so while `before` is still there nothing after
   * it is gone. (When `before` itself was trimmed, nothing says what followed it: assumed missed.)
   */
  private async trimmedPast(before: string): Promise<boolean> {
    if (before === '0-0') return false
    const [oldest] = listOf(await this.connection.command(['XRANGE', this.stream, '-', '+', 'COUNT', '1']))
    const oldestId = oldest === undefined ? undefined : textOrNil(listOf(oldest)[0])
    return oldestId !== undefined && compareStreamIds(oldestId, before) > 0
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const before = this.lastId
        const reply = await this.connection.command(['XREAD', 'COUNT', String(COUNT), 'BLOCK', String(BLOCK_MS), 'STREAMS', this.stream, this.lastId])
        const entries = entriesOf(reply)
        for (const [id, fields] of entries) {
          this.lastId = id
          this.deliver(fields, id)
        }
        if (entries.length > 0 && this.onGap && (await this.trimmedPast(before))) this.onGap()
      } catch (error) {
        if (this.stopped) return
        this.onError(error)
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
      }
    }
  }
}

/** XREAD's entries for its one stream, whether the reply is a RESP2 array or a RESP3 map. */
function entriesOf(reply: RedisReply): Array<[string, StreamFields]> {
  if (reply === null) return []
  const perStream = Array.isArray(reply) ? listOf(listOf(reply[0] ?? null)[1] ?? null) : listOf(Object.values(reply as object)[0] ?? null)
  return perStream.map((raw) => {
    const [id, flat] = listOf(raw)
    const fields: StreamFields = new Map()
    const values = listOf(flat ?? null)
    for (let i = 0; i + 1 < values.length; i += 2) fields.set(textOrNil(values[i])!, textOrNil(values[i + 1]) ?? '')
    return [textOrNil(id)!, fields]
  })
}
