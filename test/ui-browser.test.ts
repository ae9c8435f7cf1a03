/**
 * `tally ui` in a real browser: Debian's chromium, driven by puppeteer-core, on two nodes that
 * meet on a loopback DHT. alpha runs `tally up` and `tally ui` (the page uses the running node);
 * beta runs `tally ui` alone (it starts the node). Skips, saying why, when chromium is absent.
 * TALLY_UI_SCREENSHOT=DIR saves the page's screenshots there (docs/ui.png in the README came from it).
 */
import test from 'brittle'
import fs from 'fs'
import http from 'http'
import path from 'path'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { TallyProcesses } from '../cli/processes.js'
import { tmpdir } from './helpers/index.js'
import { generateKeyPair, toHex } from '../protocol/index.js'
import { stopClean } from './helpers/cli.js'

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && fs.existsSync(p))
const WAIT_MS = 60_000

if (!CHROMIUM) console.log('# skipping the browser tests: no chromium (apt-get install chromium, or set CHROMIUM_PATH)')

/** A plain HTTP request to the page server, with the headers a hostile client would choose. */
function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => (el.textContent ?? '').trim())
}

/** Waits until the element's text matches. */
async function waitText(page: Page, selector: string, pattern: RegExp, timeout = WAIT_MS): Promise<string> {
  await page.waitForFunction(
    (sel: string, src: string, flags: string) => {
      const el = document.querySelector(sel)
      return !!el && new RegExp(src, flags).test(el.textContent ?? '')
    },
    { timeout, polling: 200 },
    selector,
    pattern.source,
    pattern.flags
  )
  return textOf(page, selector)
}

async function membersShown(page: Page): Promise<Record<string, string>> {
  return page.$$eval('#members tbody tr', (rows) => Object.fromEntries(rows.map((r) => [r.querySelector('th .name')!.textContent!.trim(), r.querySelector('td')!.textContent!.trim()])))
}

/** Charts take their colours from the stylesheet when drawn: the page redraws when the colour scheme changes. */
async function refreshCharts(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => setTimeout(r, 1500)))
}

/** Finds and clicks in one turn of the page: a live update may redraw a list between a find and a click. */
async function clickNow(page: Page, selector: string): Promise<void> {
  await page.$eval(selector, (el) => (el as HTMLElement).click())
}

async function fillForm(page: Page, form: string, values: Record<string, string>): Promise<void> {
  for (const [field, value] of Object.entries(values)) {
    const sel = `#${form}-${field}`
    await page.$eval(sel, (el) => ((el as HTMLInputElement).value = ''))
    await page.type(sel, value)
  }
  await page.click(`#${form}-form button[type=submit]`)
}

