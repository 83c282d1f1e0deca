// Pure rules of the special-equipment pages (docs/design/equipment.md), kept apart from Vue so
// node:test can check them (tests/rules.test.mjs): the catalogue as a tree and its names, the
// inspection rule of a unit and the conclusions it allows, which parameters a category has,
// due status, rate figures, what a form changed, and what an accident lacks to be closed.

export const UNIT_STATUSES = ['in_use', 'stopped', 'scrapped']
export const UNIT_STATUS_TAG = { in_use: 'success', stopped: 'warning', scrapped: 'info' }
export const CONCLUSIONS = ['pass', 'conditional', 'fail']
export const CONCLUSION_TAG = { pass: 'success', conditional: 'warning', fail: 'danger' }
export const INSPECTION_KINDS = ['periodic', 'supervisory', 'acceptance']
export const HAZARDS = ['high', 'medium', 'low']
export const HAZARD_TAG = { high: 'danger', medium: 'warning', low: 'info' }
export const SAFETY_GRADES = [1, 2, 3, 4, 5]
export const RATES = ['registration', 'inspection', 'operators', 'accidents']
export const ACCIDENT_LEVELS = ['general', 'larger', 'major', 'especially_major']
export const ACCIDENT_STATUSES = ['reported', 'investigating', 'closed']
export const ACCIDENT_STATUS_TAG = { reported: 'danger', investigating: 'warning', closed: 'success' }
// The four "don't let go" (四不放过) an accident needs before it may be closed.
export const FOUR_ELEMENTS = ['cause', 'responsible_handled', 'measures_done', 'people_educated']

// Parameters of a unit by its top-level category (the columns of eq_unit).
export const CATEGORY_PARAMS = {
  1000: ['capacity_tph', 'pressure_mpa', 'medium'], // boilers
  2000: ['pressure_mpa', 'volume_m3', 'medium', 'vessel_class'], // pressure vessels
  3000: ['speed_mps', 'floors', 'rated_load_kg'], // elevators
  4000: ['lifting_t', 'span_m'], // cranes
  8000: ['length_m', 'pressure_mpa', 'medium'], // pressure piping
  9000: ['length_m'], // passenger ropeways
}
export const ALL_PARAMS = [...new Set(Object.values(CATEGORY_PARAMS).flat())]
export const INTEGER_PARAMS = ['floors', 'rated_load_kg']
export const TEXT_PARAMS = ['medium', 'vessel_class']
// Top-level categories whose inspections give a safety grade (vessels, piping).
export const GRADED_TOPS = ['2000', '8000']

// The top-level category of a code: its first character and "000" ("3110" -> "3000").
export function topCategory(code) {
  const s = String(code || '')
  return s.length >= 1 ? s[0] + '000' : ''
}

// The catalogue's tree is in its codes: X000 holds XY00, which holds XYZ0. A code's subtree is
// the codes starting with it less its trailing zeros, the prefix the API's category filters
// and campaigns take ("3000" -> "3", "3100" -> "31", "4D00" -> "4D"); and back, for a name.
export function categoryPrefix(code) {
  const s = String(code || '')
  return s.replace(/0+$/, '') || s
}
export function prefixCode(prefix) {
  const s = String(prefix || '')
  return s && s.length < 4 ? s.padEnd(4, '0') : s
}

export function paramsOf(code) {
  return CATEGORY_PARAMS[topCategory(code)] || []
}

// A category's name in a language, Chinese where the catalogue has none.
export function categoryNameIn(lang, c) {
  if (!c) return ''
  if (lang === 'bo') return c.name_bo || c.name_zh || c.code
  if (lang === 'en') return c.name_en || c.name_zh || c.code
  return c.name_zh || c.code
}

function conclusionList(v) {
  if (Array.isArray(v)) return v.filter((c) => CONCLUSIONS.includes(c))
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((c) => CONCLUSIONS.includes(c))
  return [...CONCLUSIONS]
}

