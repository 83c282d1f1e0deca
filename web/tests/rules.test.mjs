// Unit tests of the console's pure rules (src/format.js): date conventions per language,
// region names, data scope, code levels and the sign-in return address.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatDateIn, regionNameIn, scopeContains, levelOf, safeNext } from '../src/format.js'

test('calendar dates follow each language', () => {
  assert.equal(formatDateIn('zh-CN', '2026-02-17'), '2026年2月17日')
  assert.equal(formatDateIn('bo', '2026-02-17'), 'སྤྱི་ལོ་2026 ཟླ་2 ཚེས་17')
  assert.equal(formatDateIn('en', '2026-02-17'), '17 Feb 2026')
  // A calendar date is never shifted by the time zone, and never shows a time.
  assert.equal(formatDateIn('en', '2026-12-31', true), '31 Dec 2026')
})

test('timestamps show local time when asked', () => {
  const iso = '2026-11-28T03:01:51Z'
  const d = new Date(iso)
  const hh = String(d.getHours()).padStart(2, '0')
  assert.match(formatDateIn('zh-CN', iso, true), new RegExp(`^${d.getFullYear()}年\\d+月\\d+日 ${hh}:\\d\\d:51$`))
  assert.doesNotMatch(formatDateIn('zh-CN', iso), /:/)
})

test('empty and malformed dates', () => {
  assert.equal(formatDateIn('zh-CN', null), '')
  assert.equal(formatDateIn('zh-CN', ''), '')
  assert.equal(formatDateIn('en', 'not a date'), 'not a date')
})

test('region names fall back to Chinese', () => {
  const lhasa = { name_zh: '拉萨市', name_en: 'Lhasa', name_bo: 'ལྷ་ས་གྲོང་ཁྱེར།' }
  const county = { name_zh: '城关区', name_en: 'Chengguan', name_bo: '' }
  assert.equal(regionNameIn('bo', lhasa), 'ལྷ་ས་གྲོང་ཁྱེར།')
  assert.equal(regionNameIn('bo', county), '城关区')
  assert.equal(regionNameIn('en', county), 'Chengguan')
  assert.equal(regionNameIn('zh-CN', lhasa), '拉萨市')
  assert.equal(regionNameIn('en', null), '')
})

test('data scope: all, ranges, nothing', () => {
  assert.equal(scopeContains({ all: true, ranges: [] }, '542500'), true)
  const lhasa = { all: false, ranges: [[540100, 540199]] }
  assert.equal(scopeContains(lhasa, '540100'), true)
  assert.equal(scopeContains(lhasa, '540102'), true)
  assert.equal(scopeContains(lhasa, '540200'), false)
  assert.equal(scopeContains(lhasa, '540000'), false)
  assert.equal(scopeContains(lhasa, 'x'), false)
  assert.equal(scopeContains({ all: false, ranges: [] }, '540102'), false)
  assert.equal(scopeContains(null, '540102'), false)
})

test('levels of GB/T 2260 codes', () => {
  assert.equal(levelOf('540000'), 'province')
  assert.equal(levelOf('540100'), 'prefecture')
  assert.equal(levelOf('542500'), 'prefecture')
  assert.equal(levelOf('540102'), 'county')
  assert.equal(levelOf(''), 'province')
})

test('the return address after sign-in stays on this site', () => {
  assert.equal(safeNext('/enterprises?q=1'), '/enterprises?q=1')
  assert.equal(safeNext('//evil.example/'), '/')
  assert.equal(safeNext('/\\evil.example'), '/')
  assert.equal(safeNext('https://evil.example/'), '/')
  assert.equal(safeNext(undefined), '/')
  assert.equal(safeNext(['/a', '/b']), '/')
})

test('org units in tree order with depths', async () => {
  const { unitTree } = await import('../src/format.js')
  const units = [
    { code: '540102', name: '城关区局', parent: '540100' },
    { code: '540000', name: '自治区局', parent: null },
    { code: '540100', name: '拉萨市局', parent: '540000' },
    { code: '540200', name: '日喀则市局', parent: '540000' },
    { code: '549001', name: '检验所', parent: '549999' }, // parent not visible: a root
  ]
  assert.deepEqual(unitTree(units).map((u) => [u.code, u.depth]),
    [['540000', 0], ['540100', 1], ['540102', 2], ['540200', 1], ['549001', 0]])
  assert.equal(unitTree(units)[0].label, '自治区局 (540000)')
  assert.deepEqual(unitTree([]), [])
})

// --- Special equipment (src/equipment.js) ------------------------------------------------

import {
  topCategory, paramsOf, categoryNameIn, normalizeCatalogue, categoryOptionsIn, findRule, variantsOf,
  allowedConclusions, gradeOf, dueStatus, dueWords, formatRate, ratePercent, ratesBy, changedFields,
  missingElements, progressPercent, campaignProgress, certStatus, addDays, todayCST, categoryFromDeviceCode,
} from '../src/equipment.js'

