/**
 * Structured JSON logs (pino). Tokens never reach a log: request URLs are never logged, and the
 * redaction below is a second line of defence for fields that might carry one.
 */
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'lectern' },
    redact: {
      paths: ['token', '*.token', 'url', '*.url', 'authorization', '*.authorization', 'headers', '*.headers', 'code', '*.code'],
      censor: '[redacted]',
    },
  })
}
