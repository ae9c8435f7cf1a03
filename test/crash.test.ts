/**
 * Crashes: a child process writes to a ledger in concurrent batches and is SIGKILLed at a random
 * point (while opening or while writing), over and over. After each kill the store must open,
 * hold every entry the child acknowledged, and still satisfy the ledger's invariants; at the end
 * the crashed node catches a peer up.
 */
import test from 'brittle'
import { spawn } from 'child_process'
import path from 'path'
import { fileURLToPath } from 'url'
import { Ledger, MemoryStore, applyBlock, createIdentity } from '../src/index.js'
import { generateKeyPair, toHex, type Hex } from '../protocol/index.js'
import { connect, converge, eachLine, tmpdir, until } from './helpers/index.js'
import { invariantProblems, prng, randInt } from './helpers/adversary.js'

const SEED = 0xc7a5
const KILLS = 24
const BATCH = 16
const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'batch-writer.js')

interface Run {
  acks: Hex[]
  /** Where the kill landed: before the child said ready, or while it wrote. */
  phase: 'opening' | 'writing'
}

/** Runs the writer child and SIGKILLs it `delayMs` after it is ready (or after spawn, if `whileOpening`). */
function runAndKill(args: string[], delayMs: number, whileOpening: boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const acks: Hex[] = []
    let ready = false
    let killed = false
    let stderr = ''
    const kill = () => {
      killed = true
      child.kill('SIGKILL')
    }
    if (whileOpening) setTimeout(kill, delayMs)
    eachLine(child.stdout, (line) => {
      if (line.startsWith('ack ')) acks.push(line.slice(4) as Hex)
      else if (line.startsWith('ready') && !ready) {
        ready = true
        if (!whileOpening) setTimeout(kill, delayMs)
      }
    })
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code, signal) => {
      if (!killed || signal !== 'SIGKILL') reject(new Error(`writer exited by itself (code ${code}, signal ${signal}): ${stderr.trim()}`))
      else resolve({ acks, phase: ready ? 'writing' : 'opening' })
    })
  })
}

