import type { CliEnv, StandaloneCommand } from '../command.js'
import { fields, money } from '../output.js'
import type { Who } from '../values.js'
import { describeRule } from '../proposal-text.js'
import { POLICY_FLAGS, policyFromFlags, type PolicyFlags } from '../policy-flags.js'
import { AmountError, DECIMALS_MAX, DECISION_KINDS, LedgerError, parseAmount, toHex, UNIT_CODE_PATTERN, type Hex, type Policy } from '../../src/cli-surface.js'

/** Who decides on a ledger created without --decisions. */
const DEFAULT_DECISIONS = 'members'

function membersDecideAny(p: Policy): boolean {
  return DECISION_KINDS.some((k) => p.rules[k].method !== 'steward')
}

export interface LedgerCreateOpts extends PolicyFlags {
  name?: string
  unit?: string
  decimals?: string
  creditLimit?: string
  maxBalance?: string
  bootstrap?: string
}

export interface LedgerCreateResult {
  ledger: Hex
  name: string
  unit: string
  decimals: number
  creditLimit: bigint
  maxBalance: bigint | null
  steward: Who
  bootstrap: string | null
  /** Who decides admits, limits, roles, indexers and the policy (protocol/SPEC.md §10). */
  decisions: 'members' | 'steward'
  /** The policy in its charter (protocol/SPEC.md §10); the steward policy has none. */
  policy: Policy | null
}

/** Creates a ledger in the data dir: this member becomes its first steward and indexer. */
export async function ledgerCreate(env: CliEnv, opts: LedgerCreateOpts): Promise<LedgerCreateResult> {
  const name = String(opts.name ?? '').trim()
  if (name === '') throw LedgerError.BAD_INPUT('ledger create needs --name NAME')
  const unit = String(opts.unit ?? '').trim().toUpperCase()
  if (!UNIT_CODE_PATTERN.test(unit)) throw LedgerError.BAD_INPUT(`--unit must be 1-12 letters or digits, like CTC; got ${JSON.stringify(opts.unit ?? '')}`)
  const decimalsText = opts.decimals ?? '2'
  if (!/^\d{1,2}$/.test(decimalsText) || Number(decimalsText) > DECIMALS_MAX) throw LedgerError.BAD_INPUT(`--decimals must be 0 to ${DECIMALS_MAX}, got ${JSON.stringify(decimalsText)}`)
  const decimals = Number(decimalsText)
  const creditLimit = opts.creditLimit === undefined ? 0n : amount(opts.creditLimit, decimals, '--credit-limit')
  const maxBalance = opts.maxBalance === undefined ? null : amount(opts.maxBalance, decimals, '--max-balance')
  const { Ledger, loadIdentity, openStore, parseBootstrap } = await import('../../src/index.js')
  const bootstrap = opts.bootstrap === undefined ? null : (parseBootstrap(opts.bootstrap), opts.bootstrap)
  const policy = policyFromFlags(opts, DEFAULT_DECISIONS)
  const decisions = membersDecideAny(policy) ? 'members' : 'steward'
  const identity = await loadIdentity(env.dir.identityFile)
  if (await env.dir.hasLedger()) throw LedgerError.LEDGER_EXISTS(`${env.dir.root} already has a ledger; use another --dir for another ledger`)
  const store = await openStore(env.dir.storeDir)
  try {
    const ledger = await Ledger.create({ store, identity, name, unitCode: unit, decimals, creditLimit, maxBalance, memberName: identity.name, decisions: decisions === 'members' ? policy : policy.ratePerHour === 0 ? 'steward' : policy })
    try {
      await env.dir.writeLedgerConfig({
        version: 1,
        key: toHex(ledger.key),
        encryptionKey: ledger.encryptionKey ? toHex(ledger.encryptionKey) : null,
        role: 'creator',
        bootstrap
      })
      return { ledger: toHex(ledger.key), name, unit, decimals, creditLimit, maxBalance, steward: { name: identity.name, account: identity.account }, bootstrap, decisions, policy: decisions === 'members' || policy.ratePerHour !== 0 ? policy : null }
    } finally {
      await ledger.close()
    }
  } finally {
    await store.close()
  }
}

function amount(text: string, decimals: number, what: string): bigint {
  try {
    return parseAmount(text, decimals)
  } catch (err) {
    if (err instanceof AmountError) throw LedgerError.BAD_INPUT(`${what}: ${err.message}`)
    throw err
  }
}

export const ledgerCreateCommand: StandaloneCommand<LedgerCreateOpts, LedgerCreateResult> = {
  name: 'ledger create',
  scope: 'standalone',
  summary: 'create a ledger; you become its steward and indexer',
  flags: {
    name: { type: 'string', required: true, value: 'NAME', help: 'ledger name, e.g. "CoTech Exchange"' },
    unit: { type: 'string', required: true, value: 'CODE', help: 'unit code, e.g. CTC' },
    decimals: { type: 'string', value: 'N', help: 'decimal places of the unit (default 2)' },
    'credit-limit': { type: 'string', value: 'AMOUNT', help: "members' default credit limit (default 0)" },
    'max-balance': { type: 'string', value: 'AMOUNT', help: "members' default highest balance (default none)" },
    bootstrap: { type: 'string', value: 'HOST:PORT', help: 'DHT bootstrap to use by default (default: the public HyperDHT)' },
    ...POLICY_FLAGS
  },
  examples: ['tally ledger create --name "CoTech Exchange" --unit CTC --credit-limit 500', 'tally ledger create --name "CoTech Exchange" --unit CTC --decisions members --objection-window 48h'],
  run: ledgerCreate,
  render: (r) =>
    fields([
      ['created', `ledger "${r.name}" (${r.unit}, ${r.decimals} decimals)`],
      ['ledger', r.ledger],
      ['steward', `${r.steward.name} (${r.steward.account.slice(0, 8)})`],
      ['credit limit', money(r.creditLimit, r.decimals, r.unit) + (r.maxBalance === null ? '' : `, max balance ${money(r.maxBalance, r.decimals, r.unit)}`)],
      ['decisions', r.decisions === 'members' && r.policy ? `by the members: admit ${describeRule(r.policy, 'admit')}; indexers ${describeRule(r.policy, 'indexer')} (\`tally policy\`)` : 'by the steward (`tally propose policy` moves them to the members)'],
      ['next', '`tally up` to go online, then `tally invite` for each co-op']
    ])
}
