/**
 * The relay fuzz run: seeded frames from honest writers, a hostile writer, a hostile read-only
 * session and everyone's step 1, awareness and garbage, fed to a real Room through real Sessions
 * (over a socket stand-in that records what the relay writes). Checked after every frame: a frame
 * from a read-only session never changes the document, a refused update never changes it. Checked
 * at the end of each round: honest clients, fed only what the relay sent them, hold exactly the
 * room's document. Memory is sampled throughout.
 */
import { pino } from 'pino'
import type { WebSocket } from 'ws'
import * as Y from 'yjs'
import { DEFAULTS } from '../../relay/config.js'
import { RelayCounters } from '../../relay/core/counters.js'
import { InboundRateLimiter } from '../../relay/core/rate-limit.js'
import { Room, type RoomLimits } from '../../relay/core/room.js'
import { Session } from '../../relay/core/session.js'
import { gcStructsUpdate } from '../support/updates.js'
import { awarenessFrame, Dice, mutate, readServerFrames, seededRandom, syncFrame } from './frame-mutator.js'

export interface FuzzReport {
  frames: number
  rounds: number
  honestUpdates: number
  hostileUpdatesRefused: number
  hostileUpdatesAccepted: number
  readOnlyWritesDropped: number
  malformedFrames: number
  step1Answered: number
  /** Rooms reloaded from their accepted history after a refused update changed them half-way. */
  roomResets: number
  maxHeapMiB: number
  violations: string[]
}

const LIMITS: RoomLimits = {
  maxAwarenessClientsPerSession: DEFAULTS.maxAwarenessClientsPerSession,
  maxAwarenessFrameBytes: DEFAULTS.maxAwarenessFrameBytes,
  maxUpdateStructs: 5_000,
  work: { perSecond: DEFAULTS.workPerSecond, burst: DEFAULTS.workBurst },
  awareness: { perSecond: DEFAULTS.awarenessBytesPerSecond, burst: DEFAULTS.awarenessBytesBurst },
}
const RATE = { framesPerSecond: 1e9, framesBurst: 1e9, bytesPerSecond: 1e9, bytesBurst: 1e9 }
const HONEST_WRITERS = 3

interface Peer {
  session: Session
  inbox: Buffer[]
  doc: Y.Doc | null
}

function peer(counters: RelayCounters, sub: string, scope: 'read' | 'write', doc: Y.Doc | null): Peer {
  const inbox: Buffer[] = []
  const socket = { writableLength: 0, write: (bytes: Buffer) => inbox.push(bytes) }
  const ws = { readyState: 1, _socket: socket, close: () => undefined } as unknown as WebSocket
  const session = new Session(ws, 'fuzz', { sub, scope }, new InboundRateLimiter(RATE), counters, 1 << 30)
  return { session, inbox, doc }
}

/** A room as the relay loads it: what was stored (accepted updates only) applied in order. */
function openRoom(counters: RelayCounters, history: Uint8Array[], onCorrupted: () => void, refusals: string[]): Room {
  // What the room says about a refused update, so a violation can name why it was refused.
  const log = pino({ level: 'warn' }, { write: (line: string) => refusals.push(String((JSON.parse(line) as { err?: { message?: string } }).err?.message)) })
  const hooks = {
    persist: (_room: Room, update: Uint8Array) => history.push(update),
    publishAwareness: () => undefined,
    emptied: () => undefined,
    corrupted: onCorrupted,
  }
  const room = new Room('fuzz', LIMITS, counters, hooks, log)
  room.restore(history)
  return room
}

/** What an honest client does with what the relay sent it: apply every document message. */
function deliver(target: Peer, violations: string[]): void {
  for (const bytes of target.inbox.splice(0)) {
    for (const message of readServerFrames(bytes)) {
      if (message[0] !== 0 || message[1] === 0 || !target.doc) continue
      try {
        Y.applyUpdate(target.doc, readPayload(message))
      } catch (error) {
        violations.push(`${target.session.sub} could not apply what the relay sent: ${(error as Error).message}`)
      }
    }
  }
}

function readPayload(message: Uint8Array): Uint8Array {
  // type 0, step 1|2, then a varuint length and the update
  let offset = 2
  let length = 0
  let shift = 0
  for (;;) {
    const byte = message[offset++]!
    length += (byte & 0x7f) * 2 ** shift
    shift += 7
    if (byte < 0x80) break
  }
  return message.subarray(offset, offset + length)
}