// GET /equipment/categories as { categories, rules }: rules come in a list of their own or
// under each category; every rule's conclusions as an array.
export function normalizeCatalogue(answer) {
  const list = Array.isArray(answer) ? answer : (answer?.items || answer?.categories || [])
  const categories = []
  const rules = []
  const seen = new Set()
  const addRule = (r) => {
    const key = r.id ?? `${r.category}/${r.variant || ''}`
    if (seen.has(key)) return
    seen.add(key)
    rules.push({ ...r, variant: r.variant || '', conclusions: conclusionList(r.conclusions) })
  }
  for (const c of list) {
    const { rules: own, ...rest } = c
    categories.push({ ...rest, parent: rest.parent || null })
    for (const r of own || []) addRule({ category: c.code, ...r })
    if (c.rule) addRule({ category: c.code, ...c.rule })
  }
  for (const r of answer?.rules || []) addRule(r)
  return { categories, rules }
}

// The catalogue as cascader options named in a language: top-level categories first, each
// with its children, by code.
// With batches=false, categories counted by batch (gas cylinders) cannot be chosen: they are
// not registered as units.
export function categoryOptionsIn(lang, categories, { codes = true, batches = true } = {}) {
  const known = new Set(categories.map((c) => c.code))
  const children = new Map()
  const roots = []
  for (const c of categories) {
    if (c.parent && known.has(c.parent)) {
      if (!children.has(c.parent)) children.set(c.parent, [])
      children.get(c.parent).push(c)
    } else roots.push(c)
  }
  const toOption = (c) => {
    const o = { value: c.code, label: (codes ? c.code + ' ' : '') + categoryNameIn(lang, c) }
    if (!batches && c.by_batch) o.disabled = true
    const kids = children.get(c.code)
    if (kids && kids.length) o.children = [...kids].sort((a, b) => a.code.localeCompare(b.code)).map(toOption)
    return o
  }
  return [...roots].sort((a, b) => a.code.localeCompare(b.code)).map(toOption)
}

// The rule of a unit, as the server finds it (eq_rule_find): among rules whose category is a
// prefix of the code, the longest; among those, the one of the variant, else the default.
export function findRule(rules, code, variant) {
  const c = String(code || '')
  let best = -1
  for (const r of rules || []) if (c.startsWith(r.category) && r.category.length > best) best = r.category.length
  if (best < 0) return null
  const same = rules.filter((r) => r.category.length === best && c.startsWith(r.category))
  return (variant && same.find((r) => r.variant === variant)) || same.find((r) => !r.variant) || null
}

// The variants a category's rules offer (the default rule lists them, or they come as rules
// of their own; "" the default is not one of them).
export function variantsOf(rules, code) {
  const c = String(code || '')
  const out = []
  const def = findRule(rules, c, '')
  for (const v of def?.variants || []) if (v && !out.includes(v)) out.push(v)
  for (const r of rules || []) {
    if (r.variant && c.startsWith(r.category) && (!def || r.category.length >= def.category.length) &&
        !out.includes(r.variant)) out.push(r.variant)
  }
  return out
}

// The conclusions an inspection of the unit may give (all three when no rule is known).
export function allowedConclusions(rules, code, variant) {
  const r = findRule(rules, code, variant)
  return r ? r.conclusions : [...CONCLUSIONS]
}

// Whether an inspection of the unit gives a safety grade, and whether the rule needs it.
export function gradeOf(rules, code, variant) {
  const r = findRule(rules, code, variant)
  const required = !!r && r.kind === 'grade'
  return { shown: required || GRADED_TOPS.includes(topCategory(code)), required }
}

// A unit's due status from the server's computed fields: 'none' (not subject to periodic
// inspection, or not in use), 'overdue', 'soon' (within `within` days, today included) or 'ok'.
export function dueStatus(unit, within = 30) {
  if (!unit || !unit.next_due || (unit.status && unit.status !== 'in_use')) return 'none'
  const d = unit.days_to_due
  if (unit.overdue || (typeof d === 'number' && d < 0)) return 'overdue'
  if (typeof d === 'number' && d <= within) return 'soon'
  return 'ok'
}

