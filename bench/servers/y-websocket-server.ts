/**
 * @y/websocket-server as its README says to deploy it: its `setupWSConnection` behind an HTTP
 * upgrade handler that checks the client's token first. It has no read-only mode, so readers are
 * readers only because they do not write.
 */
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'
import { benchDataDir, serveUnderHarness } from './harness.js'
import { closeNow, listenOnLoopback } from './loopback.js'
import { makeTokenCheck } from './token-check.js'
import { roomAndToken } from './url.js'

await serveUnderHarness(async () => {
  const checkToken = await makeTokenCheck(benchDataDir())
  const wss = new WebSocketServer({ noServer: true })
  const http = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' })
    response.end('okay')
  })
  http.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy())
    const { room, token } = roomAndToken(request.url)
    checkToken(token, room).then(
      (scope) => {
        if (scope === null) {
          socket.destroy()
          return
        }
        wss.handleUpgrade(request, socket, head, (ws) => setupWSConnection(ws, request, { docName: room }))
      },
      () => socket.destroy(),
    )
  })
  const port = await listenOnLoopback(http)
  return { port, stop: () => closeNow(http) }
})
