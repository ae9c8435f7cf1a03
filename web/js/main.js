// The page: loads the summary, the history and the flows, draws them, and does it again whenever
// the node says something changed (server-sent events).
import { api, takeToken } from './api.js'
import { byId, fill, h, money, setText, signClass, when } from './dom.js'
import { drawBalance, drawFlows } from './charts.js'
import { answerInvoice, setupForms } from './forms.js'

const KIND = { transfer: 'payment', across: 'payment across', invoice: 'invoice', accept: 'accepted invoice', decline: 'declined invoice', cancel: 'cancelled invoice' }

const token = takeToken()
const client = token ? api(token) : null
let state = { summary: null, history: null }
let loading = null
let again = false

function fatal(message) {
  const box = byId('fatal')
  fill(box, h('p', {}, h('strong', {}, 'This page cannot show your ledger. ')), h('p', {}, message))
  box.hidden = false
}

/** Fetches everything again; calls made while one runs fold into one more run. */
function refresh() {
  if (loading) {
    again = true
    return loading
  }
  loading = load().catch((err) => {
    if (err.status === 401 || err.status === 403) fatal(err.message)
    else setLive(false, err.message)
  }).finally(() => {
    loading = null
    if (again) {
      again = false
      refresh()
    }
  })
  return loading
}

async function load() {
  const summary = await client.summary()
  byId('fatal').hidden = true
  state.summary = summary
  renderSummary(summary)
  if (!summary.me) return
  const [history, flows] = await Promise.all([client.history(), client.flows()])
  state.history = history
  renderHistory()
  drawBalance(history.entries, summary.me)
  drawFlows(flows)
}

function renderSummary(s) {
  const st = s.status
  setText('ledger-name', st.name ? `${st.name}` : 'Tally (ledger not synced yet)')
  document.title = st.name ? `${st.name} · Tally` : 'Tally'
  setText('whoami', st.member ? `${st.member} · ${st.unit}` : 'not admitted yet')
  for (const el of document.querySelectorAll('.unit')) el.textContent = st.unit ? `(${st.unit})` : ''
  renderNetwork(st)
  const me = s.me
  if (me) {
    const d = me.decimals
    setText('my-balance', `${money(me.balance, d)} ${me.unit}`)
    byId('my-balance').className = 'figure ' + signClass(me.balance)
    setText('my-balance-split', BigInt(me.pending) === 0n ? 'all confirmed' : `${money(me.confirmed, d)} confirmed, ${money(me.pending, d)} pending`)
    setText('my-available', `${money(me.available, d)} ${me.unit}`)
    setText('my-limit', `${money(me.creditLimit, d)} ${me.unit}`)
    setText('my-soft', `warning at ${money(me.softLimit.threshold, d)} (${me.softLimit.percent} %)`)
    const warn = byId('soft-warning')
    warn.hidden = !me.softLimit.reached
    warn.textContent = me.softLimit.reached
      ? `Your balance (${money(me.balance, d)} ${me.unit}) has passed ${me.softLimit.percent} % of your credit limit of ${money(me.creditLimit, d)} ${me.unit}: ${money(me.available, d)} ${me.unit} is left to spend.`
      : ''
  }
  if (s.members) renderMembers(s.members, st.account)
  if (s.invoices) renderInvoices(s.invoices)
  if (s.members) renderProposals(s.proposals, st.account, s.members)
}

/** A proposal's action in words ("limits gamma: credit limit 300.00 CTC"); names are text, never HTML. */
function describe(p, u) {
  const a = p.action
  const who = p.targetName || ''
  if (a.action === 'admit') return `admit ${a.name}, credit limit ${money(a.creditLimit, u.decimals)} ${u.unit}`
  if (a.action === 'limits') return `limits of ${who}: credit limit ${money(a.creditLimit, u.decimals)} ${u.unit}, max balance ${a.maxBalance === null ? 'none' : `${money(a.maxBalance, u.decimals)} ${u.unit}`}`
  if (a.action === 'policy') return `policy: decisions by ${a.policy.rules.admit.method === 'steward' ? 'the stewards' : 'the members'}`
  return `${a.action} ${who}`
}