// The words beside a due date: { key, n } for the locale (equipment.due.*).
export function dueWords(unit) {
  const d = unit?.days_to_due
  if (!unit?.next_due || typeof d !== 'number') return null
  if (d < 0) return { key: 'overdueDays', n: -d }
  if (d === 0) return { key: 'today', n: 0 }
  return { key: 'inDays', n: d }
}

// A rate ({num, den, rate}) as a percentage: rate has four places, so at most two decimals,
// trailing zeros dropped; no rate (den 0) is a dash.
export function formatRate(r) {
  if (!r || r.rate === null || r.rate === undefined || !r.den) return '—'
  const pct = Math.round(Number(r.rate) * 10000) / 100
  return String(Number(pct.toFixed(2))) + '%'
}
// The same as a number for a chart (null when there is no rate).
export function ratePercent(r) {
  if (!r || r.rate === null || r.rate === undefined || !r.den) return null
  return Math.round(Number(r.rate) * 10000) / 100
}

// The rates drill-down: what the next level of a region is ('prefecture' under the province
// or the whole scope, 'county' under a prefecture, 'use_unit' under a county).
export function ratesBy(level) {
  if (level === 'county') return 'use_unit'
  if (level === 'prefecture') return 'county'
  return 'prefecture'
}

// What an edit changed: the fields of `now` that differ from `original` (null and "" alike).
export function changedFields(original, now, fields) {
  const out = {}
  const norm = (v) => (v === '' || v === undefined ? null : v)
  for (const f of fields) {
    const a = norm(original?.[f]), b = norm(now[f])
    if (a === b) continue
    if (a !== null && b !== null && String(a) === String(b) && typeof a !== 'boolean' && typeof b !== 'boolean') continue
    out[f] = b
  }
  return out
}

// The four elements an accident still lacks before it may be closed.
export function missingElements(accident) {
  return FOUR_ELEMENTS.filter((f) => !accident || !String(accident[f] ?? '').trim())
}

// A campaign's progress in percent (0..100, whole numbers), from done and total targets.
export function progressPercent(done, total) {
  const d = Number(done) || 0, n = Number(total) || 0
  if (n <= 0) return 0
  return Math.max(0, Math.min(100, Math.floor((d * 100) / n)))
}

// A campaign's progress from its answer: { done, total, pct }, or null when it carries none.
// The counts come as progress: { done, total } (or targets for total), or on the campaign.
export function campaignProgress(c) {
  if (!c) return null
  const p = c.progress && typeof c.progress === 'object' ? c.progress : c
  const total = p.total ?? p.targets ?? p.target_count
  const done = p.done ?? p.done_count ?? p.completed
  if (typeof total !== 'number' || typeof done !== 'number') return null
  return { done, total, pct: progressPercent(done, total) }
}

// A certificate's standing on a day ('YYYY-MM-DD'): 'none', 'expired', 'expiring' (within
// `within` days) or 'valid'. Dates compare as text.
export function certStatus(validUntil, today, within = 90) {
  if (!validUntil) return 'none'
  if (validUntil < today) return 'expired'
  return validUntil <= addDays(today, within) ? 'expiring' : 'valid'
}

export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d + n))
  return t.toISOString().slice(0, 10)
}

// Days from one date to another ('YYYY-MM-DD'), negative when `to` is earlier.
export function daysBetween(from, to) {
  const utc = (d) => { const [y, m, day] = d.split('-').map(Number); return Date.UTC(y, m - 1, day) }
  return Math.round((utc(to) - utc(from)) / 86400000)
}

// Today in China Standard Time (UTC+8), the date the server judges "overdue" by.
export function todayCST(now = new Date()) {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

// The category code at the head of a device code (4-digit variety), when it is a known one.
export function categoryFromDeviceCode(deviceCode, categories) {
  const head = String(deviceCode || '').slice(0, 4)
  return head.length === 4 && categories.some((c) => c.code === head) ? head : ''
}
