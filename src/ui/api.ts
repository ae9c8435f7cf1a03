/**
 * The page's API: each route asks the node for what a `tally` command would (through the node's
 * local service, by command name, so the page shows exactly what the CLI shows and is refused
 * exactly as the CLI is) and answers JSON, amounts as decimal strings of minor units.
 *
 * GET  /api/summary          status, your balance (with the soft-limit line), every member, pending invoices, open proposals
 * GET  /api/history?member=  entries touching a member (default: you), newest first
 * GET  /api/flows            totals paid between each pair of members
 * POST /api/pay              {member, amount, memo, key, confirm}: asks for confirmation past the soft limit
 * POST /api/invoice          {member, amount, memo}
 * POST /api/accept|decline|cancel  {id}
 * POST /api/vote             {id, choice: yes|no, reason};  /api/object {id, reason};  /api/withdraw {id}
 */
import type { IncomingMessage } from 'http'
import { formatAmount, parseAmount } from '../../protocol/amount.js'
import { passesSoftLimit, softLimit } from '../soft-limit.js'

/** Runs a ledger command by name on the node (what `tally NAME` runs). */
export type UiBackend = (command: string, opts: Record<string, unknown>) => Promise<any>

/** A refusal shown next to a form field (`field`), or over the page (`field: null`). */
export interface ApiError {
  code: string
  message: string
  field: string | null
}

export interface ApiAnswer {
  status: number
  body: unknown
}

/** Histories read for the flows chart: enough for a co-op's year, bounded for a big ledger. */
const FLOW_HISTORY_LIMIT = 2000
const HISTORY_LIMIT_MAX = 10_000
const BODY_BYTES_MAX = 16 * 1024

export class UiApi {
  constructor(
    private readonly call: UiBackend,
    /** The soft-limit warning's percentage of the credit limit. */
    readonly warnAt: number
  ) {}

  /** Answers one API request; never throws (a failure is an answer with an error). */
  async handle(req: IncomingMessage, url: URL): Promise<ApiAnswer> {
    try {
      const route = url.pathname.slice('/api/'.length)
      if (req.method === 'GET') {
        if (route === 'summary') return ok(await this.summary())
        if (route === 'history') return ok(await this.history(url.searchParams))
        if (route === 'flows') return ok(await this.flows())
      } else if (req.method === 'POST') {
        const body = await readJson(req)
        if (route === 'pay') return await this.pay(body)
        if (route === 'invoice') return ok(await this.call('invoice', { member: text(body.member), amount: text(body.amount), memo: text(body.memo) }))
        if (route === 'accept' || route === 'decline' || route === 'cancel') return ok(await this.call(route, { id: text(body.id) }))
        if (route === 'vote') return ok(await this.call('vote', { id: text(body.id), choice: text(body.choice), reason: text(body.reason) }))
        if (route === 'object') return ok(await this.call('object', { id: text(body.id), reason: text(body.reason) }))
        if (route === 'withdraw') return ok(await this.call('withdraw', { id: text(body.id) }))
      }
      return fail(404, { code: 'NOT_FOUND', message: `no such API route: ${req.method} ${url.pathname}`, field: null })
    } catch (err) {
      return failure(err)
    }
  }

  private async summary(): Promise<unknown> {
    const [status, me, members, invoices, proposals] = await Promise.all([
      this.call('status', {}),
      this.call('balance', {}).catch(() => null),
      this.call('members', {}).catch(() => null),
      this.call('invoices', {}).catch(() => null),
      this.call('proposals', {}).catch(() => null)
    ])
    const soft = me ? softLimit(me.balance, me.creditLimit, this.warnAt) : null
    return { status, me: me && { ...me, softLimit: soft }, members, invoices, proposals: proposals && proposals.proposals, warnAt: this.warnAt }
  }

  private async history(q: URLSearchParams): Promise<unknown> {
    const opts: Record<string, unknown> = { limit: String(Math.min(HISTORY_LIMIT_MAX, Number(q.get('limit')) || 500)) }
    const member = q.get('member')
    if (member) opts.member = member
    return this.call('history', opts)
  }

