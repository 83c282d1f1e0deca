// Pure rules of the licensing pages (docs/design/licensing.md), kept apart from Vue so
// node:test can check them (tests/rules.test.mjs): the steps of an application and their
// tags, the urgency of a case from the engine's state (overdue, days left, clock stopped),
// the deadline as a message, what form an action needs, which actions an account is offered,
// licence statuses and the post-licence checks, and the shape of a calendar year.

export const KINDS = ['food', 'industrial']
export const PURPOSES = ['new', 'change', 'renewal', 'cancel']
// The steps of both processes (data/flows/licence-*.json), in their usual order.
export const STEPS = ['draft', 'submitted', 'supplementing', 'not_accepted', 'review', 'review_supplementing',
  'expert_review', 'testing', 'onsite_scheduling', 'onsite', 'decision_pending', 'hearing', 'granted', 'refused', 'issued', 'withdrawn']
export const FINAL_STEPS = ['not_accepted', 'refused', 'issued', 'withdrawn']
export const STEP_TAG = {
  draft: 'info', submitted: 'primary', supplementing: 'warning', not_accepted: 'danger', review: 'primary',
  review_supplementing: 'warning', expert_review: 'warning', testing: 'warning', onsite_scheduling: 'warning',
  onsite: 'primary', decision_pending: 'primary', hearing: 'warning', granted: 'success', refused: 'danger', issued: 'success', withdrawn: 'info',
}
// The reasons a clock stops (a step's "reason" in the process definitions).
export const PAUSE_REASONS = ['supplement', 'expert_review', 'testing', 'onsite_scheduling', 'hearing']
export const STAGES = ['acceptance', 'decision', 'issue']
export const LICENCE_STATUSES = ['valid', 'suspended', 'revoked', 'cancelled', 'replaced', 'expired']
export const LICENCE_STATUS_TAG = {
  valid: 'success', suspended: 'warning', revoked: 'danger', cancelled: 'info', replaced: 'info', expired: 'info',
}
export const CHECK_RESULTS = ['conforming', 'rectify', 'nonconforming']
export const CHECK_RESULT_TAG = { conforming: 'success', rectify: 'warning', nonconforming: 'danger' }
export const ONSITE_RESULTS = ['pass', 'fail']
// What an applicant uploads (lc_attachment.kind).
export const ATTACHMENT_KINDS = ['business_licence', 'site_plan', 'process_flow', 'equipment_list', 'other']
// What submission needs at least (applications.h): a business licence copy and a site plan.
export const REQUIRED_ATTACHMENTS = ['business_licence', 'site_plan']
export const ATTACHMENT_MAX = 10 * 1024 * 1024
export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png']
// A licence's suspend / restore / revoke, each with its reason.
export const LICENCE_ACTIONS = { valid: ['suspend', 'revoke'], suspended: ['restore', 'revoke'] }
// The fields of an application a user fills in (lc_application), in the form's order.
// applicant: the credit code, given by an officer at the service window (an enterprise
// applies for itself); licence_no: the licence a change, renewal or cancellation concerns.
export const APPLICATION_FIELDS = ['applicant', 'kind', 'purpose', 'licence_no', 'categories', 'scope_text', 'site_address',
  'legal_rep', 'contact', 'phone', 'reason']
export const APPLICATION_REQUIRED = ['kind', 'purpose', 'categories', 'scope_text', 'site_address', 'legal_rep']

// The fields each action's form asks for: { field: required }. Every action may carry a note.
const ACTION_FIELDS = {
  notify_missing: { missing: true },
  request_supplement: { missing: true },
  reject: { decision_reason: true },
  record_onsite: { onsite_on: true, onsite_team: true, onsite_findings: true, onsite_result: true },
  refuse: { decision_reason: true },
  grant: { decision_reason: false },
  extend: { note: true },
  withdraw: { note: false },
}
// Actions that end a case or cannot be undone: their confirmation is a warning.
const GRAVE = ['reject', 'refuse', 'withdraw', 'grant', 'issue']

