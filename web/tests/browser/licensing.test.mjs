// Online licensing in the console. (1) An application from draft to certificate: the
// enterprise "firm" saves a food-production licence draft, uploads the two papers submission
// needs (a PNG and a PDF made here), submits; the licensing officer accepts it, schedules the
// on-site verification (the clock stops and the page says so), records the visit with its
// findings; the leader grants; the officer issues; the licence is in the licences list, its
// certificate downloads as a PDF and its public page /v/<number> says it is valid. (2) An
// application returned for missing materials: after acceptance the officer asks for a
// supplement; the enterprise's page and the officer's queue show the clock stopped with its
// reason and the days left frozen; the enterprise supplements and the clock runs again.
// Screenshots of the queue, an application and a licence in zh-CN, bo and en.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { deflateSync } from 'node:zlib'
import { useSuite, login, input, waitForLoaded, screenshot, msg, TEST_TIMEOUT } from './harness.mjs'

let officer = 'licensing' // the demo's licensing officer, or one made in setup
let pausedApp = null // { id, application_no }: the application of test 2, stopped for a supplement
let issued = null // { id, licence_no }: the licence of test 1

async function ok(r, what, status = [200, 201]) {
  assert.ok([].concat(status).includes(r.status), `${what}: ${r.status} ${r.text}`)
  return r.json
}

const S = useSuite({
  async setup(S) {
    // The demo's licensing officer where there is one; else an officer of the region made here.
    if (!S.pw.licensing) {
      await S.server.createAccount({ login: 'lcofficer', unit: '540000', roles: ['licensing_officer'], displayName: '许可审查员' })
      officer = 'lcofficer'
    }
  },
})

// --- Files made here: a small PNG and a one-page PDF -------------------------------------

