/**
 * The ceiling: a `ws` server that forwards every frame to the other sockets of its room and does
 * nothing else (no Yjs, no token check, no read-only rule). No relay that does real work can be
 * cheaper per frame than this.
 */
import { createServer } from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'
import { serveUnderHarness } from './harness.js'
import { closeNow, listenOnLoopback } from './loopback.js'
import { roomAndToken } from './url.js'

await serveUnderHarness(async () => {
  const rooms = new Map<string, Set<WebSocket>>()
  const http = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' })
    response.end('okay')
  })
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false })
  wss.on('connection', (ws, request) => {
    const { room } = roomAndToken(request.url)
    let members = rooms.get(room)
    if (!members) {
      members = new Set()
      rooms.set(room, members)
    }
    const peers = members
    peers.add(ws)
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      for (const peer of peers) if (peer !== ws) peer.send(data, { binary: isBinary })
    })
    ws.on('close', () => {
      peers.delete(ws)
      if (peers.size === 0) rooms.delete(room)
    })
    ws.on('error', () => ws.terminate())
  })
  const port = await listenOnLoopback(http)
  return { port, stop: () => closeNow(http) }
})
