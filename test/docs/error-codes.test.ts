/** One list of API error codes: the typed union, the README's table and openapi.yaml name the same ones. */
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { API_ERROR_CODES } from '../../protocol/api-error.js'
import { readme, section, tableRows } from '../support/readme.js'

describe('API error codes', () => {
  it('the README error table lists exactly the typed codes', () => {
    const errors = section(readme(), 'HTTP API').split('Errors are')[1]!
    const codes = tableRows(errors).flatMap(([, text]) => [...text!.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!))
    expect([...codes].sort()).toEqual([...API_ERROR_CODES].sort())
  })

  it("openapi.yaml's Error schema enumerates exactly the typed codes", async () => {
    const yaml = await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8')
    const listed = /error:\n\s+type: string\n\s+example: \w+\n\s+enum: \[([^\]]+)\]/.exec(yaml)
    expect(listed, 'Error.error enum in openapi.yaml').not.toBeNull()
    expect(listed![1]!.split(',').map((code) => code.trim()).sort()).toEqual([...API_ERROR_CODES].sort())
  })
})
