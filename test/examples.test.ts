/** The README's library example must run and print what it says. */
import test from 'brittle'
import { main } from '../examples/embed.js'

test('examples - embed.ts runs: beta pays 120.00 and accepts a 30.00 invoice', async (t) => {
  const lines: string[] = []
  const result = await main((l) => lines.push(l))
  t.is(result.alpha, 150_00n)
  t.is(result.beta, -150_00n)
  t.ok(lines.some((l) => l.includes('refused: beta can spend 350.00 CTC')), 'the overspend is refused with what is available')
  t.ok(lines.some((l) => /alpha\s+150\.00 CTC/.test(l)))
})
