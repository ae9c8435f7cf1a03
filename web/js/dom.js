// Building the page from data without ever parsing member text as HTML: every string becomes a
// text node (names and memos come from other members' nodes).

/** h('td', { class: 'num' }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue
    if (k === 'class') el.className = v
    else if (k === 'dataset') Object.assign(el.dataset, v)
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(el, c)
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren()
  append(el, children)
}

export function byId(id) {
  return document.getElementById(id)
}

export function setText(id, text) {
  byId(id).textContent = text
}

/** Minor units (a decimal string or bigint) as "1,234.50", exact (BigInt, never a float). */
export function money(minor, decimals) {
  let v = BigInt(minor)
  const neg = v < 0n
  if (neg) v = -v
  const s = v.toString().padStart(decimals + 1, '0')
  const whole = s.slice(0, s.length - decimals).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const frac = decimals ? '.' + s.slice(s.length - decimals) : ''
  return (neg ? '−' : '') + whole + frac
}

/** A number for a chart (display only). */
export function toNumber(minor, decimals) {
  return Number(BigInt(minor)) / 10 ** decimals
}

export function signClass(minor) {
  const v = BigInt(minor)
  return v > 0n ? 'pos' : v < 0n ? 'neg' : ''
}

export function when(ms) {
  const d = new Date(ms)
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}
