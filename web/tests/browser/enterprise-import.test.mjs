// Importing a CSV file: a dry run reports the bad row (its line and what is wrong) and
// writes nothing; an all-or-nothing import writes nothing either; skip_bad_rows writes the
// good rows, which the list then shows.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { useSuite, login, input, waitForLoaded, creditCode, corruptCheck, uniqueName, TEST_TIMEOUT } from './harness.mjs'

const S = useSuite()

function makeCsv() {
  const tag = uniqueName('导入')
  const rows = [
    { code: creditCode({ region: '540102' }), name: `${tag}甲青稞酒厂`, region: '540102', industry: 'C' },
    { code: corruptCheck(creditCode({ region: '540103' })), name: `${tag}乙牦牛肉加工厂`, region: '540103', industry: 'C' },
    { code: creditCode({ region: '540104' }), name: `${tag}丙藏香合作社`, region: '540104', industry: 'A' },
  ]
  const csv = 'credit_code,name,region_code,industry\r\n' +
    rows.map((r) => [r.code, r.name, r.region, r.industry].join(',')).join('\r\n') + '\r\n'
  return { tag, rows, good: [rows[0], rows[2]], bad: rows[1], badLine: 3, csv: Buffer.from(csv, 'utf8') }
}

async function openImport(page, data) {
  await page.goto('/enterprises/import')
  await page.locator('[data-test=import-run]').waitFor()
  await waitForLoaded(page)
  await page.locator('[data-test=import-file]').setInputFiles({ name: 'enterprises.csv', mimeType: 'text/csv', buffer: data.csv })
  await page.getByText('enterprises.csv').waitFor()
}

async function setDryRun(page, on) {
  const box = page.locator('[data-test=dry-run] input[type=checkbox], input[type=checkbox][data-test=dry-run]').first()
  if ((await box.isChecked()) !== on) await page.locator('[data-test=dry-run]').first().click()
  assert.equal(await box.isChecked(), on, 'dry-run checkbox state')
}

async function setMode(page, mode) {
  await page.locator(`[data-test=import-mode] [data-test=mode-${mode}], [data-test=mode-${mode}]`).first().click()
  const radio = page.locator(`[data-test=mode-${mode}] input[type=radio], input[type=radio][data-test=mode-${mode}]`).first()
  assert.equal(await radio.isChecked(), true, `mode ${mode} chosen`)
}

// Runs the import and returns the server's answer (status and JSON) once the page showed it.
async function runImport(page) {
  const answer = page.waitForResponse((r) => r.url().includes('/api/v1/enterprises/import'))
  await page.locator('[data-test=import-run]').click()
  const res = await answer
  const json = await res.json().catch(() => null)
  await waitForLoaded(page)
  return { status: res.status(), json, query: new URL(res.url()).searchParams }
}

// The descriptions of the summary, as { label: value }.
async function summary(page) {
  const box = page.locator('[data-test=import-summary]')
  await box.waitFor()
  return box.evaluate((el) => {
    const out = {}
    const labels = el.querySelectorAll('.el-descriptions__label')
    const values = el.querySelectorAll('.el-descriptions__content')
    labels.forEach((l, i) => { out[l.textContent.trim()] = values[i] ? values[i].textContent.trim() : '' })
    return out
  })
}

async function listed(page, name) {
  await page.goto('/enterprises?q=' + encodeURIComponent(name))
  await page.locator('[data-test=enterprise-table]').waitFor()
  await waitForLoaded(page)
  return page.locator('[data-test=enterprise-table] .el-table__body tr', { hasText: name }).count()
}

