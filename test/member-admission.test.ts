/**
 * Which failed proposals refuse a candidate (src/network/member-admission.ts, refusesCandidate):
 * the rules refusing what the candidate asked for do; the answering node's own trouble does not
 * (the candidate gets no answer and asks again). The errors are the ledger's own, from a real ledger.
 */
import test from 'brittle'
import { Ledger, LedgerError } from '../src/index.js'
import { generateKeyPair, membersPolicy } from '../protocol/index.js'
import { refusesCandidate } from '../src/network/member-admission.js'
import { denyStatusOf, DENY_NAME_TAKEN, DENY_REJECTED } from '../src/network/invite-code.js'
import { makeStore } from './helpers/index.js'

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    return err
  }
  throw new Error('expected the call to fail')
}

test('member admission - a rule refusing the candidate refuses it; a node that is closing or timed out says nothing', async (t) => {
  const ledger = await Ledger.create({ store: makeStore(t), identity: generateKeyPair(), name: 'Admit', unitCode: 'CTC', memberName: 'alpha', decisions: membersPolicy() })
  t.teardown(() => ledger.close(), { order: 10 })
  const admit = (name: string) => ledger.propose({ action: 'admit', account: generateKeyPair().publicKey, writer: generateKeyPair().publicKey, name })

  const taken = await failure(admit('alpha'))
  t.ok(taken instanceof LedgerError && taken.reject !== undefined, 'a taken name is a rule rejection: ' + (taken as Error).message)
  t.is(refusesCandidate(taken), true, 'a taken name refuses the candidate')
  t.is(denyStatusOf(taken), DENY_NAME_TAKEN, 'and says so: the candidate may ask again with another name')
  const exists = await failure(ledger.propose({ action: 'admit', account: ledger.identity.publicKey, writer: generateKeyPair().publicKey, name: 'zed' }))
  t.is(exists instanceof LedgerError && exists.reject, 'member_exists', (exists as Error).message)
  t.is(denyStatusOf(exists), DENY_REJECTED, 'any other rule rejection is a plain refusal')

  const used = LedgerError.REJECTED('invite already cited', { reject: 'invite_used' })
  t.is(refusesCandidate(used), false, "another member's node proposed it first: no answer, the next request finds that proposal")
  t.is(refusesCandidate(LedgerError.TIMEOUT('appended but not applied here within 30000 ms')), false, 'a write that timed out on a busy node: no answer')
  t.is(refusesCandidate(new Error('a bug')), false, 'an error that is not the ledger’s: no answer')

  await ledger.close()
  const closed = await failure(admit('beta'))
  t.ok(closed instanceof LedgerError && closed.code === 'LEDGER_CLOSED', 'a closed ledger: ' + (closed as Error).message)
  t.is(refusesCandidate(closed), false, 'a node closing: no answer')
})
