/**
 * Member names (SPEC.md, "Names"): what a name may contain, and when two names are too alike.
 *
 * A name is what a person reads before money moves, so the rules refuse any name that could be
 * read as another member's name or as an account key. Every check is code-point arithmetic over
 * ranges fixed here, never "whatever the running ICU knows", so every node and every Node.js
 * version decides a name the same way. `String.prototype.normalize` is used only on characters
 * of these ranges, all assigned long ago, whose normalization Unicode guarantees never to change.
 */

import { NAME_BYTES_MAX } from './constants.js'

/** The scripts a name may use. `common` characters (digits, space, a little punctuation) go with any. */
type Script = 'common' | 'latin' | 'greek' | 'cyrillic' | 'hebrew' | 'arabic' | 'devanagari' | 'thai' | 'han' | 'kana' | 'hangul'

/** [first, last, script]: the only code points a name may hold. Letters, not symbols; no combining accents (NFC letters cover them). */
const ALLOWED: ReadonlyArray<readonly [number, number, Script]> = [
  [0x20, 0x20, 'common'], // space (not at either end, never two in a row)
  [0x27, 0x29, 'common'], // ' ( )
  [0x26, 0x26, 'common'], // &
  [0x2b, 0x2e, 'common'], // + , - .
  [0x30, 0x39, 'common'], // 0-9
  [0x5f, 0x5f, 'common'], // _
  [0x41, 0x5a, 'latin'],
  [0x61, 0x7a, 'latin'],
  [0xc0, 0xd6, 'latin'],
  [0xd8, 0xf6, 'latin'],
  [0xf8, 0x17f, 'latin'], // Latin-1 letters and Latin Extended-A
  [0x218, 0x21b, 'latin'], // Romanian ș ț
  [0x1e00, 0x1eff, 'latin'], // Latin Extended Additional (Vietnamese)
  [0x386, 0x386, 'greek'],
  [0x388, 0x38a, 'greek'],
  [0x38c, 0x38c, 'greek'],
  [0x38e, 0x3a1, 'greek'],
  [0x3a3, 0x3ce, 'greek'],
  [0x400, 0x481, 'cyrillic'],
  [0x48a, 0x4ff, 'cyrillic'],
  [0x5d0, 0x5ea, 'hebrew'],
  [0x620, 0x64a, 'arabic'],
  [0x660, 0x669, 'arabic'],
  [0x66e, 0x6d3, 'arabic'],
  [0x904, 0x939, 'devanagari'],
  [0x93c, 0x94d, 'devanagari'],
  [0x950, 0x950, 'devanagari'],
  [0x958, 0x963, 'devanagari'],
  [0x966, 0x96f, 'devanagari'],
  [0xe01, 0xe3a, 'thai'],
  [0xe40, 0xe4e, 'thai'],
  [0xe50, 0xe59, 'thai'],
  [0x3041, 0x3096, 'kana'],
  [0x30a1, 0x30fa, 'kana'],
  [0x30fc, 0x30fc, 'kana'],
  [0x4e00, 0x9fa5, 'han'],
  [0xac00, 0xd7a3, 'hangul']
]

/** Scripts that may share a name (Unicode TS #39's "highly restrictive" sets); any other mix is refused. */
const SCRIPT_SETS: ReadonlyArray<ReadonlySet<Script>> = [
  new Set<Script>(['latin']),
  new Set<Script>(['greek']),
  new Set<Script>(['cyrillic']),
  new Set<Script>(['hebrew']),
  new Set<Script>(['arabic']),
  new Set<Script>(['devanagari']),
  new Set<Script>(['thai']),
  new Set<Script>(['latin', 'han', 'kana']),
  new Set<Script>(['latin', 'han', 'hangul'])
]

/**
 * Letters of other scripts (after lower-casing) that read as a Latin letter, and Latin letters
 * that read as another. Two names with the same skeleton are too alike to share a ledger.
 */
const LOOKALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ѕ: 's', і: 'i', ї: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't',
  у: 'y', х: 'x', ү: 'y', һ: 'h', ӏ: 'l', ԁ: 'd', ɡ: 'g',
  // Greek
  α: 'a', β: 'b', ε: 'e', ζ: 'z', η: 'h', ι: 'i', κ: 'k', μ: 'm', ν: 'n', ο: 'o', ρ: 'p', τ: 't', υ: 'y', χ: 'x',
  // Latin letters NFD does not split
  ı: 'i', ĸ: 'k', ſ: 's', ł: 'l', đ: 'd', ħ: 'h', ø: 'o', ŀ: 'l', ß: 'ss', æ: 'ae', œ: 'oe', ŉ: 'n'
}

/** Why a name is refused; each is one situation a caller can explain. */
export type NameProblem = 'empty' | 'too_long' | 'edge_space' | 'double_space' | 'bad_character' | 'not_normalized' | 'mixed_scripts' | 'looks_like_key'

export type NameCheck = { ok: true } | { ok: false; problem: NameProblem; reason: string }

/** Hex of this length or more reads as an account key or the key prefix the CLI shows. */
export const KEY_LIKE_HEX_MIN = 8

function scriptOf(cp: number): Script | null {
  for (const [first, last, script] of ALLOWED) if (cp >= first && cp <= last) return script
  return null
}

function codePointLabel(cp: number): string {
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0')
}

/**
 * Whether `name` may be a member's name. One check a line, in the order SPEC.md lists them; the
 * reason names the offending character by code point, so it is safe to print even when the name
 * is not. The byte length is the codec's bound (a longer name never reaches the rules, it does
 * not decode); it is checked here too so that clients have one check for an early refusal.
 */
export function checkName(name: string): NameCheck {
  if (name.trim().length === 0) return { ok: false, problem: 'empty', reason: 'a member name may not be empty' }
  if (utf8Length(name) > NAME_BYTES_MAX) return { ok: false, problem: 'too_long', reason: `a member name must be 1-${NAME_BYTES_MAX} bytes of UTF-8` }
  const scripts = new Set<Script>()
  for (const ch of name) {
    const cp = ch.codePointAt(0)!
    const script = scriptOf(cp)
    if (script === null) {
      return { ok: false, problem: 'bad_character', reason: `a member name may not hold the character ${codePointLabel(cp)} (letters, digits, spaces and ' ( ) & + , - . _ only)` }
    }
    if (script !== 'common') scripts.add(script)
  }
  if (name.startsWith(' ') || name.endsWith(' ')) return { ok: false, problem: 'edge_space', reason: 'a member name may not start or end with a space' }
  if (name.includes('  ')) return { ok: false, problem: 'double_space', reason: 'a member name may not hold two spaces in a row' }
  if (name.normalize('NFC') !== name) return { ok: false, problem: 'not_normalized', reason: 'a member name must be in Unicode NFC form (accented letters written as one character)' }
  if (!SCRIPT_SETS.some((set) => [...scripts].every((s) => set.has(s)))) {
    return { ok: false, problem: 'mixed_scripts', reason: `a member name may not mix the scripts ${[...scripts].sort().join(' and ')}` }
  }
  if (looksLikeKey(name)) return { ok: false, problem: 'looks_like_key', reason: `a member name of ${KEY_LIKE_HEX_MIN} or more hex digits reads as an account key` }
  return { ok: true }
}

function utf8Length(text: string): number {
  let n = 0
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
  }
  return n
}

/** Whether `text` is hex of KEY_LIKE_HEX_MIN+ digits: a full account key or a key prefix, never a name. */
export function looksLikeKey(text: string): boolean {
  return text.length >= KEY_LIKE_HEX_MIN && /^[0-9a-f]+$/i.test(text)
}

/**
 * The form two names are compared in: accents dropped, lower case, look-alike letters of other
 * scripts read as the Latin letter they resemble. For a plain ASCII name it is its lower case,
 * as 0.1's name index was. Names are unique by skeleton; it is also the key of the view's name index.
 */
export function nameSkeleton(name: string): string {
  const bare = name.trim().normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
  let out = ''
  for (const ch of bare) out += LOOKALIKES[ch] ?? ch
  return out
}
