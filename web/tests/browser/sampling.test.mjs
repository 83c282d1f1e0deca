// Supervision sampling in the console: one sample from draw to publication — the sampling
// officer prepares and runs the double-random draw of a task (commitment, candidates, picks with
// inspectors, seed, and the public verification), records a sample at a drawn producer and
// assigns a lab; lab1 enters results (with the live pass/fail preview) and submits, lab2
// reviews, lab3 approves; the officer drafts an announcement, the leader approves and
// publishes it, and its public page /s/{number} lists the sample. Then the enterprise's view:
// only its own samples, and the objection form with its 15-day window. Screenshots of the
// samples page in zh-CN, bo and en.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  useSuite, login, input, waitForLoaded, screenshot, msg, TEST_TIMEOUT,
} from './harness.mjs'

const YEAR = Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4))
const TODAY = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
let taskId, firmTaskId, labId, labName, product
let objectionSample // { id, sample_no }: a failed sample of "firm", notified today

async function ok(r, what, status = [200, 201]) {
  assert.ok([].concat(status).includes(r.status), `${what}: ${r.status} ${r.text}`)
  return r.json
}

const S = useSuite({
  async setup(S) {
    // A second sampling officer, so that each pick gets two inspectors.
    await S.server.createAccount({ login: 'sampling2', unit: '540000', roles: ['sampling_officer'], displayName: '抽样员二' })
    const officer = await S.server.client('sampling')
    const leader = await S.server.client('leader')
    const labs = await ok(await officer.get('/api/v1/sampling/labs'), 'labs')
    const lab1 = labs.items.find((l) => l.org_unit === '540000-LAB1')
    assert.ok(lab1, 'the demo has the lab of lab1: ' + JSON.stringify(labs.items.map((l) => l.org_unit)))
    labId = String(lab1.id)
    labName = lab1.name
    product = await ok(await officer.get('/api/v1/sampling/products/TSAMPA'), 'product TSAMPA')
    const plan = await ok(await officer.post('/api/v1/sampling/plans', {
      year: YEAR, title: `浏览器测试抽查计划 ${Date.now()}`, region_code: 540000, budget_yuan: 10000, weighted: false,
      labs: labs.items.map((l) => String(l.id)),
    }), 'creating a plan')
    const task = await ok(await officer.post(`/api/v1/sampling/plans/${plan.id}/tasks`, {
      product: 'TSAMPA', region_code: 540100, planned: 3,
    }), 'adding a task')
    taskId = String(task.id)
    // A task in Shannan (540500), where "firm" (540525) produces, for its sample.
    const firmTask = await ok(await officer.post(`/api/v1/sampling/plans/${plan.id}/tasks`, {
      product: 'TSAMPA', region_code: 540500, planned: 1,
    }), 'adding the task of the firm\'s region')
    firmTaskId = String(firmTask.id)
    await ok(await leader.post(`/api/v1/sampling/plans/${plan.id}/approve`, {}), 'approving the plan')
  },
})

// A value that passes an item's limit, and one that fails it.
function passing(i) {
  if (i.rule === 'max') return i.hi
  if (i.rule === 'min' || i.rule === 'range') return i.lo
  if (i.rule === 'equals') return i.expected
  return 'ND'
}
function failing(i) {
  if (i.rule === 'max') return i.hi + '1' // "0.2" -> "0.21": just above, exactly compared
  if (i.rule === 'min') return '0'
  if (i.rule === 'not_detected') return '0.5'
  return null
}

// Picks an option of the Element Plus select inside the element marked data-test=scope.
async function pickIn(page, scope, text) {
  await page.locator(`[data-test="${scope}"] .el-select`).first().click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click()
  await page.locator('.el-select-dropdown:visible').first().waitFor({ state: 'hidden' }).catch(() => {})
}

async function status(page) {
  return page.locator('[data-test=sample-status]').getAttribute('data-status')
}
async function waitStatus(page, want) {
  await page.waitForFunction((w) => document.querySelector('[data-test=sample-status]')?.dataset.status === w, want)
}

