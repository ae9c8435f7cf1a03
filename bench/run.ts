/**
 * `npm run bench [-- flags]`: runs the sync benchmark and writes bench/results/<date>.json,
 * bench/results/<date>.svg and the results table in bench/README.md.
 */
import path from 'path'
import { fileURLToPath } from 'url'
import { PHASES, type PhaseName } from './context.js'
import { runBench, type BenchOptions } from './harness.js'

const HELP = `Usage: npm run bench -- [flags]

  --quick            small sizes and one run (under two minutes)
  --runs N           runs per figure (default 3, 1 with --quick)
  --seed S           workload seed (default 1)
  --only LIST        phases to run, comma-separated: ${PHASES.join(',')}
  --out DIR          where <date>.json and <date>.svg go (default bench/results)
  --no-readme        leave bench/README.md as it is
  --profile DIR      write a CPU profile per node process into DIR and add a breakdown to the report
  --node-flags FLAGS node flags for every node process, e.g. "--max-old-space-size=128"
  --peers LIST       convergence phase: peer counts, comma-separated (default 2,3,4,8)
  --sizes LIST       catch-up phase: ledger sizes in entries (default 10000,100000; 2000,10000 with --quick)
  --nodes LIST       network phase: node counts, comma-separated (default 8,16,32; 8 with --quick)
  --indexers LIST    network phase: indexer counts (default 3,5)
  --payments N       network phase: steady payments per run (default 45; 30 with --quick)
  --rate R           network phase: steady payments per second across the network (default 3)
  --ack-interval MS  network phase: Autobase ack interval (default 1000, the Ledger's default)
  --max-peers N      network phase: Hyperswarm maxPeers per node (default: Hyperswarm's, 64)
  --admit-together   network phase: admit every member at once instead of one after another
  --no-prompt-ack    network phase: indexers ack on Autobase's timer alone (src/prompt-ack.ts)
  --verbose          show the node processes' output
  --help             this text

Examples:
  npm run bench                                  # the full bench (about 20 minutes on 2 cores: bench/README.md)
  npm run bench -- --quick --no-readme           # a quick look
  npm run bench -- --only catchup --runs 1 --profile /tmp/prof
`

/** The package root: dist/bench/run.js is two levels below it. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Parses argv into options; throws RangeError with the offending flag. */
export function parseArgs(argv: string[]): BenchOptions & { help?: boolean } {
  const o: BenchOptions & { help?: boolean } = { out: path.join(ROOT, 'bench', 'results'), readme: path.join(ROOT, 'bench', 'README.md') }
  const value = (i: number, flag: string, flagLike = false) => {
    const v = argv[i + 1]
    if (v === undefined || (!flagLike && v.startsWith('--'))) throw new RangeError(`${flag} needs a value`)
    return v
  }
  const int = (v: string, flag: string) => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${flag} must be a whole number, got ${JSON.stringify(v)}`)
    return n
  }
  const list = (v: string, flag: string) => {
    const out = v.split(',').map((x) => int(x.trim(), flag))
    if (out.some((x) => x < 1)) throw new RangeError(`${flag} counts must be at least 1`)
    return out
  }
  const positive = (v: string, flag: string) => {
    const n = Number(v)
    if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${flag} must be a positive number, got ${JSON.stringify(v)}`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    switch (flag) {
      case '--quick':
        o.quick = true
        break
      case '--runs':
        o.runs = int(value(i++, flag), flag)
        if (o.runs < 1) throw new RangeError('--runs must be at least 1')
        break
      case '--seed':
        o.seed = int(value(i++, flag), flag)
        break
      case '--only':
        o.only = value(i++, flag).split(',').map((s) => s.trim()).filter(Boolean) as PhaseName[]
        for (const p of o.only) if (!PHASES.includes(p)) throw new RangeError(`--only: unknown phase ${JSON.stringify(p)}; phases: ${PHASES.join(', ')}`)
        break
      case '--out':
        o.out = path.resolve(value(i++, flag))
        break
      case '--no-readme':
        o.readme = null
        break
      case '--profile':
        o.profile = path.resolve(value(i++, flag))
        break
      case '--node-flags':
        o.nodeFlags = value(i++, flag, true).split(/\s+/).filter(Boolean)
        break
      case '--peers':
        o.peers = list(value(i++, flag), flag)
        break
      case '--sizes':
        o.catchupSizes = list(value(i++, flag), flag)
        break
      case '--nodes':
        o.networkNodes = list(value(i++, flag), flag)
        break
      case '--indexers':
        o.networkIndexers = list(value(i++, flag), flag)
        break
      case '--payments':
        o.networkPayments = int(value(i++, flag), flag)
        break
      case '--rate':
        o.networkRate = positive(value(i++, flag), flag)
        break
      case '--ack-interval':
        o.networkAckIntervalMs = int(value(i++, flag), flag)
        break
      case '--max-peers':
        o.networkMaxPeers = int(value(i++, flag), flag)
        break
      case '--admit-together':
        o.networkAdmitTogether = true
        break
      case '--no-prompt-ack':
        o.networkPromptAck = false
        break
      case '--verbose':
        o.verbose = true
        break
      case '--help':
      case '-h':
        o.help = true
        break
      default:
        throw new RangeError(`unknown flag ${JSON.stringify(flag)}; see --help`)
    }
  }
  return o
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof parseArgs>
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`)
    process.exit(2)
  }
  if (opts.help) {
    process.stdout.write(HELP)
    return
  }
  const { report, files } = await runBench(opts)
  console.log('')
  for (const t of report.targets) {
    const measured = t.measured === null ? 'not measured' : `${t.measured.toFixed(t.unit === 's' ? 2 : 0)} ${t.unit}`
    console.log(`${t.met === null ? '  -   ' : t.met ? '  met ' : 'MISSED'} ${t.what}: ${measured}; ${t.margin}`)
  }
  for (const n of report.notes) console.log(`note: ${n}`)
  for (const f of files) console.log(`wrote ${path.relative(process.cwd(), f)}`)
  if (!report.converged) {
    process.stderr.write('bench: peers did not converge in every run (see the report)\n')
    process.exitCode = 1
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? err}\n`)
  process.exit(1)
})
