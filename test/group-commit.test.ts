/** Group commit: writes queued while one append runs go out together, in order; failures reach every caller of the batch. */
import test from 'brittle'
import { GroupCommit } from '../src/index.js'

test('group commit - concurrent pushes coalesce into few appends, in push order', async (t) => {
  const batches: number[][] = []
  const gc = new GroupCommit(async (blocks) => {
    batches.push(blocks.map((b) => b[0]))
    await new Promise((r) => setTimeout(r, 5))
  }, 4)
  await Promise.all(Array.from({ length: 10 }, (_, i) => gc.push(new Uint8Array([i]))))
  t.alike(batches.flat(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'order kept')
  t.ok(batches.every((b) => b.length <= 4), 'batchMax respected')
  t.is(batches.length, 3, '10 blocks in 3 appends of at most 4')
  t.is(gc.blocks, 10)
})

test('group commit - a failed append rejects its batch only', async (t) => {
  let n = 0
  const gc = new GroupCommit(async () => {
    if (n++ === 0) throw new Error('disk full')
  }, 2)
  const results = await Promise.allSettled([1, 2, 3].map((i) => gc.push(new Uint8Array([i]))))
  t.alike(results.map((r) => r.status), ['rejected', 'rejected', 'fulfilled'])
})
