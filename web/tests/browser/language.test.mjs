// Languages: switching to Tibetan and to English on the login page and from the header
// changes the menu (to the strings of locales/bo.json and en.json), the html lang
// attribute and Element Plus's own strings, and the choice survives a reload.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { useSuite, login, menuTexts, msg, waitForLoaded, WEB, TEST_TIMEOUT } from './harness.mjs'

const S = useSuite()

// Element Plus's strings per language: its own zh-CN and en, our Tibetan one.
async function elementLocale(lang) {
  const file = lang === 'bo' ? join(WEB, 'src', 'locales', 'el-bo.js')
    : join(WEB, 'node_modules', 'element-plus', 'es', 'locale', 'lang', lang === 'en' ? 'en.mjs' : 'zh-cn.mjs')
  return (await import(pathToFileURL(file).href)).default.el
}

const MENU_KEYS = ['dashboard', 'registry', 'system', 'profile']

async function assertMenu(page, lang) {
  // Sub-menu children are rendered (hidden) too; each menu string must be there.
  await page.locator('[data-test=menu] .el-menu-item', { hasText: msg(lang, 'menu.dashboard') }).first().waitFor()
  const texts = (await menuTexts(page)).join(' | ')
  for (const k of [...MENU_KEYS, 'enterprises', 'accounts', 'audit']) {
    assert.ok(texts.includes(msg(lang, 'menu.' + k)), `menu in ${lang} lacks ${k} = ${msg(lang, 'menu.' + k)}: ${texts}`)
  }
  for (const other of ['zh-CN', 'bo', 'en'].filter((l) => l !== lang)) {
    for (const k of MENU_KEYS) {
      const s = msg(other, 'menu.' + k)
      if (s !== msg(lang, 'menu.' + k)) assert.ok(!texts.includes(s), `menu in ${lang} still shows ${other}'s ${s}`)
    }
  }
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang, 'html lang')
}

async function chooseInHeader(page, lang) {
  await page.locator('[data-test=language]').first().click()
  await page.locator(`.el-dropdown-menu [data-lang="${lang}"]:visible, .el-dropdown-menu__item[data-lang="${lang}"]:visible`).first().click()
}

async function loginTitle(page, lang) {
  await page.getByRole('heading', { level: 1, name: msg(lang, 'login.title'), exact: true }).waitFor()
}

// The empty text of a table with no rows (Element Plus's el.table.emptyText).
async function emptyText(page) {
  const el = page.locator('[data-test=enterprise-table] .el-table__empty-text')
  await el.waitFor()
  return (await el.innerText()).trim()
}

test('the login page switches to Tibetan and English', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await page.goto('/login')
  await loginTitle(page, 'zh-CN')
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN')

  await page.locator('[data-lang=bo]').click()
  await loginTitle(page, 'bo')
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'bo')
  assert.equal((await page.locator('[data-test=login-submit]').innerText()).trim(), msg('bo', 'login.submit'))

  await page.locator('[data-lang=en]').click()
  await loginTitle(page, 'en')
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')

  // The form's own validation speaks the language too.
  await page.locator('[data-test=login-submit]').click()
  await page.getByText(msg('en', 'login.loginRequired')).waitFor()

  await page.reload()
  await loginTitle(page, 'en')
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')
  page.log.assertClean('login page languages')
})

test('the header switches the console to Tibetan and English, menus and Element Plus included, and it survives a reload', { timeout: TEST_TIMEOUT }, async () => {
  const page = await S.page()
  await login(page, 'admin', S.pw.admin)
  await assertMenu(page, 'zh-CN')

  // An empty table shows Element Plus's empty text in the current language.
  const nothing = 'zzzz-no-such-enterprise-' + Date.now()
  await page.goto('/enterprises?q=' + nothing)
  await page.locator('[data-test=enterprise-table]').waitFor()
  await waitForLoaded(page)
  assert.equal(await emptyText(page), (await elementLocale('zh-CN')).table.emptyText)

  await chooseInHeader(page, 'bo')
  await assertMenu(page, 'bo')
  assert.equal(await emptyText(page), (await elementLocale('bo')).table.emptyText, 'Tibetan table empty text')
  assert.equal(await page.getByRole('heading', { level: 1 }).first().innerText(), msg('bo', 'enterprises.title'))

  await chooseInHeader(page, 'en')
  await assertMenu(page, 'en')
  assert.equal(await emptyText(page), (await elementLocale('en')).table.emptyText, 'English table empty text')
  assert.equal(await page.getByRole('heading', { level: 1 }).first().innerText(), msg('en', 'enterprises.title'))

  // The choice survives a reload.
  await page.reload()
  await page.locator('[data-test=enterprise-table]').waitFor()
  await waitForLoaded(page)
  await assertMenu(page, 'en')
  assert.equal(await emptyText(page), (await elementLocale('en')).table.emptyText)

  // Pagination (accounts page): Element Plus's "Total {total}" in English, then Tibetan.
  await page.goto('/accounts')
  const total = page.locator('[data-test=accounts-pager] .el-pagination__total')
  await total.waitFor()
  await waitForLoaded(page)
  const count = (await page.locator('[data-test=accounts-table] .el-table__body tr').count())
  const en = (await elementLocale('en')).pagination.total.replace('{total}', String(count))
  assert.equal((await total.innerText()).trim(), en)
  await chooseInHeader(page, 'bo')
  const bo = (await elementLocale('bo')).pagination.total.replace('{total}', String(count))
  await page.locator('[data-test=accounts-pager] .el-pagination__total', { hasText: bo }).waitFor()
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'bo')
  page.log.assertClean('console languages')
})
