/** The README's settings tables say what the code does: the same flags, variables, defaults and meanings. */
import { describe, expect, it } from 'vitest'
import { RELAY_FLAG_ROWS } from '../../relay/config.js'
import type { FlagRow } from '../../relay/settings.js'
import { TOKEN_SERVICE_FLAG_ROWS } from '../../relay/token-service-config.js'
import { readme, section, tableRows } from '../support/readme.js'

/** A flag row as the README writes it, without the code marks. */
function asReadmeRow(row: FlagRow): string[] {
  return [row.flag === undefined ? '(environment only)' : `--${row.flag}`, row.env ?? '', row.default ?? '', row.description]
}

function plain(cells: string[]): string[] {
  return cells.map((cell) => cell.replaceAll('`', ''))
}

describe('README settings tables', () => {
  it('Configuration lists every relay setting as the code resolves it', () => {
    expect(tableRows(section(readme(), 'Configuration')).map(plain)).toEqual(RELAY_FLAG_ROWS.map(asReadmeRow))
  })

  it('Token service settings lists every token service setting as the code resolves it', () => {
    expect(tableRows(section(readme(), 'Token service settings')).map(plain)).toEqual(TOKEN_SERVICE_FLAG_ROWS.map(asReadmeRow))
  })
})