// The shape of GET /api/v1/equipment/categories: each category with the default rule that
// applies to it (found by prefix) and the variants that rule's category has.
const CATALOGUE = {
  items: [
    { code: '2000', parent: null, name_zh: '压力容器', name_bo: 'གནོན་ཤུགས་སྣོད་', name_en: 'Pressure vessels', by_batch: false,
      rule: null },
    { code: '2100', parent: '2000', name_zh: '固定式压力容器', name_bo: null, name_en: 'Stationary pressure vessels', by_batch: false,
      rule: { id: '3', category: '21', kind: 'grade', first_months: 36, interval_months: 0,
        conclusions: ['pass', 'conditional', 'fail'], variants: ['nonmetal'] } },
    { code: '2300', parent: '2000', name_zh: '气瓶', name_bo: null, name_en: 'Gas cylinders', by_batch: true,
      rule: { id: '6', category: '23', kind: 'count', first_months: 36, interval_months: 36,
        conclusions: ['pass', 'conditional', 'fail'], variants: ['corrosive', 'inert', 'lpg', 'lpg50'] } },
    { code: '3000', parent: null, name_zh: '电梯', name_bo: 'གློག་སྐས་', name_en: 'Elevators', by_batch: false,
      rule: { id: '12', category: '3', kind: 'age', first_months: 12, interval_months: 12, conclusions: ['pass', 'fail'], variants: [] } },
    { code: '3110', parent: '3000', name_zh: '曳引驱动乘客电梯', name_bo: null, name_en: '', by_batch: false,
      rule: { id: '12', category: '3', kind: 'age', first_months: 12, interval_months: 12, conclusions: ['pass', 'fail'], variants: [] } },
  ],
}

test('the catalogue: one copy of each rule, categories as a tree named per language', () => {
  const { categories, rules } = normalizeCatalogue(CATALOGUE)
  assert.equal(categories.length, 5)
  assert.deepEqual(rules.map((r) => r.category).sort(), ['21', '23', '3'], 'the elevator rule once, by id')
  const bo = categoryOptionsIn('bo', categories)
  assert.deepEqual(bo.map((o) => o.label), ['2000 གནོན་ཤུགས་སྣོད་', '3000 གློག་སྐས་'])
  assert.equal(bo[1].children[0].label, '3110 曳引驱动乘客电梯', 'no Tibetan name: Chinese')
  assert.equal(categoryOptionsIn('en', categories, { codes: false })[1].children[0].label, '曳引驱动乘客电梯',
    'an empty English name falls back to Chinese too')
  const forUnits = categoryOptionsIn('zh-CN', categories, { batches: false })
  assert.equal(forUnits[0].children.find((o) => o.value === '2300').disabled, true, 'cylinders are not registered as units')
  assert.equal(categoryNameIn('en', categories[0]), 'Pressure vessels')
  assert.equal(categoryNameIn('zh-CN', null), '')
  // Rules given as a list of their own are taken too, conclusions written as text.
  const other = normalizeCatalogue({ items: [], rules: [{ id: 1, category: '4', variant: 'molten', kind: 'fixed', conclusions: 'pass,fail' }] })
  assert.deepEqual(other.rules[0].conclusions, ['pass', 'fail'])
})

test('the rule of a unit: longest prefix, then its variant, else the default', () => {
  const rules = [
    { id: 1, category: '2', variant: '', kind: 'fixed', conclusions: ['pass', 'conditional', 'fail'] },
    { id: 2, category: '21', variant: '', kind: 'grade', conclusions: ['pass', 'conditional', 'fail'] },
    { id: 3, category: '21', variant: 'nonmetal', kind: 'grade', conclusions: ['pass', 'fail'] },
    { id: 4, category: '3', variant: '', kind: 'age', conclusions: ['pass', 'fail'], variants: [] },
  ]
  assert.equal(findRule(rules, '2110', '').id, 2)
  assert.equal(findRule(rules, '2110', 'nonmetal').id, 3)
  assert.equal(findRule(rules, '2110', 'unknown').id, 2, 'an unknown variant: the default')
  assert.equal(findRule(rules, '2200', null).id, 1)
  assert.equal(findRule(rules, '9100', ''), null)
  assert.deepEqual(allowedConclusions(rules, '3110', null), ['pass', 'fail'], 'elevators: no conditional')
  assert.deepEqual(allowedConclusions(rules, '2110', 'nonmetal'), ['pass', 'fail'])
  assert.deepEqual(allowedConclusions(rules, '9100', null), ['pass', 'conditional', 'fail'], 'no rule known: all three')
  assert.deepEqual(gradeOf(rules, '2110', ''), { shown: true, required: true })
  assert.deepEqual(gradeOf(rules, '2200', ''), { shown: true, required: false }, 'vessels show a grade')
  assert.deepEqual(gradeOf(rules, '3110', ''), { shown: false, required: false })
  assert.deepEqual(variantsOf(rules, '2110'), ['nonmetal'])
  const { rules: served } = normalizeCatalogue(CATALOGUE)
  assert.deepEqual(variantsOf(served, '2310'), ['corrosive', 'inert', 'lpg', 'lpg50'], 'from the default rule\'s list')
  assert.deepEqual(variantsOf(served, '3110'), [])
})