test('crash - a node SIGKILLed 24 times while writing in batches loses no acknowledged entry and catches up with a peer', { timeout: 300_000 }, async (t) => {
  const rand = prng(SEED)
  const home = tmpdir(t)
  const storeDir = path.join(home, 'alpha-store')
  const identityFile = path.join(home, 'alpha-identity.json')
  const identity = await createIdentity(identityFile, 'alpha')
  const betaStore = path.join(tmpdir(t), 'beta-store')
  const beta = generateKeyPair()

  // beta joins first, then works offline while alpha crashes over and over.
  const created = await Ledger.create({ store: storeDir, identity, name: 'Crash Exchange', unitCode: 'CTC', memberName: 'alpha', creditLimit: 10n ** 12n, ackIntervalMs: 50 })
  const key = created.key
  const encryptionKey = created.encryptionKey!
  const betaLedger = await Ledger.open({ store: betaStore, identity: beta, key, encryptionKey, ackIntervalMs: 50 })
  t.teardown(() => betaLedger.close(), { order: 10 })
  const joining = connect(created, betaLedger)
  await created.admit({ account: beta.publicKey, writer: betaLedger.writerKey, name: 'beta' })
  await until(async () => betaLedger.writable && (await betaLedger.self().catch(() => null)) !== null, 'beta joined', () => betaLedger.update())
  joining()
  await created.close()
  const offline: Hex[] = []
  const args = [storeDir, identityFile, toHex(key), toHex(encryptionKey), 'beta', String(BATCH)]
  const reopen = () => Ledger.open({ store: storeDir, identity, key, encryptionKey, ackIntervalMs: 50 })

  const acked: Hex[] = []
  const phases = { opening: 0, writing: 0 }
  let survived = 0
  for (let k = 0; k < KILLS; k++) {
    const whileOpening = rand() < 0.2
    const run = await runAndKill(args, whileOpening ? randInt(rand, 0, 400) : randInt(rand, 20, 900), whileOpening)
    phases[run.phase]++
    acked.push(...run.acks)
    for (let i = 0; i < 2; i++) offline.push((await betaLedger.transfer('alpha', 1n, { memo: `offline ${k}.${i}` })).id)

    const ledger = await reopen()
    await ledger.update()
    const lost: Hex[] = []
    const appliedHere = await appliedIds(ledger)
    for (const id of acked) if (!appliedHere.has(id)) lost.push(id)
    const meta = (await ledger.meta())!
    const rejected = meta.rejected
    const transfers = meta.entries - meta.rejected - 2 // minus genesis and admit
    const betaBalance = (await ledger.balance('beta')).balance
    const problems = await invariantProblems(ledger)
    await ledger.close()
    t.alike(lost, [], `kill ${k + 1} (${run.phase}, ${run.acks.length} acks): every acknowledged entry is there`)
    t.is(betaBalance, BigInt(transfers), `kill ${k + 1}: each applied transfer counted once`)
    t.is(rejected, 0, `kill ${k + 1}: no block decided twice or rejected`)
    t.alike(problems, [], `kill ${k + 1}: zero-sum and limits hold`)
    if (lost.length === 0 && problems.length === 0) survived++
  }

  // The crashed node's view is exactly a fresh replay of its own writer core (what an auditor computes).
  const alpha = await reopen()
  const replay = new MemoryStore()
  for (let i = 0; i < alpha.base.local.length; i++) {
    const node = (await alpha.base.local.get(i)) as { node: { value: Uint8Array | null } }
    if (node.node.value !== null) await applyBlock(replay, node.node.value, { ledgerKey: key, writer: toHex(alpha.writerKey), block: i })
  }
  t.is(replay.meta?.stateHash, await alpha.stateHash(), 'the view after all the crashes equals a replay of the writer core')

  // The crashed node and beta catch each other up: alpha gets beta's offline entries, beta alpha's acknowledged ones.
  t.teardown(() => alpha.close(), { order: 10 })
  const cut = connect(alpha, betaLedger)
  t.teardown(cut, { order: 0 })
  await converge([alpha, betaLedger], 120_000)
  let onBeta = 0
  const appliedOnBeta = await appliedIds(betaLedger)
  for (const id of acked) if (appliedOnBeta.has(id)) onBeta++
  t.is(onBeta, acked.length, 'beta has every entry alpha acknowledged')
  let onAlpha = 0
  const appliedOnAlpha = await appliedIds(alpha)
  for (const id of offline) if (appliedOnAlpha.has(id)) onAlpha++
  t.is(onAlpha, offline.length, 'alpha caught up with every entry beta wrote while it was crashing')
  t.alike(await invariantProblems(alpha), [], 'zero-sum and limits hold after the catch-up')
  const { entries, rejected } = (await alpha.meta())!
  const paidByAlpha = entries - 2 - offline.length // every entry but genesis, admit and beta's is one of alpha's 1-unit payments
  t.is(rejected, 0, 'nothing rejected')
  t.is((await alpha.balance('beta')).balance, BigInt(paidByAlpha - offline.length), 'beta holds what alpha paid it minus what it paid back')
  t.comment(`kills survived: ${survived}/${KILLS} (${phases.opening} while opening, ${phases.writing} while writing); acknowledged entries: ${acked.length}, lost: 0 on the node, ${acked.length - onBeta} on the peer; entries the peer wrote meanwhile: ${offline.length}, all caught up; entries in the ledger: ${entries}`)
})

/** Ids of every applied entry in one pass over the log (a lookup by id scans the log). */
async function appliedIds(ledger: Ledger): Promise<Set<string>> {
  const out = new Set<string>()
  for await (const rec of ledger.log()) if (rec.status === 'applied') out.add(rec.id)
  return out
}
