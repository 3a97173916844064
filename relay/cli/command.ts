/**
 * What every `lectern` command is made of: its name, arguments and flag rows. Parsing and
 * `--help` both follow from the same rows, so the help cannot list a flag the parser refuses.
 */
import { parseArgs } from 'node:util'
import type { FlagRow } from '../settings.js'
import { UsageError } from './usage.js'

export type FlagValues = Readonly<Record<string, string | boolean | undefined>>

export interface CommandInput {
  values: FlagValues
  positionals: readonly string[]
}

export interface Command {
  /** `serve`, `token mint`, `share create`, … */
  name: string
  /** Positional arguments, in order, as the synopsis names them (`ROOM`, `LINK_ID`). */
  positionals: readonly string[]
  /** One sentence: what the command does. */
  summary: string
  flags: readonly FlagRow[]
  /** Resolves to the exit code. */
  run(input: CommandInput): Promise<number>
}

export const JSON_FLAG: FlagRow = { flag: 'json', description: 'print results, and errors, as JSON' }

export function parseCommandLine(command: Command, args: readonly string[]): CommandInput {
  const options: Record<string, { type: 'string' | 'boolean' }> = {}
  for (const row of command.flags) if (row.flag !== undefined) options[row.flag] = { type: row.placeholder === undefined ? 'boolean' : 'string' }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error })
  }
  if (parsed.positionals.length !== command.positionals.length) {
    const expected = command.positionals.length === 0 ? 'no arguments' : command.positionals.join(' ')
    throw new UsageError(`lectern ${command.name} takes ${expected}, got ${parsed.positionals.length === 0 ? 'none' : parsed.positionals.join(' ')}`)
  }
  // No option is declared `multiple`, so no value is an array.
  return { values: parsed.values as FlagValues, positionals: parsed.positionals }
}

/** The one-line synopsis: `lectern share revoke ROOM LINK_ID [options]`. */
export function synopsis(command: Command): string {
  const args = command.positionals.length > 0 ? ` ${command.positionals.join(' ')}` : ''
  const options = command.flags.some((row) => row.flag !== undefined) ? ' [options]' : ''
  return `lectern ${command.name}${args}${options}`
}

/** `lectern CMD --help`: synopsis, summary, and every flag with its environment variable and default. */
export function commandHelp(command: Command): string {
  const rows = command.flags.map((row) => {
    const name = row.flag === undefined ? `(env) ${row.env}` : `--${row.flag}${row.placeholder ? ` ${row.placeholder}` : ''}`
    const notes = [row.flag !== undefined && row.env ? `env ${row.env}` : '', row.default !== undefined ? `default ${row.default}` : '']
      .filter((note) => note !== '')
      .join(', ')
    return [name, notes === '' ? row.description : `${row.description} [${notes}]`] as const
  })
  const width = Math.max(0, ...rows.map(([name]) => name.length))
  const lines = rows.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`)
  return `usage: ${synopsis(command)}\n\n${command.summary}\n${lines.length > 0 ? `\noptions:\n${lines.join('\n')}\n` : ''}`
}
