/**
 * Decisions and crashes: a child process makes decisions that call Autobase's host.addWriter (a
 * steward's admit proposals, passed at once) and is SIGKILLed at random points. Autobase keeps
 * the system (its writers) and the view in step, and re-applies from the last state it stored, so
 * a decision whose block is applied again repeats its writer call against the state before it:
 * after every kill each acknowledged admission is in the view, decided once, and its writer is
 * an Autobase writer, not an indexer; and the view equals a fresh replay of the writer core.
 */
import test from 'brittle'
import { spawn } from 'child_process'
import path from 'path'
import { fileURLToPath } from 'url'
import { Ledger, MemoryStore, applyBlock, createIdentity } from '../src/index.js'
import { fromHex, toHex, type Hex } from '../protocol/index.js'
import { eachLine, tmpdir } from './helpers/index.js'
import { invariantProblems, prng, randInt } from './helpers/adversary.js'

const SEED = 0xdec1
const KILLS = 8
const BATCH = 4
const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'decision-writer.js')

function runAndKill(args: string[], delayMs: number): Promise<Array<{ account: Hex; writer: Hex }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const acks: Array<{ account: Hex; writer: Hex }> = []
    let stderr = ''
    let killed = false
    eachLine(child.stdout, (line) => {
      if (line.startsWith('ack ')) {
        const [, account, writer] = line.split(' ')
        acks.push({ account: account as Hex, writer: writer as Hex })
      } else if (line.startsWith('ready')) {
        setTimeout(() => {
          killed = true
          child.kill('SIGKILL')
        }, delayMs)
      }
    })
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code, signal) => {
      if (!killed || signal !== 'SIGKILL') reject(new Error(`writer exited by itself (code ${code}, signal ${signal}): ${stderr.trim()}`))
      else resolve(acks)
    })
  })
}

test('crash - decisions that add writers, SIGKILLed while deciding, are applied once and their writers added once', { timeout: 300_000 }, async (t) => {
  const rand = prng(SEED)
  const home = tmpdir(t)
  const storeDir = path.join(home, 'alpha-store')
  const identityFile = path.join(home, 'alpha-identity.json')
  const identity = await createIdentity(identityFile, 'alpha')
  const created = await Ledger.create({ store: storeDir, identity, name: 'Crash Decisions', unitCode: 'CTC', memberName: 'alpha', ackIntervalMs: 50 })
  const key = created.key
  const encryptionKey = created.encryptionKey!
  await created.close()
  const args = [storeDir, identityFile, toHex(key), toHex(encryptionKey), String(BATCH)]
  const reopen = () => Ledger.open({ store: storeDir, identity, key, encryptionKey, ackIntervalMs: 50 })

  const acked: Array<{ account: Hex; writer: Hex }> = []
  for (let k = 0; k < KILLS; k++) {
    acked.push(...(await runAndKill(args, randInt(rand, 30, 900))))
    const ledger = await reopen()
    await ledger.update()
    const missing: string[] = []
    const notWriters: string[] = []
    for (const a of acked) {
      const m = await ledger.balance(a.account).catch(() => null)
      if (m === null || m.status !== 'active') missing.push(a.account.slice(0, 8))
      const w = await ledger.base.system.get(fromHex(a.writer))
      if (w === null || w.isIndexer || w.isRemoved) notWriters.push(a.writer.slice(0, 8))
    }
    const proposals = await ledger.proposals({ all: true })
    const admitted = proposals.filter((p) => p.action.action === 'admit' && p.status === 'passed').length
    const members = (await ledger.members()).length
    const meta = (await ledger.meta())!
    const problems = await invariantProblems(ledger)
    const policy = await ledger.policy()
    await ledger.close()
    t.alike(missing, [], `kill ${k + 1} (${acked.length} acknowledged admissions): each is a member`)
    t.alike(notWriters, [], `kill ${k + 1}: each admitted writer is an Autobase writer, not an indexer`)
    t.is(members, admitted + 1, `kill ${k + 1}: one member per passed admission, plus the creator`)
    t.is(policy.activeMembers, members, `kill ${k + 1}: the count of active members matches`)
    t.is(meta.rejected, 0, `kill ${k + 1}: nothing decided twice or rejected`)
    t.alike(problems, [], `kill ${k + 1}: invariants hold`)
  }
  t.ok(acked.length > 0, `${acked.length} admissions acknowledged across the kills`)

  // The view after all the crashes is exactly a fresh replay of the writer core (what an auditor computes).
  const alpha = await reopen()
  t.teardown(() => alpha.close(), { order: 10 })
  const replay = new MemoryStore()
  for (let i = 0; i < alpha.base.local.length; i++) {
    const node = (await alpha.base.local.get(i)) as { node: { value: Uint8Array | null } }
    if (node.node.value !== null) await applyBlock(replay, node.node.value, { ledgerKey: key, writer: toHex(alpha.writerKey), block: i })
  }
  t.is(replay.meta?.stateHash, await alpha.stateHash(), 'the view equals a replay of the writer core')
})
