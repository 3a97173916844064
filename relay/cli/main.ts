#!/usr/bin/env node
/**
 * The `lectern` command: `serve` runs the relay, `api` the token service alone, `token mint`
 * prints a signed room token; `share`, `grants` and `keys` manage access; `audit tail` reads the audit. `--help` works on every
 * command and group. Exit codes: 0 done, 1 refused or failed, 2 usage error, 3 server unreachable.
 */
import { ServiceError } from '../../auth/service/errors.js'
import { SettingError } from '../settings.js'
import { ACCESS_COMMANDS } from './access.js'
import { AUDIT_TAIL } from './audit.js'
import { commandHelp, parseCommandLine, synopsis, type Command } from './command.js'
import { OperationFailed } from './failure.js'
import { API, SERVE } from './serve.js'
import { TOKEN_MINT } from './token.js'
import { UsageError } from './usage.js'

const COMMANDS: readonly Command[] = [SERVE, API, TOKEN_MINT, ...ACCESS_COMMANDS, AUDIT_TAIL]

const HELP_FLAGS = new Set(['--help', '-h'])

/** The commands whose name starts with `prefix` (all of them for ''). */
function commandsUnder(prefix: string): Command[] {
  return COMMANDS.filter((command) => prefix === '' || command.name === prefix || command.name.startsWith(`${prefix} `))
}

function overview(prefix: string): string {
  const commands = commandsUnder(prefix)
  const width = Math.max(...commands.map((command) => synopsis(command).length))
  const lines = commands.map((command) => `  ${synopsis(command).padEnd(width)}  ${command.summary.split('. ')[0]!.replace(/\.$/, '')}`)
  return `usage:\n${lines.join('\n')}\n\n"lectern COMMAND --help" lists a command's flags, their environment variables and defaults.\n`
}

/** The command named by the first one or two words, and the rest of the arguments. */
function findCommand(argv: readonly string[]): { command: Command; args: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ')
    const command = COMMANDS.find((candidate) => candidate.name === name)
    if (command) return { command, args: argv.slice(words) }
  }
  return undefined
}

async function main(argv: readonly string[]): Promise<number> {
  const [first = ''] = argv
  if (first === '' || first === 'help' || HELP_FLAGS.has(first)) {
    if (first === '') throw new UsageError('no command given')
    process.stdout.write(overview(''))
    return 0
  }
  const found = findCommand(argv)
  if (!found) {
    const group = commandsUnder(first)
    if (group.length > 0) usageGroup = first
    if (group.length > 0 && argv.length > 1 && HELP_FLAGS.has(argv[1]!)) {
      process.stdout.write(overview(first))
      return 0
    }
    if (group.length > 0 && argv.length === 1) throw new UsageError(`"lectern ${first}" needs a sub-command`)
    throw new UsageError(`unknown command "lectern ${argv.slice(0, group.length > 0 ? 2 : 1).join(' ')}"`)
  }
  if (found.args.some((arg) => HELP_FLAGS.has(arg))) {
    process.stdout.write(commandHelp(found.command))
    return 0
  }
  current = found.command
  return found.command.run(parseCommandLine(found.command, found.args))
}

/** The command being run, or the group named, for the usage text of a usage error. */
let current: Command | undefined
let usageGroup = ''

interface Failure {
  exitCode: number
  error: string
  message: string
  status?: number
}

function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError || error instanceof SettingError) return { exitCode: 2, error: 'usage', message: error.message }
  if (error instanceof ServiceError) {
    return { exitCode: 1, error: error.code, status: error.status, message: `${error.message} (${error.status} ${error.code})` }
  }
  if (error instanceof OperationFailed) {
    return { exitCode: error.exitCode, error: error.code, message: error.message, ...(error.status !== undefined ? { status: error.status } : {}) }
  }
  return { exitCode: 1, error: 'failed', message: (error as Error).message }
}

function report(error: unknown, argv: readonly string[]): number {
  const failure = describeFailure(error)
  if (argv.includes('--json')) {
    const { exitCode: _exitCode, ...body } = failure
    process.stderr.write(`${JSON.stringify(body)}\n`)
    return failure.exitCode
  }
  process.stderr.write(`lectern: ${failure.message}\n`)
  if (failure.exitCode === 2) {
    process.stderr.write(current ? `usage: ${synopsis(current)}\n(lectern ${current.name} --help for its flags)\n` : overview(usageGroup))
  } else if (failure.error === 'failed' && !(error instanceof OperationFailed) && process.env.LECTERN_DEBUG) {
    process.stderr.write(`${(error as Error).stack ?? ''}\n`)
  }
  return failure.exitCode
}

const argv = process.argv.slice(2)
main(argv).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.exitCode = report(error, argv)
  },
)