function renderProposals(list, myAccount, u) {
  const box = byId('proposals')
  if (!Array.isArray(list) || list.length === 0) {
    fill(box, h('li', { class: 'muted' }, Array.isArray(list) ? 'No open proposals.' : 'Proposals are not available on this node.'))
    return
  }
  fill(box, list.map((p) => {
    const text = describe(p, u)
    const mine = p.ballots.find((b) => b.account === myAccount)
    const act = (route, label, body, cls) =>
      h('button', { type: 'button', class: cls, dataset: { action: route }, 'aria-label': `${label}: ${text}`, onclick: (ev) => answerProposal(route, { id: p.id, ...body }, ev.currentTarget) }, label)
    const buttons = [act('vote', 'Vote yes', { choice: 'yes' }, ''), act('vote', 'Vote no', { choice: 'no' }, 'secondary'), act('object', 'Object', {}, 'secondary')]
    if (p.proposer === myAccount) buttons.push(act('withdraw', 'Withdraw', {}, 'secondary'))
    return h('li', { dataset: { proposal: p.id } },
      h('div', {},
        h('p', {}, h('strong', {}, text), ` · proposed by ${p.proposerName}`),
        h('p', { class: 'muted small' }, `${p.method}: yes ${p.yes}, no ${p.no} of ${p.active} members${mine ? ` · you voted ${mine.yes ? 'yes' : 'no'}` : ''} · window ends about ${when(p.deadline)}`)),
      h('div', { class: 'actions' }, buttons))
  }))
}

async function answerProposal(route, body, button) {
  const error = byId('proposals-error')
  error.textContent = ''
  button.disabled = true
  try {
    await client.post(route, body)
    refresh()
  } catch (err) {
    error.textContent = err.message
  } finally {
    button.disabled = false
  }
}