// The form of an action: [{ name, required }] in display order, always ending with the note
// (optional unless the action needs it).
export function actionFields(code) {
  const f = ACTION_FIELDS[code] || {}
  const out = Object.entries(f).filter(([n]) => n !== 'note').map(([name, required]) => ({ name, required }))
  out.push({ name: 'note', required: !!f.note })
  return out
}

// The body of an action from its form: the fields the action asks for, trimmed, empty ones
// left out. Returns { body, missing: [names of required fields left empty] }.
export function actionBody(code, form) {
  const body = {}
  const missing = []
  for (const { name, required } of actionFields(code)) {
    const v = typeof form?.[name] === 'string' ? form[name].trim() : form?.[name]
    if (v === undefined || v === null || v === '') { if (required) missing.push(name); continue }
    body[name] = v
  }
  return { body, missing }
}

export function isGrave(code) { return GRAVE.includes(code) }

// The button type of an action.
export function actionType(code) {
  if (['grant', 'issue', 'accept', 'submit', 'resubmit', 'supplement'].includes(code)) return 'primary'
  if (['reject', 'refuse', 'withdraw'].includes(code)) return 'danger'
  return 'default'
}

// The actions of a case an account is offered: the server lists what the caller can do now
// ([{action, to, name, by}]; "by": "applicant" or "module.action"); an enterprise acts only as
// the applicant, staff only with the permission named. Each comes back as { code, ... }.
// perms: { enterprise, write, approve }.
export function offeredActions(actions, perms) {
  const p = perms || {}
  return (actions || []).map((a) => ({ ...a, code: a.code || a.action })).filter((a) => {
    const by = a.by || null
    if (!by) return true
    if (by === 'applicant') return !!p.enterprise
    if (p.enterprise) return false
    const act = String(by).split('.').pop()
    return !!p[act]
  })
}

// Urgency of a case from the engine's state: 'closed' (final step, no clock), 'paused' (the
// clock is stopped), 'overdue', 'due' (at most 2 working days left), 'running'. A case with no
// clock (a draft, or between stages) is 'none'.
export function urgency(state) {
  if (!state) return 'none'
  if (state.closed || FINAL_STEPS.includes(state.step)) return 'closed'
  if (state.paused) return 'paused'
  if (state.overdue) return 'overdue'
  if (state.deadline === null || state.deadline === undefined || state.deadline === '') return 'none'
  const n = Number(state.days_left)
  if (Number.isFinite(n) && n <= 2) return 'due'
  return 'running'
}
export const URGENCY_TAG = { overdue: 'danger', due: 'warning', paused: 'info', running: 'success', closed: 'info', none: 'info' }

// The order of a queue by urgency: overdue first (the longest overdue first), then running
// cases by days left, then stopped clocks, then the rest; ties by deadline, then id.
export function compareUrgency(a, b) {
  const rank = { overdue: 0, due: 1, running: 1, paused: 2, none: 3, closed: 4 }
  const sa = stateOf(a), sb = stateOf(b)
  const ua = urgency(sa), ub = urgency(sb)
  if (rank[ua] !== rank[ub]) return rank[ua] - rank[ub]
  const da = Number(sa?.days_left), db = Number(sb?.days_left)
  if (Number.isFinite(da) && Number.isFinite(db) && da !== db) return da - db
  const ka = String(sa?.deadline || ''), kb = String(sb?.deadline || '')
  if (ka !== kb) return ka < kb ? -1 : 1
  return String(a?.id ?? '').localeCompare(String(b?.id ?? ''), 'en', { numeric: true })
}
// The engine's state of a queue row, a case or an application: the members of the state
// (step, deadline, days_left, paused, ...) stand in the case itself or under "state"; an
// application carries its case under "case" (null for a draft: its status is the step).
export function stateOf(x) {
  if (!x) return null
  if (x.state && typeof x.state === 'object') return x.state
  if ('case' in x && (x.case === null || typeof x.case === 'object')) return x.case ? stateOf(x.case) : { step: x.status }
  return x
}