function honestEdit(dice: Dice, doc: Y.Doc): void {
  const text = doc.getText('text')
  const choice = dice.int(10)
  if (choice < 6 || text.length === 0) text.insert(dice.int(text.length + 1), dice.pick(['a', 'bc', 'def ', '\n', 'é']))
  else if (choice < 8) text.delete(dice.int(text.length), 1 + dice.int(3))
  else doc.getMap('cells').set(`cell-${dice.int(20)}`, dice.int(1000))
}

/** What a user sees of a document, plus its state vector: equal for documents that converged. */
function contentOf(doc: Y.Doc): string {
  const stateVector = Buffer.from(Y.encodeStateVector(doc)).toString('hex')
  // Map keys in sorted order: toJSON lists them in the order each replica happened to learn them.
  const cells = Object.entries(doc.getMap('cells').toJSON()).sort(([a], [b]) => (a < b ? -1 : 1))
  return JSON.stringify([doc.getText('text').toString(), cells, stateVector])
}

const flushTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

export async function runFuzz(
  totalFrames: number,
  seed: number,
  onRound: (report: FuzzReport) => void = () => undefined,
  roundFrames = 20_000,
): Promise<FuzzReport> {
  const dice = new Dice(seededRandom(seed))
  const report: FuzzReport = {
    frames: 0,
    rounds: 0,
    honestUpdates: 0,
    hostileUpdatesRefused: 0,
    hostileUpdatesAccepted: 0,
    readOnlyWritesDropped: 0,
    malformedFrames: 0,
    step1Answered: 0,
    roomResets: 0,
    maxHeapMiB: 0,
    violations: [],
  }
  while (report.frames < totalFrames) {
    const counters = new RelayCounters()
    const history: Uint8Array[] = []
    let corrupted = false
    const refusals: string[] = []
    let room = openRoom(counters, history, () => (corrupted = true), refusals)
    let changed = false
    const watch = () => room.doc.on('update', () => (changed = true))
    watch()
    // Client ids from the dice too (Yjs picks random ones): the bytes the mutations hit are then the same in every run.
    const docs = Array.from({ length: HONEST_WRITERS + 1 }, () => {
      const doc = new Y.Doc()
      doc.clientID = 1 + dice.int(2 ** 31 - 1)
      return doc
    })
    let writers: Peer[] = []
    let reader!: Peer
    let hostileWriter!: Peer
    let hostileReader!: Peer
    let everyone: Peer[] = []
    /** Sessions join (again, after a reset) and sync both ways, as reconnecting clients do. */
    const connectAll = () => {
      writers = docs.slice(0, HONEST_WRITERS).map((doc, i) => peer(counters, `writer-${i}`, 'write', doc))
      reader = peer(counters, 'reader', 'read', docs[HONEST_WRITERS]!)
      hostileWriter = peer(counters, 'mallory', 'write', null)
      hostileReader = peer(counters, 'eve', 'read', null)
      everyone = [...writers, reader, hostileWriter, hostileReader]
      for (const { session } of everyone) room.join(session)
      for (const target of [...writers, reader]) {
        if (target.session.canWrite) room.receive(target.session, syncFrame(1, Y.encodeStateAsUpdate(target.doc!, Y.encodeStateVector(room.doc))))
        room.receive(target.session, syncFrame(0, Y.encodeStateVector(target.doc!)))
      }
    }
    connectAll()
    /**
     * Delivers what the relay sent until it has been quiet a while. The outbox paces a busy room's
     * flushes with timers; what the honest documents hold, and so every later frame, must not
     * depend on timing, or a run (seed, frames) could not be replayed to look at a violation.
     */
    const deliverAll = async () => {
      for (let quiet = 0; quiet < 5; ) {
        await new Promise((resolve) => setTimeout(resolve, 5))
        const waiting = everyone.some((target) => target.inbox.length > 0)
        for (const target of everyone) target.doc ? deliver(target, report.violations) : target.inbox.splice(0)
        quiet = waiting ? 0 : quiet + 1
      }
    }
    const pool: Uint8Array[] = [new Uint8Array([0, 0])]
    for (const doc of docs.slice(0, HONEST_WRITERS)) doc.on('update', (update: Uint8Array) => pool.push(update))
    const frames = Math.min(roundFrames, totalFrames - report.frames)
    for (let i = 0; i < frames; i++) {
      const roll = dice.int(100)
      changed = false
      const failedBefore = counters.failedUpdates
      const stateBefore = Y.encodeStateVector(room.doc)
      refusals.splice(0)
      if (roll < 8) {
        const writer = dice.pick(writers)
        const before = pool.length
        honestEdit(dice, writer.doc!)
        for (const update of pool.slice(before)) room.receive(writer.session, syncFrame(2, update))
        report.honestUpdates += pool.length - before
        if (counters.failedUpdates !== failedBefore) report.violations.push(`frame ${report.frames + i}: an honest update of ${writer.session.sub} was refused: ${refusals.join('; ')}`)
      } else if (roll < 40) {
        const update = dice.int(50) === 0 ? gcStructsUpdate(1000 + dice.int(1000), LIMITS.maxUpdateStructs + 1) : mutate(dice, dice.pick(pool), dice.pick(pool))
        room.receive(hostileWriter.session, syncFrame(dice.int(2) === 0 ? 2 : 1, update))
        if (counters.failedUpdates !== failedBefore) {
          report.hostileUpdatesRefused++
          if (changed && !corrupted) report.violations.push(`frame ${report.frames + i}: a refused update changed the room: ${refusals.join('; ')}`)
        } else {
          report.hostileUpdatesAccepted++
        }
      } else if (roll < 60) {
        const update = dice.int(2) === 0 ? dice.pick(pool) : mutate(dice, dice.pick(pool), dice.pick(pool))
        room.receive(dice.pick([hostileReader, reader]).session, syncFrame(dice.int(2) === 0 ? 2 : 1, update))
        if (changed) report.violations.push(`frame ${report.frames + i}: a read-only session changed the room`)
      } else if (roll < 70) {
        const stateVector = dice.int(2) === 0 ? Y.encodeStateVector(dice.pick(writers).doc!) : mutate(dice, Y.encodeStateVector(dice.pick(writers).doc!), dice.bytes(4))
        room.receive(dice.pick(everyone).session, syncFrame(0, stateVector))
        if (changed) report.violations.push(`frame ${report.frames + i}: a sync step 1 changed the room`)
      } else if (roll < 85) {
        const sender = dice.pick(everyone)
        const state = dice.pick(['{"user":{"name":"x"}}', 'null', '{"cursor":1}', '{broken', '"text"'])
        const entries: Array<[number, number, string]> = [[dice.int(64), dice.int(20), state]]
        const frame = awarenessFrame(entries)
        room.receive(sender.session, dice.int(4) === 0 ? mutate(dice, frame, frame) : frame)
        if (changed) report.violations.push(`frame ${report.frames + i}: awareness changed the room`)
      } else {
        const garbage = dice.bytes(1 + dice.int(40))
        if (dice.int(2) === 0) garbage[0] = dice.int(4)
        const sender = dice.pick(everyone)
        room.receive(sender.session, garbage)
        if (changed && !sender.session.canWrite) report.violations.push(`frame ${report.frames + i}: garbage from a reader changed the room`)
        if (changed && !corrupted && counters.failedUpdates !== failedBefore) report.violations.push(`frame ${report.frames + i}: refused garbage changed the room`)
      }
      if (corrupted) {
        // A writer's update (a hostile one, or garbage from any writer) that Yjs refused half-way
        // through: the relay reloads the room from storage, which must be exactly as before it.
        corrupted = false
        report.roomResets++
        await flushTurn()
        for (const target of everyone) target.inbox.splice(0)
        room.doc.destroy()
        room = openRoom(counters, history, () => (corrupted = true), refusals)
        watch()
        if (Buffer.compare(Buffer.from(stateBefore), Buffer.from(Y.encodeStateVector(room.doc))) !== 0) {
          report.violations.push(`frame ${report.frames + i}: the reloaded room differs from the room before the refused update`)
        }
        connectAll()
      }
      if (i % 500 === 499) await deliverAll()
      if (i % 10_000 === 0) report.maxHeapMiB = Math.max(report.maxHeapMiB, process.memoryUsage().heapUsed / 2 ** 20)
    }
    await deliverAll()
    const expected = contentOf(room.doc)
    for (const target of [...writers, reader]) {
      const actual = contentOf(target.doc!)
      if (actual !== expected) report.violations.push(`round ${report.rounds}: ${target.session.sub} did not converge`)
    }
    report.frames += frames
    report.rounds++
    report.readOnlyWritesDropped += counters.readOnlyWritesDropped
    report.malformedFrames += counters.malformedFrames
    report.step1Answered += counters.syncAnswersEncoded + counters.syncAnswersCached
    for (const target of everyone) room.leave(target.session)
    room.doc.destroy()
    for (const target of everyone) target.doc?.destroy()
    onRound(report)
    if (report.violations.length > 20) break
  }
  report.maxHeapMiB = Math.round(Math.max(report.maxHeapMiB, process.memoryUsage().heapUsed / 2 ** 20))
  return report
}
