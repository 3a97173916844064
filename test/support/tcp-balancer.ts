/**
 * A minimal TCP load balancer on 127.0.0.1 for cluster tests: each new connection goes to the next
 * backend that accepts it (round robin, skipping dead ones), as nginx or HAProxy would with passive
 * health checks. Clients keep one URL while the nodes behind it die and come back.
 */
import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'

export interface TcpBalancer {
  /** ws://127.0.0.1:PORT */
  readonly url: string
  close(): Promise<void>
}

export async function startTcpBalancer(backendPorts: () => number[]): Promise<TcpBalancer> {
  let next = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    client.pause()
    const ports = backendPorts()
    const tryBackend = (attempt: number) => {
      if (attempt >= ports.length) {
        client.destroy()
        return
      }
      const port = ports[(next + attempt) % ports.length]!
      const upstream = connect(port, '127.0.0.1')
      upstream.once('connect', () => {
        next = (next + attempt + 1) % ports.length
        sockets.add(upstream)
        upstream.on('close', () => {
          sockets.delete(upstream)
          client.destroy()
        })
        client.on('close', () => upstream.destroy())
        upstream.pipe(client)
        client.pipe(upstream)
        client.resume()
      })
      upstream.once('error', () => {
        if (upstream.readyState === 'opening' || !sockets.has(upstream)) tryBackend(attempt + 1)
        else upstream.destroy()
      })
    }
    tryBackend(0)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('balancer is not on TCP')
  return {
    url: `ws://127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
