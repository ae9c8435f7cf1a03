/**
 * `tally ui`'s server without a browser: the API on a real two-member ledger (the CLI's own command
 * functions behind it, as the node runs them), the soft limit, and the refusals of hostile
 * requests. Runs where chromium is absent too; test/ui-browser.test.ts drives the page itself.
 */
import test from 'brittle'
import fs from 'fs'
import http from 'http'
import path from 'path'
import { dispatch } from '../cli/main.js'
import { COMMANDS } from '../cli/commands/index.js'
import { DataDir, InviteBook, toHex, type NodeContext } from '../src/index.js'
import { PayKeys } from '../src/node/pay-keys.js'
import { passesSoftLimit, parsePercent, softLimit } from '../src/soft-limit.js'
import { UiServer, WEB_DIR } from '../src/ui/server.js'
import { propose } from '../cli/commands/propose.js'
import { addMember, connect, converge, createPeer, tmpdir, until, type Peer } from './helpers/index.js'

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  json: any
}

function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => (body += d))
      res.on('end', () => {
        let json: any = null
        try {
          json = JSON.parse(body)
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json })
      })
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** A page server for a peer: the backend runs the CLI's command functions on the peer's open ledger. */
async function serve(t: any, peer: Peer): Promise<UiServer & { ctx: NodeContext }> {
  const root = tmpdir(t)
  const dir = new DataDir(root)
  const ctx: NodeContext = {
    dir,
    payKeys: new PayKeys(dir.payKeysFile),
    identity: { ...peer.identity, name: peer.name, account: toHex(peer.identity.publicKey) },
    config: { version: 1, key: toHex(peer.ledger.key), encryptionKey: null, role: 'member', bootstrap: null },
    ledger: peer.ledger,
    invites: new InviteBook(path.join(root, 'invites.json')),
    node: null
  }
  const ui = await UiServer.start({ backend: (command, opts) => dispatch(COMMANDS, ctx, command, opts as any), watchMs: 100 })
  t.teardown(() => ui.close(), { order: 0 })
  return Object.assign(ui, { ctx })
}

test('soft limit - the warning line is a share of the credit limit; no limit, no warning', async (t) => {
  t.alike(softLimit(-7999n, 10000n), { percent: 80, threshold: -8000n, reached: false })
  t.alike(softLimit(-8000n, 10000n), { percent: 80, threshold: -8000n, reached: true })
  t.is(softLimit(-9000n, 10000n, 95).reached, false, 'a higher threshold warns later')
  t.is(softLimit(0n, 0n).reached, false, 'a member with no credit limit is never warned')
  t.is(passesSoftLimit(-2500n, 6000n, 10000n), true, 'a payment leaving -85 of 100 passes 80 %')
  t.is(passesSoftLimit(-2500n, 5000n, 10000n), false)
  t.is(parsePercent('80'), 80)
  t.is(parsePercent('92.5'), 92.5)
  for (const bad of ['0', '101', '-5', 'eighty', '80%', '']) t.is(parsePercent(bad), null, `${JSON.stringify(bad)} is refused`)
})