test('a sample from the draw to its publication', { timeout: TEST_TIMEOUT * 3 }, async () => {
  // --- The officer prepares and runs the draw.
  let page = await S.page()
  await login(page, 'sampling', S.pw.sampling)
  await page.goto(`/sampling/tasks/${taskId}/draw`)
  await page.locator('[data-test=draw-prepare]').waitFor()
  await input(page, 'draw-count').fill('2')
  await input(page, 'draw-each').fill('2')
  await page.locator('[data-test=draw-prepare-submit]').click()
  await page.locator('[data-test=draw-commitment]').waitFor()
  assert.match(await page.locator('[data-test=draw-commitment]').innerText(), /^[0-9a-f]{64}$/)
  const candidates = Number(await page.locator('[data-test=draw-candidates]').innerText())
  assert.ok(candidates >= 2, `the frozen candidates should be counted: ${candidates}`)
  await input(page, 'draw-witness-input').fill('07 19 23 31 42')
  await page.locator('[data-test=draw-run-submit]').click()
  await page.locator('[data-test=draw-seed]').waitFor()
  assert.match(await page.locator('[data-test=draw-seed]').innerText(), /^[0-9a-f]{64}$/)
  const picks = page.locator('[data-test=draw-picks] .el-table__body tr')
  assert.equal(await picks.count(), 2, 'two producers drawn')
  const inspectors = await page.locator('[data-test=pick-inspectors]').first().innerText()
  assert.equal(inspectors.split('、').length, 2, `two inspectors per pick: ${inspectors}`)
  await page.locator('[data-test=draw-verify]').click()
  await page.locator('[data-test=draw-verify-result]').waitFor()
  assert.equal(await page.locator('[data-test=draw-verify-result]').getAttribute('data-match'), 'true',
    'the public verification re-runs the draw and matches')
  await screenshot(page, 'zh-CN-sampling-draw')
  const producer = (await page.locator('[data-test=pick-producer]').first().innerText()).trim()

  // --- Records a sample at the first drawn producer.
  await page.locator('[data-test=pick-record]').first().click()
  await page.locator('[data-test=sample-form]').waitFor()
  assert.equal(await input(page, 'field-producer').inputValue(), producer)
  assert.equal(await input(page, 'field-task_id').inputValue(), taskId)
  assert.ok((await input(page, 'field-samplers').inputValue()).length > 0, 'the drawn inspectors are the samplers')
  await input(page, 'field-brand').fill('雪域')
  await input(page, 'field-specification').fill('500g/袋')
  await input(page, 'field-batch').fill('20260301')
  await input(page, 'field-quantity_unit').fill('袋')
  await input(page, 'field-seal_no').fill('FY-0001')
  await input(page, 'field-place').fill('企业成品库')
  await page.locator('[data-test=sample-save]').click()
  await page.waitForURL(/\/sampling\/samples\/\d+$/)
  await page.locator('[data-test=sample-detail]').waitFor()
  const sampleUrl = new URL(page.url()).pathname
  const sampleNo = (await page.locator('[data-test=sample-no]').innerText()).replace(/^[\s·]+/, '').trim()
  assert.equal(await status(page), 'sampled')

  // --- Assigns lab1's laboratory.
  await pickIn(page, 'assign', labName)
  await page.locator('[data-test=assign-save]').click()
  await waitStatus(page, 'testing')
  page.log.assertClean('the officer\'s pages')

  // --- lab1 enters the results: every item passes but one, which fails; the preview says so.
  page = await S.page()
  await login(page, 'lab1', S.pw.lab1)
  await page.goto(sampleUrl)
  await page.locator('[data-test=results-grid]').waitFor()
  const bad = product.items.find((i) => failing(i) !== null)
  assert.ok(bad, 'TSAMPA has an item that can fail')
  for (const i of product.items) {
    await input(page, 'value-' + i.item_code).fill(i === bad ? failing(i) : passing(i))
  }
  assert.equal(await page.locator(`[data-test="preview-${bad.item_code}"]`).getAttribute('data-judgement'), 'fail')
  const good = product.items.find((i) => i !== bad)
  assert.equal(await page.locator(`[data-test="preview-${good.item_code}"]`).getAttribute('data-judgement'), 'pass')
  await screenshot(page, 'zh-CN-sampling-results')
  await page.locator('[data-test=results-save]').click()
  await page.locator(`[data-test="judgement-${bad.item_code}"]`).waitFor()
  assert.match(await page.locator(`[data-test="judgement-${bad.item_code}"]`).innerText(), new RegExp(msg('zh-CN', 'sampling.verdicts.fail')))
  await page.locator('[data-test=sample-submit]').click()
  await waitStatus(page, 'submitted')
  // The analyst does not review their own work.
  assert.equal(await page.locator('[data-test=review-accept]').count(), 0)
  page.log.assertClean('lab1')

  // --- lab2 reviews, lab3 approves.
  page = await S.page()
  await login(page, 'lab2', S.pw.lab2)
  await page.goto(sampleUrl)
  await page.locator('[data-test=review-accept]').click()
  await waitStatus(page, 'reviewed')
  page = await S.page()
  await login(page, 'lab3', S.pw.lab3)
  await page.goto(sampleUrl)
  await page.locator('[data-test=sample-approve]').click()
  await waitStatus(page, 'approved')
  assert.equal(await page.locator('[data-test=sample-verdict]').getAttribute('data-verdict'), 'fail')

  // --- The officer drafts an announcement of the period.
  page = await S.page()
  await login(page, 'sampling', S.pw.sampling)
  await page.goto('/sampling/announcements')
  await page.locator('[data-test=announcement-new]').click()
  const title = `浏览器测试公告 ${Date.now()}`
  await input(page, 'announcement-title').fill(title)
  const region = page.locator('[data-field=region_code] .el-cascader')
  await region.click()
  await region.locator('input').first().fill('西藏自治区')
  await page.locator('.el-cascader__suggestion-item:visible', { hasText: '西藏自治区' }).first().click()
  await page.locator('[data-test=announcement-save]').click()
  const row = page.locator('[data-test=announcement-table] .el-table__body tr', { hasText: title })
  await row.waitFor()
  const number = (await row.locator('[data-number]').getAttribute('data-number')).trim()

  // --- The leader approves and publishes it.
  page = await S.page()
  await login(page, 'leader', S.pw.leader)
  await page.goto('/sampling/announcements')
  await page.locator(`[data-test="announcement-approve-${number}"]`).click()
  await page.locator(`[data-test="announcement-publish-${number}"]`).click()
  const link = page.locator(`[data-test="announcement-public-${number}"]`)
  await link.waitFor()
  assert.equal(await link.getAttribute('href'), '/s/' + number)
  page.log.assertClean('the leader')

  // --- The public page lists the sample.
  const r = await fetch(S.url + '/s/' + encodeURIComponent(number))
  assert.equal(r.status, 200)
  page = await S.page()
  await page.goto('/s/' + number)
  await page.getByText(sampleNo).first().waitFor()
})

