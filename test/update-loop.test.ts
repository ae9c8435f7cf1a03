/**
 * A caller that waits for a peer's entry with a tight loop of `await ledger.update()` (no pause)
 * must still see it applied. Two ledgers on real corestores, piped replication: beta pays alpha
 * (the creator, the only indexer), alpha loops update() until it has the entry.
 *
 * Autobase's update() settles on microtasks alone when it has nothing new in memory, so such a loop
 * used to starve the event loop: replication data and storage reads were never delivered (0 event-loop
 * turns in 20 s). Loops that also call status()/balance() passed only because those do real I/O.
 * The loop checks its own deadline: if it never gave the event loop a turn, a timer could not stop it.
 */
import test from 'brittle'
import { Ledger } from '../src/index.js'
import { addMember, createPeer } from './helpers/index.js'

const LOOP_MS = 20_000

interface Probe {
  iterations: number
  /** Macrotask turns the event loop took while the loop ran. */
  turns: number
}

/** Counts event-loop turns (setImmediate) while `fn` runs. */
async function withTurns<T>(fn: (p: Probe) => Promise<T>): Promise<[T, Probe]> {
  const probe: Probe = { iterations: 0, turns: 0 }
  let on = true
  const tick = () => {
    if (!on) return
    probe.turns++
    setImmediate(tick)
  }
  setImmediate(tick)
  try {
    return [await fn(probe), probe]
  } finally {
    on = false
  }
}

function where(l: Ledger): string {
  const base = l.base as any
  const state = base._applyState
  return [
    `view length ${l.view.core.length}`,
    `applying ${state ? String(!!state.applying) : 'no apply state'}`,
    `bump running ${base._bump.running !== null}`,
    `writers ${base.activeWriters?.size ?? '?'}`
  ].join(', ')
}

type Variant = (alpha: Ledger, beta: Ledger, probe: Probe, deadline: number) => Promise<boolean>

const variants: Record<string, Variant> = {
  // examples/embed.ts before the pause: compare state hashes, update() between looks.
  'state hash loop': async (alpha, beta, probe, deadline) => {
    while ((await alpha.stateHash()) !== (await beta.stateHash())) {
      if (Date.now() > deadline) return false
      probe.iterations++
      await alpha.update()
    }
    return true
  },
  // Nothing but update(): no reads of the view at all between calls.
  'update() only': async (alpha, beta, probe, deadline) => {
    const target = beta.view.core.length
    while (alpha.view.core.length < target) {
      if (Date.now() > deadline) return false
      probe.iterations++
      await alpha.update()
    }
    return (await alpha.stateHash()) === (await beta.stateHash())
  },
  'update() + status()': async (alpha, beta, probe, deadline) => {
    const want = await beta.stateHash()
    while ((await alpha.status()).stateHash !== want) {
      if (Date.now() > deadline) return false
      probe.iterations++
      await alpha.update()
    }
    return true
  },
  'update() + balance()': async (alpha, beta, probe, deadline) => {
    const want = (await beta.balance()).balance
    while ((await alpha.balance('beta')).balance !== want) {
      if (Date.now() > deadline) return false
      probe.iterations++
      await alpha.update()
    }
    return true
  }
}

for (const [name, loop] of Object.entries(variants)) {
  for (const cached of [true, false]) {
    test(`update loop - ${name}${cached ? '' : ' (no view cache)'}: a tight update() loop sees the peer's entry`, async (t) => {
      const a = await createPeer(t, 'alpha', { creditLimit: 1000_00n })
      const b = await addMember(t, a, 'beta', { creditLimit: 1000_00n })
      const alpha = a.ledger
      const beta = b.ledger
      if (!cached) (alpha as any).cache = null
      await beta.transfer('alpha', 12_50n, { memo: 'tight loop' })

      const deadline = Date.now() + LOOP_MS
      const [ok, probe] = await withTurns((p) => loop(alpha, beta, p, deadline))
      const stuck = ok ? '' : `; stuck after ${probe.iterations} update() calls, ${probe.turns} event-loop turns: ${where(alpha)}`
      t.ok(ok, `alpha applied beta's entry within ${LOOP_MS / 1000} s${stuck}`)
      if (!ok) {
        // Would it finish if the loop let go? Tells a starved event loop from a deadlock.
        await new Promise((r) => setTimeout(r, 2000))
        t.comment(`after 2 s of rest: ${where(alpha)}, hashes equal: ${(await alpha.stateHash()) === (await beta.stateHash())}`)
      }
    })
  }
}