test('ui browser - two nodes: members and balances, pay from the form, overspend refused by the field, soft limit asks, invoice accepted, a payment from the other node appears live; no token or a foreign Origin is refused', { timeout: 300_000, skip: !CHROMIUM }, async (t) => {
  const root = tmpdir(t)
  const procs = new TallyProcesses({ env: { ...process.env, TALLY_DIR: '' }, debug: true })
  let browser: Browser | null = null
  t.teardown(async () => {
    if (browser) await browser.close()
    await procs.stopAll()
  }, { order: 0 })
  const dir = (c: string) => path.join(root, c)
  const tally = (c: string, args: string[]) => procs.json(['--dir', dir(c), ...args])

  const boot = await procs.start('bootstrap', ['bootstrap'], /^127\.0\.0\.1:\d+$/)
  const bootstrap = boot.stdout.split('\n')[0]
  await Promise.all(['alpha', 'beta'].map((c) => tally(c, ['init', '--name', c])))
  await tally('alpha', ['ledger', 'create', '--name', 'Browser Co-op', '--unit', 'CTC', '--credit-limit', '100', '--decisions', 'steward'])
  await procs.start('alpha', ['--dir', dir('alpha'), 'up', '--bootstrap', bootstrap], /^announced/) // alone on the topic: announced, not yet online
  const code = (await tally('alpha', ['invite', '--expires', '10m'])).code
  await tally('beta', ['join', code, '--bootstrap', bootstrap, '--timeout', '60'])

  // alpha's page uses alpha's running node; beta's `tally ui` starts beta's node itself.
  const alphaUi = await procs.start('alpha ui', ['--dir', dir('alpha'), 'ui', '--no-open'], /^serving/)
  const betaUi = await procs.start('beta ui', ['--dir', dir('beta'), 'ui', '--no-open'], /^serving/)
  const url = alphaUi.stdout.split('\n')[0]
  t.ok(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/.test(url), 'the first stdout line is the URL with a token')
  t.ok(/running node/.test(alphaUi.stdout), 'alpha ui uses the running node')
  t.ok(/node started here/.test(betaUi.stdout), 'beta ui started its node')
  const origin = new URL(url).origin
  const token = new URL(url).searchParams.get('token')!
  await t.execution(async () => {
    const st = await tally('beta', ['status'])
    if (!st.node.running) throw new Error('beta status did not go through the node beta ui started')
  }, "beta's commands go through the node its ui started")

  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] })
  const page = await browser.newPage()
  await page.setViewport({ width: 1200, height: 900 })
  const pageErrors: string[] = []
  page.on('pageerror', (err) => pageErrors.push(String(err)))
  page.on('console', (msg) => {
    // A refusal the page shows (422, 409) is logged by the browser as a failed load: not a script error.
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) pageErrors.push(msg.text())
  })
  await page.goto(url)
  t.absent(page.url().includes('token='), 'the token leaves the address bar')

  // Every member and balance, summing to zero.
  await page.waitForFunction(() => document.querySelectorAll('#members tbody tr').length === 2, { timeout: WAIT_MS })
  t.alike(await membersShown(page), { alpha: '0.00', beta: '0.00' }, 'both members, with balances')
  t.is(await textOf(page, '#members-sum'), '0.00 CTC', 'the sum is shown: zero')
  t.is(await textOf(page, '#ledger-name'), 'Browser Co-op')
  await waitText(page, '#live', /live/)

  // Pay from the form.
  await fillForm(page, 'pay', { member: 'beta', amount: '25', memo: 'web design' })
  t.ok(/Paid beta 25\.00 CTC/.test(await waitText(page, '#pay-done', /Paid/)), 'the payment is confirmed on the page')
  await waitText(page, '#my-balance', /−25\.00 CTC/)
  t.pass('balance -25.00 after paying')
  await waitText(page, '#history tbody', /web design/)
  t.pass('the payment is in the history')

  // An overspend is refused next to the amount, in the CLI's words, and nothing is written.
  const before = await tally('alpha', ['status'])
  await fillForm(page, 'pay', { member: 'beta', amount: '1000' })
  const refusal = await waitText(page, '#pay-amount-error', /overspend/)
  t.ok(/overspend: cannot pay 1000\.00 CTC; 75\.00 CTC is available within the credit limit/.test(refusal), refusal)
  t.is(await page.$eval('#pay-amount', (el) => el.getAttribute('aria-invalid')), 'true', 'the amount field is marked invalid')
  await fillForm(page, 'pay', { member: 'zeta', amount: '1' })
  const unknown = await waitText(page, '#pay-member-error', /zeta/)
  t.ok(/no member matches "zeta"/.test(unknown), unknown)
  const after = await tally('alpha', ['status'])
  t.is(after.entries, before.entries, 'refused payments append nothing')

  // A payment past 80 % of the limit asks first; "pay anyway" pays, and the warning shows.
  await fillForm(page, 'pay', { member: 'beta', amount: '60' })
  const ask = await waitText(page, '#pay-amount-error', /pay anyway/)
  t.ok(/leaves your balance at -85\.00 CTC, past 80 % of your credit limit \(-80\.00 CTC\)/.test(ask), ask)
  t.is(await page.$eval('#pay-confirm', (el) => (el as HTMLElement).hidden), false, 'the confirmation buttons show')
  t.is((await tally('alpha', ['status'])).entries, before.entries, 'nothing paid before confirming')
  await page.click('#pay-anyway')
  await waitText(page, '#my-balance', /−85\.00 CTC/)
  const warning = await waitText(page, '#soft-warning', /80 %/)
  t.ok(/has passed 80 % of your credit limit/.test(warning), 'the soft-limit warning shows: ' + warning)
  const cliBalance = await procs.run(['--dir', dir('alpha'), 'balance'])
  t.ok(/warning: alpha has used 80 % or more of the credit limit/.test(cliBalance.stdout), 'and `tally balance` warns too')

  // beta invoices alpha (through beta's ui node); alpha's page shows it live and accepts it.
  const inv = await tally('beta', ['invoice', 'alpha', '10', '--memo', 'bookkeeping'])
  await page.waitForSelector(`#invoices li[data-invoice="${inv.id}"] button[data-action=accept]`, { timeout: WAIT_MS })
  t.pass('the invoice appears on the page without a reload')
  await clickNow(page, `#invoices li[data-invoice="${inv.id}"] button[data-action=accept]`)
  await waitText(page, '#my-balance', /−95\.00 CTC/)
  await waitText(page, '#invoices', /No pending invoices/)
  t.pass('accepted: paid, and no longer pending')

  // A payment made on the other node appears live; its memo is shown as text, never as HTML.
  const memo = '<img src=x onerror="window.pwned=1">thanks'
  await tally('beta', ['pay', 'alpha', '30', '--memo', memo])
  await waitText(page, '#my-balance', /−65\.00 CTC/)
  await page.waitForFunction(() => Object.values(document.querySelectorAll('#members tbody tr')).some((r) => /35\.00/.test(r.textContent ?? '')), { timeout: WAIT_MS })
  t.alike(await membersShown(page), { alpha: '−65.00', beta: '65.00' }, 'both balances updated live')
  await page.waitForFunction((m: string) => [...document.querySelectorAll('#history tbody td')].some((td) => td.textContent === m), { timeout: WAIT_MS }, memo)
  t.pass('the memo shows as text')
  t.is(await page.evaluate(() => (window as any).pwned), undefined, 'and was not run')
  t.is(await page.$$eval('#history img', (els) => els.length), 0, 'no element made from member text')

  // History filters.
  await page.select('#f-type', 'accept')
  await page.waitForFunction(() => document.querySelectorAll('#history tbody tr').length === 1, { timeout: WAIT_MS })
  t.ok(/accepted invoice.*10\.00/.test(await textOf(page, '#history tbody')), 'filtered to the accepted invoice')
  await page.select('#f-type', '')
  await page.type('#f-text', 'web')
  await page.waitForFunction(() => document.querySelectorAll('#history tbody tr').length === 1, { timeout: WAIT_MS })
  t.ok(/web design/.test(await textOf(page, '#history tbody')), 'filtered by memo')
  await page.$eval('#f-text', (el) => ((el as HTMLInputElement).value = ''))
  await page.$eval('#f-text', (el) => el.dispatchEvent(new Event('input')))

  // A payment across ledgers is one row: the payee there as KEY@LEDGER and the hold's state. beta links by key only
  // (no sibling dir), so beta's node refuses the hold at once and alpha gets the amount back ("released").
  await tally('beta', ['link', 'ab'.repeat(32), '--capacity', '50', '--name', 'Leeds'])
  const payeeThere = toHex(generateKeyPair().publicKey)
  const across = await tally('alpha', ['pay', `${payeeThere}@Leeds`, '5', '--memo', 'across the river', '--expires', '10m'])
  t.is(across.outcome, 'released', 'refused by the bridge: ' + across.reason)
  await page.select('#f-type', 'across')
  await page.waitForFunction((there: string) => (document.querySelector('#history tbody')?.textContent ?? '').includes(there) && /released/.test(document.querySelector('#history tbody')?.textContent ?? ''), { timeout: WAIT_MS }, `${payeeThere.slice(0, 8)}@Leeds`)
  const acrossRows = await page.$$eval('#history tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())))
  t.is(acrossRows.length, 1, 'the filter keeps the one payment across')
  t.alike(acrossRows[0].slice(1, 5), ['payment across', 'alpha', `${payeeThere.slice(0, 8)}@Leeds`, '5.00'], 'kind, payer, payee there as KEY@LEDGER, amount: ' + acrossRows[0].join(' | '))
  t.ok(/^released, (pending|confirmed)$/.test(acrossRows[0][5]), "the hold's state: " + acrossRows[0][5])
  t.is(acrossRows[0][6], 'across the river')
  await page.select('#f-type', '')

  // Network state and charts.
  const network = await textOf(page, '#network')
  t.ok(/Peers connected1/.test(network), 'one peer connected: ' + network)
  t.ok(/confirmed/.test(network) && /pending/.test(network), 'confirmed vs pending entries shown')
  t.ok(/Indexers1 of 1 reachable, 1 needed to confirm\. alpha \(this node\): reachable/.test(network), 'which indexers are reachable')
  t.ok(await page.evaluate(() => typeof (window as any).Chart === 'function'), 'Chart.js served by the node loaded')
  t.ok(await page.$eval('#chart-flows', (c) => (c as HTMLCanvasElement).width > 0), 'the flows chart is drawn')

  // Governance: beta proposes under member decisions; alpha's page shows it live and votes from its button.
  t.is(await textOf(page, '#proposals'), 'No open proposals.', 'no open proposals at first')
  await tally('alpha', ['propose', 'policy', '--decisions', 'members', '--window', '1h'])
  const proposed = await tally('beta', ['propose', 'steward', 'beta', '--reason', 'to share the work'])
  const item = `#proposals li[data-proposal="${proposed.id}"]`
  await page.waitForSelector(`${item} button[data-action=vote]`, { timeout: WAIT_MS })
  t.ok(/steward beta · proposed by beta/.test(await textOf(page, item)), 'the proposal appears live: ' + (await textOf(page, item)))
  if (process.env.TALLY_UI_SCREENSHOT) {
    // With an open proposal on the page: the README's screenshots.
    await page.$eval('#f-text', (el) => ((el as HTMLInputElement).value = ''))
    await page.$eval('#f-text', (el) => el.dispatchEvent(new Event('input')))
    await page.screenshot({ path: path.join(process.env.TALLY_UI_SCREENSHOT, 'ui.png'), fullPage: true })
    await page.setViewport({ width: 390, height: 844 })
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: path.join(process.env.TALLY_UI_SCREENSHOT, 'ui-phone.png') })
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }])
    await refreshCharts(page)
    await page.screenshot({ path: path.join(process.env.TALLY_UI_SCREENSHOT, 'ui-phone-dark.png') })
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }])
    await page.setViewport({ width: 1200, height: 900 })
  }
  await clickNow(page, `${item} button[aria-label^="Vote no"]`)
  await page.waitForFunction((sel: string) => !document.querySelector(sel) || /you voted no/.test(document.querySelector(sel)!.textContent ?? ''), { timeout: WAIT_MS }, item)
  const decided = await tally('alpha', ['proposals', '--all'])
  const ballotNow = decided.proposals.find((p: any) => p.id === proposed.id)
  t.is(ballotNow.ballots.find((b: any) => b.name === 'alpha')?.yes, false, "alpha's no vote, cast from the page, is on the ledger")

  // Accessible and phone-sized: every field has a label; at 390 px nothing but the tables' own scroll boxes is wider than the window.
  t.alike(await page.$$eval('input, select', (els) => els.filter((e) => (e as HTMLInputElement).labels?.length === 0).map((e) => e.id)), [], 'every field has a label')
  await page.setViewport({ width: 390, height: 844 })
  // Chart.js resizes its canvases on a ResizeObserver, a frame or more after the viewport changes: wait for
  // that (bounded), then look for anything wider than the window.
  await page.waitForFunction(() => [...document.querySelectorAll('canvas')].every((c) => c.getBoundingClientRect().right <= window.innerWidth + 1), { timeout: WAIT_MS }).catch(() => {})
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((el) => !el.closest('.scroll') && el.getBoundingClientRect().right > window.innerWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).replace(/ /g, '.') : ''}`)
  )
  t.alike(wide, [], 'no sideways scrolling on a phone-sized window')
  await page.setViewport({ width: 1200, height: 900 })

  t.alike(pageErrors, [], 'no script errors on the page')

  // Without the token, the page refuses to work and says what to do.
  const stranger = await browser.createBrowserContext()
  const bare = await stranger.newPage()
  await bare.goto(origin + '/')
  const told = await waitText(bare, '#fatal', /tally ui/)
  t.ok(/Open the address `tally ui` printed/.test(told), 'without a token the page says why it shows nothing')
  t.is(await bare.$$eval('#members tbody tr', (r) => r.length), 0, 'and shows no member')
  const sneaky = await bare.evaluate(async () => (await fetch('/api/summary')).status)
  t.is(sneaky, 401, 'the API refuses a request without the token')
  await stranger.close()

  // Hostile requests: no token, a wrong one, a foreign Origin or Host, a cross-site form post. Nothing changes.
  const quiet = await tally('alpha', ['status'])
  const pay = JSON.stringify({ member: 'beta', amount: '1', confirm: true })
  const json = { 'content-type': 'application/json' }
  const cases: Array<[string, Parameters<typeof request>[1], number]> = [
    ['no token', { method: 'POST', headers: { ...json, origin }, body: pay }, 401],
    ['a wrong token', { method: 'POST', headers: { ...json, origin, 'x-tally-token': 'A'.repeat(43) }, body: pay }, 401],
    ['a foreign Origin', { method: 'POST', headers: { ...json, origin: 'http://evil.example', 'x-tally-token': token }, body: pay }, 403],
    ['a foreign Host (DNS rebinding)', { method: 'POST', headers: { ...json, origin: 'http://evil.example:1', host: 'evil.example:1', 'x-tally-token': token }, body: pay }, 403],
    ['no Origin on a write', { method: 'POST', headers: { ...json, 'x-tally-token': token }, body: pay }, 403],
    ['a form post', { method: 'POST', headers: { origin, 'content-type': 'application/x-www-form-urlencoded', 'x-tally-token': token }, body: 'member=beta&amount=1' }, 415],
    ['a cross-site fetch', { method: 'POST', headers: { ...json, origin, 'sec-fetch-site': 'cross-site', 'x-tally-token': token }, body: pay }, 403]
  ]
  for (const [what, opts, status] of cases) {
    const r = await request(origin + '/api/pay', opts)
    t.is(r.status, status, `${what}: ${status}`)
    t.ok(/refused/.test(JSON.parse(r.body).error.message), `${what}: ${JSON.parse(r.body).error.message}`)
  }
  t.is((await request(origin + '/events')).status, 401, 'the event stream needs the token too')
  t.is((await request(origin + '/', { headers: { host: 'evil.example' } })).status, 403, 'the page itself is refused under a foreign Host')
  t.is((await request(origin + '/../package.json')).status, 404, 'no file outside the page')
  const still = await tally('alpha', ['status'])
  t.is(still.entries, quiet.entries, 'hostile requests appended nothing')
  t.is(still.stateHash, quiet.stateHash, 'state hash unchanged')

  await stopClean(t, procs, alphaUi, 'tally ui exits 0 on SIGTERM')
  await stopClean(t, procs, betaUi, 'and so does the one that started its node')
  t.absent(fs.existsSync(path.join(dir('beta'), 'node.sock')), "beta's node stopped with its ui")
})