test('parameters by top-level category', () => {
  assert.equal(topCategory('3110'), '3000')
  assert.equal(topCategory('4D00'), '4000')
  assert.equal(topCategory(''), '')
  assert.deepEqual(paramsOf('1100'), ['capacity_tph', 'pressure_mpa', 'medium'])
  assert.deepEqual(paramsOf('2100'), ['pressure_mpa', 'volume_m3', 'medium', 'vessel_class'])
  assert.deepEqual(paramsOf('3110'), ['speed_mps', 'floors', 'rated_load_kg'])
  assert.deepEqual(paramsOf('4300'), ['lifting_t', 'span_m'])
  assert.deepEqual(paramsOf('8300'), ['length_m', 'pressure_mpa', 'medium'])
  assert.deepEqual(paramsOf('6100'), [])
  const cats = [{ code: '3110' }, { code: '4D00' }]
  assert.equal(categoryFromDeviceCode('311012345202100001', cats), '3110')
  assert.equal(categoryFromDeviceCode('4D0012345202100001', cats), '4D00')
  assert.equal(categoryFromDeviceCode('999912345202100001', cats), '')
  assert.equal(categoryFromDeviceCode('31', cats), '')
})

test('due status from the server\'s overdue and days_to_due', () => {
  const u = (days, extra = {}) => ({ status: 'in_use', next_due: '2026-12-01', days_to_due: days, overdue: days < 0, ...extra })
  assert.equal(dueStatus(u(-1)), 'overdue')
  assert.equal(dueStatus(u(0)), 'soon', 'due today is not overdue yet')
  assert.equal(dueStatus(u(30)), 'soon')
  assert.equal(dueStatus(u(31)), 'ok')
  assert.equal(dueStatus(u(31), 60), 'soon')
  assert.equal(dueStatus(u(5, { status: 'stopped' })), 'none', 'a stopped unit is not due')
  assert.equal(dueStatus({ status: 'in_use', next_due: null, days_to_due: null }), 'none', 'not subject')
  assert.equal(dueStatus(null), 'none')
  assert.deepEqual(dueWords(u(-12)), { key: 'overdueDays', n: 12 })
  assert.deepEqual(dueWords(u(0)), { key: 'today', n: 0 })
  assert.deepEqual(dueWords(u(7)), { key: 'inDays', n: 7 })
  assert.equal(dueWords({ next_due: null, days_to_due: null }), null)
})

test('rates as percentages, a dash where there is nothing to count', () => {
  assert.equal(formatRate({ num: 1, den: 1, rate: 1 }), '100%')
  assert.equal(formatRate({ num: 1931, den: 2000, rate: 0.9655 }), '96.55%')
  assert.equal(formatRate({ num: 1, den: 2, rate: 0.5 }), '50%')
  assert.equal(formatRate({ num: 1, den: 3, rate: 0.3333 }), '33.33%')
  assert.equal(formatRate({ num: 0, den: 7, rate: 0 }), '0%')
  assert.equal(formatRate({ num: 0, den: 0, rate: null }), '—')
  assert.equal(formatRate(undefined), '—')
  assert.equal(ratePercent({ num: 2, den: 3, rate: 0.6667 }), 66.67)
  assert.equal(ratePercent({ num: 0, den: 0, rate: null }), null)
  assert.equal(ratesBy('province'), 'prefecture')
  assert.equal(ratesBy('prefecture'), 'county')
  assert.equal(ratesBy('county'), 'use_unit')
})

test('an edit sends only what changed', () => {
  const original = { name: '1号客梯', region_code: 540102, floors: 12, speed_mps: '1.75', model: null, major_hazard: false }
  const now = { name: '1号客梯', region_code: 540102, floors: 12, speed_mps: '2.5', model: '', major_hazard: true }
  assert.deepEqual(changedFields(original, now, Object.keys(original)), { speed_mps: '2.5', major_hazard: true })
  assert.deepEqual(changedFields(original, { ...original, model: 'TKJ' }, ['model']), { model: 'TKJ' })
  assert.deepEqual(changedFields(original, { ...original, speed_mps: null }, ['speed_mps']), { speed_mps: null }, 'cleared')
  assert.deepEqual(changedFields(original, { ...original, region_code: '540102' }, ['region_code']), {}, 'same code as text')
})

test('closing an accident needs the four elements; campaign progress; certificates', () => {
  assert.deepEqual(missingElements({ cause: '钢丝绳断裂', responsible_handled: ' ', measures_done: '更换', people_educated: null }),
    ['responsible_handled', 'people_educated'])
  assert.deepEqual(missingElements({ cause: 'a', responsible_handled: 'b', measures_done: 'c', people_educated: 'd' }), [])
  assert.equal(missingElements(null).length, 4)
  assert.equal(progressPercent(1, 3), 33)
  assert.equal(progressPercent(3, 3), 100)
  assert.equal(progressPercent(5, 0), 0)
  assert.deepEqual(campaignProgress({ progress: { done: 2, total: 8 } }), { done: 2, total: 8, pct: 25 })
  assert.deepEqual(campaignProgress({ progress: { done: 1, targets: 4 } }), { done: 1, total: 4, pct: 25 })
  assert.equal(campaignProgress({ name: 'x' }), null)
  assert.equal(certStatus(null, '2026-11-28'), 'none')
  assert.equal(certStatus('2026-11-27', '2026-11-28'), 'expired')
  assert.equal(certStatus('2026-11-28', '2026-11-28'), 'expiring')
  assert.equal(certStatus('2027-02-26', '2026-11-28', 90), 'expiring')
  assert.equal(certStatus('2027-02-27', '2026-11-28', 90), 'valid')
  assert.equal(addDays('2026-12-31', 1), '2027-01-01')
  assert.equal(addDays('2024-03-01', -1), '2024-02-29')
  // Today in China Standard Time: 16:30 UTC on 28 November is already the 29th in Lhasa.
  assert.equal(todayCST(new Date('2026-11-28T16:30:00Z')), '2026-11-29')
  assert.equal(todayCST(new Date('2026-11-28T15:59:59Z')), '2026-11-28')
})

