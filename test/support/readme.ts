/** Reading the README as the tests check it: its sections, tables and code blocks. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const README_PATH = fileURLToPath(new URL('../../README.md', import.meta.url))

export function readme(): string {
  return readFileSync(README_PATH, 'utf8')
}

/** The text of the section under `heading` (any level), up to the next heading of the same or a higher level. */
export function section(text: string, heading: string): string {
  const lines = text.split('\n')
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, '') === heading)
  if (start < 0) throw new Error(`the README has no section "${heading}"`)
  const level = lines[start]!.indexOf(' ')
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((line) => /^#+ /.test(line) && line.indexOf(' ') <= level)
  return (end < 0 ? rest : rest.slice(0, end)).join('\n')
}

/** The rows of the first table in `text`, as cells without the header and separator rows. */
export function tableRows(text: string): string[][] {
  const lines = text.split('\n')
  const first = lines.findIndex((line) => line.startsWith('|'))
  if (first < 0) throw new Error('no table')
  const table: string[] = []
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break
    table.push(line)
  }
  return table.slice(2).map((line) => line.slice(1, -1).split(' | ').map((cell) => cell.trim()))
}

export interface CodeBlock {
  /** The info string after the fence: `sh`, `js`, `sh runnable`, … */
  info: string
  code: string
  /** 1-based line of the opening fence, for messages. */
  line: number
  /** The prose just before the block (the lines since the previous block or heading). */
  before: string
}

export function codeBlocks(text: string): CodeBlock[] {
  const blocks: CodeBlock[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!)
    if (!open) continue
    const end = lines.findIndex((line, index) => index > i && line === '```')
    if (end < 0) throw new Error(`README line ${i + 1}: a code block is never closed`)
    blocks.push({ info: open[1]!.trim(), code: lines.slice(i + 1, end).join('\n'), line: i + 1, before: proseBefore(lines, i) })
    i = end
  }
  return blocks
}

/** The one ```js block of the README that contains `marker`. */
export function readmeJsBlock(marker: string): string {
  const blocks = codeBlocks(readme()).filter((block) => /^js( |$)/.test(block.info) && block.code.includes(marker))
  if (blocks.length !== 1) throw new Error(`expected one js block in README.md containing ${marker}, found ${blocks.length}`)
  return `${blocks[0]!.code}\n`
}

/** The README's examples talk to ws://127.0.0.1:1234; tests run their relay on a free port. */
export function onRelay(code: string, relayUrl: string): string {
  if (!code.includes("'ws://127.0.0.1:1234'")) throw new Error('the example no longer names ws://127.0.0.1:1234')
  return code.replaceAll("'ws://127.0.0.1:1234'", `'${relayUrl}'`)
}

function proseBefore(lines: readonly string[], fence: number): string {
  const prose: string[] = []
  for (let i = fence - 1; i >= 0 && !lines[i]!.startsWith('```') && !lines[i]!.startsWith('#'); i--) prose.unshift(lines[i]!)
  return prose.join('\n')
}
