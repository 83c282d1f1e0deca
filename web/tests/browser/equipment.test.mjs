// The special-equipment pages: registering a unit through the form (the parameters of its
// category only), recording an inspection through the dialog (the conclusions its rule allows)
// and seeing the unit's next due date change on the page; the four-rates page with its figures,
// chart and drill-down to use units; closing an accident with one of the four elements missing,
// refused beside that field; and screenshots of every equipment page in the three languages.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  useSuite, login, input, waitForLoaded, screenshot, creditCode, uniqueName, msg, menuTexts, WEB, TEST_TIMEOUT,
} from './harness.mjs'

const OFFICER = 'eqlhasa' // an equipment officer of the Lhasa bureau (540100)
let useUnit // { credit_code, name }: an enterprise of Chengguan district (540102)
let sampleUnit // a unit registered through the API, for the tour
let accidentId

const S = useSuite({
  async setup(S) {
    await S.server.createAccount({ login: OFFICER, unit: '540100', roles: ['equipment_officer'], displayName: '拉萨市局特种设备监察员' })
    const admin = await S.server.client('admin')
    useUnit = { credit_code: creditCode({ region: '540102' }), name: uniqueName('拉萨城关电梯使用单位') }
    await admin.createEnterprise({ ...useUnit, region_code: 540102, industry: 'K', status: 'active' })
    const officer = await S.server.client(OFFICER)
    sampleUnit = {
      device_code: deviceCode('3110'), reg_code: regCode('3110'), reg_cert_no: '梯11藏A00001', registered_on: '2019-07-01',
      category: '3110', name: '布达拉宫广场商场 1 号客梯', model: 'TKJ1000/1.75-JXW', use_unit: useUnit.credit_code,
      region_code: 540102, location: '拉萨市城关区北京中路 1 号', manufacturer: '通力电梯有限公司', manufactured_on: '2019-03-01',
      installer: '西藏电梯安装有限公司', maintainer: '西藏电梯维保有限公司', institution: '西藏自治区特种设备检验研究院',
      commissioned_on: '2019-06-20', status: 'in_use', speed_mps: '1.75', floors: 12, rated_load_kg: 1000,
    }
    const r = await officer.post('/api/v1/equipment/units', sampleUnit)
    assert.equal(r.status, 201, 'registering a unit through the API: ' + r.text)
    const ins = await officer.post(`/api/v1/equipment/units/${sampleUnit.device_code}/inspections`, {
      kind: 'periodic', institution: sampleUnit.institution, inspector: '次仁', inspected_on: '2023-06-10', conclusion: 'pass',
      report_no: 'XZTJ-2023-0610', defects: [{ description: '轿厢应急照明不亮', deadline: '2023-07-10' }],
    })
    assert.equal(ins.status, 201, 'recording an inspection through the API: ' + ins.text)
    const acc = await officer.post('/api/v1/equipment/accidents', {
      device_code: sampleUnit.device_code, use_unit: useUnit.credit_code, category: '3110',
      occurred_on: '2026-03-02', reported_on: '2026-03-02', level: 'general', deaths: 0, injuries: 1, loss_yuan: 20000,
      summary: '乘客在轿厢门关闭时被夹伤手臂',
    })
    if (acc.status === 201) accidentId = acc.json.id ?? acc.json.accident?.id
    else console.error('creating an accident through the API: ' + acc.status + ' ' + acc.text)
  },
})

let serial = Math.floor(Math.random() * 90000)
// A device code of a variety: variety + manufacturer + year + serial (18 characters).
function deviceCode(variety, year = '2019') {
  serial = (serial + 1) % 100000
  return variety + '12345' + year + String(serial).padStart(5, '0')
}
// A use-registration code: category + the registering office (Chengguan) + YYYYMM + sequence.
function regCode(category) {
  serial = (serial + 1) % 100000
  return category + '540102' + '201907' + String(serial % 10000).padStart(4, '0')
}