test('ui server - the API on a real ledger: summary, pay, refusals by field, soft limit asks first, invoices; live events', { timeout: 120_000 }, async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta')
  const ui = await serve(t, alpha)
  const origin = `http://127.0.0.1:${ui.port}`
  const headers = { 'x-tally-token': ui.auth.token, origin, 'content-type': 'application/json' }
  const get = (p: string) => request(origin + p, { headers: { 'x-tally-token': ui.auth.token } })
  const post = (p: string, body: unknown) => request(origin + p, { method: 'POST', headers, body: JSON.stringify(body) })

  t.ok(ui.url.startsWith(`http://127.0.0.1:${ui.port}/?token=`), 'the URL carries the token')
  const summary = await get('/api/summary')
  t.is(summary.status, 200)
  t.is(summary.json.me.name, 'alpha')
  t.is(summary.json.me.creditLimit, '10000', 'amounts are exact decimal strings of minor units')
  t.alike(summary.json.members.members.map((m: any) => m.name), ['alpha', 'beta'])
  t.is(summary.json.members.total, '0')
  t.alike(summary.json.me.softLimit, { percent: 80, threshold: '-8000', reached: false })
  t.ok(/default-src 'none'/.test(String(summary.headers['content-security-policy'])), 'a strict content security policy')

  const paid = await post('/api/pay', { member: 'beta', amount: '25', memo: 'web design', key: 'ui-test-1' })
  t.is(paid.status, 200, 'paid')
  t.is(paid.json.balance, '-2500')
  const again = await post('/api/pay', { member: 'beta', amount: '25', memo: 'web design', key: 'ui-test-1' })
  t.is(again.status, 200, 'the same payment sent again (a double click, a lost answer)')
  t.is(again.json.repeated, true, 'is found already made')
  t.is((await alpha.ledger.balance()).balance, -2500n, 'and paid once')

  const refusals: Array<[unknown, string, RegExp]> = [
    [{ member: 'beta', amount: '1000' }, 'amount', /overspend: cannot pay 1000\.00 CTC; 75\.00 CTC is available/],
    [{ member: 'beta', amount: '12,5' }, 'amount', /not an amount/],
    [{ member: 'beta', amount: '0' }, 'amount', /more than zero/],
    [{ member: 'zeta', amount: '1' }, 'member', /no member matches "zeta"/],
    [{ member: 'alpha', amount: '1' }, 'member', /./]
  ]
  for (const [body, field, message] of refusals) {
    const r = await post('/api/pay', body)
    t.is(r.status, 422, `${JSON.stringify(body)} refused`)
    t.is(r.json.error.field, field, `next to the ${field} field`)
    t.ok(message.test(r.json.error.message), r.json.error.message)
  }
  t.is((await post('/api/pay', { member: 'beta', amount: '1', memo: 'x'.repeat(300) })).status, 422, 'a memo over 280 bytes is refused')

  const ask = await post('/api/pay', { member: 'beta', amount: '60' })
  t.is(ask.status, 409, 'past the soft limit: asks first')
  t.is(ask.json.error.code, 'SOFT_LIMIT')
  t.is(ask.json.error.field, 'amount')
  t.is((await alpha.ledger.balance()).balance, -2500n, 'and pays nothing until confirmed')
  const yes = await post('/api/pay', { member: 'beta', amount: '60', confirm: true })
  t.is(yes.status, 200, 'confirmed: paid')
  const warned = (await get('/api/summary')).json.me.softLimit
  t.is(warned.reached, true, 'the summary carries the warning')
  const cli = COMMANDS.find((c) => c.name === 'balance')!
  const bal: any = await dispatch(COMMANDS, ui.ctx, 'balance', {})
  t.alike(bal.softLimit, { percent: 80, threshold: -8000n, reached: true }, '`tally balance --json` carries it')
  t.ok(/warning: alpha has used 80 % or more of the credit limit \(balance -85\.00 CTC, warning at -80\.00 CTC, limit -100\.00 CTC\)/.test(cli.render(bal)), 'and `tally balance` prints it')
  const relaxed: any = await dispatch(COMMANDS, ui.ctx, 'balance', { warnAt: '90' })
  t.is(relaxed.softLimit.reached, false, '--warn-at 90: not yet')
  t.is(cli.render(relaxed).includes('warning'), false)
  await t.exception(() => dispatch(COMMANDS, ui.ctx, 'balance', { warnAt: '120' }), /--warn-at must be a percentage from 1 to 100/)

  // Live: an event stream gets a change when the other member pays.
  const events: string[] = []
  const stream = http.get(origin + '/events?token=' + ui.auth.token, (res) => res.setEncoding('utf8').on('data', (d: string) => events.push(d)))
  t.teardown(() => stream.destroy(), { order: -1 })
  await until(() => events.join('').includes('event: change'), 'the first change event')
  const seen = events.length
  await beta.ledger.transfer('alpha', 3000n, { memo: 'live' })
  await until(() => events.slice(seen).join('').includes('event: change'), 'a change event after the payment', () => alpha.ledger.update())
  t.pass('a payment from the other member is pushed to the page')

  const inv = await beta.ledger.invoice(alpha.ledger.account, 1000n, { memo: 'bookkeeping' })
  await until(async () => (await get('/api/summary')).json.invoices.invoices.some((i: any) => i.id === inv.id), 'the invoice at alpha', () => alpha.ledger.update())
  const accepted = await post('/api/accept', { id: inv.id.slice(0, 12) })
  t.is(accepted.status, 200, 'accepted through the API')
  t.is(accepted.json.invoice.status, 'accepted')
  const mine = await post('/api/invoice', { member: 'beta', amount: '5', memo: 'catering' })
  t.is(mine.status, 200, 'an invoice from the form')
  const cancelled = await post('/api/cancel', { id: mine.json.id })
  t.is(cancelled.json.invoice.status, 'cancelled', 'and cancelled by its author')
  const theirs = await beta.ledger.invoice(alpha.ledger.account, 700n, { memo: 'too much' })
  await until(async () => (await get('/api/summary')).json.invoices.invoices.some((i: any) => i.id === theirs.id), 'the second invoice at alpha', () => alpha.ledger.update())
  const declined = await post('/api/decline', { id: theirs.id })
  t.is(declined.json.invoice.status, 'declined', 'an invoice to alpha declined')
  t.is((await post('/api/invoice', { member: 'beta', amount: 'ten' })).json.error.field, 'amount', "an invoice's bad amount is refused by the field")
  const unknown = await post('/api/decline', { id: 'ffffffff' })
  t.is(unknown.status, 422)
  t.is(unknown.json.error.field, 'id')

  const flows = await get('/api/flows')
  t.alike(flows.json.flows.map((f: any) => [f.from, f.to, f.amount, f.count]), [['alpha', 'beta', '9500', 3], ['beta', 'alpha', '3000', 1]], 'flows add transfers and accepted invoices by pair')
  const history = await get('/api/history?limit=3')
  t.is(history.json.entries.length, 3, 'history takes a limit')
})

