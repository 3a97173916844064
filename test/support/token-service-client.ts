/**
 * The token service's HTTP API of a test relay, as an application calls it (real HTTP): tests use
 * the typed client (protocol/api-client.ts); ApiClient is for what it does not do, such as asking
 * for an exact status or an error body.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { apiUrlOfRelay, LecternApi } from '../../protocol/api-client.js'
import type { TestClient } from './relay-fixture.js'

/** The typed API client of the relay at `relayUrl`, with `credential` (a guest key, an identity JWT, the admin key) or none. */
export function lecternApi(relayUrl: string, credential?: string): LecternApi {
  return new LecternApi({ api: apiUrlOfRelay(relayUrl), ...(credential !== undefined ? { credential } : {}) })
}

/** The typed API client with the relay's server admin key. */
export async function adminApi(relay: { url: string; dataDir: string }): Promise<LecternApi> {
  return lecternApi(relay.url, await readAdminKey(relay.dataDir))
}

export interface ApiResponse {
  status: number
  body: unknown
}

export class ApiClient {
  constructor(
    private readonly relayUrl: string,
    private readonly credential?: string,
  ) {}

  /** The same API, called with another bearer credential. */
  as(credential: string): ApiClient {
    return new ApiClient(this.relayUrl, credential)
  }

  async raw(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const headers: Record<string, string> = {}
    if (this.credential !== undefined) headers.authorization = `Bearer ${this.credential}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(`${this.relayUrl.replace(/^ws/, 'http')}/api/v1${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) }
  }

  /** Calls and insists on `status`; the response body is what the API documents for that call. */
  async ok<T>(method: string, path: string, body?: unknown, status = 200): Promise<T> {
    const response = await this.raw(method, path, body)
    if (response.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`)
    }
    return response.body as T
  }
}

export async function readAdminKey(dataDir: string): Promise<string> {
  return (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim()
}

export function roomPath(room: string): string {
  return `/rooms/${encodeURIComponent(room)}`
}

/** Every frame the client's current socket receives from now on (real bytes off the wire). */
export function recordFrames(client: TestClient): Uint8Array[] {
  const frames: Uint8Array[] = []
  const ws = client.provider.ws as unknown as {
    addEventListener(type: 'message', listener: (event: { data: ArrayBuffer }) => void): void
  }
  ws.addEventListener('message', (event) => frames.push(new Uint8Array(event.data)))
  return frames
}
