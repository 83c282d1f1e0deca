// Pure rules of presentation and scope, kept apart from Vue so node:test can check them
// (tests/rules.test.mjs).

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n) => String(n).padStart(2, '0')

// A date in the conventions of a language: 2026年11月28日, སྤྱི་ལོ་2026 ཟླ་11 ཚེས་28, 28 Nov 2026.
// value is 'YYYY-MM-DD' (a calendar date, shown as is) or an ISO timestamp (shown in the
// browser's time zone, with the time when withTime).
export function formatDateIn(lang, value, withTime = false) {
  if (!value) return ''
  let d
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, day] = value.split('-').map(Number)
    d = new Date(y, m - 1, day)
    withTime = false
  } else {
    d = new Date(value)
  }
  if (isNaN(d.getTime())) return String(value)
  const y = d.getFullYear(), m = d.getMonth() + 1, day = d.getDate()
  const time = withTime ? ` ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` : ''
  switch (lang) {
    case 'bo': return `སྤྱི་ལོ་${y} ཟླ་${m} ཚེས་${day}${time}`
    case 'en': return `${day} ${MONTHS_EN[m - 1]} ${y}${time}`
    default: return `${y}年${m}月${day}日${time}`
  }
}

// The name of a region in a language; Tibetan and English fall back to Chinese where the
// reference has no name.
export function regionNameIn(lang, r) {
  if (!r) return ''
  if (lang === 'bo') return r.name_bo || r.name_zh
  if (lang === 'en') return r.name_en || r.name_zh
  return r.name_zh
}

// Whether a region code lies in an account's data scope ({all, ranges: [[lo, hi], ...]}),
// as the server decides it (the server enforces; the console only avoids offering the rest).
export function scopeContains(scope, code) {
  if (!scope) return false
  if (scope.all) return true
  const n = Number(code)
  if (!Number.isInteger(n)) return false
  return (scope.ranges || []).some(([lo, hi]) => n >= lo && n <= hi)
}

// The level of a GB/T 2260 code: 540000 province, 540100 prefecture, 540102 county.
export function levelOf(code) {
  const s = String(code || '')
  if (!s || s.endsWith('0000')) return 'province'
  if (s.endsWith('00')) return 'prefecture'
  return 'county'
}

// A page's return address after sign-in: only a path on this site, never another origin.
export function safeNext(next) {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next : '/'
}

// Org units ({code, name, parent}) in tree order, parents before their children, siblings by
// code, each with its depth and a label "name (code)"; a unit whose parent is not in the list
// starts a tree of its own (an account sees only part of the whole).
export function unitTree(units) {
  const known = new Set(units.map((u) => u.code))
  const children = new Map()
  const roots = []
  for (const u of units) {
    if (u.parent && known.has(u.parent)) {
      if (!children.has(u.parent)) children.set(u.parent, [])
      children.get(u.parent).push(u)
    } else roots.push(u)
  }
  const out = []
  const walk = (list, depth) => {
    for (const u of [...list].sort((a, b) => a.code.localeCompare(b.code))) {
      out.push({ code: u.code, name: u.name, depth, label: `${u.name} (${u.code})` })
      walk(children.get(u.code) || [], depth + 1)
    }
  }
  walk(roots, 0)
  return out
}

// The server's permission modules and actions, in its order (accounts service.c ACC_MODULES /
// ACC_ACTIONS); labels are in the locales (roles.modules.*, roles.actions.*).
export const MODULES = ['registry', 'equipment', 'sampling', 'licensing', 'food', 'trace', 'standards', 'metrology',
  'certification', 'enforcement', 'quality', 'reports', 'documents', 'accounts', 'audit']
export const ACTIONS = ['read', 'write', 'approve', 'publish', 'export', 'admin']
