/** openapi.yaml describes exactly the routes the API serves, with the methods it serves them with. */
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { TokenService } from '../../auth/service/token-service.js'
import { apiRoutes } from '../../relay/http/api.js'

/** `path -> methods` from the `paths:` section (two-space path keys, four-space method keys). */
function documentedOperations(yaml: string): Set<string> {
  const paths = yaml.slice(yaml.indexOf('\npaths:\n'), yaml.indexOf('\ncomponents:\n'))
  const operations = new Set<string>()
  let current = ''
  for (const line of paths.split('\n')) {
    const path = /^ {2}(\/\S*):$/.exec(line)
    if (path) current = path[1]!
    const method = /^ {4}(get|post|put|delete|patch):$/.exec(line)
    if (method) operations.add(`${method[1]!.toUpperCase()} ${current}`)
  }
  return operations
}

describe('openapi.yaml', () => {
  it('matches the routes the API serves', async () => {
    const yaml = await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8')
    // Only the route table is read; no handler runs, so no service is needed.
    const served = apiRoutes(null as unknown as TokenService).map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
    expect(new Set(served)).toEqual(documentedOperations(yaml))
    expect(served.length).toBeGreaterThan(10)
  })
})
