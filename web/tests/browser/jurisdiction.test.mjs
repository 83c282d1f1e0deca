// Jurisdiction in the console: a county officer (Chengguan, 540102) finds enterprises of its
// own county, and neither lists nor opens those of another county or prefecture.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { useSuite, login, input, waitForLoaded, creditCode, uniqueName, TEST_TIMEOUT } from './harness.mjs'

let county // { login, password } of the Chengguan officer
let admin // API client signed in as admin
const S = useSuite({
  async setup(S) {
    county = await S.server.createAccount({ login: 'chengguan', unit: '540102', roles: ['registry_officer'], displayName: '城关区局登记员' })
    admin = await S.server.client('admin')
  },
})

async function make(region, label) {
  const e = { credit_code: creditCode({ region }), name: uniqueName(label), region_code: Number(region), industry: 'C' }
  await admin.createEnterprise(e)
  return e
}

async function search(page, text) {
  await page.goto('/enterprises')
  await page.locator('[data-test=enterprise-table]').waitFor()
  await waitForLoaded(page)
  await input(page, 'filter-q').fill(text)
  await page.locator('[data-test=search]').click()
  await page.waitForURL((u) => u.searchParams.get('q') === text)
  await waitForLoaded(page)
  return page.locator('[data-test=enterprise-table] .el-table__body tr', { hasText: text }).count()
}

async function open(page, code) {
  await page.goto('/enterprises/' + code)
  await page.locator('[data-test=enterprise-detail], [data-test=enterprise-missing]').first().waitFor()
  await waitForLoaded(page)
}

test('a county officer neither lists nor opens an enterprise of another prefecture', { timeout: TEST_TIMEOUT }, async () => {
  const shigatse = await make('540202', '日喀则桑珠孜测试')
  const page = await S.page()
  await login(page, county.login, county.password)

  assert.equal(await search(page, shigatse.name), 0, 'the Shigatse enterprise must not be listed')
  assert.ok((await page.locator('[data-test=enterprise-table] .el-table__empty-text').innerText()).trim().length > 0, 'the table says it is empty')

  await open(page, shigatse.credit_code)
  await page.locator('[data-test=enterprise-missing]').waitFor()
  assert.equal(await page.locator('[data-test=enterprise-detail]').count(), 0, 'no record shown')
  const body = await page.locator('body').innerText()
  assert.ok(!body.includes(shigatse.name), 'the name does not leak')
  assert.equal(await page.locator('[data-test=enterprise-edit]').count(), 0, 'no edit button')
  page.log.assertClean('out-of-scope enterprise')
})

test('a county officer does not see a neighbouring county of the same prefecture', { timeout: TEST_TIMEOUT }, async () => {
  const neighbour = await make('540103', '堆龙德庆测试')
  const page = await S.page()
  await login(page, county.login, county.password)
  assert.equal(await search(page, neighbour.name), 0, 'the Doilungdeqen enterprise must not be listed')
  await open(page, neighbour.credit_code)
  await page.locator('[data-test=enterprise-missing]').waitFor()
  assert.equal(await page.locator('[data-test=enterprise-detail]').count(), 0)

  // The prefecture officer (Lhasa) does see it.
  const page2 = await S.page()
  await login(page2, 'lhasa', S.pw.lhasa)
  assert.equal(await search(page2, neighbour.name), 1, 'the Lhasa officer lists it')
})

test('a county officer lists and opens an enterprise of its own county', { timeout: TEST_TIMEOUT }, async () => {
  const own = await make('540102', '城关区本地测试')
  const page = await S.page()
  await login(page, county.login, county.password)
  assert.equal(await search(page, own.name), 1, 'its own county enterprise is listed')
  await open(page, own.credit_code)
  const detail = page.locator('[data-test=enterprise-detail]')
  await detail.waitFor()
  const text = await detail.innerText()
  assert.ok(text.includes(own.name) && text.includes(own.credit_code))
  page.log.assertClean('own enterprise')
})
