/**
 * The bench workload: seeded, reproducible payments and invoices among a ledger's members.
 *
 * The same seed gives the same operations (who pays or invoices whom, how much, with what memo)
 * on every run, whatever the timing. Each payer spends at most its credit limit in total, counting
 * only its own payments: receipts can only raise a balance (payer safety, DESIGN.md property 7),
 * so every planned payment passes the credit check in any order the peers' entries end up in.
 */

/** A uniform generator of floats in [0, 1). */
export type Rng = () => number

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, public domain): 128 bits of state,
 * good statistical quality, and exact results in JavaScript's 32-bit integer arithmetic.
 */
export function createRng(seed: number): Rng {
  let a = 0x9e3779b9
  let b = 0x243f6a88
  let c = 0xb7e15162
  let d = seed >>> 0
  const next = (): number => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  // The first outputs still echo the seed; discard them.
  for (let i = 0; i < 15; i++) next()
  return next
}

/** A 32-bit seed derived from a base seed and labels (FNV-1a), so each peer's stream is independent. */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  let h = 0x811c9dc5 ^ (seed >>> 0)
  for (const ch of labels.join('/')) {
    h ^= ch.codePointAt(0)!
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** One planned write. Amounts are minor units. */
export interface Op {
  type: 'transfer' | 'invoice'
  /** Payee of a transfer, payer of an invoice: a member name. */
  counterparty: string
  amount: bigint
  memo: string
}

export interface PlanOptions {
  seed: number
  /** The author's member name; never its own counterparty. */
  self: string
  /** Every member's name (the author's included or not). */
  members: string[]
  count: number
  /** Most the author may pay out in total: its credit limit. */
  budget: bigint
  /** Share of invoices among the operations, 0..1. Default 0.2. */
  invoiceShare?: number
  /** Amount range in minor units, inclusive. Default 1.00 to 50.00 (100..5000). */
  amountMin?: bigint
  amountMax?: bigint
}

/** Plans `count` operations for one author. Deterministic in its options. */
export function planWorkload(opts: PlanOptions): Op[] {
  return [...planOps(opts)]
}

/**
 * The same operations one at a time, for a caller that does not need them all in memory at once (the
 * catch-up build: 100k planned payments held ~20-25 MB of the source's heap).
 */
export function* planOps(opts: PlanOptions): Generator<Op> {
  const others = opts.members.filter((m) => m !== opts.self)
  if (others.length === 0) throw new RangeError('the workload needs at least one other member')
  const rng = createRng(deriveSeed(opts.seed, 'workload', opts.self))
  const invoiceShare = opts.invoiceShare ?? 0.2
  const min = opts.amountMin ?? 100n
  const span = Number((opts.amountMax ?? 5000n) - min) + 1
  let spent = 0n
  for (let i = 0; i < opts.count; i++) {
    const counterparty = others[Math.floor(rng() * others.length)]
    const amount = min + BigInt(Math.floor(rng() * span))
    // A payment past the budget becomes an invoice, so the plan stays valid in any order.
    const wantsInvoice = rng() < invoiceShare
    const type = wantsInvoice || spent + amount > opts.budget ? 'invoice' : 'transfer'
    if (type === 'transfer') spent += amount
    yield { type, counterparty, amount, memo: `bench ${opts.self} #${i}` }
  }
}

/** What a plan pays out in total, minor units. */
export function plannedSpend(ops: Op[]): bigint {
  return ops.reduce((sum, op) => (op.type === 'transfer' ? sum + op.amount : sum), 0n)
}

/** Member names of a bench ledger: coop-00, coop-01, ... */
export function memberNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => 'coop-' + String(i).padStart(2, '0'))
}
