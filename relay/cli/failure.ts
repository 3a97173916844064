/** A command that could not do its job: refused or failed (exit code 1), or the server could not be reached (3). */
export class OperationFailed extends Error {
  /** A stable word for scripts (`--json`): the API's error code for a refusal, else `failed` or `unreachable`. */
  readonly code: string
  /** The HTTP status of a refusal from the API. */
  readonly status: number | undefined

  constructor(
    message: string,
    readonly exitCode: 1 | 3,
    options: ErrorOptions & { code?: string; status?: number } = {},
  ) {
    super(message, options)
    this.name = 'OperationFailed'
    this.code = options.code ?? (exitCode === 3 ? 'unreachable' : 'failed')
    this.status = options.status
  }
}
