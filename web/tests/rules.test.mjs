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