function renderNetwork(st) {
  const n = st.node || {}
  const rows = [
    ['Peers connected', n.running ? String(n.peers) : 'node not running'],
    ['Entries', `${st.entries}: ${st.confirmedEntries} confirmed, ${st.pendingEntries} pending`],
    ['Rejected', String(st.rejected)],
    ['Members', `${st.members} (${st.writers} writers)`],
    ['Indexers', indexersLine(st)],
    ['This node', `${st.role}${st.indexer ? ', indexer (signs confirmations)' : ''}${st.writable ? '' : ', read only'}`],
    ['Network', n.bootstrap ? `bootstrap ${n.bootstrap}` : 'public HyperDHT'],
    ['State hash', st.stateHash ? st.stateHash.slice(0, 16) + '…' : '–'],
    ['Confirmed hash', st.confirmedStateHash ? st.confirmedStateHash.slice(0, 16) + '…' : '–']
  ]
  fill(byId('network'), rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
}

/** Which indexers (the nodes whose signatures confirm entries) this node reaches now, and whether a quorum is reachable. */
function indexersLine(st) {
  if (!Array.isArray(st.indexers)) return '–'
  const each = st.indexers.map((i) => `${i.name || i.writer.slice(0, 8)}${i.self ? ' (this node)' : ''}: ${i.reachable === null ? '?' : i.reachable ? 'reachable' : 'away'}`)
  const count = st.reachableIndexers === null || st.reachableIndexers === undefined ? '' : `${st.reachableIndexers} of ${st.indexers.length} reachable, ${st.quorum} needed to confirm. `
  return count + each.join('; ')
}

function renderMembers(m, myAccount) {
  const d = m.decimals
  fill(byId('members').tBodies[0], m.members.map((r) =>
    h('tr', { class: r.account === myAccount ? 'me' : null, dataset: { account: r.account } },
      // The account prefix beside the name: look-alike names inside one script are still possible (SECURITY.md).
      h('th', { scope: 'row' }, h('span', { class: 'name' }, r.name), ' ', h('span', { class: 'muted small key' }, r.account.slice(0, 8)),
        r.status === 'active' ? null : h('span', { class: 'muted' }, ` (${r.status})`)),
      h('td', { class: 'num ' + signClass(r.balance) }, money(r.balance, d)),
      h('td', { class: 'num' }, money(r.confirmed, d)),
      h('td', { class: 'num' }, money(r.available, d)))))
  // Open holds (payments across ledgers) are taken off their payers before their payees get them.
  const held = m.held === undefined || BigInt(m.held) === 0n ? '' : ` (+ ${money(m.held, d)} held in open holds)`
  setText('members-sum', `${money(m.total, d)} ${m.unit}${held}`)
  fill(byId('member-names'), m.members.filter((r) => r.account !== myAccount).map((r) => h('option', { value: r.name })))
  const select = byId('f-member')
  const chosen = select.value
  fill(select, h('option', { value: '' }, 'anyone'), m.members.filter((r) => r.account !== myAccount).map((r) => h('option', { value: r.account }, r.name)))
  select.value = chosen
}

function renderInvoices(inv) {
  const d = inv.decimals
  const list = byId('invoices')
  if (inv.invoices.length === 0) {
    fill(list, h('li', { class: 'muted' }, 'No pending invoices.'))
    return
  }
  fill(list, inv.invoices.map((i) => {
    const amount = `${money(i.amount, d)} ${inv.unit}`
    const text = i.direction === 'to-pay' ? `${i.payee.name} asks you to pay ${amount}` : i.direction === 'to-receive' ? `You asked ${i.payer.name} to pay ${amount}` : `${i.payee.name} asks ${i.payer.name} for ${amount}`
    const act = (action, label, cls) =>
      h('button', { type: 'button', class: cls, dataset: { action, invoice: i.id }, 'aria-label': `${label}: ${text}`, onclick: (ev) => answerInvoice(client, action, i.id, ev.currentTarget, refresh) }, label)
    const actions = i.direction === 'to-pay' ? [act('accept', 'Accept and pay', ''), act('decline', 'Decline', 'secondary')] : i.direction === 'to-receive' ? [act('cancel', 'Cancel', 'secondary')] : []
    return h('li', { dataset: { invoice: i.id } },
      h('div', {}, h('p', {}, text), i.memo ? h('p', { class: 'muted small' }, i.memo) : null),
      h('div', { class: 'actions' }, actions))
  }))
}

function renderHistory() {
  const hist = state.history
  if (!hist) return
  const d = hist.decimals
  const other = byId('f-member').value
  const type = byId('f-type').value
  const st = byId('f-state').value
  const text = byId('f-text').value.trim().toLowerCase()
  const rows = hist.entries.filter((e) => {
    if (other && ![e.payer?.account, e.payee?.account, e.author?.account].includes(other)) return false
    if (type && (type === 'other' ? KIND[e.type] !== undefined : e.type !== type)) return false
    const s = e.status === 'rejected' ? 'rejected' : e.confirmed ? 'confirmed' : 'pending'
    if (st && s !== st) return false
    if (text && !e.memo.toLowerCase().includes(text)) return false
    return true
  })
  // An answer to an invoice shows the invoice's memo when it has none of its own.
  const invoiceMemo = new Map(hist.entries.filter((e) => e.type === 'invoice').map((e) => [e.id, e.memo]))
  fill(byId('history').tBodies[0], rows.map((e) => {
    const about = !e.memo && e.invoice ? invoiceMemo.get(e.invoice) : null
    const s = e.status === 'rejected' ? 'rejected' : e.confirmed ? 'confirmed' : 'pending'
    // Money moved by this entry, from the member's side; an invoice moves nothing until accepted.
    const moves = e.amount !== null && e.status === 'applied' && (e.type === 'transfer' || e.type === 'accept')
    const signed = !moves ? null : e.payee?.account === hist.account ? e.amount : e.payer?.account === hist.account ? '-' + e.amount : e.amount
    return h('tr', { dataset: { entry: e.id } },
      h('td', { class: 'small' }, when(e.timestamp)),
      h('td', {}, KIND[e.type] || e.type || '?'),
      h('td', {}, e.payer?.name || e.author?.name || ''),
      // A payment across ledgers: the payee there, as the payer's ledger names it.
      h('td', {}, e.type === 'across' && e.other?.account ? `${e.other.account.slice(0, 8)}@${e.other.name}` : e.payee?.name || ''),
      h('td', { class: 'num ' + (signed === null ? 'muted' : signClass(signed)) }, signed !== null ? money(signed, d) : e.amount !== null ? money(e.amount, d) : ''),
      h('td', {}, h('span', { class: `tag ${s}`, title: e.reason || null }, s === 'rejected' ? `rejected: ${e.code}` : e.state ? `${e.state}, ${s}` : s)),
      h('td', {}, e.memo || (about ? h('span', { class: 'muted' }, `re: ${about}`) : '')))
  }))
  byId('history-empty').hidden = rows.length > 0
}

function setLive(on, why) {
  const el = byId('live')
  el.className = 'pill ' + (on ? 'on' : 'off')
  el.textContent = on ? 'live' : why || 'reconnecting…'
}

function listen() {
  const source = client.events()
  source.addEventListener('open', () => setLive(true))
  source.addEventListener('change', () => {
    setLive(true)
    refresh()
  })
  source.addEventListener('error', () => setLive(false))
}

if (!client) {
  fatal('Open the address `tally ui` printed in your terminal: it carries a secret that lets this page use your node.')
  setLive(false, 'no token')
} else {
  setupForms(client, refresh)
  for (const id of ['f-member', 'f-type', 'f-state', 'f-text']) byId(id).addEventListener('input', renderHistory)
  byId('history-filters').addEventListener('submit', (ev) => ev.preventDefault())
  refresh()
  listen()
  // Chart colours come from the stylesheet: redraw when the system switches light/dark.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => refresh())
}