test('a catalogue code as the prefix of its subtree, and back', async () => {
  const { categoryPrefix, prefixCode, daysBetween } = await import('../src/equipment.js')
  assert.equal(categoryPrefix('3000'), '3')
  assert.equal(categoryPrefix('3100'), '31')
  assert.equal(categoryPrefix('3110'), '311')
  assert.equal(categoryPrefix('4D00'), '4D')
  assert.equal(categoryPrefix('F000'), 'F')
  assert.equal(categoryPrefix(''), '')
  assert.equal(prefixCode('3'), '3000')
  assert.equal(prefixCode('4D'), '4D00')
  assert.equal(prefixCode('2220'), '2220')
  assert.equal(daysBetween('2026-11-28', '2026-12-01'), 3)
  assert.equal(daysBetween('2026-11-28', '2026-11-20'), -8)
  assert.equal(daysBetween('2026-03-28', '2026-03-30'), 2, 'no daylight-saving hour lost')
})

// --- Supervision sampling (src/sampling.js) ----------------------------------------------
import {
  compareDecimal, parseDecimal, judgeItem, sampleVerdict, limitText, objectionWindow, attachmentProblem,
  progressByPrefecture, percent, passRate, rankFailing, sampleActions, followupTimeline, drawPicks, nameIn,
  ATTACHMENT_MAX, jsonWithIntegers,
} from '../src/sampling.js'

test('decimals compare exactly, not as floating point', () => {
  assert.equal(compareDecimal('0.2', '0.20'), 0)
  assert.equal(compareDecimal('0.21', '0.2'), 1)
  assert.equal(compareDecimal('0.199999999999999999999', '0.2'), -1)
  assert.equal(compareDecimal('0.30000000000000001', '0.3'), 1) // equal as doubles
  assert.equal(compareDecimal('10', '9.99'), 1)
  assert.equal(compareDecimal('-1.5', '-1.25'), -1)
  assert.equal(compareDecimal('-0', '0.000'), 0)
  assert.equal(compareDecimal('007.50', '7.5'), 0)
  assert.equal(compareDecimal('1e3', '1000'), null)
  assert.equal(compareDecimal('', '1'), null)
  assert.equal(parseDecimal('abc'), null)
})

test('an item is judged by its rule', () => {
  const max = { rule: 'max', hi: '0.2' }
  assert.equal(judgeItem(max, '0.2'), 'pass')
  assert.equal(judgeItem(max, '0.20000000000000001'), 'fail')
  assert.equal(judgeItem(max, 'ND'), 'pass')
  assert.equal(judgeItem(max, ''), null)
  assert.equal(judgeItem(max, 'high'), null)
  const min = { rule: 'min', lo: '80.0' }
  assert.equal(judgeItem(min, '80'), 'pass')
  assert.equal(judgeItem(min, '79.99'), 'fail')
  assert.equal(judgeItem(min, 'nd'), 'fail')
  const range = { rule: 'range', lo: '6.5', hi: '8.5' }
  assert.equal(judgeItem(range, '6.5'), 'pass')
  assert.equal(judgeItem(range, '8.50'), 'pass')
  assert.equal(judgeItem(range, '8.51'), 'fail')
  assert.equal(judgeItem(range, '6.49'), 'fail')
  const eq = { rule: 'equals', expected: 'pass' }
  assert.equal(judgeItem(eq, 'pass'), 'pass')
  assert.equal(judgeItem(eq, 'PASS'), 'pass')
  assert.equal(judgeItem(eq, 'fail'), 'fail')
  assert.equal(judgeItem({ rule: 'equals', expected: '1.0' }, '1'), 'pass')
  const nd = { rule: 'not_detected' }
  assert.equal(judgeItem(nd, 'ND'), 'pass')
  assert.equal(judgeItem(nd, '未检出'), 'pass')
  assert.equal(judgeItem(nd, '0.01'), 'fail')
  assert.equal(judgeItem(nd, 'x'), null)
  assert.equal(judgeItem({ rule: 'other' }, '1'), null)
})

test('a sample fails when any item fails, passes when all pass', () => {
  assert.equal(sampleVerdict(['pass', 'pass']), 'pass')
  assert.equal(sampleVerdict(['pass', 'fail', null]), 'fail')
  assert.equal(sampleVerdict(['pass', null]), null)
  assert.equal(sampleVerdict([]), null)
})

test('limits as text', () => {
  assert.equal(limitText({ rule: 'max', hi: '0.2' }, 'mg/kg'), '≤ 0.2 mg/kg')
  assert.equal(limitText({ rule: 'min', lo: '80.0' }), '≥ 80.0')
  assert.equal(limitText({ rule: 'range', lo: '1', hi: '2' }, 'g'), '1 – 2 g')
  assert.equal(limitText({ rule: 'equals', expected: 'pass' }), '= pass')
  assert.equal(limitText({ rule: 'not_detected' }), 'ND')
})

