/** The flags `serve` and `api` share: every relay setting and every token service setting. */
import { resolveTokenServiceSettings, tokenServiceFlags, type TokenServiceSettings } from '../../auth/service/settings.js'
import { resolveConfig, SETTINGS, type RelayConfig } from '../config.js'

export function serverFlags(): Record<string, { type: 'string' }> {
  return {
    ...Object.fromEntries(SETTINGS.map((setting) => [setting.flag, { type: 'string' as const }])),
    ...tokenServiceFlags(),
  }
}

export function resolveServerSettings(values: Record<string, string | undefined>): { config: RelayConfig; tokenService: TokenServiceSettings } {
  const config = resolveConfig(values)
  return { config, tokenService: resolveTokenServiceSettings(values, process.env, config.clockToleranceSeconds) }
}