test('ui server - hostile requests are refused and change nothing', { timeout: 60_000 }, async (t) => {
  const alpha = await createPeer(t, 'alpha')
  await addMember(t, alpha, 'beta')
  const ui = await serve(t, alpha)
  const origin = `http://127.0.0.1:${ui.port}`
  const token = ui.auth.token
  const before = await alpha.ledger.status()
  const pay = JSON.stringify({ member: 'beta', amount: '1', confirm: true })
  const json = { 'content-type': 'application/json' }
  const cases: Array<[string, string, Parameters<typeof request>[1], number]> = [
    ['no token', '/api/pay', { method: 'POST', headers: { ...json, origin }, body: pay }, 401],
    ['a wrong token', '/api/pay', { method: 'POST', headers: { ...json, origin, 'x-tally-token': token.slice(1) + 'A' }, body: pay }, 401],
    ['a token of another length', '/api/pay', { method: 'POST', headers: { ...json, origin, 'x-tally-token': 'x' }, body: pay }, 401],
    ['a foreign Origin', '/api/pay', { method: 'POST', headers: { ...json, origin: 'http://evil.example', 'x-tally-token': token }, body: pay }, 403],
    ['the null Origin (a sandboxed frame)', '/api/pay', { method: 'POST', headers: { ...json, origin: 'null', 'x-tally-token': token }, body: pay }, 403],
    ['a foreign Host', '/api/pay', { method: 'POST', headers: { ...json, origin, host: 'rebound.example:' + ui.port, 'x-tally-token': token }, body: pay }, 403],
    ['no Origin on a write', '/api/pay', { method: 'POST', headers: { ...json, 'x-tally-token': token }, body: pay }, 403],
    ['a form post', '/api/pay', { method: 'POST', headers: { origin, 'content-type': 'text/plain', 'x-tally-token': token }, body: pay }, 415],
    ['a cross-site fetch', '/api/pay', { method: 'POST', headers: { ...json, origin, 'sec-fetch-site': 'cross-site', 'x-tally-token': token }, body: pay }, 403],
    ['a read without the token', '/api/summary', {}, 401],
    ['a read from another site', '/api/summary', { headers: { origin: 'http://evil.example', 'x-tally-token': token } }, 403],
    ['the event stream without the token', '/events', {}, 401]
  ]
  for (const [what, p, opts, status] of cases) {
    const r = await request(origin + p, opts)
    t.is(r.status, status, `${what}: ${status}`)
    t.ok(/^refused: /.test(r.json?.error?.message ?? ''), `${what}: ${r.json?.error?.message}`)
  }
  const big = await request(origin + '/api/pay', { method: 'POST', headers: { ...json, origin, 'x-tally-token': token }, body: JSON.stringify({ memo: 'x'.repeat(20_000) }) })
  t.is(big.status, 400, 'a body over 16 KiB is refused')
  const notJson = await request(origin + '/api/pay', { method: 'POST', headers: { ...json, origin, 'x-tally-token': token }, body: '{' })
  t.is(notJson.status, 400, 'a body that is not JSON is refused')
  t.is((await request(origin + '/api/nothing', { headers: { 'x-tally-token': token } })).status, 404, 'an unknown route is 404')
  t.is((await request(origin + '/')).status, 200, 'the page itself (no ledger data in it) loads without the token')
  t.is((await request(origin + '/', { headers: { host: 'evil.example' } })).status, 403, 'but not under a foreign Host')
  for (const p of ['/../package.json', '/%2e%2e/package.json', '/.hidden.js', '/js/../../package.json']) t.is((await request(origin + p)).status, 404, `${p}: nothing outside web/`)
  t.is((await request(origin + '/vendor/chart.umd.min.js')).status, 200, 'Chart.js is served by the node')
  const after = await alpha.ledger.status()
  t.is(after.entries, before.entries, 'no entry appended')
  t.is(after.stateHash, before.stateHash, 'state hash unchanged')
})

