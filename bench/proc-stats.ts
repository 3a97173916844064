/** What the kernel says a process has used: CPU time and memory, read from /proc. */
import { readFileSync } from 'node:fs'

/** Clock ticks per second of utime/stime in /proc/PID/stat; 100 on every Linux Node supports. */
const CLOCK_TICKS_PER_SECOND = 100

export interface ProcessUsage {
  /** User plus system CPU seconds since the process started. */
  cpuSeconds: number
  /** Resident set size now. */
  rssBytes: number
  /** Highest resident set size so far (VmHWM). */
  peakRssBytes: number
}

export function readProcessUsage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may contain spaces and parentheses: count fields after its end.
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // afterName[0] is field 3 (state), so utime (field 14) and stime (field 15) sit at 11 and 12.
  const utime = Number(afterName[11])
  const stime = Number(afterName[12])
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc/${pid}/stat: ${stat}`)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return {
    cpuSeconds: (utime + stime) / CLOCK_TICKS_PER_SECOND,
    rssBytes: statusKilobytes(status, 'VmRSS', pid) * 1024,
    peakRssBytes: statusKilobytes(status, 'VmHWM', pid) * 1024,
  }
}

function statusKilobytes(status: string, field: string, pid: number): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)
  if (!match) throw new Error(`/proc/${pid}/status has no ${field} line`)
  return Number(match[1])
}