function crc32(buf) {
  let crc = 0xffffffff
  for (const b of buf) {
    let c = (crc ^ b) & 0xff
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    crc = (crc >>> 8) ^ c
  }
  return (crc ^ 0xffffffff) >>> 0
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
// A w×h RGB PNG of a site plan: a dark border on white.
function makePng(w = 24, h = 16) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2
  const rows = []
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3)
    for (let x = 0; x < w; x++) {
      const edge = x === 0 || y === 0 || x === w - 1 || y === h - 1
      row.fill(edge ? 40 : 250, 1 + x * 3, 4 + x * 3)
    }
    rows.push(row)
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0))])
}
// A one-page PDF with its cross-reference table.
function makePdf(text = 'Business licence copy') {
  const stream = `BT /F1 12 Tf 20 100 Td (${text}) Tj ET`
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let out = '%PDF-1.4\n'
  const offsets = []
  objs.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n` })
  const xref = out.length
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offsets.map((n) => String(n).padStart(10, '0') + ' 00000 n \n').join('')
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

// --- Page helpers -----------------------------------------------------------------------

// Picks the first option (or the one with text) of the Element Plus select marked data-test=name.
async function pick(page, name, text) {
  await page.locator(`.el-select[data-test="${name}"], [data-test="${name}"] .el-select, [data-test="${name}"]`).first().click()
  const options = page.locator('.el-select-dropdown:visible .el-select-dropdown__item:not(.is-disabled)')
  await (text ? options.filter({ hasText: text }).first() : options.first()).click()
  await page.keyboard.press('Escape').catch(() => {})
}
async function step(page) {
  return page.locator('[data-test=lc-step]').getAttribute('data-step')
}
async function waitStep(page, want) {
  await page.waitForFunction((w) => document.querySelector('[data-test=lc-step]')?.dataset.step === w, want)
}
// Runs an action of the application page: its button, the form the action needs, confirmation.
async function act(page, code, fields = {}) {
  await page.locator(`[data-test="lc-action-${code}"]`).click()
  const dialog = page.locator('.el-dialog:visible')
  await dialog.waitFor()
  for (const [name, value] of Object.entries(fields)) await input(page, 'lc-field-' + name).fill(value)
  await page.locator('[data-test=lc-action-confirm]').click()
  await dialog.waitFor({ state: 'hidden' })
  await waitForLoaded(page)
}
async function clock(page) {
  const c = page.locator('[data-test=lc-clock]')
  await c.waitFor()
  return { paused: await c.getAttribute('data-paused'), text: (await c.innerText()).trim(),
    days: await page.locator('[data-test=lc-days-left]').getAttribute('data-days') }
}
// Scrolls the page back to its top (the case card) before a screenshot.
async function toTop(page) {
  await page.locator('.jz-page-header').first().scrollIntoViewIfNeeded()
}
// Uploads a file of a kind on the application page.
async function upload(page, kind, name, mimeType, buffer) {
  await pick(page, 'lc-upload-kind', msg('zh-CN', 'licensing.attachments.kinds.' + kind))
  const before = await page.locator('[data-test=lc-attachment-table] .el-table__body tr').count()
  await page.locator('[data-test=lc-upload-file]').setInputFiles({ name, mimeType, buffer })
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=lc-attachment-table] .el-table__body tr').length > n, before)
}

const FOOD = {
  scope_text: '糌粑（青稞炒面）、青稞挂面',
  site_address: '西藏自治区山南市乃东区泽当镇工业园区 8 号',
  legal_rep: '次仁旺堆',
  contact: '卓玛',
  phone: '0893-7820000',
}

test('an application from draft to certificate', { timeout: TEST_TIMEOUT * 4 }, async () => {
  // --- The enterprise saves a draft, uploads its papers and submits.
  let page = await S.page()
  await login(page, 'firm', S.pw.firm)
  await page.goto('/licensing/applications/new')
  await page.locator('[data-test=lc-application-form]').waitFor()
  await waitForLoaded(page)
  await pick(page, 'field-categories')
  for (const [f, v] of Object.entries(FOOD)) await input(page, 'field-' + f).fill(v)
  await page.locator('[data-test=lc-save]').click()
  await page.waitForURL(/\/licensing\/applications\/\d+$/)
  await page.locator('[data-test=lc-application-detail]').waitFor()
  const appUrl = new URL(page.url()).pathname
  assert.equal(await step(page), 'draft')
  // Submission needs the business licence and the site plan: both are listed as missing.
  assert.match(await page.locator('[data-test=lc-attachments-missing]').innerText(), new RegExp(msg('zh-CN', 'licensing.attachments.kinds.site_plan')))
  await upload(page, 'business_licence', '营业执照.pdf', 'application/pdf', makePdf())
  await upload(page, 'site_plan', '厂区平面图.png', 'image/png', makePng())
  assert.equal(await page.locator('[data-test=lc-attachments-missing]').count(), 0, 'nothing required is missing now')
  await toTop(page)
  await screenshot(page, 'zh-CN-licensing-draft')
  await act(page, 'submit')
  await waitStep(page, 'submitted')
  const appNo = (await page.locator('[data-test=lc-application-no]').innerText()).replace(/^[\s·]+/, '').trim()
  const region = (await ok(await (await S.server.client('firm')).get('/api/v1' + appUrl), 'the application')).region_code
  assert.equal((await clock(page)).paused, 'false', 'the acceptance clock runs')
  page.log.assertClean('the enterprise')

  // --- The officer finds it in the queue, accepts it and schedules the on-site verification.
  page = await S.page()
  await login(page, officer, S.pw[officer])
  // The queue of the applicant's county (the demo has cases elsewhere).
  await page.goto('/licensing/queue?region=' + region)
  await page.locator('[data-test=lc-queue-table]').waitFor()
  await waitForLoaded(page)
  const link = page.locator('[data-test=lc-queue-link]', { hasText: appNo })
  await link.waitFor()
  await link.click()
  await page.locator('[data-test=lc-application-detail]').waitFor()
  assert.equal(new URL(page.url()).pathname, appUrl)
  await act(page, 'accept')
  await waitStep(page, 'review')
  await act(page, 'schedule_onsite', { note: '与企业商定核查时间' })
  await waitStep(page, 'onsite_scheduling')
  const stopped = await clock(page)
  assert.equal(stopped.paused, 'true', 'scheduling the on-site verification stops the clock')
  assert.ok(stopped.text.includes(msg('zh-CN', 'licensing.pauseReasons.onsite_scheduling')), 'the page says why: ' + stopped.text)
  await toTop(page)
  await screenshot(page, 'zh-CN-licensing-onsite-scheduling')
  await act(page, 'onsite_scheduled')
  await waitStep(page, 'onsite')
  assert.equal((await clock(page)).paused, 'false', 'the clock runs again')
  const findings = '生产场所布局合理，原料库与成品库分开；炒制设备完好；检验室具备出厂检验能力。'
  await act(page, 'record_onsite', { onsite_team: '扎西、拉姆', onsite_findings: findings })
  await waitStep(page, 'decision_pending')
  assert.equal((await page.locator('[data-test=lc-findings]').innerText()).trim(), findings)
  // The officer who verified on site does not decide.
  assert.equal(await page.locator('[data-test=lc-action-grant]').count(), 0)
  page.log.assertClean('the officer')

  // --- The leader grants.
  page = await S.page()
  await login(page, 'leader', S.pw.leader)
  await page.goto(appUrl)
  await page.locator('[data-test=lc-action-grant]').waitFor()
  await act(page, 'grant', { decision_reason: '材料齐全，现场核查符合要求' })
  await waitStep(page, 'granted')
  page.log.assertClean('the leader')

  // --- The officer issues the licence.
  page = await S.page()
  await login(page, officer, S.pw[officer])
  await page.goto(appUrl)
  await act(page, 'issue')
  await waitStep(page, 'issued')
  await page.locator('[data-test=lc-licence-link]').click()
  await page.locator('[data-test=lc-licence-detail]').waitFor()
  const licenceNo = (await page.locator('[data-test=lc-licence-no]').innerText()).replace(/^[\s·]+/, '').trim()
  assert.match(licenceNo, /^SC\d{14}$/, 'a food licence number: ' + licenceNo)
  issued = { id: new URL(page.url()).pathname.split('/').pop(), licence_no: licenceNo }
  assert.equal(await page.locator('[data-test=lc-licence-status]').getAttribute('data-status'), 'valid')
  await screenshot(page, 'zh-CN-licensing-licence')

  // The licence is in the licences list.
  await page.goto('/licensing/licences?q=' + encodeURIComponent(licenceNo))
  await page.locator(`[data-test=lc-licence-link][data-no="${licenceNo}"]`).waitFor()

  // The certificate downloads as a PDF (with the officer's session).
  const pdf = await page.request.get(`/api/v1/licensing/licences/${issued.id}/certificate.pdf`)
  assert.equal(pdf.status(), 200)
  assert.match(pdf.headers()['content-type'] || '', /application\/pdf/)
  assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-')
  page.log.assertClean('the officer issuing')

  // --- The enterprise sees it in "My licences" and downloads its certificate too.
  page = await S.page()
  await login(page, 'firm', S.pw.firm)
  await page.goto('/licensing/licences')
  await page.locator(`[data-test=lc-licence-link][data-no="${licenceNo}"]`).waitFor()
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg('zh-CN', 'licensing.licences.mine'))
  const mine = await page.request.get(`/api/v1/licensing/licences/${issued.id}/certificate.pdf`)
  assert.equal(mine.status(), 200)
  assert.equal((await mine.body()).subarray(0, 5).toString('latin1'), '%PDF-')

  // --- The public page says it is valid, without signing in.
  const pub = await fetch(`${S.url}/v/${encodeURIComponent(licenceNo)}?format=json`)
  assert.equal(pub.status, 200)
  const v = await pub.json()
  assert.equal(v.status, 'valid', JSON.stringify(v))
  page = await S.page()
  await page.goto('/v/' + encodeURIComponent(licenceNo))
  await page.getByText(licenceNo).first().waitFor()
  assert.match(await page.locator('body').innerText(), /有效|valid/i)
  await screenshot(page, 'licensing-public-verification')
})

// An application of "firm" made, submitted and accepted through the API: { id, application_no }.
async function acceptedApplication() {
  const firm = await S.server.client('firm')
  const cats = await ok(await firm.get('/api/v1/licensing/categories?kind=food'), 'food categories')
  const list = Array.isArray(cats) ? cats : cats.items
  const app = await ok(await firm.post('/api/v1/licensing/applications', {
    kind: 'food', purpose: 'new', categories: [list[1]?.code || list[0].code], ...FOOD, scope_text: '酥油、奶渣',
  }), 'a draft')
  const path = `/api/v1/licensing/applications/${app.id}`
  for (const [kind, name, type, body] of [['business_licence', 'licence.pdf', 'application/pdf', makePdf()],
    ['site_plan', 'plan.png', 'image/png', makePng()]]) {
    await ok(await firm.request('POST', `${path}/attachments?kind=${kind}&name=${encodeURIComponent(name)}`,
      { body, contentType: type }), 'uploading ' + kind)
  }
  await ok(await firm.post(`${path}/actions/submit`, {}), 'submitting')
  const off = await S.server.client(officer)
  await ok(await off.post(`${path}/actions/accept`, {}), 'accepting')
  const got = await ok(await off.get(path), 'the accepted application')
  assert.equal(got.status, 'review')
  return { id: String(app.id), application_no: app.application_no, region_code: got.region_code, state: got.case }
}

test('an application returned for missing materials stops the clock', { timeout: TEST_TIMEOUT * 3 }, async () => {
  const app = await acceptedApplication()
  const appUrl = '/licensing/applications/' + app.id
  const before = app.state
  assert.equal(before.paused ? true : false, false)

  // --- The officer asks for a supplement: the clock stops.
  let page = await S.page()
  await login(page, officer, S.pw[officer])
  await page.goto(appUrl)
  await page.locator('[data-test=lc-application-detail]').waitFor()
  const running = await clock(page)
  assert.equal(running.paused, 'false')
  assert.equal(Number(running.days), Number(before.days_left))
  const missing = '1. 食品安全管理制度文本；\n2. 生产设备布局图（标明设备名称）。'
  await act(page, 'request_supplement', { missing })
  await waitStep(page, 'review_supplementing')
  const stopped = await clock(page)
  assert.equal(stopped.paused, 'true')
  assert.ok(stopped.text.includes(msg('zh-CN', 'licensing.pauseReasons.supplement')), stopped.text)
  assert.equal(Number(stopped.days), Number(before.days_left), 'the days left are frozen while the clock stops')

  // The queue shows it stopped, with its reason and the same days left.
  await page.goto('/licensing/queue?region=' + app.region_code)
  await page.locator('[data-test=lc-queue-table]').waitFor()
  const row = page.locator('[data-test=lc-queue-table] .el-table__body tr', { hasText: app.application_no })
  await row.waitFor()
  assert.equal(await row.locator('[data-test=lc-deadline]').getAttribute('data-urgency'), 'paused')
  assert.equal((await row.locator('[data-test=lc-pause-reason]').innerText()).trim(), msg('zh-CN', 'licensing.pauseReasons.supplement'))
  assert.ok((await row.locator('[data-test=lc-deadline]').innerText()).includes(String(before.days_left)),
    'the queue shows the frozen days left')
  await screenshot(page, 'zh-CN-licensing-queue')
  page.log.assertClean('the officer')

  // --- The enterprise sees the notice and the stopped clock, adds a paper and supplements.
  page = await S.page()
  await login(page, 'firm', S.pw.firm)
  await page.goto(appUrl)
  await page.locator('[data-test=lc-missing]').waitFor()
  assert.ok((await page.locator('[data-test=lc-missing]').innerText()).includes('食品安全管理制度文本'))
  const seen = await clock(page)
  assert.equal(seen.paused, 'true')
  assert.ok(seen.text.includes(msg('zh-CN', 'licensing.pauseReasons.supplement')), seen.text)
  assert.equal(Number(seen.days), Number(before.days_left))
  await toTop(page)
  await screenshot(page, 'zh-CN-licensing-supplementing')
  await upload(page, 'other', '食品安全管理制度.pdf', 'application/pdf', makePdf('Food safety rules'))
  await act(page, 'supplement', { note: '已补充食品安全管理制度和设备布局图' })
  await waitStep(page, 'review')
  const again = await clock(page)
  assert.equal(again.paused, 'false', 'the clock runs again')
  assert.equal(await page.locator('[data-test=lc-missing]').count(), 0)
  page.log.assertClean('the enterprise')

  // For the screenshots: a second application left waiting for its supplement.
  const other = await acceptedApplication()
  const off = await S.server.client(officer)
  await ok(await off.post(`/api/v1/licensing/applications/${other.id}/actions/request_supplement`, { missing: '营业执照副本清晰复印件' }),
    'asking for a supplement')
  pausedApp = other
})

for (const lang of ['zh-CN', 'bo', 'en']) {
  test(`the licensing pages in ${lang}`, { timeout: TEST_TIMEOUT * 2 }, async () => {
    const page = await S.page()
    await page.goto('/login')
    await page.locator(`[data-lang="${lang}"]`).click()
    await page.getByRole('heading', { level: 1, name: msg(lang, 'login.title'), exact: true }).waitFor()
    await login(page, officer, S.pw[officer])
    await page.goto('/licensing/queue')
    await page.locator('[data-test=lc-queue-table] .el-table__body tr').first().waitFor()
    await waitForLoaded(page)
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg(lang, 'licensing.queue.title'))
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang)
    const text = await page.locator('main, body').first().innerText()
    assert.doesNotMatch(text, /licensing\.[a-zA-Z]+\.[a-zA-Z_]+/, 'no untranslated message key')
    await screenshot(page, `${lang}-licensing-queue`)
    if (pausedApp) {
      await page.goto('/licensing/applications/' + pausedApp.id)
      await page.locator('[data-test=lc-clock][data-paused=true]').waitFor()
      assert.ok((await page.locator('[data-test=lc-clock]').innerText()).includes(msg(lang, 'licensing.pauseReasons.supplement')))
      await toTop(page)
      await screenshot(page, `${lang}-licensing-application`)
    }
    if (issued) {
      await page.goto('/licensing/licences/' + issued.id)
      await page.locator('[data-test=lc-licence-detail]').waitFor()
      await screenshot(page, `${lang}-licensing-licence`)
    }
    page.log.assertClean(`${lang} licensing pages`)
  })
}

test('the officer\'s lists and statistics, a post-licence check, suspension and restoration', { timeout: TEST_TIMEOUT * 2 }, async () => {
  assert.ok(issued, 'the first test issued a licence')
  let page = await S.page()
  await login(page, officer, S.pw[officer])
  for (const [path, title] of [['/licensing/overdue', 'licensing.queue.overdueTitle'], ['/licensing/applications', 'licensing.applications.title'],
    ['/licensing/licences', 'licensing.licences.title'], ['/licensing/checks', 'licensing.checks.dueTitle'], ['/licensing/stats', 'licensing.stats.title']]) {
    await page.goto(path)
    await waitForLoaded(page)
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg('zh-CN', title), path)
  }
  // The statistics count the licence just issued among the valid ones.
  const rows = page.locator('[data-test=lc-stats-table] .el-table__body tr')
  await rows.first().waitFor()
  assert.ok(await rows.count() >= 1)
  await screenshot(page, 'zh-CN-licensing-stats')

  // A post-licence check recorded on the licence's page moves its next check.
  await page.goto('/licensing/licences/' + issued.id)
  await page.locator('[data-test=lc-check-form]').waitFor()
  await input(page, 'lc-check-inspectors').fill('格桑、央金')
  await input(page, 'lc-check-findings').fill('原料进货查验记录完整，出厂检验记录齐全。')
  await page.locator('[data-test=lc-check-save]').click()
  await page.locator('[data-test=lc-check-table] .el-table__body tr', { hasText: '格桑、央金' }).waitFor()
  page.log.assertClean('the officer\'s pages')

  // The leader suspends the licence with a reason, then restores it.
  page = await S.page()
  await login(page, 'leader', S.pw.leader)
  await page.goto('/licensing/licences/' + issued.id)
  await page.locator('[data-test=lc-licence-suspend]').click()
  await input(page, 'lc-licence-reason').fill('监督检查发现生产条件发生变化，责令整改')
  await page.locator('[data-test=lc-licence-confirm]').click()
  await page.waitForFunction(() => document.querySelector('[data-test=lc-licence-status]')?.dataset.status === 'suspended')
  const v = await (await fetch(`${S.url}/v/${encodeURIComponent(issued.licence_no)}?format=json`)).json()
  assert.equal(v.status, 'suspended', 'the public page says so at once')
  await page.locator('[data-test=lc-licence-restore]').click()
  await input(page, 'lc-licence-reason').fill('整改完成，复查合格')
  await page.locator('[data-test=lc-licence-confirm]').click()
  await page.waitForFunction(() => document.querySelector('[data-test=lc-licence-status]')?.dataset.status === 'valid')
  page.log.assertClean('the leader\'s licence page')
})

test('the working-day calendar: a year shown, a year added by the administrator', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, 'admin', S.pw.admin)
  await page.goto('/calendar')
  await input(page, 'calendar-year').fill('2026')
  await input(page, 'calendar-year').press('Enter')
  await page.locator('[data-test=calendar-table]').waitFor()
  await waitForLoaded(page)
  // 2026's Spring Festival: rest 15-23 February, make-up working days 14 and 28 February.
  const rows = page.locator('[data-test=calendar-table] .el-table__body tr')
  await rows.filter({ hasText: '2026年2月15日' }).first().waitFor()
  const text = (await rows.allInnerTexts()).join('\n')
  for (const d of ['2026年2月15日', '2026年2月23日', '2026年2月14日', '2026年2月28日', '2026年10月10日']) assert.ok(text.includes(d), d)
  // 2099 is unknown; the administrator enters two days of it.
  await input(page, 'calendar-year').fill('2099')
  await input(page, 'calendar-year').press('Enter')
  await page.locator('[data-test=calendar-unknown]').waitFor()
  await input(page, 'calendar-source-input').fill('浏览器测试：假设的 2099 年通知')
  await input(page, 'calendar-days').fill('2099-01-01 rest 元旦 | New Year\n2099-01-03 work 元旦')
  await page.locator('[data-test=calendar-save]').click()
  await page.locator('[data-test=calendar-table]').waitFor()
  const row = page.locator('[data-test=calendar-table] .el-table__body tr', { hasText: '元旦' })
  await row.waitFor()
  assert.match(await row.innerText(), /2099年1月1日[\s\S]*2099年1月3日/)
  const api = await S.server.client('admin')
  const y = await ok(await api.get('/api/v1/calendar/2099'), 'the year 2099')
  assert.deepEqual(y.days.map((d) => [d.date, d.kind]), [['2099-01-01', 'rest'], ['2099-01-03', 'work']])
  await screenshot(page, 'zh-CN-calendar')
  page.log.assertClean('the calendar')
})