test('a dry run lists the bad row with its line and message and writes nothing', { timeout: TEST_TIMEOUT }, async () => {
  const data = makeCsv()
  const page = await S.page()
  await login(page, 'lhasa', S.pw.lhasa)
  await openImport(page, data)
  await setDryRun(page, true)
  const r = await runImport(page)
  assert.equal(r.status, 200, JSON.stringify(r.json))
  assert.equal(r.query.get('dry_run'), 'true')
  const rep = r.json
  assert.equal(rep.rows, 3)
  assert.equal(rep.rejected, 1)
  assert.equal(rep.errors.length, 1)
  assert.equal(rep.errors[0].line, data.badLine, 'the server names the bad line')

  const sum = await summary(page)
  assert.ok(Object.values(sum).includes('3'), 'summary shows 3 rows: ' + JSON.stringify(sum))
  assert.equal(await page.locator('[data-test=rejected]').innerText(), '1')

  const errs = page.locator('[data-test=import-errors] .el-table__body tr')
  assert.equal(await errs.count(), 1, 'one error row')
  const cells = await errs.first().locator('td').allInnerTexts()
  assert.equal(cells[0].trim(), String(data.badLine), 'the line column: ' + cells.join(' | '))
  assert.ok(cells.some((c) => c.includes(rep.errors[0].message)), `the message "${rep.errors[0].message}" is shown: ${cells.join(' | ')}`)
  assert.ok(cells.some((c) => c.includes('credit_code')), 'the column is named')

  // Nothing was written.
  assert.equal(await listed(page, data.tag), 0, 'a dry run writes nothing')
  page.log.assertClean('dry-run import')
})

test('an all-or-nothing import with a bad row reports it and writes nothing', { timeout: TEST_TIMEOUT }, async () => {
  const data = makeCsv()
  const page = await S.page()
  await login(page, 'lhasa', S.pw.lhasa)
  await openImport(page, data)
  await setMode(page, 'all_or_nothing')
  await setDryRun(page, false)
  const r = await runImport(page)
  assert.equal(r.status, 422, JSON.stringify(r.json))
  assert.equal(r.query.get('dry_run'), 'false')
  // The page shows the report the server sent with its 422, not a bare failure.
  await page.locator('[data-test=import-summary]').waitFor({ timeout: 5000 }).catch(async () => {
    const failed = await page.locator('[data-test=import-failed]').innerText().catch(() => '(nothing)')
    assert.fail(`after a 422 all-or-nothing import the page shows no report (import-summary); it shows: ${failed}`)
  })
  assert.equal(await page.locator('[data-test=rejected]').innerText(), '1')
  const cells = await page.locator('[data-test=import-errors] .el-table__body tr').first().locator('td').allInnerTexts()
  assert.equal(cells[0].trim(), String(data.badLine))
  assert.equal(await listed(page, data.tag), 0, 'an all-or-nothing import with a bad row writes nothing')
})

test('skip_bad_rows writes the good rows, which the list then shows', { timeout: TEST_TIMEOUT }, async () => {
  const data = makeCsv()
  const page = await S.page()
  await login(page, 'lhasa', S.pw.lhasa)
  await openImport(page, data)
  await setMode(page, 'skip_bad_rows')
  await setDryRun(page, false)
  const r = await runImport(page)
  assert.equal(r.status, 200, JSON.stringify(r.json))
  assert.equal(r.query.get('mode'), 'skip_bad_rows')
  assert.equal(r.query.get('dry_run'), 'false')
  assert.equal(r.json.created, 2)
  assert.equal(r.json.rejected, 1)
  await page.locator('[data-test=import-summary]').waitFor()
  assert.equal(await page.locator('[data-test=rejected]').innerText(), '1')
  const cells = await page.locator('[data-test=import-errors] .el-table__body tr').first().locator('td').allInnerTexts()
  assert.equal(cells[0].trim(), String(data.badLine))

  // The two good rows are in the list, the bad one is not.
  await page.goto('/enterprises')
  await page.locator('[data-test=enterprise-table]').waitFor()
  await waitForLoaded(page)
  await input(page, 'filter-q').fill(data.tag)
  await page.locator('[data-test=search]').click()
  await page.locator('[data-test=enterprise-table] .el-table__body tr', { hasText: data.good[0].name }).waitFor()
  await waitForLoaded(page)
  const rows = await page.locator('[data-test=enterprise-table] .el-table__body tr').allInnerTexts()
  assert.equal(rows.length, 2, 'two rows: ' + rows.join(' / '))
  for (const g of data.good) assert.ok(rows.some((t) => t.includes(g.name) && t.includes(g.code)), `${g.name} listed`)
  assert.ok(!rows.some((t) => t.includes(data.bad.name)), 'the bad row was not written')
  page.log.assertClean('skip_bad_rows import')
})
