// The pay and invoice forms: a refusal from the node (the same words as the CLI's) is shown next
// to the field it is about; a payment past the soft limit asks "pay anyway?" first.
import { byId, money } from './dom.js'

const FIELDS = ['member', 'amount', 'memo']

function clear(form) {
  for (const f of FIELDS) {
    byId(`${form}-${f}-error`).textContent = ''
    byId(`${form}-${f}`).removeAttribute('aria-invalid')
  }
  byId(`${form}-form-error`).textContent = ''
  byId(`${form}-done`).textContent = ''
}

/** Shows an error next to its field (and moves focus there), or under the form. */
function showError(form, err) {
  const field = FIELDS.includes(err.field) ? err.field : null
  if (field) {
    byId(`${form}-${field}-error`).textContent = err.message
    const input = byId(`${form}-${field}`)
    input.setAttribute('aria-invalid', 'true')
    input.focus()
  } else {
    byId(`${form}-form-error`).textContent = err.message
  }
}

function values(form) {
  return { member: byId(`${form}-member`).value.trim(), amount: byId(`${form}-amount`).value.trim(), memo: byId(`${form}-memo`).value }
}

async function submit(form, button, run, onDone) {
  button.disabled = true
  try {
    const result = await run()
    onDone(result)
  } catch (err) {
    showError(form, err)
  } finally {
    button.disabled = false
  }
}

/** An idempotency key for one payment: the node pays once per key, however often the request is sent. */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return 'ui-' + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export function setupForms(client, refresh) {
  const payForm = byId('pay-form')
  // One key per payment meant: kept across a retry or a "pay anyway", new once it is paid or the form changes.
  let payKey = null
  payForm.addEventListener('input', () => (payKey = null))
  const payButton = payForm.querySelector('button[type=submit]')
  const confirmBox = byId('pay-confirm')
  const hideConfirm = () => (confirmBox.hidden = true)
  const paid = (r) => {
    payKey = null
    payForm.reset()
    byId('pay-done').textContent = `Paid ${r.payee.name} ${money(r.amount, r.decimals)} ${r.unit}. Your balance: ${money(r.balance, r.decimals)} ${r.unit} (pending confirmation).`
    refresh()
  }
  const body = (confirm) => {
    payKey = payKey || newKey()
    return { ...values('pay'), key: payKey, confirm }
  }
  const pay = (confirm) => submit('pay', payButton, () => client.post('pay', body(confirm)), paid)

  payForm.addEventListener('submit', (ev) => {
    ev.preventDefault()
    clear('pay')
    hideConfirm()
    payButton.disabled = true
    client.post('pay', body(false)).then(paid, (err) => {
      showError('pay', err)
      if (err.code === 'SOFT_LIMIT') {
        confirmBox.hidden = false
        byId('pay-anyway').focus()
      }
    }).finally(() => (payButton.disabled = false))
  })
  byId('pay-anyway').addEventListener('click', () => {
    clear('pay')
    hideConfirm()
    void pay(true)
  })
  byId('pay-confirm-cancel').addEventListener('click', () => {
    clear('pay')
    hideConfirm()
    byId('pay-amount').focus()
  })

  const invForm = byId('invoice-form')
  const invButton = invForm.querySelector('button[type=submit]')
  invForm.addEventListener('submit', (ev) => {
    ev.preventDefault()
    clear('invoice')
    void submit('invoice', invButton, () => client.post('invoice', values('invoice')), (r) => {
      invForm.reset()
      byId('invoice-done').textContent = `Invoice sent: ${r.payer.name} is asked to pay ${money(r.amount, r.decimals)} ${r.unit}.`
      refresh()
    })
  })
}

/** Accept / decline / cancel buttons on a pending invoice. */
export async function answerInvoice(client, action, id, button, refresh) {
  const error = byId('invoices-error')
  error.textContent = ''
  button.disabled = true
  try {
    await client.post(action, { id })
    refresh()
  } catch (err) {
    error.textContent = err.message
    button.disabled = false
  }
}
