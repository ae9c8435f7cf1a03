/**
 * A node's store (src/store-options.ts): every Hyperbee in it shares one bounded cache, so a large
 * view is not held in memory block by block, and reads through the small cache stay correct.
 */
import test from 'brittle'
import Hyperbee from 'hyperbee'
import { BEE_CACHE_ENTRIES, newCorestore } from '../src/store-options.js'
import { tmpdir } from './helpers/index.js'

test('store options - every Hyperbee of a store shares one cache of at most the bound, and reads stay right', async (t) => {
  const store = newCorestore(tmpdir(t), 64)
  t.teardown(() => store.close(), { order: 50 })
  const cache = (store as unknown as { globalCache: { maxSize: number; globalSize: number } }).globalCache
  t.is(cache.maxSize, 64)
  const a = new Hyperbee(store.get({ name: 'a' }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
  const b = new Hyperbee(store.get({ name: 'b' }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
  t.teardown(async () => {
    await a.close()
    await b.close()
  }, { order: 40 })
  for (const bee of [a, b]) {
    const batch = bee.batch()
    for (let i = 0; i < 600; i++) await batch.put('k' + String(i).padStart(4, '0'), { i, pad: 'x'.repeat(100) })
    await batch.flush()
  }
  let right = 0
  for (let i = 0; i < 600; i++) {
    for (const bee of [a, b]) if ((await bee.get('k' + String(i).padStart(4, '0')))?.value.i === i) right++
  }
  t.is(right, 1200, 'every key reads back its value')
  t.ok(cache.globalSize <= 64, `both bees together cache ${cache.globalSize} entries, at most 64`)
  t.ok(cache.globalSize > 0, 'and do use it')
})

test('store options - a node store gets the default bound', async (t) => {
  const store = newCorestore(tmpdir(t))
  t.teardown(() => store.close(), { order: 50 })
  t.is((store as unknown as { globalCache: { maxSize: number } }).globalCache.maxSize, BEE_CACHE_ENTRIES)
})
