/** How proposals and governance state are stored as JSON in the view (bigints as decimal strings, like records.ts). */
import type { ActionRecord, GovState, LedgerInvite, Proposal } from '../protocol/index.js'

type Json = Record<string, any>

function actionToJson(a: ActionRecord): Json {
  if (a.action === 'admit' || a.action === 'limits') return { ...a, creditLimit: a.creditLimit.toString(), maxBalance: a.maxBalance === null ? null : a.maxBalance.toString() }
  if (a.action === 'link') return { ...a, rateNum: a.rateNum.toString(), rateDen: a.rateDen.toString(), capacity: a.capacity.toString() }
  return a
}
function actionFromJson(j: Json): ActionRecord {
  if (j.action === 'admit' || j.action === 'limits') return { ...j, creditLimit: BigInt(j.creditLimit), maxBalance: j.maxBalance === null ? null : BigInt(j.maxBalance) } as ActionRecord
  if (j.action === 'link') return { ...j, rateNum: BigInt(j.rateNum), rateDen: BigInt(j.rateDen), capacity: BigInt(j.capacity) } as ActionRecord
  return j as ActionRecord
}

export function proposalToJson(p: Proposal): Json {
  return { ...p, action: actionToJson(p.action) }
}
export function proposalFromJson(j: Json): Proposal {
  return { ...(j as Proposal), action: actionFromJson(j.action) }
}
export function inviteToJson(i: LedgerInvite): Json {
  return { ...i, creditLimit: i.creditLimit === null ? null : i.creditLimit.toString() }
}
export function inviteFromJson(j: Json): LedgerInvite {
  return { ...(j as LedgerInvite), creditLimit: j.creditLimit === null ? null : BigInt(j.creditLimit) }
}
export function govToJson(g: GovState): Json {
  return g
}
export function govFromJson(j: Json): GovState {
  return j as GovState
}
