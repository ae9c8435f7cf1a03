/**
 * Member text (names, memos, reasons) made safe to show on a terminal or a page. Anything a member
 * writes reaches every other member's screen, so characters that steer the display instead of
 * showing a glyph are made visible: control characters (newline, CR, tab, ESC of ANSI/OSC
 * sequences, BEL, DEL, C1), format characters (bidi overrides and isolates, zero-width
 * characters, the BOM, soft hyphens, tags), line and paragraph separators, and lone surrogates.
 *
 * Every printer uses this one module: the CLI's tables, messages and logs (`displayText`,
 * `displayValue`), its JSON (`jsonSafe`), and the exports (`oneLine`). The data itself is never
 * changed: the ledger keeps what was written, and `--json` carries it exactly.
 */

/** Characters that control the display rather than show: Cc, Cf, Zl, Zp and lone surrogates. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu
const UNSAFE_ONE = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]$/u

/** Joiners that shape real scripts and emoji (Persian, Indic, 👩‍💻): kept between two such characters. */
const JOINERS = new Set([0x200c, 0x200d])
const SHAPED = /[\p{L}\p{M}\p{Extended_Pictographic}\u{1f3fb}-\u{1f3ff}]|\u{fe0f}/u

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** How an unsafe character is shown: `\n`, `\r`, `\t`, `\x1b` below U+0100, `\u202e` above, `\u{e0001}` past U+FFFF. */
export function escapeChar(ch: string): string {
  const short = SHORT_ESCAPES[ch]
  if (short) return short
  const cp = ch.codePointAt(0)!
  if (cp < 0x100) return '\\x' + cp.toString(16).padStart(2, '0')
  if (cp <= 0xffff) return '\\u' + cp.toString(16).padStart(4, '0')
  return '\\u{' + cp.toString(16) + '}'
}

/** Whether a joiner at `offset` sits between two non-ASCII letters, marks or emoji (where it shapes text). */
function shapes(text: string, offset: number): boolean {
  const before = [...text.slice(Math.max(0, offset - 2), offset)].pop()
  const after = [...text.slice(offset + 1, offset + 3)][0]
  const ok = (c: string | undefined) => c !== undefined && c.codePointAt(0)! > 0x7f && SHAPED.test(c)
  return ok(before) && ok(after)
}

/**
 * Member text for one line of a terminal: every control, format or separator character shown as
 * an escape (`thanks\n260 ...`, `\x1b[31mred`, `\u202eateb`, `be\u200bta`), so it can neither
 * forge a line, colour the screen, reorder what follows, nor hide in a name.
 * @example displayText('a\nb') === 'a\\nb'
 */
export function displayText(text: string): string {
  return String(text).replace(UNSAFE, (ch, offset: number, whole: string) =>
    JOINERS.has(ch.codePointAt(0)!) && shapes(whole, offset) ? ch : escapeChar(ch)
  )
}

/** Whether `text` shows exactly as written (nothing to escape). */
export function isDisplaySafe(text: string): boolean {
  return displayText(text) === text
}

/**
 * A result with every string in it passed through `displayText` (deeply; bigints, numbers and
 * booleans unchanged): what a renderer gets, so no table or message built from it shows raw text.
 */
export function displayValue<T>(value: T): T {
  if (typeof value === 'string') return displayText(value) as T
  if (Array.isArray(value)) return value.map((v) => displayValue(v)) as T
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = displayValue(v)
    return out as T
  }
  return value
}

/**
 * JSON text with every unsafe character written as a `\uXXXX` escape. JSON.stringify leaves DEL,
 * C1 controls (0x9b starts a terminal sequence), bidi overrides and zero-width characters raw;
 * escaped, the document decodes to exactly the same data and cannot steer a terminal it is shown on.
 * Only valid on JSON text from JSON.stringify: it escapes C0 controls in strings itself, so raw
 * ones are layout, and other unsafe characters can only occur inside strings.
 */
export function jsonSafe(json: string): string {
  return json.replace(UNSAFE, (ch) => {
    // Raw newlines, CRs and tabs in JSON text are its layout (JSON.stringify escapes them in strings).
    if (ch === '\n' || ch === '\r' || ch === '\t') return ch
    let out = ''
    for (let i = 0; i < ch.length; i++) out += '\\u' + ch.charCodeAt(i).toString(16).padStart(4, '0')
    return out
  })
}

/** Free text on one line for a file format (journals, CSV): each run of unsafe characters becomes one space. */
export function oneLine(text: string): string {
  let out = ''
  let gap = false
  const s = String(text)
  for (let i = 0; i < s.length; ) {
    const ch = String.fromCodePoint(s.codePointAt(i)!)
    const unsafe = UNSAFE_ONE.test(ch) && !(JOINERS.has(ch.codePointAt(0)!) && shapes(s, i))
    if (unsafe) gap = true
    else {
      if (gap) out += ' '
      out += ch
      gap = false
    }
    i += ch.length
  }
  return out.trim()
}
