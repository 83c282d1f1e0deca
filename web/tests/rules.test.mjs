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
