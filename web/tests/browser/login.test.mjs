// Signing in: the right password gets in, a wrong one shows the error; the menu offers
// what the account may use (registry to an officer, administration only to the admin).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { useSuite, login, input, menuTexts, msg, waitForLoaded, TEST_TIMEOUT } from './harness.mjs'

const S = useSuite()
const zh = (k) => msg('zh-CN', k)

test('a wrong password shows the error and stays on the login page', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await page.goto('/login')
  await input(page, 'login').fill('lhasa')
  await input(page, 'password').fill(S.pw.lhasa + 'x')
  await page.locator('[data-test=login-submit]').click()
  const alert = page.locator('[data-test=login-error]')
  await alert.waitFor()
  assert.match(await alert.innerText(), new RegExp(zh('errors.bad_credentials')))
  assert.equal(new URL(page.url()).pathname, '/login')
  assert.equal(await page.locator('[data-test=menu]').count(), 0, 'no menu before signing in')

  // The right password then gets in, and the error goes.
  await input(page, 'password').fill(S.pw.lhasa)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => u.pathname === '/')
  await page.locator('[data-test=dashboard]').waitFor()
  await waitForLoaded(page)
  page.log.assertClean('sign-in')
})

test('empty fields are refused by the form without asking the server', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await page.goto('/login')
  await input(page, 'login').waitFor()
  let asked = false
  page.on('request', (r) => { if (r.url().includes('/api/v1/auth/login')) asked = true })
  await page.locator('[data-test=login-submit]').click()
  await page.getByText(zh('login.loginRequired')).waitFor()
  await page.getByText(zh('login.passwordRequired')).waitFor()
  assert.equal(asked, false, 'the form should not post empty credentials')
})

test('a registry officer sees the registry entries and no administration', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, 'lhasa', S.pw.lhasa)
  assert.equal(new URL(page.url()).pathname, '/')
  const texts = (await menuTexts(page)).join(' | ')
  for (const k of ['dashboard', 'registry', 'enterprises', 'enterpriseNew', 'enterpriseImport', 'profile']) {
    assert.ok(texts.includes(zh('menu.' + k)), `officer's menu lacks ${k} (${zh('menu.' + k)}): ${texts}`)
  }
  for (const k of ['system', 'accounts', 'roles', 'audit']) {
    assert.ok(!texts.includes(zh('menu.' + k)), `officer's menu shows ${k}: ${texts}`)
  }
  // And the administration pages themselves are refused.
  await page.goto('/accounts')
  await page.waitForURL((u) => u.pathname === '/forbidden')
  page.log.assertClean('officer pages')
})

test('the administrator sees the administration entries', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, 'admin', S.pw.admin)
  const texts = (await menuTexts(page)).join(' | ')
  for (const k of ['dashboard', 'registry', 'enterprises', 'system', 'accounts', 'roles', 'audit', 'profile']) {
    assert.ok(texts.includes(zh('menu.' + k)), `admin's menu lacks ${k} (${zh('menu.' + k)}): ${texts}`)
  }
  // The sub-menu opens and leads to its page.
  await page.locator('[data-test=menu] .el-sub-menu__title', { hasText: zh('menu.system') }).click()
  await page.locator('[data-test=menu] .el-menu-item', { hasText: zh('menu.accounts') }).click()
  await page.waitForURL((u) => u.pathname === '/accounts')
  await waitForLoaded(page)
  page.log.assertClean('admin pages')
})

test('signing out returns to the login page and protected pages ask to sign in', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, 'shigatse', S.pw.shigatse)
  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=logout]').click()
  await page.waitForURL((u) => u.pathname === '/login')
  await page.goto('/enterprises')
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/enterprises')
})
