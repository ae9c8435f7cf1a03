/**
 * The name rules (SPEC.md §5a) as a table: each name and the problem checkName gives, then which
 * names share a skeleton. Pure: no ledger needed.
 */
import test from 'brittle'
import { checkName, nameSkeleton, looksLikeKey, type NameProblem } from '../protocol/index.js'

const KEY = '4e451a70c0ffee00112233445566778899aabbccddeeff00112233445566778a'

const rows: Array<[string, string, NameProblem | 'ok']> = [
  ['a plain name', 'beta', 'ok'],
  ['a name with spaces and punctuation', "Bread & Roses Co-op (Leeds) 2", 'ok'],
  ['an accented Latin name', 'Café Solidaire', 'ok'],
  ['a Greek name', 'Συνεταιρισμός', 'ok'],
  ['a Cyrillic name', 'Кооператив', 'ok'],
  ['a Japanese name with Latin', '東京 Coop とうきょう', 'ok'],
  ['a Korean name', '협동조합', 'ok'],
  ['a short hex word is a name', 'cafe', 'ok'],
  ['empty', '', 'empty'],
  ['only spaces', '   ', 'empty'],
  ['a leading space', ' beta', 'edge_space'],
  ['two spaces', 'be  ta', 'double_space'],
  ['Cyrillic е inside a Latin name', 'b\u0435ta', 'mixed_scripts'],
  ['Greek ο inside a Latin name', 'c\u03bfop', 'mixed_scripts'],
  ['a zero-width space', 'be\u200bta', 'bad_character'],
  ['a zero-width joiner', 'be\u200dta', 'bad_character'],
  ['full-width letters', '\uff22\uff25\uff34\uff21', 'bad_character'],
  ['a right-to-left override', '\u202eateb', 'bad_character'],
  ['a left-to-right isolate', '\u2066beta', 'bad_character'],
  ['a newline', 'beta\nalpha', 'bad_character'],
  ['a carriage return', 'beta\ralpha', 'bad_character'],
  ['an ANSI escape', '\u001b[31mred', 'bad_character'],
  ['a bell', 'beta\u0007', 'bad_character'],
  ['a tab', 'be\tta', 'bad_character'],
  ['a no-break space', 'be\u00a0ta', 'bad_character'],
  ['a combining accent (not NFC)', 'cafe\u0301', 'bad_character'],
  ['a soft hyphen', 'be\u00adta', 'bad_character'],
  ['a full account key', KEY, 'looks_like_key'],
  ['an 8-digit key prefix', KEY.slice(0, 8), 'looks_like_key'],
  ['an upper-case key prefix', KEY.slice(0, 12).toUpperCase(), 'looks_like_key'],
  ['a decimal number of 8 digits', '12345678', 'looks_like_key']
]

for (const [what, name, expected] of rows) {
  test(`names - ${what} => ${expected}`, (t) => {
    const check = checkName(name)
    t.is(check.ok ? 'ok' : check.problem, expected)
    // A reason never repeats the name: it is safe to print when the name is not.
    if (!check.ok) t.absent([...check.reason].some((ch) => ch.codePointAt(0)! < 0x20 || (ch.codePointAt(0)! >= 0x200b && ch.codePointAt(0)! <= 0x202e)), 'the reason holds no control character')
  })
}

test('names - look-alikes share a skeleton, different names do not', (t) => {
  const same: Array<[string, string]> = [
    ['beta', 'BETA'],
    ['beta', '\u0412\u0415\u0422\u0410'], // Cyrillic ВЕТА
    ['beta', 'b\u00eata'], // bêta
    ['coop', '\u03ba\u03bf\u03bf\u03c1'.replace('\u03ba', 'c')], // Greek ο and ρ
    ['maria', 'MARÍA'],
    ['kolo', '\u03ba\u03bf\u03bb\u03bf'.replace('\u03bb', 'l')],
    ['strasse', 'straße']
  ]
  for (const [a, b] of same) t.is(nameSkeleton(a), nameSkeleton(b), `${a} ~ ${JSON.stringify(b)}`)
  t.not(nameSkeleton('beta'), nameSkeleton('betta'))
  t.not(nameSkeleton('alpha'), nameSkeleton('alpine'))
  // For plain ASCII the skeleton is the lower case, as 0.1's name index was.
  t.is(nameSkeleton('Co-op 42 Ltd.'), 'co-op 42 ltd.')
})

test('names - only hex of 8+ digits reads as a key', (t) => {
  t.ok(looksLikeKey(KEY))
  t.ok(looksLikeKey('deadbeef'))
  t.absent(looksLikeKey('deadbee'))
  t.absent(looksLikeKey('deadbeefs'))
  t.absent(looksLikeKey('dead beef'))
})
