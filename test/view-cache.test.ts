/** The writer's read cache over the view (src/view-cache.ts), on a real Hyperbee on disk. */
import test from 'brittle'
import Hyperbee from 'hyperbee'
import { ViewCache } from '../src/view-cache.js'
import { makeStore } from './helpers/index.js'

test('view cache - reads in flight are shared, and nothing read across a change of the view is kept', async (t) => {
  const bee = new Hyperbee(makeStore(t).get({ name: 'view' }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
  t.teardown(() => bee.close(), { order: 20 })
  await bee.put('acct/a', { balance: '1' })
  const cache = new ViewCache(bee)
  let reads = 0
  const get = bee.get.bind(bee)
  ;(bee as any).get = (key: string) => {
    reads++
    return get(key)
  }
  const many = await Promise.all(Array.from({ length: 50 }, () => cache.get('acct/a')))
  t.is(reads, 1, '50 concurrent gets, one read of the view')
  t.ok(many.every((n) => n?.value.balance === '1'))
  t.is((await cache.get('acct/a'))?.value.balance, '1')
  t.is(reads, 1, 'later gets are served from the cache')

  // A read under way when the view changes is not kept: the next get reads again and sees the change.
  const stale = cache.get('acct/b')
  await bee.put('acct/b', { balance: '2' })
  await stale
  t.is((await cache.get('acct/b'))?.value.balance, '2', 'the write is seen')
  await bee.put('acct/a', { balance: '3' })
  t.is((await cache.get('acct/a'))?.value.balance, '3', 'an append drops what was cached')
})
