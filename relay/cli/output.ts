/** Human-readable CLI output: aligned tables and times. `--json` bypasses all of it. */
import { printable } from '../../auth/display-text.js'

/** Table cells come from the API (names guests chose): anything unprintable is shown escaped. */
export function formatTable(headers: readonly string[], unsafeRows: ReadonlyArray<readonly string[]>): string {
  if (unsafeRows.length === 0) return '(none)\n'
  const rows = unsafeRows.map((row) => row.map(printable))
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd()
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`
}

/** ISO time to the minute, in UTC: what an operator reads at a glance. */
export function shortTime(iso: string | null): string {
  if (iso === null) return '-'
  return `${iso.slice(0, 16).replace('T', ' ')}Z`
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

