/**
 * The decision policy (protocol/SPEC.md §10): for each kind of decision, how the members decide
 * it and how long its window is; and a per-member rate limit. A ledger's policy is set by its
 * `charter` entry (right after genesis) and changed only by a `policy` decision. A ledger with
 * no charter (every 0.1 ledger) has the steward policy: one steward decides everything.
 */

/** The kinds of decision every policy names. Each proposal action belongs to one kind. */
export const DECISION_KINDS = ['admit', 'limits', 'suspend', 'steward', 'indexer', 'policy'] as const
export type CoreKind = (typeof DECISION_KINDS)[number]
/**
 * Kinds a policy may name, added after 0.2's first policies: a policy without one keeps its
 * earlier meaning and its bytes. `link`: who decides a bridge's link (SPEC.md §12); absent, a link
 * is the bridge's own act (the steward path).
 */
export const OPTIONAL_KINDS = ['link'] as const
export type DecisionKind = CoreKind | (typeof OPTIONAL_KINDS)[number]

/**
 * How a kind is decided:
 * - `steward`: one active steward decides (its yes or no), as in 0.1;
 * - `no-objection`: passes unless an active member objects before the window has passed;
 * - `majority`: more than half of the active members vote yes; fails otherwise.
 */
export type DecisionMethod = 'steward' | 'no-objection' | 'majority'
export const METHOD_CODES: Record<DecisionMethod, number> = { steward: 0, 'no-objection': 1, majority: 2 }

export interface DecisionRule {
  method: DecisionMethod
  /** How long members have to vote or object, measured as SPEC.md §11 says (protocol/time.ts). */
  windowMs: number
}

export interface Policy {
  rules: Record<CoreKind, DecisionRule> & { link?: DecisionRule }
  /** Most entries a member may author per hour of its own signed time; 0 means no limit. */
  ratePerHour: number
}

/** Bounds checked by the codec: a window of 1 s to 366 days, a rate of at most 1,000,000 an hour. */
export const WINDOW_MS_MIN = 1000
export const WINDOW_MS_MAX = 366 * 24 * 3600 * 1000
export const RATE_PER_HOUR_MAX = 1_000_000

const HOUR = 3600 * 1000

/** The policy of a ledger without a charter: stewards decide everything (0.1 behaviour). */
export function stewardPolicy(): Policy {
  const r = (): DecisionRule => ({ method: 'steward', windowMs: 72 * HOUR })
  return { rules: { admit: r(), limits: r(), suspend: r(), steward: r(), indexer: r(), policy: r() }, ratePerHour: 0 }
}

/**
 * The members' default: admit and limits pass unless someone objects within 72 h; suspensions,
 * roles, indexers and the policy itself need a majority within 72 h. `windowMs` overrides every window.
 */
export function membersPolicy(opts: { windowMs?: number; ratePerHour?: number; link?: DecisionMethod } = {}): Policy {
  const w = opts.windowMs ?? 72 * HOUR
  const rule = (method: DecisionMethod): DecisionRule => ({ method, windowMs: w })
  return {
    rules: {
      admit: rule('no-objection'),
      limits: rule('no-objection'),
      suspend: rule('majority'),
      steward: rule('majority'),
      indexer: rule('majority'),
      policy: rule('majority'),
      // Named only when asked for: a policy without it keeps its bytes and links stay the bridge's own act.
      ...(opts.link === undefined ? {} : { link: rule(opts.link) })
    },
    ratePerHour: opts.ratePerHour ?? 0
  }
}

/** A kind's rule; a `link` the policy does not name is decided as under the steward policy. */
export function ruleOf(p: Policy, kind: DecisionKind): DecisionRule {
  return (kind === 'link' ? p.rules.link : p.rules[kind]) ?? { method: 'steward', windowMs: 72 * HOUR }
}

/** Why a policy is out of bounds, or null. The codec refuses such a policy (malformed). */
export function policyProblem(p: Policy): string | null {
  for (const kind of [...DECISION_KINDS, ...OPTIONAL_KINDS]) {
    const r = kind === 'link' ? p.rules.link : p.rules[kind]
    if (r === undefined && kind === 'link') continue
    if (!r || !(r.method in METHOD_CODES)) return `${kind}: unknown method`
    if (!Number.isSafeInteger(r.windowMs) || r.windowMs < WINDOW_MS_MIN || r.windowMs > WINDOW_MS_MAX) {
      return `${kind}: window must be ${WINDOW_MS_MIN}-${WINDOW_MS_MAX} ms`
    }
  }
  if (!Number.isSafeInteger(p.ratePerHour) || p.ratePerHour < 0 || p.ratePerHour > RATE_PER_HOUR_MAX) return `rate must be 0-${RATE_PER_HOUR_MAX} an hour`
  return null
}

/** Whether any kind is decided by the members rather than a steward. */
export function membersDecide(p: Policy, kind: DecisionKind): boolean {
  return ruleOf(p, kind).method !== 'steward'
}
