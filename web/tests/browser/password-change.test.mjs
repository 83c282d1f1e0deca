// A new account's one-time password: signing in leads to the profile page, nothing else
// opens until the password is changed there, and then only the new password signs in.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { useSuite, login, submitLogin, input, waitForLoaded, strongPassword, msg, TEST_TIMEOUT } from './harness.mjs'

const S = useSuite()
const zh = (k) => msg('zh-CN', k)

test('a new account must change its one-time password on the profile page, then signs in with the new one', { timeout: TEST_TIMEOUT }, async () => {
  const acct = await S.server.createAccount({ login: 'newofficer', unit: '540102', roles: ['registry_officer'], displayName: '新登记员', usable: false })
  const page = await S.page()

  // The one-time password signs in, straight to the profile page.
  await login(page, acct.login, acct.password, { expectPath: '/profile' })
  await page.locator('[data-test=profile-must-change]').waitFor()

  // Nothing else opens before the change.
  await page.goto('/enterprises')
  await page.waitForURL((u) => u.pathname === '/profile')
  await page.locator('[data-test=profile-must-change]').waitFor()
  await waitForLoaded(page)

  // A wrong current password is refused beside that field.
  const fresh = strongPassword()
  await input(page, 'profile-old-password').fill(acct.password + 'x')
  await input(page, 'profile-new-password').fill(fresh)
  await input(page, 'profile-confirm-password').fill(fresh)
  await page.locator('[data-test=profile-submit]').click()
  await page.getByText(zh('errors.wrong_password')).first().waitFor()
  assert.equal(new URL(page.url()).pathname, '/profile')

  // A confirmation that differs is refused by the form.
  await input(page, 'profile-old-password').fill(acct.password)
  await input(page, 'profile-confirm-password').fill(fresh + 'y')
  await page.locator('[data-test=profile-submit]').click()
  await page.getByText(zh('profile.mismatch')).first().waitFor()

  // The real change: back to the login page.
  await input(page, 'profile-confirm-password').fill(fresh)
  await page.locator('[data-test=profile-submit]').click()
  await page.waitForURL((u) => u.pathname === '/login')

  // The old password no longer works; the new one does, without a detour to the profile.
  await input(page, 'login').fill(acct.login)
  await input(page, 'password').fill(acct.password)
  await page.locator('[data-test=login-submit]').click()
  await page.locator('[data-test=login-error]').waitFor()
  await submitLogin(page, acct.login, fresh, { expectPath: '/' })
  await page.locator('[data-test=dashboard]').waitFor()
  assert.equal(await page.locator('[data-test=profile-must-change]').count(), 0)
  await page.goto('/enterprises')
  await page.locator('[data-test=enterprise-table]').waitFor()
  assert.equal(new URL(page.url()).pathname, '/enterprises')
  page.log.assertClean('password change')

  // And in a fresh browser (no cookie from before) the new password signs in as well.
  const other = await S.page()
  await login(other, acct.login, fresh, { expectPath: '/' })
  await other.locator('[data-test=dashboard]').waitFor()
})

test('a password that breaks the rules is refused with the reason', { timeout: TEST_TIMEOUT }, async () => {
  const acct = await S.server.createAccount({ login: 'weakling', unit: '540100', roles: ['registry_officer'], usable: false })
  const page = await S.page()
  await login(page, acct.login, acct.password, { expectPath: '/profile' })
  await input(page, 'profile-old-password').fill(acct.password)
  await input(page, 'profile-new-password').fill('short1A!')
  await input(page, 'profile-confirm-password').fill('short1A!')
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/password'))
  await page.locator('[data-test=profile-submit]').click()
  const res = await answer
  assert.equal(res.status(), 400)
  await page.locator('[data-field=new], .el-form-item.is-error').first().waitFor()
  const err = page.locator('.el-form-item.is-error .el-form-item__error, [data-test=profile-error]').first()
  await err.waitFor()
  assert.ok((await err.innerText()).trim().length > 0)
  assert.equal(new URL(page.url()).pathname, '/profile')
})
