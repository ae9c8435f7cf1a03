// The two charts, drawn by Chart.js (served by the node from its own copy: no CDN). Colours come
// from the stylesheet, so the charts follow prefers-color-scheme.
import { toNumber, money } from './dom.js'

const charts = {}

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim()
}

function draw(id, config) {
  if (typeof window.Chart !== 'function') return // the library failed to load: the tables still say it all
  if (charts[id]) charts[id].destroy()
  charts[id] = new window.Chart(document.getElementById(id), config)
}

/**
 * The member's balance after each payment, oldest first, from its history (newest first) and the
 * balance now: walking back, the balance before an entry is the balance after it minus its effect.
 */
export function balancePoints(entries, account, balanceNow) {
  let after = BigInt(balanceNow)
  const points = [{ t: Date.now(), v: after }]
  for (const e of entries) {
    if (e.status !== 'applied' || e.amount === null || !e.payer || !e.payee) continue
    if (e.type !== 'transfer' && e.type !== 'accept') continue
    const amount = BigInt(e.amount)
    const effect = (e.payee.account === account ? amount : 0n) - (e.payer.account === account ? amount : 0n)
    points.push({ t: e.timestamp, v: after })
    after -= effect
  }
  points.push({ t: points[points.length - 1].t - 1, v: after })
  return points.reverse()
}

export function drawBalance(entries, me) {
  const points = balancePoints(entries, me.account, me.balance)
  const grid = css('--chart-grid')
  const text = css('--muted')
  // Within two days, ticks say the time; over longer spans, the day.
  const short = points[points.length - 1].t - points[0].t < 2 * 86_400_000
  const tick = (v) => new Date(v).toLocaleString(undefined, short ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' })
  draw('chart-balance', {
    type: 'line',
    data: {
      datasets: [{
        label: `Balance (${me.unit})`,
        data: points.map((p) => ({ x: p.t, y: toNumber(p.v, me.decimals) })),
        stepped: 'before',
        borderColor: css('--chart-line'),
        backgroundColor: css('--chart-fill'),
        fill: 'origin',
        pointRadius: 2
      }]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { title: (items) => new Date(items[0].parsed.x).toLocaleString() } } },
      scales: {
        x: { type: 'linear', ticks: { color: text, maxTicksLimit: 5, callback: tick }, grid: { color: grid } },
        y: { ticks: { color: text }, grid: { color: grid } }
      }
    }
  })
}

export function drawFlows(result) {
  const top = result.flows.slice(0, 12)
  const grid = css('--chart-grid')
  const text = css('--muted')
  draw('chart-flows', {
    type: 'bar',
    data: {
      labels: top.map((f) => `${f.from} → ${f.to}`),
      datasets: [{ label: `Paid (${result.unit})`, data: top.map((f) => toNumber(f.amount, result.decimals)), backgroundColor: css('--chart-bar') }]
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => `${money(top[item.dataIndex].amount, result.decimals)} ${result.unit} in ${top[item.dataIndex].count} payment(s)` } }
      },
      scales: { x: { ticks: { color: text }, grid: { color: grid } }, y: { ticks: { color: text }, grid: { display: false } } }
    }
  })
}
