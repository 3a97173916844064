import type { ISettingRegistry } from '@jupyterlab/settingregistry'
import { PageConfig, URLExt } from '@jupyterlab/coreutils'
import { ServerConnection } from '@jupyterlab/services'

/** The extension's settings (schema/plugin.json), read fresh each time they are needed. */
export interface LecternSettings {
  relayUrl: string
  apiUrl: string
  presenterAuth: 'adminKey' | 'identityToken'
  adminKey: string
  identityToken: string
  identityTokenUrl: string
  room: string
}

export function readSettings(settings: ISettingRegistry.ISettings): LecternSettings {
  const text = (key: string): string => {
    const value = settings.composite[key]
    return typeof value === 'string' ? value.trim() : ''
  }
  return {
    relayUrl: text('relayUrl') || 'ws://127.0.0.1:1234',
    apiUrl: text('apiUrl'),
    presenterAuth: text('presenterAuth') === 'identityToken' ? 'identityToken' : 'adminKey',
    adminKey: text('adminKey'),
    identityToken: text('identityToken'),
    identityTokenUrl: text('identityTokenUrl'),
    room: text('room'),
  }
}

/** `api` for lectern/client: the setting, or undefined to let the client derive it from the relay. */
export function apiOption(settings: LecternSettings): string | undefined {
  return settings.apiUrl === '' ? undefined : settings.apiUrl
}

/**
 * The presenter's credential for the HTTP API. An identity token may come from the hub through
 * a URL on the Jupyter server, asked with the server's own credentials (cookie, XSRF, token).
 */
export async function presenterCredential(settings: LecternSettings): Promise<string> {
  if (settings.presenterAuth === 'adminKey') {
    if (settings.adminKey === '') throw new Error('Set the relay\'s server admin key in Settings → Lectern (adminKey).')
    return settings.adminKey
  }
  if (settings.identityTokenUrl !== '') {
    const serverSettings = ServerConnection.makeSettings()
    const url = URLExt.isLocal(settings.identityTokenUrl)
      ? URLExt.join(PageConfig.getBaseUrl(), settings.identityTokenUrl)
      : settings.identityTokenUrl
    const response = await ServerConnection.makeRequest(url, {}, serverSettings)
    if (!response.ok) throw new Error(`The identity token URL answered ${response.status}.`)
    const body: unknown = await response.json()
    const token = (body as { token?: unknown }).token
    if (typeof token !== 'string' || token === '') throw new Error('The identity token URL gave no token.')
    return token
  }
  if (settings.identityToken === '') throw new Error('Set an identity token or identity token URL in Settings → Lectern.')
  return settings.identityToken
}
