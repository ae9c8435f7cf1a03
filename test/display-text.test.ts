/**
 * Member text on the terminal: every control, format and bidi character in a memo, a name or an
 * error is shown escaped, through the one display module, in history, members and errors; --json
 * keeps the exact text.
 */
import test from 'brittle'
import { main } from '../cli/main.js'
import { membersCommand, type MembersResult } from '../cli/commands/members.js'
import type { CommandSpec } from '../cli/command.js'
import { displayText, displayValue, jsonSafe, oneLine } from '../src/display-text.js'
import { toHex } from '../protocol/index.js'
import { twoDataDirs } from './helpers/data-dirs.js'
import { captureIO } from './helpers/cli.js'

/** Each hostile character, how it shows, and what it would do raw. */
const HOSTILE: Array<[string, string, string]> = [
  ['newline', 'thanks\n260  2026-11-30 03:30  transfer  alpha  delta  400.00  confirmed', 'thanks\\n260  2026-11-30 03:30  transfer  alpha  delta  400.00  confirmed'],
  ['carriage return', 'ok\rFORGED', 'ok\\rFORGED'],
  ['tab', 'a\tb', 'a\\tb'],
  ['ANSI colour', '\x1b[31mred\x1b[0m', '\\x1b[31mred\\x1b[0m'],
  ['OSC title with BEL', '\x1b]0;owned\x07x', '\\x1b]0;owned\\x07x'],
  ['BEL', 'ding\x07', 'ding\\x07'],
  ['DEL', 'a\x7fb', 'a\\x7fb'],
  ['C1 CSI', 'a\u009b31mb', 'a\\x9b31mb'],
  ['NEL', 'a\u0085b', 'a\\x85b'],
  ['right-to-left override', '\u202eateb', '\\u202eateb'],
  ['left-to-right isolate', 'a\u2066b\u2069', 'a\\u2066b\\u2069'],
  ['arabic letter mark', 'a\u061cb', 'a\\u061cb'],
  ['zero-width space', 'be\u200bta', 'be\\u200bta'],
  ['zero-width joiner between ASCII', 'be\u200dta', 'be\\u200dta'],
  ['byte order mark', '\ufeffbeta', '\\ufeffbeta'],
  ['soft hyphen', 'be\u00adta', 'be\\xadta'],
  ['line separator', 'a\u2028b', 'a\\u2028b'],
  ['paragraph separator', 'a\u2029b', 'a\\u2029b'],
  ['tag character', 'a\u{e0041}b', 'a\\u{e0041}b'],
  ['lone surrogate', 'a\ud800b', 'a\\ud800b']
]

/** Text that shows as written. */
const PLAIN = ['beta', 'Café Øresund', 'naïve 12.50 €', 'ﾊﾞｰ', '👩‍💻 dev', 'می‌خواهم', 'क्‍ष', '🇳🇱 co-op', 'a\\nb']

test('display - each control, format and bidi character is shown as an escape', async (t) => {
  for (const [what, raw, shown] of HOSTILE) t.is(displayText(raw), shown, what)
  for (const text of PLAIN) t.is(displayText(text), text, `kept: ${text}`)
})

test('display - JSON escapes what JSON.stringify leaves raw, and decodes to the same text', async (t) => {
  const data = { memos: HOSTILE.map(([, raw]) => raw), plain: PLAIN }
  const json = jsonSafe(JSON.stringify(data))
  t.absent(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(json), 'no raw control or format character')
  t.alike(JSON.parse(json), data, 'same data')
})

test('display - exports put each unsafe run as one space, and keep joiners inside words', async (t) => {
  t.is(oneLine('a\n\r\x1b[31mb'), 'a [31mb')
  t.is(oneLine('\u202eateb'), 'ateb')
  t.is(oneLine('be\u200bta'), 'be ta')
  t.is(oneLine('👩‍💻 dev'), '👩‍💻 dev')
})

