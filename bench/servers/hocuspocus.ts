/**
 * @hocuspocus/server 4.x with its defaults (which merge the updates of one event-loop turn into
 * one broadcast). The token arrives in Hocuspocus's own auth message and is checked in
 * `onAuthenticate`, where read-scope tokens make the connection read-only.
 */
import { Server } from '@hocuspocus/server'
import { benchDataDir, serveUnderHarness } from './harness.js'
import { makeTokenCheck } from './token-check.js'

await serveUnderHarness(async () => {
  const checkToken = await makeTokenCheck(benchDataDir())
  const server = new Server({
    port: 0,
    address: '127.0.0.1',
    quiet: true,
    stopOnSignals: false,
    async onAuthenticate({ token, documentName, connectionConfig }) {
      const scope = await checkToken(token, documentName)
      if (scope === null) throw new Error(`token refused for ${documentName}`)
      connectionConfig.readOnly = scope === 'read'
    },
  })
  await server.listen()
  return { port: server.address.port, stop: () => server.destroy() }
})