// Records a sample at producer through the API, with lab1's lab testing it (one item failing),
// lab2 reviewing and lab3 approving: a failed, approved sample.
async function failedSampleOf(officer, producer) {
  // task_id is a 64-bit integer beyond a JavaScript number: its digits go into the JSON as they are.
  const body = JSON.stringify({
    task_id: 0, producer, brand: '雪域', batch: 'B-1', quantity_sampled: 2, quantity_reserve: 2, quantity_unit: '袋',
    samplers: '自治区局监督抽查员、抽样员二', place: '企业成品库', sampled_on: TODAY, producer_response: 'confirmed',
  }).replace('"task_id":0', '"task_id":' + firmTaskId)
  const s = await ok(await officer.request('POST', '/api/v1/sampling/samples', { body, contentType: 'application/json' }),
    'recording a sample at the firm')
  const path = `/api/v1/sampling/samples/${s.id}`
  await ok(await officer.post(path + '/assign', { lab_id: labId, received_on: TODAY }), 'assigning the lab')
  const lab1 = await S.server.client('lab1'), lab2 = await S.server.client('lab2'), lab3 = await S.server.client('lab3')
  const bad = product.items.find((i) => failing(i) !== null)
  await ok(await lab1.request('PUT', path + '/results', { json: { round: 0, items: product.items.map((i) => ({
    item_code: i.item_code, value: i === bad ? failing(i) : passing(i) })) } }), 'entering results')
  await ok(await lab1.post(path + '/submit', {}), 'submitting')
  await ok(await lab2.post(path + '/review', { accept: true }), 'reviewing')
  await ok(await lab3.post(path + '/approve', {}), 'approving')
  return (await officer.get(path)).json
}