  /** Sums applied payments (transfers and accepted invoices) by payer and payee, from every member's history. */
  private async flows(): Promise<unknown> {
    const members = await this.call('members', {})
    const seen = new Set<string>()
    const totals = new Map<string, { from: string; to: string; amount: bigint; count: number }>()
    for (const m of members.members) {
      const h = await this.call('history', { member: m.account, limit: String(FLOW_HISTORY_LIMIT) })
      for (const e of h.entries) {
        if (seen.has(e.id) || e.status !== 'applied' || e.amount === null || !e.payer || !e.payee) continue
        if (e.type !== 'transfer' && e.type !== 'accept') continue
        seen.add(e.id)
        const key = e.payer.account + '>' + e.payee.account
        const t = totals.get(key) ?? { from: e.payer.name, to: e.payee.name, amount: 0n, count: 0 }
        t.amount += BigInt(e.amount)
        t.count++
        totals.set(key, t)
      }
    }
    const flows = [...totals.values()].sort((a, b) => (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0))
    return { flows, unit: members.unit, decimals: members.decimals }
  }

  private async pay(body: Record<string, unknown>): Promise<ApiAnswer> {
    // The page sends an idempotency key per payment it means to make, so a retry (a double click, a
    // request whose answer was lost) pays once: the pay command keeps the keys (PayKeys).
    const opts: Record<string, string> = { member: text(body.member), amount: text(body.amount), memo: text(body.memo) }
    if (typeof body.key === 'string' && body.key !== '') opts.key = body.key
    if (body.confirm !== true) {
      const me = await this.call('balance', {})
      let amount: bigint | null = null
      try {
        amount = parseAmount(opts.amount, me.decimals)
      } catch {
        // Not an amount: the pay command says why, in its own words.
      }
      if (amount !== null && amount > 0n && amount <= me.available && passesSoftLimit(me.balance, amount, me.creditLimit, this.warnAt)) {
        const after = me.balance - amount
        const line = softLimit(after, me.creditLimit, this.warnAt).threshold
        const fmt = (v: bigint) => `${formatAmount(v, me.decimals)} ${me.unit}`
        return fail(409, {
          code: 'SOFT_LIMIT',
          field: 'amount',
          message: `this payment leaves your balance at ${fmt(after)}, past ${this.warnAt} % of your credit limit (${fmt(line)}): pay anyway?`
        })
      }
    }
    return ok(await this.call('pay', opts))
  }
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v)
}

function ok(body: unknown): ApiAnswer {
  return { status: 200, body }
}

function fail(status: number, error: ApiError): ApiAnswer {
  return { status, body: { error } }
}

/** A command's error as the page shows it: the CLI's message, and the form field it is about. */
function failure(err: unknown): ApiAnswer {
  const e = err as { name?: string; code?: string; message?: string; reject?: string }
  const message = String(e?.message ?? err).split('\n')[0]
  if (e?.name === 'BodyError') return fail(400, { code: 'BAD_INPUT', message, field: null })
  if (e?.name !== 'LedgerError' || typeof e.code !== 'string') return fail(500, { code: 'INTERNAL', message, field: null })
  const status = e.code === 'NODE_LOST' || e.code === 'STORE_LOCKED' ? 503 : 422
  return fail(status, { code: e.code, message, field: fieldOf(e.code, e.reject, message) })
}

function fieldOf(code: string, reject: string | undefined, message: string): string | null {
  if (code === 'UNKNOWN_MEMBER' || code === 'AMBIGUOUS_MEMBER') return 'member'
  if (code === 'UNKNOWN_INVOICE' || code === 'AMBIGUOUS_INVOICE' || code === 'UNKNOWN_PROPOSAL' || code === 'AMBIGUOUS_PROPOSAL') return 'id'
  if (code === 'REJECTED') {
    if (reject === 'over_credit_limit' || reject === 'over_max_balance' || reject === 'amount_not_positive' || reject === 'amount_too_large') return 'amount'
    if (reject === 'self_transfer' || reject === 'unknown_member' || reject === 'counterparty_not_active') return 'member'
    return null
  }
  if (code === 'BAD_INPUT') {
    if (/^amount/.test(message)) return 'amount'
    if (/member/.test(message)) return 'member'
    if (/memo/.test(message)) return 'memo'
  }
  return null
}

class BodyError extends Error {
  override name = 'BodyError'
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    size += chunk.length
    if (size > BODY_BYTES_MAX) throw new BodyError(`request body over ${BODY_BYTES_MAX} bytes`)
    chunks.push(chunk)
  }
  let v: unknown
  try {
    v = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
  } catch {
    throw new BodyError('request body is not JSON')
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new BodyError('request body must be a JSON object')
  return v as Record<string, unknown>
}

/** JSON with bigints as decimal strings (JavaScript numbers cannot hold every amount exactly). */
export function jsonBody(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
}
