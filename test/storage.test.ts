import test from 'brittle'
import { openStore } from '../src/index.js'
import { failsWith, tmpdir } from './helpers/index.js'

test('storage - a store held by another process is refused with a message naming the dir', async (t) => {
  const dir = tmpdir(t)
  const a = await openStore(dir)
  t.teardown(() => a.close(), { order: 50 })
  const core = a.get({ name: 'x' })
  await core.ready()
  await core.append(new Uint8Array([1]))
  await failsWith(t, openStore(dir).then((s) => { const c = s.get({ name: 'x' }); return c.ready() }), 'STORE_LOCKED', /in use by another process/)
})