test('an enterprise sees only its own samples and files an objection within 15 days', { timeout: TEST_TIMEOUT * 2 }, async () => {
  const firm = await S.server.client('firm')
  const me = (await firm.get('/api/v1/auth/me')).json.account
  let mine = await ok(await firm.get('/api/v1/sampling/samples?limit=1000'), 'the firm\'s samples')
  for (const s of mine.items) assert.equal(s.producer?.credit_code ?? s.producer, me.credit_code, 'only its own samples')
  // A failed sample of the firm's, notified today, for the objection.
  const officer = await S.server.client('sampling')
  let open = mine.items.find((s) => s.status === 'approved' && (s.final_verdict || s.verdict) === 'fail' && !s.objection)
  if (!open) open = await failedSampleOf(officer, me.credit_code)
  objectionSample = open
  mine = await ok(await firm.get('/api/v1/sampling/samples?limit=1000'), 'the firm\'s samples')
  assert.ok(mine.items.some((s) => String(s.id) === String(open.id)), 'the firm sees its sample')
  if (open.notified_on !== TODAY) {
    const n = await officer.post(`/api/v1/sampling/samples/${open.id}/notify`, { notified_on: TODAY })
    assert.ok(n.status === 200 || n.status === 409, `notifying: ${n.status} ${n.text}`)
  }

  const page = await S.page()
  await login(page, 'firm', S.pw.firm)
  await page.goto('/sampling/samples')
  await page.locator('[data-test=sample-table]').waitFor()
  await waitForLoaded(page)
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg('zh-CN', 'sampling.samples.mine'))
  assert.equal(await page.locator('[data-test=filter-region]').count(), 0, 'no jurisdiction filter for an enterprise')
  const rows = await page.locator('[data-test=sample-table] .el-table__body tr').count()
  assert.equal(rows, Math.min(mine.items.length, 50))
  await page.goto('/sampling/samples/' + objectionSample.id)
  await page.locator('[data-test=objection-window]').waitFor()
  const windowText = await page.locator('[data-test=objection-window]').innerText()
  assert.match(windowText, /15/, 'fifteen days left on the day of notification: ' + windowText)
  // The reason is required.
  await page.locator('[data-test=objection-submit]').click()
  await page.locator('[data-field=reason] .el-form-item__error').waitFor()
  await input(page, 'objection-reason').fill('送检样品储存条件不当，申请对备样复检')
  await page.locator('[data-test=objection-submit]').click()
  await page.locator('[data-test=objection-status]').waitFor()
  assert.equal((await page.locator('[data-test=objection-status]').innerText()).trim(), msg('zh-CN', 'sampling.objection.statuses.filed'))
  await screenshot(page, 'zh-CN-sampling-objection')
  page.log.assertClean('the enterprise')
})

for (const lang of ['zh-CN', 'bo', 'en']) {
  test(`the samples page in ${lang}`, { timeout: TEST_TIMEOUT }, async () => {
    const page = await S.page()
    await page.goto('/login')
    await page.locator(`[data-lang="${lang}"]`).click()
    await page.getByRole('heading', { level: 1, name: msg(lang, 'login.title'), exact: true }).waitFor()
    // login() opens /login again: the language chosen stays (the browser keeps it).
    await login(page, 'sampling', S.pw.sampling)
    await page.goto('/sampling/samples')
    await page.locator('[data-test=sample-table] .el-table__body tr').first().waitFor()
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg(lang, 'sampling.samples.title'))
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang)
    const text = await page.locator('main, body').first().innerText()
    assert.doesNotMatch(text, /sampling\.[a-z]+\.[a-z_]+/, 'no untranslated message key')
    await screenshot(page, `${lang}-sampling-samples`)
    page.log.assertClean(`${lang} samples page`)
  })
}