test('display - displayValue escapes every string of a result and keeps numbers and bigints', async (t) => {
  const shown = displayValue({ a: 'x\ny', list: [{ name: '\u202eateb', amount: 5n, n: 3, ok: true, none: null }] })
  t.alike(shown, { a: 'x\\ny', list: [{ name: '\\u202eateb', amount: 5n, n: 3, ok: true, none: null }] })
})

test('display - members table: a hostile name cannot colour, forge rows or reorder the table', async (t) => {
  const result: MembersResult = {
    ledger: 'Test \x1b]0;owned\x07Exchange',
    unit: 'CTC',
    decimals: 2,
    total: 0n,
    held: 0n,
    members: HOSTILE.map(([, raw], i) => ({
      name: raw,
      account: toHex(new Uint8Array(32).fill(i)),
      role: 'member',
      status: 'active',
      balance: 0n,
      confirmed: 0n,
      pending: 0n,
      creditLimit: 0n,
      maxBalance: null,
      available: 0n
    }))
  }
  // The members command's own render, run by main as any command's result is.
  const spec: CommandSpec = { ...membersCommand, scope: 'standalone', run: async () => result }
  const io = captureIO()
  t.is(await main(['members'], io, [spec]), 0)
  t.absent(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(io.out.replace(/\n/g, '')), 'no raw control or format character on stdout')
  t.is(io.out.trim().split('\n').length, HOSTILE.length + 2, 'one line per member, a header and a footer')
  for (const [what, , shown] of HOSTILE) t.ok(io.out.includes(shown), `${what} shown as ${shown}`)
  t.ok(io.out.includes('"Test \\x1b]0;owned\\x07Exchange"'), 'the ledger name too')

  const json = captureIO()
  t.is(await main(['--json', 'members'], json, [spec]), 0)
  t.alike(JSON.parse(json.out).members.map((m: any) => m.name), HOSTILE.map(([, raw]) => raw), '--json keeps the exact names')
  t.absent(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(json.out.replace(/\n/g, '')), 'and writes them escaped')
})

test('display - history on the real stack: each hostile memo on one escaped line; --json exact; errors escaped', { timeout: 120_000 }, async (t) => {
  // A lone surrogate cannot be stored (UTF-8 turns it into U+FFFD), so it is left out here.
  const stored = HOSTILE.filter(([what]) => what !== 'lone surrogate')
  const memos = stored.map(([, raw]) => raw)
  const dirs = await twoDataDirs(t, memos)

  const io = captureIO()
  t.is(await main(['--dir', dirs.alpha, 'history', '--limit', String(memos.length + 5)], io), 0, io.err)
  const lines = io.out.trim().split('\n')
  t.is(lines.length, memos.length + 3, 'a header, one row per payment, the genesis and admit rows')
  t.absent(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(io.out.replace(/\n/g, '')), 'no raw control or format character on stdout')
  for (const [what, , shown] of stored) t.ok(lines.some((l) => l.endsWith(shown)), `${what}: a row ends with ${shown}`)
  t.absent(lines.some((l) => /^\s*260\s/.test(l)), 'the forged row is not a row')

  const json = captureIO()
  t.is(await main(['--dir', dirs.alpha, '--json', 'history', '--limit', String(memos.length + 5)], json), 0)
  const shown = JSON.parse(json.out).entries.map((e: any) => e.memo).filter((m: string) => m !== '')
  t.alike(shown.sort(), [...memos].sort(), '--json carries each memo exactly')

  // An error quoting member text: the query and the member list stay on one escaped line.
  for (const [what, raw, escaped] of HOSTILE) {
    const err = captureIO()
    t.is(await main(['--dir', dirs.beta, 'pay', 'x' + raw, '1'], err), 1)
    t.is(err.err.split('\n').length, 2, `${what}: one line`)
    t.absent(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(err.err.trimEnd()), `${what}: nothing raw in the error`)
    t.ok(err.err.includes('no member matches'), `${what}: ${err.err.trim()} (${escaped})`)
  }
})
