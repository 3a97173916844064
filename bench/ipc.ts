/**
 * The messages the bench's processes exchange over Node's IPC channel, and a request/response
 * helper on top of it. The orchestrator owns both children; the load generator asks it for
 * server measurements because only the orchestrator can tell the server process to collect
 * garbage before a memory reading.
 */
import type { ProcessUsage } from './proc-stats.js'
import type { RunSpec, RunResult } from './spec.js'

/** Server process → orchestrator. */
export type ServerMessage = { type: 'ready'; port: number } | { type: 'gc-done'; id: number }
/** Orchestrator → server process. */
export type ServerCommand = { type: 'gc'; id: number }

/** Load generator → orchestrator. */
export type GeneratorMessage =
  | { type: 'probe'; id: number; gc: boolean }
  | { type: 'result'; result: RunResult }
  | { type: 'failed'; error: string }
/** Orchestrator → load generator. */
export type GeneratorCommand = { type: 'run'; spec: RunSpec } | { type: 'probe-result'; id: number; usage: ProcessUsage }

interface Channel {
  send(message: object): unknown
  on(event: 'message', listener: (message: unknown) => void): unknown
  off(event: 'message', listener: (message: unknown) => void): unknown
}

let nextRequestId = 1

/** Sends `build(id)` and resolves with the first reply of `replyType` carrying the same id. */
export function requestReply<Reply extends { type: string; id: number }>(
  channel: Channel,
  build: (id: number) => object,
  replyType: Reply['type'],
  timeoutMs: number,
): Promise<Reply> {
  const id = nextRequestId++
  return new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => {
      channel.off('message', listener)
      reject(new Error(`no ${replyType} reply to request ${id} within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (message: unknown) => {
      const reply = message as Reply
      if (reply.type !== replyType || reply.id !== id) return
      clearTimeout(timer)
      channel.off('message', listener)
      resolve(reply)
    }
    channel.on('message', listener)
    channel.send(build(id))
  })
}
