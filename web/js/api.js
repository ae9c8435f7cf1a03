// Talking to the node's page server: every request carries this run's token (kept in
// sessionStorage so a reload works, and taken out of the address bar so it is not shared by accident).

const KEY = 'tally-token'

/** The token from the URL `tally ui` printed, or the one this tab already had; null without one. */
export function takeToken() {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(null, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(KEY)
}

/** An error the server answered with: `field` names the form field it is about. */
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {}
    super(e.message || `the node answered ${status}`)
    this.status = status
    this.code = e.code || 'ERROR'
    this.field = e.field || null
  }
}

export function api(token) {
  async function request(method, path, body) {
    const init = { method, headers: { 'x-tally-token': token }, cache: 'no-store' }
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
    let res
    try {
      res = await fetch(path, init)
    } catch {
      throw new ApiError(0, { error: { code: 'OFFLINE', message: 'cannot reach the page server: is `tally ui` still running?' } })
    }
    let json = null
    try {
      json = await res.json()
    } catch {
      // an empty or non-JSON answer: reported by status below
    }
    if (!res.ok) throw new ApiError(res.status, json)
    return json
  }
  return {
    summary: () => request('GET', '/api/summary'),
    history: (limit = 500) => request('GET', `/api/history?limit=${limit}`),
    flows: () => request('GET', '/api/flows'),
    post: (route, body) => request('POST', `/api/${route}`, body),
    events: () => new EventSource(`/events?token=${encodeURIComponent(token)}`)
  }
}
