/**
 * `npm run check:scale -- --nodes 16 [--indexers 3] [--payments 6] [--ack-interval MS] [--max-peers N] [--no-prompt-ack]`: runs N node
 * processes through the public library and times single payments and the admissions (bench/scale-check.ts).
 * Exits 1 when a payment was not applied or not confirmed on every node; timings are printed, not judged.
 */
import { checkScale, scaleTable } from '../bench/scale-check.js'

const HELP = `Usage: npm run check:scale -- --nodes N [--indexers I] [--payments P] [--ack-interval MS]
  --nodes N          node processes, one member each (default 16)
  --indexers I       indexers: the creator and the next I-1 admitted (default 3)
  --payments P       single payments, each confirmed everywhere before the next (default 6)
  --ack-interval MS  Autobase's ack interval (default 1000, the Ledger's)
  --max-peers N      connections each node dials at most (default: no cap, a full mesh)
  --no-prompt-ack    indexers ack on Autobase's timer alone (src/prompt-ack.ts)`

function parse(argv: string[]): { nodes: number; indexers: number; payments: number; ackIntervalMs: number; promptAck: boolean; maxPeers?: number } {
  const o: { nodes: number; indexers: number; payments: number; ackIntervalMs: number; promptAck: boolean; maxPeers?: number } = { nodes: 16, indexers: 3, payments: 6, ackIntervalMs: 1000, promptAck: true }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    if (flag === '--help' || flag === '-h') {
      console.log(HELP)
      process.exit(0)
    }
    if (flag === '--no-prompt-ack') {
      o.promptAck = false
      continue
    }
    const v = Number(argv[++i])
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${flag} needs a whole number, not ${JSON.stringify(argv[i])}`)
    if (flag === '--nodes') o.nodes = v
    else if (flag === '--indexers') o.indexers = v
    else if (flag === '--payments') o.payments = v
    else if (flag === '--ack-interval') o.ackIntervalMs = v
    else if (flag === '--max-peers') o.maxPeers = v
    else throw new RangeError(`unknown flag ${JSON.stringify(flag)}\n${HELP}`)
  }
  if (o.nodes < 2) throw new RangeError('--nodes must be at least 2')
  return o
}

try {
  const o = parse(process.argv.slice(2))
  const r = await checkScale({ ...o, log: (line) => console.log(line) })
  console.log('')
  for (const line of scaleTable(r)) console.log(line)
  process.exitCode = r.notApplied + r.notConfirmed > 0 ? 1 : 0
} catch (err) {
  console.error(err instanceof RangeError ? err.message : err)
  process.exitCode = 2
}
