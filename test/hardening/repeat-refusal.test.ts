import WebSocket from 'ws'
import { describe, expect, it } from 'vitest'
import { useTestRelay, waitFor } from '../support/relay-fixture.js'

const ROOM = 'repeat-refusal'
const fixture = useTestRelay()

/** How a handshake ended: a close code after opening, or an HTTP status without an upgrade. */
function attempt(url: string, room: string, token: string): Promise<{ opened: boolean; code?: number; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url}/${room}?token=${encodeURIComponent(token)}`)
    let opened = false
    ws.on('open', () => (opened = true))
    ws.on('close', (code: number) => resolve({ opened, code }))
    ws.on('unexpected-response', (_request, response) => {
      resolve({ opened, status: response.statusCode ?? 0 })
      response.resume()
      ws.terminate()
    })
    ws.on('error', () => undefined)
  })
}

describe('a token refused moments ago', () => {
  it('is refused with a close code the first time, then at the HTTP level', async () => {
    const relay = await fixture.start()
    const expired = await relay.mint(ROOM, 'read', { ttlSeconds: -60 })
    expect(await attempt(relay.url, ROOM, expired)).toEqual({ opened: true, code: 4401 })
    expect(await attempt(relay.url, ROOM, expired)).toEqual({ opened: false, status: 401 })
    const elsewhere = await relay.mint('another-room', 'write')
    expect(await attempt(relay.url, ROOM, elsewhere)).toEqual({ opened: true, code: 4403 })
    expect(await attempt(relay.url, ROOM, elsewhere)).toEqual({ opened: false, status: 403 })
    // The same token still works for the room it was minted for.
    await fixture.raw('another-room', elsewhere).opened
    expect(relay.relay.counters.repeatRefusals).toBe(2)
  })

  it('makes y-websocket 1.5.4 back off instead of reconnecting ten times a second', async () => {
    const relay = await fixture.start()
    let handshakes = 0
    const times: number[] = []
    relay.server.http.prependListener('upgrade', () => {
      handshakes++
      times.push(performance.now())
    })
    const client = fixture.connect('v1', ROOM, await relay.mint(ROOM, 'read', { ttlSeconds: -60 }))
    let opens = 0
    client.provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') opens++
    })
    await waitFor(() => handshakes >= 5, 'five handshakes', 20_000)
    client.provider.disconnect()
    // Only the first handshake opened; every later one was refused before the upgrade, and 1.5.4
    // counts those as failed connections, doubling its wait each time.
    expect(opens).toBeLessThanOrEqual(1)
    expect(relay.relay.counters.repeatRefusals).toBeGreaterThanOrEqual(4)
    const gaps = times.slice(1).map((time, i) => Math.round(time - times[i]!))
    console.log(`y-websocket 1.5.4 with a refused token: gaps between handshakes ${gaps.join(', ')} ms`)
  })
})