test('the objection window is 15 days from notification', () => {
  assert.equal(objectionWindow(null, '2026-03-01'), null)
  assert.deepEqual(objectionWindow('2026-03-01', '2026-03-01'), { until: '2026-03-16', open: true, daysLeft: 15 })
  assert.deepEqual(objectionWindow('2026-03-01', '2026-03-16'), { until: '2026-03-16', open: true, daysLeft: 0 })
  assert.deepEqual(objectionWindow('2026-03-01', '2026-03-17'), { until: '2026-03-16', open: false, daysLeft: 0 })
  assert.equal(objectionWindow('2026-02-20', '2026-03-02').until, '2026-03-07') // across February
})

test('attachments are checked for size and type before upload', () => {
  assert.equal(attachmentProblem('photo', { size: 1000, type: 'image/jpeg', name: 'a.jpg' }), null)
  assert.equal(attachmentProblem('photo', { size: 1000, type: '', name: 'a.PNG' }), null)
  assert.deepEqual(attachmentProblem('photo', { size: 1000, type: 'application/pdf', name: 'a.pdf' }), { code: 'type' })
  assert.equal(attachmentProblem('form', { size: 1000, type: 'application/pdf', name: 'a.pdf' }), null)
  assert.deepEqual(attachmentProblem('form', { size: ATTACHMENT_MAX + 1, type: 'application/pdf' }),
    { code: 'too_large', max: ATTACHMENT_MAX })
  assert.deepEqual(attachmentProblem('photo', { size: 0, type: 'image/png' }), { code: 'empty' })
})

test('task progress sums by prefecture', () => {
  const p = progressByPrefecture([
    { region_code: 540102, planned: 5, sampled: 3 }, { region_code: '540103', planned: 2, sampled: 2 },
    { region_code: 540221, planned: 4, sampled: 0 },
  ])
  assert.deepEqual(p.map((x) => [x.region_code, x.planned, x.sampled]), [['540100', 7, 5], ['540200', 4, 0]])
  assert.equal(percent(5, 7), 71)
  assert.equal(percent(3, 0), 0)
  assert.equal(percent(9, 7), 100)
})

test('pass rates and failing items ranked', () => {
  assert.equal(passRate({ pass_rate: '87.3', samples: 10, passed: 1 }), 87.3)
  assert.equal(passRate({ samples: 3, passed: 2 }), 66.7)
  assert.equal(passRate({ samples: 0, passed: 0 }), null)
  const r = rankFailing([{ item_code: 'A', failed: 2, fail_rate: '1.0' }, { item_code: 'B', failed: 0 },
    { item_code: 'C', failed: 2, fail_rate: '5.0' }, { item_code: 'D', failed: 7, fail_rate: '0.1' }])
  assert.deepEqual(r.map((x) => x.item_code), ['D', 'C', 'A'])
})

test('what a sample offers to whom', () => {
  const officer = { write: true, officer: true }
  const lab = { write: true, approve: true, lab: true }
  const firm = { write: true, enterprise: true }
  assert.deepEqual(sampleActions({ status: 'sampled' }, officer, 'sampling', '2026-03-01'), ['assign'])
  assert.deepEqual(sampleActions({ status: 'testing' }, lab, 'lab1'), ['results', 'submit'])
  assert.deepEqual(sampleActions({ status: 'submitted', analyst: 'lab1' }, lab, 'lab1'), [])
  assert.deepEqual(sampleActions({ status: 'submitted', analyst: 'lab1' }, lab, 'lab2'), ['review'])
  assert.deepEqual(sampleActions({ status: 'reviewed', analyst: 'lab1', reviewer: 'lab2' }, lab, 'lab2'), [])
  assert.deepEqual(sampleActions({ status: 'reviewed', analyst: 'lab1', reviewer: 'lab2' }, lab, 'lab3'), ['approve'])
  const failed = { status: 'approved', verdict: 'fail', final_verdict: 'fail', notified_on: '2026-03-01' }
  assert.deepEqual(sampleActions(failed, firm, 'firm', '2026-03-10'), ['objection'])
  assert.deepEqual(sampleActions(failed, firm, 'firm', '2026-03-17'), [])
  assert.deepEqual(sampleActions({ ...failed, objection: { status: 'filed' } }, firm, 'firm', '2026-03-10'), [])
  assert.deepEqual(sampleActions(failed, officer, 'sampling', '2026-03-10'), ['followup'])
  assert.deepEqual(sampleActions({ ...failed, notified_on: null }, officer, 'sampling', '2026-03-10'), ['notify', 'followup'])
  assert.deepEqual(sampleActions({ status: 'approved', verdict: 'pass', final_verdict: 'pass', notified_on: '2026-03-01' },
    firm, 'firm', '2026-03-02'), [])
})