// The deadline of a case as a message: { key, params } under licensing.deadline.*, or null
// when there is no clock. Overdue: how many working days past; stopped: why (the reason's
// key) and the days left frozen; running: days left (or "today").
export function deadlineMessage(state) {
  const u = urgency(state)
  if (u === 'closed' || u === 'none') return null
  const n = Number(state.days_left)
  if (u === 'paused') {
    return { key: 'licensing.deadline.paused', params: { reason: pauseReasonKey(state.pause_reason), n: Number.isFinite(n) ? n : '—' } }
  }
  if (u === 'overdue') return { key: 'licensing.deadline.overdue', params: { n: Number.isFinite(n) ? Math.abs(n) : '—' } }
  if (n === 0) return { key: 'licensing.deadline.today', params: {} }
  return { key: 'licensing.deadline.left', params: { n: Number.isFinite(n) ? n : '—' } }
}
// The message key of a clock stop's reason (licensing.pauseReasons.*); unknown reasons as 'other'.
export function pauseReasonKey(reason) {
  return 'licensing.pauseReasons.' + (PAUSE_REASONS.includes(reason) ? reason : 'other')
}

// A name in a language from { zh, bo, en } (the process definitions' names) or
// { name_zh, name_bo, name_en } (categories); Chinese where the language has none.
export function nameOf(lang, x) {
  if (!x) return ''
  if (typeof x === 'string') return x
  const zh = x.zh || x.name_zh || x.name || x.code || ''
  if (lang === 'bo') return x.bo || x.name_bo || zh
  if (lang === 'en') return x.en || x.name_en || zh
  return zh
}

// Category codes of an application or licence ("101,103" or ['101', ...]) as a sorted list.
export function categoryCodes(v) {
  const list = Array.isArray(v) ? v : String(v ?? '').split(',')
  return [...new Set(list.map((c) => String(c && typeof c === 'object' ? c.code : c).trim()).filter(Boolean))].sort()
}

// Whether the applicant may edit the application (a draft, or while supplementing).
export function editable(app) {
  return !!app && (app.status === 'draft' || app.status === 'supplementing' || app.status === 'review_supplementing')
}

// The missing required fields of an application form (names).
export function applicationProblems(form) {
  const out = []
  for (const f of APPLICATION_REQUIRED) {
    const v = form?.[f]
    if (Array.isArray(v) ? !v.length : v === undefined || v === null || String(v).trim() === '') out.push(f)
  }
  if (form && form.purpose && form.purpose !== 'new' && !String(form.licence_no ?? '').trim()) out.push('licence_no')
  return out
}

// An application's body from the form: trimmed texts, empty ones left out, categories as a
// list; licence_no only for a change, renewal or cancellation.
export function applicationBody(form) {
  const b = {}
  for (const f of APPLICATION_FIELDS) {
    let v = form?.[f]
    if (f === 'categories') { v = categoryCodes(v); if (v.length) b[f] = v; continue }
    if (typeof v === 'string') v = v.trim()
    if (v === undefined || v === null || v === '') continue
    if (f === 'licence_no' && form.purpose === 'new') continue
    b[f] = v
  }
  return b
}

// What changed between an application and its edited form (for PATCH), as a body.
export function applicationPatch(original, form) {
  const before = applicationBody(original || {})
  const after = applicationBody(form)
  const out = {}
  for (const f of APPLICATION_FIELDS) {
    const a = JSON.stringify(before[f] ?? null), b = JSON.stringify(after[f] ?? null)
    if (a !== b) out[f] = after[f] ?? null
  }
  return out
}

