/**
 * Text people typed that others will see (a guest's display name, a link's label): control
 * characters (terminal escapes, newlines) and bidirectional overrides would let it rewrite an
 * operator's terminal or disguise itself, so the API refuses them and the CLI shows them escaped.
 */
const UNPRINTABLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u

export function hasUnprintable(text: string): boolean {
  return UNPRINTABLE.test(text)
}

/** `text` with each unprintable character written as `\u{…}`, so a terminal shows it instead of obeying it. */
export function printable(text: string): string {
  return text.replace(new RegExp(UNPRINTABLE.source, 'gu'), (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`)
}
