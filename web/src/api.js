// The one way the console talks to the server: same-origin fetch with the session cookie,
// the CSRF token on every change, and the API's error body turned into an ApiError.
import { reactive } from 'vue'

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || code || `HTTP ${status}`)
    this.status = status
    this.code = code || 'http_' + status
    this.field = field || null
  }
}

// Who is signed in; filled by auth/me or login. csrf is kept in memory only.
export const session = reactive({ account: null, csrf: null, mustChange: false, checked: false })

// Called when the server says the session has ended (set by the router).
let onUnauthenticated = null
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn }

function query(params) {
  if (!params) return ''
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.set(k, String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

export async function request(method, path, { params, body, raw, contentType, headers, signal } = {}) {
  const h = { Accept: 'application/json', ...(headers || {}) }
  let payload
  if (raw !== undefined) {
    payload = raw
    h['Content-Type'] = contentType || 'application/octet-stream'
  } else if (body !== undefined) {
    payload = JSON.stringify(body)
    h['Content-Type'] = 'application/json'
  }
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) h['X-CSRF-Token'] = session.csrf
  let res
  try {
    res = await fetch('/api/v1' + path + query(params), {
      method, headers: h, body: payload, credentials: 'same-origin', signal,
    })
  } catch (e) {
    if (e && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network', null, null)
  }
  if (res.status === 204) return { data: null, res }
  const type = res.headers.get('Content-Type') || ''
  const data = type.includes('json') ? await res.json().catch(() => null) : await res.text()
  if (!res.ok) {
    const e = data && data.error ? data.error : {}
    const err = new ApiError(res.status, e.code, e.message, e.field)
    err.body = data // some answers carry more than the error (an import's 422 report)
    // Any 401 but a refused sign-in means the session is gone (expired, signed out elsewhere,
    // account disabled): back to the sign-in page.
    if (res.status === 401 && path !== '/auth/login' && onUnauthenticated) onUnauthenticated()
    throw err
  }
  return { data, res }
}

export const api = {
  get: (path, params, opts) => request('GET', path, { params, ...opts }).then((r) => r.data),
  post: (path, body, params) => request('POST', path, { body, params }).then((r) => r.data),
  patch: (path, body, headers) => request('PATCH', path, { body, headers }),
  put: (path, body) => request('PUT', path, { body }).then((r) => r.data),
  del: (path) => request('DELETE', path).then((r) => r.data),
  request,
}

export function url(path, params) { return '/api/v1' + path + query(params) }

export async function loadSession() {
  try {
    const d = await api.get('/auth/me')
    applyLogin(d)
  } catch (e) {
    session.account = null
    session.csrf = null
  }
  session.checked = true
  return session.account
}

export function applyLogin(d) {
  session.account = d.account
  session.csrf = d.csrf_token
  session.mustChange = !!d.must_change_password
}

export function can(permission) {
  const a = session.account
  if (!a) return false
  const [mod, act] = permission.split(':')
  const acts = a.permissions && a.permissions[mod]
  return !!acts && acts.includes(act)
}
