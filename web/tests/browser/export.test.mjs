// CSV export from the list: the file holds exactly the enterprises the filters show, with
// the field names as its header, and only what the officer may see.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { useSuite, login, input, waitForLoaded, creditCode, uniqueName, TEST_TIMEOUT } from './harness.mjs'

let admin
const S = useSuite({ async setup(S) { admin = await S.server.client('admin') } })

test('the CSV export holds the filtered enterprises in scope and nothing else', { timeout: TEST_TIMEOUT }, async () => {
  const tag = uniqueName('导出测试')
  const mine = [
    { credit_code: creditCode({ region: '540102' }), name: tag + '甲', region_code: 540102, industry: 'C' },
    { credit_code: creditCode({ region: '540103' }), name: tag + '乙', region_code: 540103, industry: 'F' },
  ]
  const other = { credit_code: creditCode({ region: '540202' }), name: tag + '丙', region_code: 540202, industry: 'C' }
  for (const e of [...mine, other]) await admin.createEnterprise(e)

  const page = await S.page()
  await login(page, 'lhasa', S.pw.lhasa) // Lhasa's registry officer: 5401xx only
  await page.goto('/enterprises')
  await page.locator('[data-test=enterprise-table]').waitFor()
  await input(page, 'filter-q').fill(tag)
  await page.locator('[data-test=search]').click()
  await page.waitForURL((u) => u.searchParams.get('q') === tag)
  await waitForLoaded(page)
  const rows = page.locator('[data-test=enterprise-table] .el-table__body tr', { hasText: tag })
  assert.equal(await rows.count(), 2, 'the list shows the two Lhasa enterprises')

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-test=export-csv]').click(),
  ])
  const text = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '')
  const lines = text.split(/\r?\n/).filter(Boolean)
  assert.match(lines[0], /^credit_code,name,/, 'the header names the fields')
  assert.equal(lines.length, 3, 'a header and the two filtered rows:\n' + text)
  for (const e of mine) assert.ok(text.includes(e.credit_code) && text.includes(e.name), e.name + ' exported')
  assert.ok(!text.includes(other.credit_code), 'the Shigatse enterprise is not exported')
  page.log.assertClean('export')
})
