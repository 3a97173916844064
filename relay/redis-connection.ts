/**
 * One connection to the cluster's Redis, as the relay's backends use it: raw commands with binary
 * replies (documents are bytes), automatic reconnection, and a health flag that says why Redis
 * cannot be used right now. Commands sent while disconnected wait for the reconnection, in order.
 */
import { createClient, RESP_TYPES } from 'redis'
import type { Logger } from './logger.js'

export type RedisArg = string | Buffer
export type RedisReply = Buffer | string | number | null | RedisReply[] | { [key: string]: RedisReply }

type StateListener = (down: string | null) => void

const NOT_CONNECTED = 'not connected yet'

function makeClient(url: string, name: string) {
  return createClient({
    url,
    name,
    socket: {
      // Keep trying, at most every 2 s: a node outlives a Redis restart.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
      connectTimeout: 5000,
    },
  }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer })
}

export class RedisConnection {
  private readonly client: ReturnType<typeof makeClient>
  private failure: string | null = NOT_CONNECTED
  private readonly listeners: StateListener[] = []

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly log: Logger,
  ) {
    this.client = makeClient(url, name)
    this.client.on('ready', () => this.setState(null))
    this.client.on('error', (error: Error) => this.setState(`redis unreachable: ${error.message || error.name}`))
    this.client.on('reconnecting', () => this.setState(this.failure ?? 'redis connection lost: reconnecting'))
  }

  async connect(): Promise<void> {
    await this.client.connect()
  }

  /** Null while connected; otherwise why Redis cannot be used. */
  get down(): string | null {
    return this.failure
  }

  /** Called with the new state every time the connection goes down or comes back. */
  onStateChange(listener: StateListener): void {
    this.listeners.push(listener)
  }

  command(args: RedisArg[]): Promise<RedisReply> {
    return this.client.sendCommand(args) as Promise<RedisReply>
  }

  /** A second connection to the same Redis (a blocking reader must have its own). */
  duplicate(name: string): RedisConnection {
    return new RedisConnection(this.url, `${this.name}-${name}`, this.log)
  }

  async close(): Promise<void> {
    this.listeners.length = 0
    if (this.client.isOpen) this.client.destroy()
  }

  private setState(down: string | null): void {
    if (down === this.failure) return
    const wasDown = this.failure !== null
    const starting = this.failure === NOT_CONNECTED
    this.failure = down
    if (down !== null && !wasDown) this.log.error({ connection: this.name, reason: down }, 'redis connection lost')
    // A node waits for Redis at start; the first reason it cannot connect (a wrong password, a
    // wrong host, Redis not up yet) is said once, or the operator would see a node that never listens.
    if (down !== null && starting) this.log.error({ connection: this.name, reason: down }, 'redis unreachable at start: waiting for it')
    if (down === null && wasDown) this.log.info({ connection: this.name }, 'redis connection ready')
    for (const listener of this.listeners) listener(down)
  }
}

/** A Redis bulk string as text. */
export function replyText(reply: RedisReply | undefined): string {
  if (Buffer.isBuffer(reply)) return reply.toString()
  if (typeof reply === 'string' || typeof reply === 'number') return String(reply)
  throw new Error(`expected a string from Redis, got ${JSON.stringify(reply)}`)
}