test('follow-up deadlines and draw picks', () => {
  const f = { ordered_on: '2026-01-01', rectify_by: '2026-03-02', recheck_by: '2026-03-17', rectified_on: '2026-02-01' }
  const tl = followupTimeline(f, '2026-03-20')
  assert.deepEqual(tl.map((x) => [x.key, x.overdue]), [['ordered', false], ['rectified', false], ['recheck', true]])
  assert.equal(followupTimeline({ ...f, recheck_verdict: 'fail', recheck_on: '2026-03-10' }, '2026-03-20').length, 5)
  assert.deepEqual(drawPicks('{"picks":[{"credit_code":"X","county":540102,"inspectors":["a"]}]}'),
    [{ credit_code: 'X', county: 540102, inspectors: ['a'] }])
  assert.deepEqual(drawPicks('not json'), [])
  assert.equal(nameIn('en', { name_zh: '糌粑', name_en: 'Tsampa' }), 'Tsampa')
  assert.equal(nameIn('bo', { name_zh: '糌粑', name_bo: null }), '糌粑')
})

test('64-bit ids go into JSON as integers, digit for digit', () => {
  const text = jsonWithIntegers({ task_id: '540000000000041002', draw_id: '007', brand: '123', n: 2, skip: undefined }, ['task_id', 'draw_id'])
  assert.equal(text, '{"task_id":540000000000041002,"draw_id":7,"brand":"123","n":2}')
  assert.equal(JSON.parse(text).task_id, 540000000000041000) // what a JS number would have sent
  assert.equal(jsonWithIntegers({ task_id: '12a' }, ['task_id']), '{"task_id":"12a"}')
  assert.equal(jsonWithIntegers({ task_id: '  42 ' }, ['task_id']), '{"task_id":42}')
})

// --- Licensing (src/licensing.js) ------------------------------------------------------
import {
  urgency, compareUrgency, deadlineMessage, pauseReasonKey, actionFields, actionBody, offeredActions, isGrave, editable,
  applicationProblems, applicationBody, applicationPatch, categoryCodes, attachmentProblem as lcAttachmentProblem,
  missingAttachments, licenceStatus, licenceActions, checkDue, calendarGroups, parseCalendarText, calendarText, statRows,
  nameOf, stateOf,
} from '../src/licensing.js'

test('licensing: urgency of a case from the engine state', () => {
  assert.equal(urgency(null), 'none')
  assert.equal(urgency({ step: 'draft' }), 'none')
  assert.equal(urgency({ step: 'issued', closed: 1, deadline: '2026-03-02' }), 'closed')
  assert.equal(urgency({ step: 'refused', deadline: '2026-03-02', days_left: 3 }), 'closed')
  // A stopped clock outranks the count: it is paused even with few days left or past due.
  assert.equal(urgency({ step: 'review_supplementing', paused: true, deadline: '2026-03-02', days_left: 1, overdue: false }), 'paused')
  assert.equal(urgency({ step: 'review', deadline: '2026-03-02', days_left: -2, overdue: true }), 'overdue')
  assert.equal(urgency({ step: 'review', deadline: '2026-03-02', days_left: 2 }), 'due')
  assert.equal(urgency({ step: 'review', deadline: '2026-03-02', days_left: 0 }), 'due')
  assert.equal(urgency({ step: 'review', deadline: '2026-03-20', days_left: 3 }), 'running')
})

test('licensing: the queue by urgency', () => {
  const row = (id, state) => ({ id, state })
  const rows = [
    row('5', { step: 'review', deadline: '2026-04-01', days_left: 12 }),
    row('4', { step: 'onsite_scheduling', paused: true, pause_reason: 'onsite_scheduling', deadline: '2026-03-10', days_left: 4 }),
    row('3', { step: 'review', deadline: '2026-03-05', days_left: -1, overdue: true }),
    row('2', { step: 'submitted', deadline: '2026-03-03', days_left: 1 }),
    row('1', { step: 'review', deadline: '2026-02-27', days_left: -4, overdue: true }),
    { id: '6', step: 'decision_pending', deadline: '2026-03-09', days_left: 5 }, // a flat queue row
  ]
  assert.deepEqual([...rows].sort(compareUrgency).map((r) => r.id), ['1', '3', '2', '6', '5', '4'])
  // The state of a queue row, a case (flat, or under "state") and an application.
  assert.equal(stateOf(rows[5]).step, 'decision_pending')
  assert.equal(stateOf({ state: { step: 'review' } }).step, 'review')
  assert.equal(stateOf({ status: 'review', case: { step: 'review', days_left: 12 } }).days_left, 12)
  assert.deepEqual(stateOf({ status: 'draft', case: null }), { step: 'draft' })
  assert.equal(stateOf(null), null)
})

test('licensing: the deadline as a message', () => {
  assert.equal(deadlineMessage({ step: 'draft' }), null)
  assert.equal(deadlineMessage({ step: 'issued', closed: true }), null)
  assert.deepEqual(deadlineMessage({ step: 'review', deadline: '2026-03-20', days_left: 7 }),
    { key: 'licensing.deadline.left', params: { n: 7 } })
  assert.deepEqual(deadlineMessage({ step: 'review', deadline: '2026-03-20', days_left: 0 }),
    { key: 'licensing.deadline.today', params: {} })
  assert.deepEqual(deadlineMessage({ step: 'review', deadline: '2026-03-20', days_left: -3, overdue: true }),
    { key: 'licensing.deadline.overdue', params: { n: 3 } })
  assert.deepEqual(deadlineMessage({ step: 'review_supplementing', paused: true, pause_reason: 'supplement', deadline: '2026-03-20', days_left: 14 }),
    { key: 'licensing.deadline.paused', params: { reason: 'licensing.pauseReasons.supplement', n: 14 } })
  assert.equal(pauseReasonKey('testing'), 'licensing.pauseReasons.testing')
  assert.equal(pauseReasonKey('weather'), 'licensing.pauseReasons.other')
})

