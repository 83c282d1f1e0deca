// Registering an enterprise through the form: the server's complaint about the credit code
// appears beside that field; once corrected the record is saved, its page opens, and the
// list finds it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { useSuite, login, input, waitForLoaded, creditCode, corruptCheck, uniqueName, TEST_TIMEOUT } from './harness.mjs'

const S = useSuite()

// Picks an option of an Element Plus select (the dropdown is teleported to <body>).
async function pickOption(page, field, text) {
  await page.locator(`[data-field="${field}"] .el-select__wrapper, [data-field="${field}"] .el-select`).first().click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click()
  await page.locator('.el-select-dropdown:visible').first().waitFor({ state: 'hidden' }).catch(() => {})
}

// Picks a region in the form's cascader by typing its name (the cascader is filterable).
async function pickRegion(page, name) {
  const box = page.locator('[data-field=region_code] .el-cascader')
  await box.click()
  await box.locator('input').first().fill(name)
  await page.locator('.el-cascader__suggestion-item:visible', { hasText: name }).first().click()
  await page.waitForFunction((n) => {
    const i = document.querySelector('[data-field=region_code] input')
    return i && i.value.includes(n)
  }, name)
}

// Clicks save and waits for the record's page; if the form shows errors instead, fails
// with them (at once, not after a timeout).
async function saveAndOpen(page, code) {
  await page.locator('[data-test=save]').click()
  const opened = page.waitForURL((u) => u.pathname === '/enterprises/' + code).then(() => 'opened')
  const refused = page.locator('[data-test=form-error]').waitFor().then(() => 'refused')
  const how = await Promise.race([opened, refused])
  opened.catch(() => {})
  refused.catch(() => {})
  if (how === 'refused') {
    await page.locator('.el-form-item.is-error .el-form-item__error').first().waitFor().catch(() => {})
    const errs = await page.locator('.el-form-item.is-error').evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-field')}: ${e.querySelector('.el-form-item__error')?.textContent.trim()}`))
    const top = await page.locator('[data-test=form-error]').innerText()
    assert.fail(`saving ${code} was refused: ${top}; ${errs.join('; ')}`)
  }
}

function fieldError(page, field) {
  return page.locator(`[data-field="${field}"] .el-form-item__error`)
}

test('a wrong credit code is refused beside its field; corrected, the enterprise is saved and listed', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, 'lhasa', S.pw.lhasa)
  await page.goto('/enterprises/new')
  await page.locator('[data-test=enterprise-form]').waitFor()
  await waitForLoaded(page)

  const good = creditCode({ region: '540102' })
  const bad = corruptCheck(good)
  const name = uniqueName('表单测试青稞酒业')

  await input(page, 'field-credit_code').fill(bad)
  await input(page, 'field-name').fill(name)
  await input(page, 'field-legal_representative').fill('扎西')
  await input(page, 'field-address').fill('拉萨市城关区北京中路 1 号')
  await pickRegion(page, '城关区')
  await pickOption(page, 'industry', 'C ')
  await input(page, 'field-contact_phone').fill('0891-6331234')

  // Save: the server refuses the code, and says why beside the credit code field.
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/enterprises') && r.request().method() === 'POST')
  await page.locator('[data-test=save]').click()
  const res = await answer
  const body = await res.json()
  assert.equal(res.status(), 400, 'POST with a wrong check character: ' + JSON.stringify(body))
  assert.equal(body.error.field, 'credit_code')
  const expected = body.error.message.replace(/^credit_code: /, '')
  await fieldError(page, 'credit_code').waitFor()
  assert.match(await fieldError(page, 'credit_code').innerText(), new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  assert.equal(new URL(page.url()).pathname, '/enterprises/new', 'stays on the form')
  assert.equal(await page.locator('.el-form-item__error').count(), 1, 'only the credit code is marked')

  // Correct it: the error goes as the field is edited; leaving the field checks the code.
  await input(page, 'field-credit_code').fill(good)
  await fieldError(page, 'credit_code').waitFor({ state: 'detached' })
  await input(page, 'field-name').click()
  await page.locator('[data-field=credit_code] .jz-ok').waitFor()

  await saveAndOpen(page, good)
  const detail = page.locator('[data-test=enterprise-detail]')
  await detail.waitFor()
  await waitForLoaded(page)
  const text = await detail.innerText()
  assert.ok(text.includes(good), 'detail shows the credit code')
  assert.ok(text.includes(name), 'detail shows the name')
  assert.ok(text.includes('扎西'), 'detail shows the legal representative')
  assert.ok(text.includes('0891-6331234'), 'detail shows the phone')

  // The list finds it by name.
  await page.goto('/enterprises')
  await page.locator('[data-test=enterprise-table]').waitFor()
  await waitForLoaded(page)
  await input(page, 'filter-q').fill(name)
  await page.locator('[data-test=search]').click()
  const row = page.locator('[data-test=enterprise-table] .el-table__body tr', { hasText: name })
  await row.waitFor()
  await waitForLoaded(page)
  assert.equal(await page.locator('[data-test=enterprise-table] .el-table__body tr').count(), 1, 'exactly the one match')
  assert.ok((await row.innerText()).includes(good))
  assert.equal(new URL(page.url()).searchParams.get('q'), name, 'the filter is kept in the URL')
  // Its link opens the record.
  await row.locator('a', { hasText: name }).click()
  await page.waitForURL((u) => u.pathname === '/enterprises/' + good)
  await page.locator('[data-test=enterprise-detail]').waitFor()
  page.log.assertClean('registering an enterprise')
})

test('a code whose inner organisation code fails is saved with a warning shown on the record', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, 'lhasa', S.pw.lhasa)
  await page.goto('/enterprises/new')
  await page.locator('[data-test=enterprise-form]').waitFor()
  await waitForLoaded(page)
  const code = creditCode({ region: '540102', orgOk: false })
  await input(page, 'field-credit_code').fill(code)
  await input(page, 'field-name').fill(uniqueName('组织机构代码警告'))
  await page.locator('[data-field=credit_code] .jz-ok').waitFor()
  await pickOption(page, 'industry', 'F ')
  const got = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith('/api/v1/enterprises/' + code))
  await saveAndOpen(page, code)
  // docs/registry.md: the warning is "shown with the record"; the detail page shows the
  // warnings of GET /enterprises/{code}.
  const body = await (await got).json()
  assert.ok(Array.isArray(body.warnings) && body.warnings.length,
    'GET /api/v1/enterprises/{code} of a code failing its organisation-code check carries no "warnings", ' +
    'so the detail page (which shows GET\'s warnings) cannot show it: ' + JSON.stringify(body.warnings))
  await page.locator('[data-test=enterprise-detail] .el-alert--warning').first().waitFor()
  page.log.assertClean('saving with a warning')
})

test('a required field left empty is marked before anything is sent', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, 'lhasa', S.pw.lhasa)
  await page.goto('/enterprises/new')
  await page.locator('[data-test=enterprise-form]').waitFor()
  await waitForLoaded(page)
  let posted = false
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/enterprises')) posted = true })
  await input(page, 'field-credit_code').fill(creditCode({ region: '540102' }))
  await page.locator('[data-test=save]').click()
  await fieldError(page, 'name').waitFor()
  await fieldError(page, 'industry').waitFor()
  assert.equal(posted, false)
})
