/**
 * The one settings resolver of `serve` and `api`: for each setting the flag wins, then the
 * environment variable, then the default. Each setting is one row (flag, environment variable,
 * default, description) from which the resolver, `--help` and the README's tables all follow.
 */
import { parseDurationMs } from '../auth/duration.js'

/** How a setting's text becomes its value. */
export type SettingKind = 'text' | 'integer' | 'milliseconds' | 'seconds'

export interface Setting<K extends string = string> {
  key: K
  /** Without the leading dashes; absent for settings that are read from the environment only. */
  flag?: string
  env: string
  kind: SettingKind
  /** What it is for, one line: shown by `--help` and in the README. */
  description: string
  /** The placeholder in `--help` (`--port PORT`). */
  placeholder: string
  /** Shown instead of the default when there is none or it is not a plain value. */
  defaultText?: string
}

/** A setting given a value it cannot take: a usage error (exit code 2). */
export class SettingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'SettingError'
  }
}

export type SettingValue = string | number | undefined

/** The default as a person writes it: `200ms`, `30s`, `10m`, `16777216`, `127.0.0.1`. */
export function formatDefault(setting: Setting, value: SettingValue): string {
  if (setting.defaultText !== undefined) return setting.defaultText
  if (value === undefined) return '(none)'
  if (setting.kind === 'milliseconds' && typeof value === 'number') return formatDuration(value)
  if (setting.kind === 'seconds' && typeof value === 'number') return formatDuration(value * 1000)
  return String(value)
}

function formatDuration(ms: number): string {
  const units: ReadonlyArray<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]]
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  return `${ms}ms`
}

function parseValue(setting: Setting, raw: string, source: string): string | number {
  if (setting.kind === 'text') return raw
  if (setting.kind === 'integer') {
    const value = Number(raw)
    if (raw.trim() === '' || !Number.isSafeInteger(value) || value < 0) {
      throw new SettingError(`${source}: expected a non-negative integer, got "${raw}"`)
    }
    return value
  }
  let ms: number
  try {
    ms = parseDurationMs(raw)
  } catch (error) {
    throw new SettingError(`${source}: ${(error as Error).message}`, { cause: error })
  }
  // Token and link lifetimes are whole seconds, as JWT times are: round up.
  return setting.kind === 'milliseconds' ? ms : Math.ceil(ms / 1000)
}

/**
 * Resolves every setting of `table`: flag > environment > `defaults`. An empty environment
 * variable counts as unset. `flags` holds flag values by flag name, as `parseArgs` returns them.
 */
export function resolveSettings<T extends Record<K, SettingValue>, K extends string>(
  table: ReadonlyArray<Setting<K>>,
  defaults: T,
  flags: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
): T {
  const resolved: Record<string, SettingValue> = { ...defaults }
  for (const setting of table) {
    const fromFlag = setting.flag === undefined ? undefined : flags[setting.flag]
    const fromEnv = env[setting.env]
    if (typeof fromFlag === 'string') resolved[setting.key] = parseValue(setting, fromFlag, `--${setting.flag}`)
    else if (fromEnv !== undefined && fromEnv !== '') resolved[setting.key] = parseValue(setting, fromEnv, setting.env)
  }
  return resolved as T
}

/** One row of a flag table as `--help` and the README show it. */
export interface FlagRow {
  /** Without the leading dashes; absent for a setting read from the environment only. */
  flag?: string
  env?: string
  /** The value placeholder (`PORT`); absent for a switch such as `--json`. */
  placeholder?: string
  default?: string
  description: string
}

/** The rows of a settings table, with their defaults written as a person would write them. */
export function settingRows<K extends string>(table: ReadonlyArray<Setting<K>>, defaults: Readonly<Record<K, SettingValue>>): FlagRow[] {
  return table.map((setting) => ({
    ...(setting.flag !== undefined ? { flag: setting.flag } : {}),
    env: setting.env,
    placeholder: setting.placeholder,
    default: formatDefault(setting, defaults[setting.key]),
    description: setting.description,
  }))
}
