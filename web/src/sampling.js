// Pure rules of the supervision-sampling pages (docs/design/sampling.md), kept apart from Vue so
// node:test can check them (tests/rules.test.mjs): exact decimal comparison and the preview of
// an item's judgement (the server's judgement is authoritative), the verdict of a sample, the
// objection window, client-side checks of attachments, progress of tasks by prefecture, pass
// rates, and which actions a sample offers to whom.

export const SAMPLE_STATUSES = ['sampled', 'refused', 'testing', 'submitted', 'reviewed', 'approved']
export const SAMPLE_STATUS_TAG = {
  sampled: 'info', refused: 'danger', testing: 'warning', submitted: 'warning', reviewed: 'primary', approved: 'success',
}
export const VERDICTS = ['pass', 'fail']
export const VERDICT_TAG = { pass: 'success', fail: 'danger' }
export const PLAN_STATUSES = ['draft', 'approved', 'closed']
export const PLAN_STATUS_TAG = { draft: 'info', approved: 'success', closed: 'warning' }
export const ANNOUNCEMENT_STATUSES = ['draft', 'approved', 'published']
export const ANNOUNCEMENT_STATUS_TAG = { draft: 'info', approved: 'warning', published: 'success' }
export const FOLLOWUP_STAGES = ['ordered', 'rectified', 'announced', 'suspended', 'closed']
export const OBJECTION_STATUSES = ['filed', 'rejected', 'retesting', 'decided']
export const RULES = ['min', 'max', 'range', 'equals', 'not_detected']
export const STATS_BY = ['prefecture', 'county', 'product', 'category', 'industry', 'quarter']
export const OBJECTION_DAYS = 15
export const ATTACHMENT_KINDS = ['photo', 'form', 'report', 'other']
export const ATTACHMENT_MAX = 10 * 1024 * 1024
// What each kind of attachment may be (content types as the browser reports them): the
// server takes JPEG, PNG and PDF files, and a photo only as JPEG or PNG.
export const ATTACHMENT_TYPES = {
  photo: ['image/jpeg', 'image/png'],
  form: ['application/pdf', 'image/jpeg', 'image/png'],
  report: ['application/pdf', 'image/jpeg', 'image/png'],
  other: ['application/pdf', 'image/jpeg', 'image/png'],
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/

// A decimal text as { sign, int, frac } (no leading zeros in int, no trailing zeros in frac),
// or null when it is not a plain decimal ("1e3", "", "abc" are not).
export function parseDecimal(text) {
  const m = DECIMAL.exec(String(text ?? '').trim())
  if (!m) return null
  const int = m[2].replace(/^0+(?=\d)/, '')
  const frac = (m[3] || '').replace(/0+$/, '')
  const zero = /^0*$/.test(int) && frac === ''
  return { sign: zero ? 1 : m[1] === '-' ? -1 : 1, int, frac }
}

// Compares two decimal texts exactly (never as floating point): -1, 0 or 1; null when either is
// not a decimal.
export function compareDecimal(a, b) {
  const x = parseDecimal(a), y = parseDecimal(b)
  if (!x || !y) return null
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1
  let c = 0
  if (x.int.length !== y.int.length) c = x.int.length < y.int.length ? -1 : 1
  else if (x.int !== y.int) c = x.int < y.int ? -1 : 1
  else {
    const n = Math.max(x.frac.length, y.frac.length)
    const fx = x.frac.padEnd(n, '0'), fy = y.frac.padEnd(n, '0')
    c = fx === fy ? 0 : fx < fy ? -1 : 1
  }
  return c * x.sign
}

// "Not detected" as a lab writes it.
export function isNotDetected(value) {
  const v = String(value ?? '').trim()
  return /^nd$/i.test(v) || v === '未检出' || v === 'མ་རྙེད།'
}

// The judgement of one item's value under its limit ({ rule, lo, hi, expected }): 'pass',
// 'fail', or null when there is no value yet or the value cannot be judged (not a number for
// a numeric rule). "ND" passes a max and not_detected, and fails a min.
export function judgeItem(limit, value) {
  const v = String(value ?? '').trim()
  if (!limit || v === '') return null
  const nd = isNotDetected(v)
  switch (limit.rule) {
    case 'not_detected':
      if (nd) return 'pass'
      return parseDecimal(v) ? 'fail' : null
    case 'max': {
      if (nd) return 'pass'
      const c = compareDecimal(v, limit.hi)
      return c === null ? null : c <= 0 ? 'pass' : 'fail'
    }
    case 'min': {
      if (nd) return 'fail'
      const c = compareDecimal(v, limit.lo)
      return c === null ? null : c >= 0 ? 'pass' : 'fail'
    }
    case 'range': {
      if (nd) return compareDecimal('0', limit.lo) >= 0 ? 'pass' : 'fail'
      const lo = compareDecimal(v, limit.lo), hi = compareDecimal(v, limit.hi)
      if (lo === null || hi === null) return null
      return lo >= 0 && hi <= 0 ? 'pass' : 'fail'
    }
    case 'equals': {
      const e = String(limit.expected ?? '').trim()
      const c = compareDecimal(v, e)
      if (c !== null) return c === 0 ? 'pass' : 'fail'
      return v.toLowerCase() === e.toLowerCase() ? 'pass' : 'fail'
    }
    default:
      return null
  }
}

// A sample's verdict from its items' judgements: 'fail' when any item fails, 'pass' when all
// pass, null while one is missing (or there are none).
export function sampleVerdict(judgements) {
  const list = Array.from(judgements || [])
  if (!list.length) return null
  if (list.some((j) => j === 'fail')) return 'fail'
  return list.every((j) => j === 'pass') ? 'pass' : null
}

// A limit as text: "≤ 0.2", "≥ 80.0", "17.0 – 25.0", "= pass", "ND"; the unit after numbers.
export function limitText(limit, unit) {
  if (!limit) return ''
  const u = unit ? ' ' + unit : ''
  switch (limit.rule) {
    case 'max': return '≤ ' + limit.hi + u
    case 'min': return '≥ ' + limit.lo + u
    case 'range': return limit.lo + ' – ' + limit.hi + u
    case 'equals': return '= ' + (limit.expected ?? '')
    case 'not_detected': return 'ND'
    default: return ''
  }
}

export function addDays(day, n) {
  const [y, m, d] = String(day).split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}
export function daysBetween(from, to) {
  const utc = (s) => { const [y, m, d] = s.split('-').map(Number); return Date.UTC(y, m - 1, d) }
  return Math.round((utc(to) - utc(from)) / 86400000)
}
// Today in China Standard Time (UTC+8), the date the server reckons by.
export function todayCST(now = new Date()) {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

// The objection window of a sample notified on notifiedOn: { until, open, daysLeft } (until is
// the last day an objection may be filed, notified_on + 15), or null before notification.
export function objectionWindow(notifiedOn, today) {
  if (!notifiedOn || !/^\d{4}-\d{2}-\d{2}$/.test(notifiedOn)) return null
  const until = addDays(notifiedOn, OBJECTION_DAYS)
  const left = daysBetween(today, until)
  return { until, open: left >= 0 && today >= notifiedOn, daysLeft: Math.max(0, left) }
}

// Checks a file before upload: null when fine, else { code, max? } ('empty', 'too_large',
// 'type'): its size at most ATTACHMENT_MAX and its type one the kind allows.
export function attachmentProblem(kind, file) {
  if (!file || !file.size) return { code: 'empty' }
  if (file.size > ATTACHMENT_MAX) return { code: 'too_large', max: ATTACHMENT_MAX }
  const allowed = ATTACHMENT_TYPES[kind] || ATTACHMENT_TYPES.other
  const type = file.type || typeFromName(file.name)
  if (!allowed.includes(type)) return { code: 'type' }
  return null
}

// A content type from a file name's extension (browsers sometimes give none).
export function typeFromName(name) {
  const ext = String(name || '').toLowerCase().split('.').pop()
  return { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', pdf: 'application/pdf' }[ext] || ''
}

// The prefecture of a region code (6 digits): its first four and "00".
export function prefectureOf(code) {
  const s = String(code ?? '')
  return s.length === 6 ? s.slice(0, 4) + '00' : s
}

// Tasks summed by prefecture: [{ region_code, planned, sampled, tested, passed, failed }] by
// region code.
export function progressByPrefecture(tasks) {
  const by = new Map()
  for (const t of tasks || []) {
    const k = prefectureOf(t.region_code)
    const p = by.get(k) || { region_code: k, planned: 0, sampled: 0, tested: 0, passed: 0, failed: 0 }
    for (const f of ['planned', 'sampled', 'tested', 'passed', 'failed']) p[f] += Number(t[f]) || 0
    by.set(k, p)
  }
  return [...by.values()].sort((a, b) => a.region_code.localeCompare(b.region_code))
}

// Whole-number percent of done out of total, 0..100 (0 when total is 0).
export function percent(done, total) {
  const d = Number(done) || 0, n = Number(total) || 0
  if (n <= 0) return 0
  return Math.max(0, Math.min(100, Math.floor((d * 100) / n)))
}

// A pass rate of the stats API ("87.3", or passed/samples when absent) as a number, or null.
export function passRate(row) {
  if (!row) return null
  if (row.pass_rate !== null && row.pass_rate !== undefined && row.pass_rate !== '') return Number(row.pass_rate)
  if (!row.samples) return null
  return Math.round((row.passed * 1000) / row.samples) / 10
}

// Failing items ranked: by failed, then fail rate, then code.
export function rankFailing(items) {
  return [...(items || [])].filter((i) => Number(i.failed) > 0).sort((a, b) =>
    (b.failed - a.failed) || (Number(b.fail_rate) - Number(a.fail_rate)) || String(a.item_code).localeCompare(String(b.item_code)))
}

// A catalogue thing's name in a language ({ name_zh, name_bo, name_en } or { name, name_en }),
// Chinese where there is none in the language.
export function nameIn(lang, x) {
  if (!x) return ''
  if (typeof x === 'string') return x
  const zh = x.name_zh || x.name || x.label || x.code || ''
  if (lang === 'bo') return x.name_bo || zh
  if (lang === 'en') return x.name_en || x.label_en || zh
  return zh
}

// The code of a product given as a code or as { code }.
export function codeOf(x) {
  if (x === null || x === undefined) return ''
  return typeof x === 'object' ? String(x.code ?? '') : String(x)
}

// The picks of a drawn draw's result (canonical JSON text or object): [{ credit_code, county,
// inspectors }].
export function drawPicks(result) {
  if (!result) return []
  let r = result
  if (typeof r === 'string') { try { r = JSON.parse(r) } catch { return [] } }
  return Array.isArray(r.picks) ? r.picks : []
}
// The frozen inputs of a draw (canonical JSON text or object), or null.
export function drawInputs(inputs) {
  if (!inputs) return null
  if (typeof inputs === 'string') { try { return JSON.parse(inputs) } catch { return null } }
  return inputs
}

// The actions a sample offers the signed-in account: 'assign' (sampling officer, a sampled
// sample), 'results' and 'submit' (lab, testing), 'review' (lab, submitted, not the analyst),
// 'approve' (sampling:approve, reviewed, neither analyst nor reviewer), 'notify' (officer,
// approved, not yet notified), 'objection' (an enterprise within the window, a failed sample
// without objection), 'followup' (officer, final fail, no follow-up yet).
// perms: { write, approve, lab, enterprise, officer }; login: the account's.
export function sampleActions(s, perms, login, today) {
  const out = []
  if (!s) return out
  const p = perms || {}
  const staff = !p.enterprise
  if (staff && p.officer && p.write && s.status === 'sampled') out.push('assign')
  if (staff && p.lab && p.write && s.status === 'testing') out.push('results', 'submit')
  if (staff && p.lab && p.write && s.status === 'submitted' && s.analyst !== login) out.push('review')
  if (staff && p.approve && s.status === 'reviewed' && s.analyst !== login && s.reviewer !== login) out.push('approve')
  if (staff && p.officer && p.write && s.status === 'approved' && !s.notified_on) out.push('notify')
  const w = objectionWindow(s.notified_on, today)
  if (p.enterprise && s.status === 'approved' && s.verdict === 'fail' && !s.objection && w && w.open) out.push('objection')
  if (staff && p.officer && p.write && s.status === 'approved' && (s.final_verdict || s.verdict) === 'fail' && !s.followup &&
      !(s.objection && ['filed', 'retesting'].includes(s.objection.status))) out.push('followup')
  return out
}

// The deadlines of a follow-up as a timeline: [{ key, due, done, overdue }] in order.
export function followupTimeline(f, today) {
  if (!f) return []
  const row = (key, due, done) => ({ key, due: due || null, done: done || null,
    overdue: !done && !!due && !!today && today > due })
  const out = [row('ordered', f.ordered_on, f.ordered_on), row('rectified', f.rectify_by, f.rectified_on),
    row('recheck', f.recheck_by, f.recheck_on)]
  if (f.recheck_verdict === 'fail' || f.announced_on) {
    out.push(row('announced', null, f.announced_on))
    out.push(row('second', f.second_by, f.second_on))
  }
  return out
}

// A JSON object text in which the members named in intKeys whose values are digit strings are
// written as bare integers. The server's ids are 64-bit (e.g. 540000000000041002), beyond what a
// JavaScript number holds exactly, and its integer fields (task_id, draw_id, retest_lab_id)
// take JSON integers: the digits are copied as they are.
export function jsonWithIntegers(obj, intKeys) {
  const parts = []
  for (const [k, v] of Object.entries(obj || {})) {
    if (v === undefined) continue
    const digits = intKeys.includes(k) && typeof v === 'string' && /^-?\d{1,19}$/.test(v.trim())
    parts.push(JSON.stringify(k) + ':' + (digits ? v.trim().replace(/^(-?)0+(?=\d)/, '$1') : JSON.stringify(v)))
  }
  return '{' + parts.join(',') + '}'
}