test('licensing: the form each action needs', () => {
  assert.deepEqual(actionFields('notify_missing'), [{ name: 'missing', required: true }, { name: 'note', required: false }])
  assert.deepEqual(actionFields('record_onsite').map((f) => f.name), ['onsite_on', 'onsite_team', 'onsite_findings', 'onsite_result', 'note'])
  assert.ok(actionFields('record_onsite').slice(0, 4).every((f) => f.required))
  assert.deepEqual(actionFields('refuse'), [{ name: 'decision_reason', required: true }, { name: 'note', required: false }])
  assert.deepEqual(actionFields('extend'), [{ name: 'note', required: true }])
  assert.deepEqual(actionFields('accept'), [{ name: 'note', required: false }])
  // The body: trimmed, empty optional fields left out, required ones reported.
  assert.deepEqual(actionBody('notify_missing', { missing: '  营业执照复印件\n', note: ' ' }),
    { body: { missing: '营业执照复印件' }, missing: [] })
  assert.deepEqual(actionBody('record_onsite', { onsite_on: '2026-03-04', onsite_team: '张三、李四', onsite_findings: '', onsite_result: 'pass' }),
    { body: { onsite_on: '2026-03-04', onsite_team: '张三、李四', onsite_result: 'pass' }, missing: ['onsite_findings'] })
  assert.deepEqual(actionBody('extend', {}).missing, ['note'])
  assert.equal(isGrave('refuse'), true)
  assert.equal(isGrave('accept'), false)
})

test('licensing: who is offered which action', () => {
  const actions = [{ action: 'supplement', by: 'applicant' }, { action: 'accept', by: 'licensing.write' },
    { action: 'grant', by: 'licensing.approve' }, { code: 'extend' }]
  const codes = (p) => offeredActions(actions, p).map((a) => a.code)
  assert.deepEqual(codes({ enterprise: true, write: true }), ['supplement', 'extend'])
  assert.deepEqual(codes({ write: true }), ['accept', 'extend'])
  assert.deepEqual(codes({ approve: true }), ['grant', 'extend'])
  assert.deepEqual(codes({ write: true, approve: true }), ['accept', 'grant', 'extend'])
  assert.deepEqual(offeredActions(null, {}), [])
})

test('licensing: application forms', () => {
  assert.equal(editable({ status: 'draft' }), true)
  assert.equal(editable({ status: 'supplementing' }), true)
  assert.equal(editable({ status: 'review' }), false)
  assert.deepEqual(categoryCodes('103,101, 101'), ['101', '103'])
  assert.deepEqual(categoryCodes([{ code: '2' }, '1']), ['1', '2'])
  assert.deepEqual(applicationProblems({ kind: 'food', purpose: 'new', categories: [], scope_text: ' ', site_address: 'x', legal_rep: 'y' }),
    ['categories', 'scope_text'])
  assert.deepEqual(applicationProblems({ kind: 'food', purpose: 'renewal', categories: ['101'], scope_text: 's', site_address: 'x', legal_rep: 'y' }),
    ['licence_no'])
  const form = { kind: 'food', purpose: 'new', licence_no: 'SC10154010200017', categories: ['103', '101'], scope_text: ' 糌粑 ', site_address: '拉萨',
    legal_rep: '扎西', contact: '', phone: '0891', reason: '' }
  assert.deepEqual(applicationBody(form), { kind: 'food', purpose: 'new', categories: ['101', '103'], scope_text: '糌粑',
    site_address: '拉萨', legal_rep: '扎西', phone: '0891' })
  const original = { ...form, categories: '101,103', scope_text: '糌粑' }
  assert.deepEqual(applicationPatch(original, { ...form, scope_text: '糌粑、青稞饼', contact: '卓玛' }),
    { scope_text: '糌粑、青稞饼', contact: '卓玛' })
  assert.deepEqual(applicationPatch(original, { ...form, phone: '' }), { phone: null })
  assert.deepEqual(applicationPatch(original, form), {})
})

test('licensing: attachments checked before upload, required kinds still missing', () => {
  assert.deepEqual(lcAttachmentProblem({ size: 0, name: 'a.pdf' }), { code: 'empty' })
  assert.deepEqual(lcAttachmentProblem({ size: 11 * 1024 * 1024, type: 'application/pdf' }), { code: 'too_large' })
  assert.deepEqual(lcAttachmentProblem({ size: 10, type: 'text/plain', name: 'a.txt' }), { code: 'type' })
  assert.equal(lcAttachmentProblem({ size: 10, type: '', name: 'plan.PNG' }), null)
  assert.deepEqual(missingAttachments(['business_licence', 'site_plan'], [{ kind: 'site_plan' }]), ['business_licence'])
  assert.deepEqual(missingAttachments(undefined, []), [])
})