// Picks an option of an Element Plus select (the dropdown is teleported to <body>).
async function pickOption(page, field, text) {
  await page.locator(`[data-field="${field}"] .el-select__wrapper, [data-field="${field}"] .el-select`).first().click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click()
  await page.locator('.el-select-dropdown:visible').first().waitFor({ state: 'hidden' }).catch(() => {})
}

// Picks an entry of a filterable cascader of a form field by typing its name.
async function pickCascader(page, field, typed, label = typed) {
  const box = page.locator(`[data-field=${field}] .el-cascader`)
  await box.click()
  await box.locator('input').first().fill(typed)
  await page.locator('.el-cascader__suggestion-item:visible', { hasText: label }).first().click()
  await page.waitForFunction(([f, n]) => {
    const i = document.querySelector(`[data-field=${f}] input`)
    return i && i.value.includes(n)
  }, [field, label])
}

// Types a date into a date picker of a form field.
async function fillDate(page, field, value) {
  const i = page.locator(`[data-field="${field}"] input`).first()
  await i.click()
  await i.fill(value)
  await i.press('Enter')
  await page.locator('.el-picker__popper:visible').first().waitFor({ state: 'hidden' }).catch(() => {})
}

function fieldError(page, field) {
  return page.locator(`[data-field="${field}"] .el-form-item__error`)
}

// Clicks save and waits for the unit's page; if the form shows errors instead, fails with them.
async function saveAndOpen(page, code) {
  await page.locator('[data-test=save]').click()
  const opened = page.waitForURL((u) => u.pathname === '/equipment/' + code).then(() => 'opened')
  const refused = page.locator('[data-test=form-error]').waitFor().then(() => 'refused')
  const how = await Promise.race([opened, refused])
  opened.catch(() => {})
  refused.catch(() => {})
  if (how === 'refused') {
    const errs = await page.locator('.el-form-item.is-error').evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-field')}: ${e.querySelector('.el-form-item__error')?.textContent.trim()}`))
    assert.fail(`saving ${code} was refused: ${await page.locator('[data-test=form-error]').innerText()}; ${errs.join('; ')}`)
  }
}

test('the equipment menu shows for an equipment officer', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, OFFICER, S.pw[OFFICER])
  const texts = await menuTexts(page)
  for (const key of ['menu.equipment', 'menu.equipmentList', 'menu.equipmentNew', 'menu.equipmentDue', 'menu.equipmentRates',
    'menu.equipmentOperators', 'menu.equipmentAccidents', 'menu.equipmentCampaigns']) {
    // Group titles carry an icon before the label.
    assert.ok(texts.some((x) => x.endsWith(msg('zh-CN', key))), `menu has ${key}: ${texts.join(' | ')}`)
  }
  assert.ok(!texts.some((x) => x.endsWith(msg('zh-CN', 'menu.system'))), 'no administration')
  // An account without equipment:read has no such menu.
  const other = await S.page()
  await login(other, 'lhasa', S.pw.lhasa)
  const theirs = await menuTexts(other)
  assert.ok(theirs.some((x) => x.endsWith(msg('zh-CN', 'menu.enterprises'))), theirs.join(' | '))
  assert.ok(!theirs.some((x) => x.endsWith(msg('zh-CN', 'menu.equipment'))), 'a registry officer sees no equipment menu')
  page.log.assertClean('the menu')
})

