/** Listening on 127.0.0.1 on a port the kernel picks: the bench never leaves loopback. */
import type { Server } from 'node:http'

export async function listenOnLoopback(http: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(0, '127.0.0.1', () => {
      http.off('error', reject)
      resolve()
    })
  })
  const address = http.address()
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP')
  return address.port
}

/** Stops listening and drops the open connections, upgraded ones included. */
export function closeNow(http: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => http.close(() => resolve()))
  http.closeAllConnections()
  return closed
}