test('ui page - the page code never turns strings into HTML (member names and memos are text)', async (t) => {
  const files = fs.readdirSync(WEB_DIR, { recursive: true } as any).map(String).filter((f: string) => f.endsWith('.js') || f.endsWith('.html'))
  t.ok(files.length >= 6, `${files.length} page files`)
  const bad: string[] = []
  for (const f of files) {
    const text = fs.readFileSync(path.join(WEB_DIR, f), 'utf8')
    for (const word of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', ' on' + 'click=', '<script>']) if (text.includes(word)) bad.push(`${f} uses ${word}`)
  }
  t.alike(bad, [])
})

test('ui server - proposals: open ones in the summary; vote and object from the page; a wrong id is refused by the field', { timeout: 120_000 }, async (t) => {
  const alpha = await createPeer(t, 'alpha')
  const beta = await addMember(t, alpha, 'beta')
  const gamma = await addMember(t, alpha, 'gamma')
  t.teardown(connect(beta.ledger, gamma.ledger), { order: 5 })
  const ui = await serve(t, alpha)
  const [cb, cc] = await Promise.all([serve(t, beta), serve(t, gamma)]).then((s) => s.map((x) => x.ctx))
  const origin = `http://127.0.0.1:${ui.port}`
  const headers = { 'x-tally-token': ui.auth.token, origin, 'content-type': 'application/json' }
  const get = (p: string) => request(origin + p, { headers: { 'x-tally-token': ui.auth.token } })
  const post = (p: string, body: unknown) => request(origin + p, { method: 'POST', headers, body: JSON.stringify(body) })

  t.alike((await get('/api/summary')).json.proposals, [], 'no open proposals at first')
  await propose(ui.ctx, { action: 'policy', decisions: 'members', window: '1h' })
  await converge([alpha.ledger, beta.ledger, gamma.ledger])

  const st = await propose(cb, { action: 'steward', target: 'gamma', reason: 'runs the books' })
  await until(async () => (await get('/api/summary')).json.proposals.some((p: any) => p.id === st.id), 'the proposal on alpha', () => alpha.ledger.update())
  const shown = (await get('/api/summary')).json.proposals.find((p: any) => p.id === st.id)
  t.is(shown.proposerName, 'beta')
  t.is(shown.targetName, 'gamma')
  t.is(shown.yes, 1, "the proposer's own yes")
  const voted = await post('/api/vote', { id: st.id, choice: 'yes' })
  t.is(voted.status, 200, 'alpha votes yes from the page')
  t.is(voted.json.proposal.status, 'passed', '2 yes of 3: passed')
  t.absent((await get('/api/summary')).json.proposals.some((p: any) => p.id === st.id), 'and it leaves the open list')

  const sus = await propose(cc, { action: 'suspend', target: 'beta', reason: 'test' })
  await until(async () => (await get('/api/summary')).json.proposals.some((p: any) => p.id === sus.id), 'the second proposal on alpha', () => alpha.ledger.update())
  const objected = await post('/api/object', { id: sus.id, reason: 'we have not talked about it' })
  t.is(objected.status, 200, 'alpha objects from the page')
  t.alike(objected.json.proposal.ballots.find((b: any) => b.name === 'alpha'), { account: alpha.ledger.account, name: 'alpha', yes: false, reason: 'we have not talked about it' }, 'an objection is a no under majority')

  const bad = await post('/api/vote', { id: 'ffffffff', choice: 'yes' })
  t.is(bad.status, 422)
  t.is(bad.json.error.code, 'UNKNOWN_PROPOSAL')
  t.is(bad.json.error.field, 'id')
  t.is((await post('/api/vote', { id: sus.id, choice: 'maybe' })).status, 422, 'a vote is yes or no')
})
