// Screenshots of the main pages in the three languages at 1366×768, and of the login page,
// the enterprise list and the dashboard at phone width (390×844), into
// web/test-output/screenshots/<lang>-<page>.png and <lang>-phone-<page>.png. While visiting
// them nothing may go wrong: no console error, no uncaught exception, no failed request, no
// answer >= 500, no untranslated message key on screen, and the html lang is the language.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { useSuite, submitLogin, screenshot, waitForLoaded, creditCode, msg, WEB, TEST_TIMEOUT } from './harness.mjs'

const LANGS = ['zh-CN', 'bo', 'en']
let sample // an enterprise with every field filled, for the detail page

const S = useSuite({
  async setup(S) {
    const admin = await S.server.client('admin')
    sample = {
      credit_code: creditCode({ region: '540102' }),
      name: '拉萨市城关区雪域青稞酒业有限公司',
      name_bo: 'ལྷ་ས་གྲོང་ཁྱེར་ཁྲིན་ཀོན་ཁུལ་གངས་ལྗོངས་ནས་ཆང་ཚད་ཡོད་ཀུང་སི།',
      legal_representative: '次仁多吉',
      address: '西藏自治区拉萨市城关区金珠西路 88 号',
      region_code: 540102,
      industry: 'C',
      size: 'small',
      status: 'active',
      established_on: '2012-06-18',
      contact_name: '央金',
      contact_phone: '0891-6821234',
      contact_email: 'quality@example.cn',
      qms_standard: 'GB/T 19001-2016',
      qms_certified: true,
      qms_certificate_no: '00121Q31234R0S',
      qms_certification_body: '中国质量认证中心',
      standards_adopted: 'GB/T 10781.1-2021\nQ/XZQK 0001S-2023',
      inspection_capability: 'full',
      metrology_capability: 'partial',
      quality_manager_trained: true,
      quality_manager_trained_on: '2024-03-15',
    }
    await admin.createEnterprise(sample)
  },
})

// Every message key of the locales ("menu.dashboard", ...): seeing one on screen means a
// string was not translated.
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
  { name: 'dashboard', path: '/', ready: '[data-test=dashboard]' },
  { name: 'enterprise-list', path: '/enterprises', ready: '[data-test=enterprise-table]' },
  { name: 'enterprise-detail', path: () => '/enterprises/' + sample.credit_code, ready: '[data-test=enterprise-detail]' },
  { name: 'enterprise-form', path: '/enterprises/new', ready: '[data-test=enterprise-form]' },
  { name: 'enterprise-edit', path: () => `/enterprises/${sample.credit_code}/edit`, ready: '[data-test=enterprise-form]' },
  { name: 'import', path: '/enterprises/import', ready: '[data-test=import-run]' },
  { name: 'accounts', path: '/accounts', ready: '[data-test=accounts-table]' },
  { name: 'roles', path: '/roles', ready: '[data-test=roles-table]' },
  { name: 'audit', path: '/audit', ready: '[data-test=audit-table]' },
  { name: 'profile', path: '/profile', ready: '[data-test=profile]' },
]
const PHONE_PAGES = ['dashboard', 'enterprise-list']

async function checkPage(page, lang, label) {
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `${label}: html lang`)
  const text = await page.locator('body').innerText()
  const raw = [...new Set(text.match(/\b[a-z][A-Za-z]+(?:\.[A-Za-z_]+)+\b/g) || [])].filter((k) => KEYS.has(k))
  assert.deepEqual(raw, [], `${label}: untranslated message keys on screen`)
  if (lang === 'bo') {
    // The Tibetan console shows Tibetan: at least its menu and headings.
    assert.ok(/[\u0F00-\u0FFF]/.test(text), `${label}: no Tibetan text on the page`)
  }
}

// Visits the login page and the console's pages in one language and viewport; returns the
// problems the page log saw.
async function tour(lang, { phone = false } = {}) {
  const viewport = phone ? { width: 390, height: 844 } : { width: 1366, height: 768 }
  const prefix = phone ? `${lang}-phone-` : `${lang}-`
  const page = await S.page({ viewport })
  const problems = []
  const shot = async (name) => {
    await waitForLoaded(page)
    await checkPage(page, lang, prefix + name)
    await screenshot(page, prefix + name)
    for (const p of page.log.problems()) problems.push(`${prefix}${name}: ${p}`)
    page.log.clear()
  }

  await page.goto('/login')
  await page.locator('[data-test=login-submit]').waitFor()
  await page.locator(`[data-lang="${lang}"]`).click()
  await page.getByRole('heading', { level: 1, name: msg(lang, 'login.title'), exact: true }).waitFor()
  await shot('login')
  await submitLogin(page, 'admin', S.pw.admin)

  for (const p of PAGES) {
    if (phone && !PHONE_PAGES.includes(p.name)) continue
    const path = typeof p.path === 'function' ? p.path() : p.path
    if (new URL(page.url()).pathname !== path) await page.goto(path)
    await page.locator(p.ready).first().waitFor()
    if (p.name === 'dashboard') await page.locator('[data-test=chart] canvas, [data-test=chart] svg').first().waitFor()
    await shot(p.name)
    if (phone) {
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(over <= 1, `${prefix}${p.name}: the page is ${over}px wider than the phone screen`)
    }
  }
  return problems
}

for (const lang of LANGS) {
  test(`screenshots in ${lang} at 1366×768, and no errors on the way`, { timeout: TEST_TIMEOUT }, async () => {
    const problems = await tour(lang)
    assert.deepEqual(problems, [], problems.join('\n'))
  })
}

test('screenshots at phone width (390×844) in the three languages', { timeout: TEST_TIMEOUT }, async () => {
  const problems = []
  for (const lang of LANGS) problems.push(...await tour(lang, { phone: true }))
  assert.deepEqual(problems, [], problems.join('\n'))
})
