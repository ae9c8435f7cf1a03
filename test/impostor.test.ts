/**
 * Issue 16, critical: a member named like another member's account key must never receive that
 * member's payments. On the real stack: the rules refuse such names (and look-alikes), an account
 * key always means that account, and a short hex name that starts another member's key is ambiguous.
 */
import test from 'brittle'
import { LedgerError } from '../src/index.js'
import b4a from 'b4a'
import c from 'compact-encoding'
import { generateKeyPair, signMessage, toHex, type Hex } from '../protocol/index.js'
import { encodeJoinRequest, decodeJoinRequest, JOIN_DOMAIN } from '../src/network/invite-code.js'
import { main } from '../cli/main.js'
import { addMember, createPeer, openPeer, tmpdir, type Peer } from './helpers/index.js'

async function refusedAdmit(t: any, steward: Peer, outsider: Peer, name: string, reject: string) {
  const before = (await steward.ledger.meta())!.entries
  try {
    await steward.ledger.admit({ account: outsider.identity.publicKey, writer: outsider.ledger.writerKey, name })
    t.fail(`admitted ${JSON.stringify(name)}`)
  } catch (err) {
    t.is((err as LedgerError).code, 'REJECTED', (err as Error).message)
    t.is((err as LedgerError).reject, reject, `${JSON.stringify(name)} => ${reject}`)
  }
  t.is((await steward.ledger.meta())!.entries, before, 'nothing was appended')
}

test('impostor - names that read as a key, a key prefix or a look-alike are refused at admission', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta')
  const outsider = await openPeer(t, alpha.ledger, 'outsider')
  const key = toHex(beta.identity.publicKey)
  await refusedAdmit(t, alpha, outsider, key, 'bad_name')
  await refusedAdmit(t, alpha, outsider, key.slice(0, 8), 'bad_name')
  await refusedAdmit(t, alpha, outsider, key.slice(0, 8).toUpperCase(), 'bad_name')
  await refusedAdmit(t, alpha, outsider, 'b\u0435ta', 'bad_name') // Cyrillic е
  await refusedAdmit(t, alpha, outsider, 'be\u200bta', 'bad_name') // zero-width space
  await refusedAdmit(t, alpha, outsider, '\uff42\uff45\uff54\uff41', 'bad_name') // full-width
  await refusedAdmit(t, alpha, outsider, '\u202eateb', 'bad_name') // right-to-left override
  await refusedAdmit(t, alpha, outsider, '\u0412\u0415\u0422\u0410', 'name_taken') // all-Cyrillic ВЕТА
  await refusedAdmit(t, alpha, outsider, 'Bêta', 'name_taken')
  t.is((await alpha.ledger.members()).length, 2)
})

test('impostor - an account key always means that account, by hex, by bytes and by 8-digit prefix', async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta')
  const key = toHex(beta.identity.publicKey)
  // A member whose (allowed, 7-digit) name is the start of beta's key.
  const shorty = await addMember(t, alpha, key.slice(0, 7))

  await alpha.ledger.transfer(key, 100n)
  await alpha.ledger.transfer(key.toUpperCase(), 100n)
  await alpha.ledger.transfer(beta.identity.publicKey, 100n)
  await alpha.ledger.transfer(key.slice(0, 8), 100n)
  t.is((await alpha.ledger.balance(key)).balance, 400n, 'beta received every payment')
  t.is((await alpha.ledger.balance(beta.identity.publicKey)).name, 'beta')
  t.is((await alpha.ledger.balance(shorty.identity.publicKey)).balance, 0n, 'the look-alike received nothing')

  await alpha.ledger.invoice(key, 5n)
  const inv = (await alpha.ledger.invoices()).find((i) => i.payer === key)
  t.ok(inv, 'the invoice names beta as payer')

  await alpha.ledger.setLimits(key, { creditLimit: 777n })
  t.is((await alpha.ledger.balance('beta')).creditLimit, 777n, "beta's limit changed")
  t.is((await alpha.ledger.balance(shorty.identity.publicKey)).creditLimit, 100_00n, "the look-alike's did not")

  // The 7-digit hex name is also the start of beta's key: ambiguous, never silently the name.
  try {
    await alpha.ledger.findMember(key.slice(0, 7))
    t.fail('resolved an ambiguous hex query')
  } catch (err) {
    t.is((err as LedgerError).code, 'AMBIGUOUS_MEMBER')
  }
  // A full key of no member is unknown, never a name or a prefix match.
  try {
    await alpha.ledger.transfer(toHex(generateKeyPair().publicKey), 1n)
    t.fail('paid an unknown key')
  } catch (err) {
    t.is((err as LedgerError).code, 'UNKNOWN_MEMBER')
  }
})

test('impostor - a join request with a key-like or look-alike name is refused, by the joiner and by the host', async (t) => {
  const id = generateKeyPair()
  const inviteId = '11'.repeat(32) as Hex
  const writer = generateKeyPair().publicKey
  for (const name of [toHex(generateKeyPair().publicKey), 'deadbeef', 'b\u0435ta', 'x\u001b[31m']) {
    t.exception(() => encodeJoinRequest(inviteId, { writer, account: id.publicKey, name }, id), /name/, `the joiner refuses ${JSON.stringify(name)}`)
    // A hostile joiner skips its own check: the host refuses the signed request all the same.
    const body = b4a.concat([writer, id.publicKey, c.encode(c.string, name)])
    const signature = signMessage(JOIN_DOMAIN, b4a.concat([b4a.from(inviteId, 'hex'), body]), id.secretKey)
    try {
      decodeJoinRequest(inviteId, b4a.concat([body, signature]))
      t.fail(`the host accepted ${JSON.stringify(name)}`)
    } catch (err) {
      t.is((err as LedgerError).code, 'BAD_INPUT', (err as Error).message)
    }
  }
})

test('impostor - tally init refuses a name the rules would refuse', async (t) => {
  const dir = tmpdir(t)
  const err: string[] = []
  const io = { stdout: () => {}, stderr: (s: string) => err.push(s), env: {} as NodeJS.ProcessEnv }
  const code = await main(['--dir', dir, 'init', '--name', 'deadbeefcafe'], io as any)
  t.is(code, 1, 'a refused value exits 1, as every failure that is not a wrong command line')
  t.ok(/account key/.test(err.join('')), err.join(''))
})