// Checks a file before upload: null when fine, else { code } ('empty', 'too_large', 'type').
export function attachmentProblem(file) {
  if (!file || !file.size) return { code: 'empty' }
  if (file.size > ATTACHMENT_MAX) return { code: 'too_large' }
  const type = file.type || typeFromName(file.name)
  return ATTACHMENT_TYPES.includes(type) ? null : { code: 'type' }
}
export function typeFromName(name) {
  const ext = String(name || '').toLowerCase().split('.').pop()
  return { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', pdf: 'application/pdf' }[ext] || ''
}

// The required attachment kinds (as the server lists them, else none) not yet uploaded.
export function missingAttachments(required, attachments) {
  const have = new Set((attachments || []).map((a) => a.kind))
  return (required || []).filter((k) => !have.has(k))
}

// A licence's status as shown: 'expired' when valid but past valid_until (the server may
// say so itself).
export function licenceStatus(l, today) {
  if (!l) return ''
  if (l.status === 'valid' && l.valid_until && today && today > l.valid_until) return 'expired'
  return l.status
}
// The actions a licence offers someone with licensing.approve.
export function licenceActions(l, today) {
  return LICENCE_ACTIONS[licenceStatus(l, today)] || []
}

// Whether a licence is due for its post-licence check: 'overdue', 'due' (within 30 days),
// or '' — from next_check_due and today (YYYY-MM-DD strings compare as dates).
export function checkDue(l, today) {
  if (!l || !l.next_check_due || !today) return ''
  if (l.next_check_due < today) return 'overdue'
  const [y, m, d] = today.split('-').map(Number)
  const soon = new Date(Date.UTC(y, m - 1, d + 30)).toISOString().slice(0, 10)
  return l.next_check_due <= soon ? 'due' : ''
}

// A calendar year (GET /calendar/{year}: { year, known, source, days: [{date, kind, name,
// name_en, name_bo}] }) as holidays grouped by name: [{ name, name_en, name_bo, rest: [dates],
// work: [dates] }] in date order.
export function calendarGroups(days) {
  const by = new Map()
  for (const d of [...(days || [])].sort((a, b) => String(a.date).localeCompare(String(b.date)))) {
    const name = d.name || ''
    if (!by.has(name)) by.set(name, { name, name_en: d.name_en || '', name_bo: d.name_bo || '', rest: [], work: [] })
    by.get(name)[d.kind === 'work' ? 'work' : 'rest'].push(d.date)
  }
  return [...by.values()]
}

// Parses the calendar editor's text, one day a line: "2027-01-01 rest 元旦", optionally with
// the English and Tibetan names after bars ("2027-01-01 rest 元旦 | New Year | སྤྱི་ལོ་གསར་པ།").
// Returns { days, errors: [{ line, text }] }; days sorted, one per date.
export function parseCalendarText(text, year) {
  const days = new Map()
  const errors = []
  String(text || '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const m = /^(\d{4}-\d{2}-\d{2})\s+(rest|work)\s+(.+)$/.exec(line)
    if (!m || (year && !m[1].startsWith(String(year) + '-')) || !validDate(m[1])) { errors.push({ line: i + 1, text: line }); return }
    const [name, en, bo] = m[3].split('|').map((x) => x.trim())
    if (!name) { errors.push({ line: i + 1, text: line }); return }
    const day = { date: m[1], kind: m[2], name }
    if (en) day.name_en = en
    if (bo) day.name_bo = bo
    days.set(m[1], day)
  })
  return { days: [...days.values()].sort((a, b) => a.date.localeCompare(b.date)), errors }
}
// A calendar year's days as the editor's text.
export function calendarText(days) {
  return [...(days || [])].sort((a, b) => String(a.date).localeCompare(String(b.date)))
    .map((d) => {
      const names = [d.name || '']
      if (d.name_en || d.name_bo) names.push(d.name_en || '', d.name_bo || '')
      while (names.length > 1 && !names[names.length - 1]) names.pop()
      return `${d.date} ${d.kind} ${names.join(' | ')}`.trim()
    }).join('\n')
}
function validDate(s) {
  const [y, m, d] = s.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

// Rows of a valid-licence count ({ key, label?, count } or { prefecture|category, count })
// sorted by count, largest first, then key.
export function statRows(items) {
  return [...(items || [])].map((r) => ({ ...r, key: String(r.key ?? r.prefecture ?? r.category ?? r.region_code ?? r.code ?? ''),
    count: Number(r.count ?? r.valid ?? r.n ?? 0) }))
    .sort((a, b) => (b.count - a.count) || a.key.localeCompare(b.key))
}

export { todayCST } from './sampling.js'