test('licensing: licence status, its actions and post-licence checks', () => {
  const l = { status: 'valid', valid_until: '2031-03-01', next_check_due: '2027-03-01' }
  assert.equal(licenceStatus(l, '2026-03-01'), 'valid')
  assert.equal(licenceStatus(l, '2031-03-02'), 'expired')
  assert.deepEqual(licenceActions(l, '2026-03-01'), ['suspend', 'revoke'])
  assert.deepEqual(licenceActions({ ...l, status: 'suspended' }, '2026-03-01'), ['restore', 'revoke'])
  assert.deepEqual(licenceActions({ ...l, status: 'revoked' }, '2026-03-01'), [])
  assert.deepEqual(licenceActions(l, '2031-03-02'), [])
  assert.equal(checkDue(l, '2026-03-01'), '')
  assert.equal(checkDue(l, '2027-01-30'), 'due')
  assert.equal(checkDue(l, '2027-03-01'), 'due')
  assert.equal(checkDue(l, '2027-03-02'), 'overdue')
})

test('licensing: the calendar editor', () => {
  const text = '# 2027\n2027-02-06 rest 春节\n2027-01-31 work 春节\n\n2027-01-01 rest 元旦\n2027-02-06 rest 春节\n2026-10-01 rest 国庆节\n2027-02-30 rest 春节\nbad line'
  const { days, errors } = parseCalendarText(text, 2027)
  assert.deepEqual(days.map((d) => d.date), ['2027-01-01', '2027-01-31', '2027-02-06'])
  assert.deepEqual(errors.map((e) => e.line), [7, 8, 9]) // another year, no such date, not a day
  assert.deepEqual(calendarGroups(days), [
    { name: '元旦', name_en: '', name_bo: '', rest: ['2027-01-01'], work: [] },
    { name: '春节', name_en: '', name_bo: '', rest: ['2027-02-06'], work: ['2027-01-31'] },
  ])
  assert.equal(calendarText(days), '2027-01-01 rest 元旦\n2027-01-31 work 春节\n2027-02-06 rest 春节')
  assert.deepEqual(parseCalendarText(calendarText(days), 2027).days, days)
  // English and Tibetan names after bars, kept through the text and back.
  const named = parseCalendarText('2027-10-01 rest 国庆节 | National Day | རྒྱལ་ཁབ་ཀྱི་དུས་ཆེན།\n2027-10-09 work 国庆节 | National Day', 2027).days
  assert.deepEqual(named[0], { date: '2027-10-01', kind: 'rest', name: '国庆节', name_en: 'National Day', name_bo: 'རྒྱལ་ཁབ་ཀྱི་དུས་ཆེན།' })
  assert.deepEqual(named[1], { date: '2027-10-09', kind: 'work', name: '国庆节', name_en: 'National Day' })
  assert.deepEqual(parseCalendarText(calendarText(named), 2027).days, named)
  assert.equal(calendarGroups(named)[0].name_en, 'National Day')
})

test('licensing: names and counts', () => {
  assert.equal(nameOf('bo', { zh: '受理', bo: 'དང་ལེན།', en: 'Accept' }), 'དང་ལེན།')
  assert.equal(nameOf('en', { name_zh: '糕点', name_en: '' }), '糕点')
  assert.deepEqual(statRows([{ key: '540200', count: 3 }, { prefecture: '540100', count: 7 }, { key: '540500', count: 3 }])
    .map((r) => [r.key, r.count]), [['540100', 7], ['540200', 3], ['540500', 3]])
})

// --- List pages (src/lists.js) -----------------------------------------------------------
import { fromQuery, compact, startRegion, searchQuery } from '../src/lists.js'

test('lists: filters from the URL are text values, and only allowed ones', () => {
  assert.equal(fromQuery({ kind: 'food' }, 'kind', ['food', 'industrial']), 'food')
  assert.equal(fromQuery({ kind: 'drugs' }, 'kind', ['food', 'industrial']), '', 'not an allowed value')
  assert.equal(fromQuery({ kind: ['food', 'food'] }, 'kind'), '', 'a repeated parameter is not text')
  assert.equal(fromQuery({}, 'q'), '')
})

test('lists: a query object drops empty values and keeps the rest as text', () => {
  assert.deepEqual(compact({ q: '', region: '5400', mine: 1, no: null, none: undefined, off: false }),
    { region: '5400', mine: '1', off: 'false' })
})

test('lists: a page starts in the URL region, else the header one, else none', () => {
  assert.equal(startRegion({ region: '540102' }, '5401'), '540102', 'a drill-down wins')
  assert.equal(startRegion({}, '5401'), '5401')
  assert.equal(startRegion({}, null), '')
  assert.equal(startRegion({ region: '540102' }, '5401', false), '', 'no region filter on this page')
})

test('lists: a search keeps the region in the URL only when it is not the header one', () => {
  assert.deepEqual(searchQuery({ region: '5401', kind: 'food' }, '5401'), { kind: 'food' })
  assert.deepEqual(searchQuery({ region: '540102', kind: 'food' }, '5401'), { region: '540102', kind: 'food' })
  const params = { region: '5401' }
  searchQuery(params, '5401')
  assert.deepEqual(params, { region: '5401' }, 'the given filters are not changed')
})