test('a unit registered through the form; an inspection recorded through the dialog moves its next due date on the page', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, OFFICER, S.pw[OFFICER])
  await page.goto('/equipment/new')
  await page.locator('[data-test=unit-form]').waitFor()
  await waitForLoaded(page)

  const code = deviceCode('3110', '2020')
  const name = uniqueName('表单登记客梯')
  await input(page, 'field-device_code').fill(code)
  await input(page, 'field-name').click() // leaving the device code proposes its category
  await page.waitForFunction(() => document.querySelector('[data-field=category] input')?.value.includes('曳引驱动乘客电梯'))
  // The elevator's parameters are offered, a boiler's are not.
  await page.locator('[data-field=speed_mps]').waitFor()
  assert.equal(await page.locator('[data-field=capacity_tph]').count(), 0, 'no boiler parameter for an elevator')
  // Choosing another category changes the parameters offered.
  await pickCascader(page, 'category', '塔式起重机')
  await page.locator('[data-field=lifting_t]').waitFor()
  assert.equal(await page.locator('[data-field=speed_mps]').count(), 0, 'no elevator parameter for a crane')
  await pickCascader(page, 'category', '曳引驱动乘客电梯')
  await page.locator('[data-field=speed_mps]').waitFor()

  await input(page, 'field-name').fill(name)
  await input(page, 'field-model').fill('TKJ800/1.5')
  await input(page, 'field-use_unit').fill(useUnit.credit_code)
  await input(page, 'field-location').click()
  await page.locator('[data-test=use-unit-name]', { hasText: useUnit.name }).waitFor()
  await page.locator('.el-autocomplete__popper:visible').first().waitFor({ state: 'hidden' }).catch(() => {})
  // The use unit's region is proposed; the cascader shows Chengguan.
  await page.waitForFunction(() => document.querySelector('[data-field=region_code] input')?.value.includes('城关区'))
  await input(page, 'field-location').fill('拉萨市城关区宇拓路 2 号')
  await input(page, 'field-institution').fill('西藏自治区特种设备检验研究院')
  await fillDate(page, 'manufactured_on', '2020-03-01')
  await fillDate(page, 'commissioned_on', '2020-06-01')
  await input(page, 'field-speed_mps').fill('1.5')
  await input(page, 'field-floors').fill('9')
  await input(page, 'field-rated_load_kg').fill('800')

  const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/equipment/units') && r.request().method() === 'POST')
  await saveAndOpen(page, code)
  const body = (await posted).request().postDataJSON()
  assert.equal(body.category, '3110')
  assert.equal(body.speed_mps, '1.5', 'a nameplate decimal travels as text')
  assert.equal(body.floors, 9)
  assert.equal(body.region_code, 540102)
  for (const f of ['capacity_tph', 'lifting_t', 'volume_m3']) assert.ok(!(f in body), `${f} is not sent for an elevator`)

  // The unit's page: never inspected since 2020-06-01, its first inspection (year 1) is overdue.
  const detail = page.locator('[data-test=unit-detail]')
  await detail.waitFor()
  await waitForLoaded(page)
  assert.ok((await detail.innerText()).includes(name))
  const due = page.locator('[data-test=next-due]')
  const before = await due.getAttribute('data-next-due')
  assert.equal(before, '2021-06-01', 'an elevator is first due a year after it was put into use')
  assert.match(await due.innerText(), /2021年6月1日/)
  await page.locator('[data-test=overdue-alert]').waitFor()
  assert.equal(await page.locator('[data-test=due-cell]').first().getAttribute('data-due'), 'overdue')

  // Record an inspection: an elevator passes or fails (its rule has no conditional pass).
  await page.locator('[data-test=inspection-new]').click()
  const dialog = page.locator('[data-test=inspection-dialog]')
  await dialog.waitFor()
  const conclusions = await dialog.locator('[data-conclusion]').evaluateAll((els) => els.map((e) => e.getAttribute('data-conclusion')))
  assert.deepEqual(conclusions, ['pass', 'fail'], 'only the conclusions of the elevator rule')
  assert.equal(await dialog.locator('[data-test=inspection-grade]').count(), 0, 'no safety grade for an elevator')
  await input(page, 'inspection-inspector').fill('扎西顿珠')
  await input(page, 'inspection-report').fill('XZTJ-DT-' + code.slice(-5))
  await dialog.locator('[data-test=defect-add]').click()
  await input(page, 'defect-text-0').fill('底坑有积水')
  await screenshot(page, 'zh-CN-equipment-inspection-dialog')
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/equipment/units/${code}/inspections`) && r.request().method() === 'POST')
  await dialog.locator('[data-test=inspection-save]').click()
  const res = await answer
  const saved = await res.json()
  assert.equal(res.status(), 201, 'recording the inspection: ' + JSON.stringify(saved))
  const after = saved.unit.next_due
  assert.ok(after && after > before, `the next due date moved forward: ${before} -> ${after}`)
  assert.equal(saved.inspection.defects.length, 1)

  // The page shows the new date without reloading.
  await page.waitForFunction((d) => document.querySelector('[data-test=next-due]')?.getAttribute('data-next-due') === d, after)
  const [y, m, d] = after.split('-').map(Number)
  assert.match(await due.innerText(), new RegExp(`${y}年${m}月${d}日`))
  await page.locator('[data-test=inspection-saved]').waitFor()
  assert.match(await page.locator('[data-test=inspection-saved]').innerText(), new RegExp(`${y}年${m}月${d}日`))
  await page.locator('[data-test=overdue-alert]').waitFor({ state: 'detached' })
  const rows = page.locator('[data-test=inspection-table] .el-table__body tr')
  await rows.first().waitFor()
  assert.equal(await rows.count(), 1)
  assert.ok((await rows.first().innerText()).includes('底坑有积水'), 'the defect is listed with the inspection')
  await waitForLoaded(page)
  await screenshot(page, 'zh-CN-equipment-detail-after-inspection')

  // The list finds it, with its new due date and last conclusion, and keeps the filter in the URL.
  await page.goto('/equipment')
  await page.locator('[data-test=unit-table]').waitFor()
  await waitForLoaded(page)
  await input(page, 'filter-q').fill(code)
  await page.locator('[data-test=search]').click()
  const row = page.locator('[data-test=unit-table] .el-table__body tr', { hasText: code })
  await row.waitFor()
  await waitForLoaded(page)
  assert.equal(new URL(page.url()).searchParams.get('q'), code)
  const text = await row.innerText()
  assert.ok(text.includes(useUnit.name) && text.includes('城关区') && text.includes(msg('zh-CN', 'equipment.conclusions.pass')), text)
  assert.ok(text.includes(`${y}年${m}月${d}日`), 'the list shows the new due date')
  page.log.assertClean('registering a unit and recording an inspection')
})

test('a refused field of the unit form is shown beside it', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, OFFICER, S.pw[OFFICER])
  await page.goto('/equipment/new')
  await page.locator('[data-test=unit-form]').waitFor()
  await waitForLoaded(page)
  await input(page, 'field-device_code').fill(deviceCode('3110'))
  await input(page, 'field-name').fill(uniqueName('未投用日期客梯'))
  await input(page, 'field-use_unit').fill(useUnit.credit_code)
  await input(page, 'field-name').click()
  await page.locator('[data-test=use-unit-name]').waitFor()
  await page.waitForFunction(() => document.querySelector('[data-field=region_code] input')?.value.includes('城关区'))
  // In use without the day it was put into use: the server names commissioned_on.
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/equipment/units') && r.request().method() === 'POST')
  await page.locator('[data-test=save]').click()
  const res = await answer
  const body = await res.json()
  assert.equal(res.status(), 400, JSON.stringify(body))
  assert.equal(body.error.field, 'commissioned_on')
  await fieldError(page, 'commissioned_on').waitFor()
  assert.equal(await page.locator('.el-form-item__error').count(), 1, 'only that field is marked')
  assert.equal(new URL(page.url()).pathname, '/equipment/new')
})

test('an edit sends only what changed, with If-Match', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, OFFICER, S.pw[OFFICER])
  const read = page.waitForResponse((r) => r.url().endsWith('/api/v1/equipment/units/' + sampleUnit.device_code) && r.request().method() === 'GET')
  await page.goto(`/equipment/${sampleUnit.device_code}/edit`)
  const etag = (await read).headers().etag
  await page.locator('[data-test=params-heading]').waitFor()
  await waitForLoaded(page)
  assert.equal(await input(page, 'field-speed_mps').inputValue(), '1.75', 'the unit\'s parameters are shown')
  await input(page, 'field-model').fill('TKJ1000/2.0-JXW')
  await input(page, 'field-speed_mps').fill('2.0')
  const patched = page.waitForResponse((r) => r.url().endsWith('/api/v1/equipment/units/' + sampleUnit.device_code) && r.request().method() === 'PATCH')
  await page.locator('[data-test=save]').click()
  const res = await patched
  assert.equal(res.status(), 200, await res.text())
  assert.deepEqual(res.request().postDataJSON(), { model: 'TKJ1000/2.0-JXW', speed_mps: '2.0' })
  assert.equal(res.request().headers()['if-match'], etag)
  await page.waitForURL((u) => u.pathname === '/equipment/' + sampleUnit.device_code)
  await page.locator('[data-test=unit-detail]', { hasText: 'TKJ1000/2.0-JXW' }).waitFor()
  page.log.assertClean('editing a unit')
})

test('the four rates: figures, a chart by county, and a county drilled down to its use units', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, OFFICER, S.pw[OFFICER])
  const got = page.waitForResponse((r) => r.url().includes('/api/v1/equipment/rates'))
  await page.goto('/equipment/rates')
  const rates = await (await got).json()
  assert.equal(rates.by, 'county', 'the Lhasa officer sees Lhasa by county')
  const figures = page.locator('[data-test=rates-figures]')
  await figures.waitFor()
  await page.locator('[data-test=rates-chart] canvas').first().waitFor()
  await waitForLoaded(page, { canvas: true })
  for (const k of ['registration', 'inspection', 'operators', 'accidents']) {
    const card = figures.locator(`[data-rate=${k}]`)
    const r = rates.total[k]
    const n = (x) => new Intl.NumberFormat('zh-CN').format(x)
    assert.equal(await card.locator('[data-test=rate-numden]').innerText(), `${n(r.num)} / ${n(r.den)}`, k)
    const v = await card.locator('[data-test=rate-value]').innerText()
    if (r.den) assert.equal(v, `${Number((r.rate * 100).toFixed(2))}%`, k)
    else assert.equal(v, '—', k)
    assert.ok((await card.innerText()).includes(msg('zh-CN', 'equipment.rates.defs.' + k)), `${k} says how it is counted`)
  }
  assert.ok(rates.total.registration.den >= 2, 'the units registered here are counted')
  await screenshot(page, 'zh-CN-equipment-rates')

  // Chengguan's row drills down to its use units.
  const row = page.locator('[data-test=rates-table] .el-table__body tr', { hasText: '城关区' })
  const down = page.waitForResponse((r) => r.url().includes('/api/v1/equipment/rates') && r.url().includes('by=use_unit'))
  await row.locator('a').first().click()
  const units = await (await down).json()
  assert.ok(units.items.some((i) => i.use_unit === useUnit.credit_code), 'the use unit is among Chengguan\'s')
  await page.waitForURL((u) => u.searchParams.get('region') === '540102')
  const unitRow = page.locator('[data-test=rates-table] .el-table__body tr', { hasText: useUnit.name })
  await unitRow.waitFor()
  assert.equal(await page.locator('[data-test=rates-chart]').count(), 0, 'use units as a table, no chart')
  await waitForLoaded(page)
  await screenshot(page, 'zh-CN-equipment-rates-use-units')
  // A use unit opens its units in the register.
  await unitRow.locator('a').first().click()
  await page.waitForURL((u) => u.pathname === '/equipment' && u.searchParams.get('use_unit') === useUnit.credit_code)
  await page.locator('[data-test=unit-table] .el-table__body tr', { hasText: sampleUnit.device_code }).waitFor()
  page.log.assertClean('the four rates')
})

test('closing an accident with one of the four elements missing is refused beside that field', { timeout: TEST_TIMEOUT }, async () => {
  assert.ok(accidentId, 'an accident could not be created through the API (see the setup\'s message)')
  const page = await S.page()
  await login(page, OFFICER, S.pw[OFFICER])
  await page.goto('/equipment/accidents/' + accidentId)
  const form = page.locator('[data-test=investigation-form]')
  await form.waitFor()
  await waitForLoaded(page)
  await input(page, 'field-cause').fill('层门门锁触点粘连，门未关闭时轿厢启动')
  await input(page, 'field-responsible_handled').fill('维保单位责任人已被约谈并处罚款')
  await input(page, 'field-measures_done').fill('更换门锁，全市同型号电梯专项检查')
  // people_educated is left empty.
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/equipment/accidents/' + accidentId) && r.request().method() === 'PATCH')
  await page.locator('[data-test=accident-close]').click()
  const res = await answer
  const body = await res.json()
  assert.equal(res.status(), 400, 'closing without people_educated: ' + JSON.stringify(body))
  assert.equal(body.error.field, 'people_educated', JSON.stringify(body))
  await fieldError(page, 'people_educated').waitFor()
  const expected = body.error.message.replace(/^people_educated: /, '')
  assert.ok((await fieldError(page, 'people_educated').innerText()).includes(expected), 'the server\'s reason beside the field')
  assert.equal(await page.locator('.el-form-item__error').count(), 1, 'only that field is marked')
  assert.notEqual(await page.locator('[data-test=accident-status]').innerText(), msg('zh-CN', 'equipment.accidents.statuses.closed'))
  await screenshot(page, 'zh-CN-equipment-accident-close-refused')

  // With the fourth element the case closes.
  await input(page, 'field-people_educated').fill('组织全体维保人员和物业人员安全培训')
  await fieldError(page, 'people_educated').waitFor({ state: 'detached' })
  const closing = page.waitForResponse((r) => r.url().endsWith('/api/v1/equipment/accidents/' + accidentId) && r.request().method() === 'PATCH')
  await page.locator('[data-test=accident-close]').click()
  const ok = await closing
  assert.equal(ok.status(), 200, 'closing with all four: ' + await ok.text())
  await page.locator('[data-test=accident-status]', { hasText: msg('zh-CN', 'equipment.accidents.statuses.closed') }).waitFor()
  page.log.assertClean('closing an accident')
})

test('an operator added and edited through the dialog; the expiring filter finds them', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, OFFICER, S.pw[OFFICER])
  await page.goto('/equipment/operators')
  await page.locator('[data-test=operator-table]').waitFor()
  await waitForLoaded(page)
  await page.locator('[data-test=operator-new]').click()
  const dialog = page.locator('[data-test=operator-dialog]')
  await dialog.waitFor()
  const name = uniqueName('电梯司机')
  const cert = 'TSA' + Date.now().toString().slice(-9)
  await input(page, 'operator-name').fill(name)
  await input(page, 'operator-id-tail').fill('123x')
  await input(page, 'operator-employer').fill(useUnit.credit_code)
  await dialog.locator('[data-test=operator-category]').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '3000' }).first().click()
  await input(page, 'operator-item').fill('t')
  await input(page, 'operator-cert').fill(cert)
  // Valid for another 20 days: an expiring certificate.
  const soon = new Date(Date.now() + 20 * 86400000 + 8 * 3600000).toISOString().slice(0, 10)
  await fillDate(page, 'valid_until', soon)
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/equipment/operators') && r.request().method() === 'POST')
  await dialog.locator('[data-test=operator-save]').click()
  const res = await created
  assert.equal(res.status(), 201, await res.text())
  const body = res.request().postDataJSON()
  assert.equal(body.id_tail, '123X')
  assert.equal(body.item, 'T')
  assert.ok(!('region_code' in body), 'the region is the employer\'s, set by the server')
  await dialog.waitFor({ state: 'hidden' })

  // The expiring filter (30 days) lists them, amber.
  await page.locator('[data-test=filter-expiring]').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').first().click()
  await page.locator('[data-test=search]').click()
  await page.waitForURL((u) => u.searchParams.get('expiring_within') === '30')
  const row = page.locator('[data-test=operator-table] .el-table__body tr', { hasText: name })
  await row.waitFor()
  assert.equal(await row.locator('[data-test=valid-until]').getAttribute('class'), 'jz-cert-expiring')

  // Edit: only the certificate's date changes, with If-Match.
  await row.locator('[data-test=operator-edit]').click()
  await dialog.waitFor()
  await page.waitForFunction(() => document.querySelector('[data-test=operator-cert] input, input[data-test=operator-cert]')?.value)
  await waitForLoaded(page)
  await fillDate(page, 'valid_until', '2030-12-31')
  const patched = page.waitForResponse((r) => r.url().includes('/api/v1/equipment/operators/') && r.request().method() === 'PATCH')
  await dialog.locator('[data-test=operator-save]').click()
  const p = await patched
  assert.equal(p.status(), 200, await p.text())
  assert.deepEqual(p.request().postDataJSON(), { valid_until: '2030-12-31' })
  assert.match(p.request().headers()['if-match'] || '', /^"\d+"$/)
  page.log.assertClean('operators')
})

test('an accident reported through the dialog opens its page', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, OFFICER, S.pw[OFFICER])
  await page.goto('/equipment/accidents')
  await page.locator('[data-test=accident-table]').waitFor()
  await waitForLoaded(page)
  await page.locator('[data-test=accident-new]').click()
  const dialog = page.locator('[data-test=accident-dialog]')
  await dialog.waitFor()
  await input(page, 'accident-device').fill(sampleUnit.device_code)
  await input(page, 'accident-summary').click() // the device code fills in the use unit and category
  await page.waitForFunction((c) => document.querySelector('input[data-test=accident-use-unit]')?.value === c, useUnit.credit_code)
  await fillDate(page, 'occurred_on', '2026-01-05')
  await input(page, 'accident-summary').fill('轿厢冲顶，无人员伤亡')
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/equipment/accidents') && r.request().method() === 'POST')
  await dialog.locator('[data-test=accident-save]').click()
  const res = await created
  const body = await res.json()
  assert.equal(res.status(), 201, JSON.stringify(body))
  await page.waitForURL((u) => u.pathname === '/equipment/accidents/' + body.id)
  const detail = page.locator('[data-test=accident-detail]')
  await detail.waitFor()
  assert.ok((await detail.innerText()).includes('轿厢冲顶'))
  page.log.assertClean('reporting an accident')
})

test('a campaign created through the dialog shows its progress; the due list groups and plans', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, OFFICER, S.pw[OFFICER])
  await page.goto('/equipment/campaigns')
  await page.locator('[data-test=campaign-table]').waitFor()
  await waitForLoaded(page)
  await page.locator('[data-test=campaign-new]').click()
  const dialog = page.locator('[data-test=campaign-dialog]')
  await dialog.waitFor()
  const name = uniqueName('城关区电梯专项检查')
  await input(page, 'campaign-name').fill(name)
  await pickCascader(page, 'region_code', '城关区')
  await pickCascader(page, 'category', '电梯')
  await fillDate(page, 'starts_on', '2023-01-01')
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/equipment/campaigns') && r.request().method() === 'POST')
  await dialog.locator('[data-test=campaign-save]').click()
  const res = await created
  const body = await res.json()
  assert.equal(res.status(), 201, JSON.stringify(body))
  assert.equal(res.request().postDataJSON().category, '3', 'every elevator: the prefix of 3000')
  await page.waitForURL((u) => u.pathname === '/equipment/campaigns/' + body.id)
  await page.locator('[data-test=progress-bar]').waitFor()
  assert.ok(body.targets >= 2, 'the elevators registered here are targets: ' + JSON.stringify(body))
  const text = await page.locator('[data-test=campaign-progress]').innerText()
  assert.ok(text.includes(`${body.done} / ${body.targets}`), text)
  await waitForLoaded(page)
  await screenshot(page, 'zh-CN-equipment-campaign')

  // The due list, grouped by institution, and that institution's plan for a month.
  await page.goto('/equipment/due?due=soon&within=3660&group=institution')
  const groups = page.locator('[data-test=due-groups]')
  await groups.waitFor()
  await waitForLoaded(page)
  const group = groups.locator('.el-table__body tr').filter({ has: page.getByText(sampleUnit.institution, { exact: true }) }).first()
  await group.waitFor()
  const plan = page.waitForResponse((r) => r.url().includes('/api/v1/equipment/plan'))
  await group.locator('button').last().click()
  const answer = await plan
  assert.equal(answer.status(), 200, await answer.text())
  assert.equal(new URL(answer.url()).searchParams.get('institution'), sampleUnit.institution)
  await page.locator('[data-test=plan-summary]').waitFor()
  assert.equal(new URL(page.url()).searchParams.get('tab'), 'plan')
  page.log.assertClean('campaigns and due lists')
})

// --- Screenshots of every equipment page in the three languages ---------------------------

function allKeys() {
  const out = new Set()
  const walk = (o, p) => {
    for (const [k, v] of Object.entries(o)) {
      const key = p ? p + '.' + k : k
      if (v && typeof v === 'object') walk(v, key)
      else if (key.includes('.')) out.add(key)
    }
  }
  walk(JSON.parse(readFileSync(join(WEB, 'src', 'locales', 'zh-CN.json'), 'utf8')), '')
  return out
}
const KEYS = allKeys()

const PAGES = [
  { name: 'list', path: () => '/equipment', ready: '[data-test=unit-table]' },
  { name: 'detail', path: () => '/equipment/' + sampleUnit.device_code, ready: '[data-test=unit-detail]' },
  { name: 'form', path: () => '/equipment/' + sampleUnit.device_code + '/edit', ready: '[data-test=params-heading]' },
  { name: 'due', path: () => '/equipment/due?due=soon&within=3660&group=use_unit', ready: '[data-test=due-groups]' },
  { name: 'rates', path: () => '/equipment/rates', ready: '[data-test=rates-chart] canvas' },
  { name: 'operators', path: () => '/equipment/operators', ready: '[data-test=operator-table]' },
  { name: 'accidents', path: () => '/equipment/accidents', ready: '[data-test=accident-table]' },
  { name: 'accident', path: () => '/equipment/accidents/' + accidentId, ready: '[data-test=investigation-form]', needs: () => accidentId },
  { name: 'campaigns', path: () => '/equipment/campaigns', ready: '[data-test=campaign-table]' },
]

for (const lang of ['zh-CN', 'bo', 'en']) {
  test(`screenshots of the equipment pages in ${lang}, nothing untranslated, no errors`, { timeout: TEST_TIMEOUT }, async () => {
    const page = await S.page()
    await page.goto('/login')
    await page.locator(`[data-lang="${lang}"]`).click()
    await login(page, OFFICER, S.pw[OFFICER])
    const problems = []
    for (const p of PAGES) {
      if (p.needs && !p.needs()) { problems.push(`${lang}-equipment-${p.name}: no data to show`); continue }
      await page.goto(p.path())
      await page.locator(p.ready).first().waitFor()
      await waitForLoaded(page)
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang)
      const text = await page.locator('body').innerText()
      const raw = [...new Set(text.match(/\b[a-z][A-Za-z]+(?:\.[A-Za-z_]+)+\b/g) || [])].filter((k) => KEYS.has(k))
      if (raw.length) problems.push(`${lang}-equipment-${p.name}: untranslated ${raw.join(', ')}`)
      if (lang === 'bo' && !/[\u0F00-\u0FFF]/.test(text)) problems.push(`${lang}-equipment-${p.name}: no Tibetan text`)
      await screenshot(page, `${lang}-equipment-${p.name}`)
      for (const x of page.log.problems()) problems.push(`${lang}-equipment-${p.name}: ${x}`)
      page.log.clear()
    }
    assert.deepEqual(problems, [], problems.join('\n'))
  })
}
