// Harness of the browser tests: a fresh jinzhi server per test FILE (temporary directory,
// demo data, the built console served with --web-root), one headless Debian chromium per
// file, and a fresh browser context (fresh cookies and storage) per TEST.
//
//   import { useSuite, login, creditCode, ... } from './harness.mjs'
//   const S = useSuite()                 // registers before()/after() for this file
//   test('...', async () => { const page = await S.page(); await login(page, 'lhasa', S.pw.lhasa) })
//
// Environment: JINZHI_BIN (the binary; CTest sets it; default <repo>/build/jinzhi),
// JZ_SOURCE_DIR (the repository; default two levels above web/tests), JZ_CHROMIUM
// (default /usr/bin/chromium). JZ_BROWSER_VITE=1 serves the sources with a Vite dev server
// (proxying the API) instead of web/dist: for working on the console without building.
import { before, after, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtemp, rm, mkdir, access, writeFile } from 'node:fs/promises'
import { constants as FS, existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const run = promisify(execFile)
const HERE = dirname(fileURLToPath(import.meta.url))
export const WEB = resolve(HERE, '..', '..')
export const SOURCE_DIR = process.env.JZ_SOURCE_DIR || resolve(WEB, '..')
export const DIST = join(WEB, 'dist')
export const OUTPUT = join(WEB, 'test-output')
export const SCREENSHOTS = join(OUTPUT, 'screenshots')
export const CHROMIUM = process.env.JZ_CHROMIUM || '/usr/bin/chromium'
const VITE = process.env.JZ_BROWSER_VITE === '1'

const START_TIMEOUT = 30_000
const STOP_TIMEOUT = 30_000
export const TIMEOUT = 15_000 // default for every Playwright wait and action
export const TEST_TIMEOUT = 90_000 // one test() at most

const require = createRequire(import.meta.url)

function binary() {
  return process.env.JINZHI_BIN || join(SOURCE_DIR, 'build', 'jinzhi')
}

// Environment for jinzhi: none of the caller's JINZHI_* configuration leaks in.
function serverEnv() {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('JINZHI_')) env[k] = v
  return env
}

// --- Preconditions: fail, never skip, with a message saying what to do. -----------------

export async function checkPreconditions() {
  const problems = []
  const bin = binary()
  try { await access(bin, FS.X_OK) } catch {
    problems.push(`the jinzhi binary ${bin} is missing or not executable (build it: cmake --build build; or set JINZHI_BIN)`)
  }
  try { await access(CHROMIUM, FS.X_OK) } catch {
    problems.push(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) or set JZ_CHROMIUM`)
  }
  if (!VITE && !existsSync(join(DIST, 'index.html'))) {
    problems.push(`the console is not built: ${DIST}/index.html is missing (run: cd web && npm ci && npm run build)`)
  }
  try { require.resolve('playwright-core') } catch {
    problems.push('playwright-core is not installed in web/node_modules (run: cd web && npm ci)')
  }
  if (problems.length) throw new Error('browser tests cannot run:\n  - ' + problems.join('\n  - '))
  if (!VITE) {
    const { stdout } = await run(bin, ['serve', '--help'], { env: serverEnv() }).catch((e) => e)
    if (!String(stdout).includes('--web-root')) {
      throw new Error(`browser tests cannot run: ${bin} serve has no --web-root option (rebuild the binary)`)
    }
  }
}

// --- The server -------------------------------------------------------------------------

export class Server {
  constructor() {
    this.bin = binary()
    this.tmp = null
    this.db = null
    this.proc = null
    this.port = null
    this.url = null
    this.stderr = []
    this.passwords = {} // login -> password usable for signing in
    this.demoAccounts = {} // login -> { password, role, unit }
    this.vite = null
  }

  async tool(args, input) {
    return new Promise((resolveP, reject) => {
      const p = spawn(this.bin, args, { cwd: this.tmp, env: serverEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
      let out = '', err = ''
      p.stdout.on('data', (d) => { out += d })
      p.stderr.on('data', (d) => { err += d })
      p.on('error', reject)
      p.on('close', (code) => {
        if (code === 0) resolveP({ stdout: out, stderr: err })
        else reject(new Error(`jinzhi ${args.join(' ')} failed (${code}):\n${out}\n${err}`))
      })
      p.stdin.end(input || '')
    })
  }

  async start({ demo = true } = {}) {
    this.tmp = await mkdtemp(join(tmpdir(), 'jzweb-'))
    this.db = join(this.tmp, 'jinzhi.db')
    await this.tool(['migrate', '--db', this.db])
    if (demo) {
      const { stdout } = await this.tool(['demo', '--db', this.db, '--scale', 'small', '--seed', '7'])
      // "  admin     wyP8WtTDkU8WsBD6  (sysadmin, 540000)"
      for (const m of stdout.matchAll(/^\s+(\S+)\s+(\S+)\s+\((\w+), (\d+)/gm)) {
        this.demoAccounts[m[1]] = { password: m[2], role: m[3], unit: m[4] }
        this.passwords[m[1]] = m[2]
      }
      for (const who of ['admin', 'leader', 'lhasa', 'shigatse', 'firm']) {
        if (!this.passwords[who]) throw new Error(`jinzhi demo printed no password for ${who}:\n${stdout}`)
      }
    }
    const args = ['serve', '--db', this.db, '--listen', '127.0.0.1:0', '--threads', '4']
    if (!VITE) args.push('--web-root', DIST)
    this.proc = spawn(this.bin, args, { cwd: this.tmp, env: serverEnv(), stdio: ['ignore', 'ignore', 'pipe'] })
    this.exited = new Promise((r) => this.proc.on('exit', (code, sig) => r(code ?? sig)))
    const port = await new Promise((resolveP, reject) => {
      let buf = ''
      const timer = setTimeout(() => reject(new Error('server did not report its port; stderr:\n' + this.stderrText())), START_TIMEOUT)
      this.proc.stderr.on('data', (d) => {
        buf += d
        let i
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i)
          buf = buf.slice(i + 1)
          this.stderr.push(line)
          if (this.stderr.length > 5000) this.stderr.splice(0, 1000)
          const m = /jinzhi: listening on 127\.0\.0\.1:(\d+)/.exec(line)
          if (m) { clearTimeout(timer); resolveP(Number(m[1])) }
        }
      })
      this.proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}) during start:\n` + this.stderrText())) })
    })
    this.port = port
    this.apiUrl = `http://127.0.0.1:${port}`
    await this.waitHealthy()
    this.url = VITE ? await this.startVite() : this.apiUrl
    // The console itself must be served (the server reads web/dist once, at start).
    const r = await fetch(this.url + '/login').catch((e) => ({ status: String(e), text: async () => '' }))
    const html = await r.text()
    if (r.status !== 200 || !html.includes('id="app"')) {
      throw new Error(`the server does not serve the console at ${this.url}/login (status ${r.status}): ` +
        `is ${DIST} complete (cd web && npm run build), or being rebuilt right now?\n${html.slice(0, 300)}`)
    }
    return this
  }

  async startVite() {
    const vite = join(WEB, 'node_modules', 'vite', 'bin', 'vite.js')
    this.vite = spawn(process.execPath, [vite, '--port', '0', '--host', '127.0.0.1', '--strictPort', 'false'],
      { cwd: WEB, env: { ...process.env, JZ_API: this.apiUrl }, stdio: ['ignore', 'pipe', 'pipe'] })
    return new Promise((resolveP, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error('vite did not start:\n' + out)), START_TIMEOUT)
      const onData = (d) => {
        out += d
        const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out.replace(/\x1b\[[0-9;]*m/g, ''))
        if (m) { clearTimeout(timer); resolveP(m[1]) }
      }
      this.vite.stdout.on('data', onData)
      this.vite.stderr.on('data', onData)
    })
  }

  stderrText(tail = 60) { return this.stderr.slice(-tail).join('\n') }

  async waitHealthy() {
    const deadline = Date.now() + START_TIMEOUT
    let last = ''
    while (Date.now() < deadline) {
      try {
        const r = await fetch(this.apiUrl + '/api/v1/health')
        if (r.status === 200) return
        last = String(r.status)
      } catch (e) { last = String(e) }
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`server not healthy within ${START_TIMEOUT} ms: ${last}`)
  }

  async stop() {
    if (this.vite) { this.vite.kill('SIGTERM'); this.vite = null }
    let code = null
    if (this.proc) {
      if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM')
      const t = setTimeout(() => this.proc.kill('SIGKILL'), STOP_TIMEOUT)
      code = await this.exited
      clearTimeout(t)
    }
    if (this.tmp) await rm(this.tmp, { recursive: true, force: true })
    this.tmp = null
    return code
  }

  // An API client signed in as login (cookie + CSRF token), for preparing data.
  async client(loginName, password = this.passwords[loginName]) {
    const c = new ApiClient(this.apiUrl)
    await c.login(loginName, password)
    return c
  }

  // Creates a staff account as admin through the API (POST /api/v1/accounts); with
  // usable=true it also changes the one-time password (POST /api/v1/auth/password) so the
  // account can sign in without the forced change. Returns { login, password }.
  async createAccount({ login, unit, roles, displayName, usable = true, creditCode }) {
    const admin = await this.client('admin')
    const body = { login, display_name: displayName || login, org_unit: unit, roles }
    if (creditCode) body.credit_code = creditCode
    const r = await admin.post('/api/v1/accounts', body)
    assert.equal(r.status, 201, `creating account ${login}: ${r.status} ${JSON.stringify(r.json)}`)
    const initial = r.json.initial_password
    assert.ok(initial, `no initial_password for ${login}: ${JSON.stringify(r.json)}`)
    if (!usable) return { login, password: initial }
    const c = new ApiClient(this.apiUrl)
    const me = await c.login(login, initial)
    assert.equal(me.must_change_password, true, `${login} should have to change its one-time password`)
    const password = strongPassword()
    const ch = await c.post('/api/v1/auth/password', { old_password: initial, new_password: password })
    assert.ok(ch.status < 300, `changing ${login}'s password: ${ch.status} ${JSON.stringify(ch.json)}`)
    this.passwords[login] = password
    return { login, password }
  }
}

export class ApiClient {
  constructor(base) { this.base = base; this.cookie = null; this.csrf = null }

  async request(method, path, { json, body, contentType } = {}) {
    const headers = { Accept: 'application/json' }
    if (this.cookie) headers.Cookie = this.cookie
    if (this.csrf && method !== 'GET') headers['X-CSRF-Token'] = this.csrf
    if (json !== undefined) { body = JSON.stringify(json); headers['Content-Type'] = 'application/json' }
    else if (contentType) headers['Content-Type'] = contentType
    const res = await fetch(this.base + path, { method, headers, body })
    const text = await res.text()
    let parsed = null
    try { parsed = JSON.parse(text) } catch { /* not JSON */ }
    const set = res.headers.get('set-cookie')
    if (set) {
      const m = /jz_session=([^;]*)/.exec(set)
      if (m) this.cookie = m[1] ? 'jz_session=' + m[1] : null
    }
    return { status: res.status, json: parsed, text, headers: res.headers }
  }

  get(path) { return this.request('GET', path) }
  post(path, json) { return this.request('POST', path, { json }) }
  patch(path, json) { return this.request('PATCH', path, { json }) }

  async login(loginName, password) {
    const r = await this.post('/api/v1/auth/login', { login: loginName, password })
    assert.equal(r.status, 200, `API sign-in as ${loginName}: ${r.status} ${r.text}`)
    this.csrf = r.json.csrf_token
    return r.json
  }

  // Registers an enterprise; fails the test unless the server answers 201.
  async createEnterprise(fields) {
    const r = await this.post('/api/v1/enterprises', fields)
    assert.equal(r.status, 201, `creating enterprise ${fields.credit_code}: ${r.status} ${r.text}`)
    return r.json
  }
}

// A password that meets the rules (10+ characters, four classes) and contains no login.
export function strongPassword() {
  return 'Qz7!' + Math.random().toString(36).slice(2, 10) + '-Xk9'
}

// --- Credit codes (GB 32100-2015, with the GB 11714 organisation code in 9-17) -----------

const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

export function usccCheck(code17) {
  let sum = 0, w = 1
  for (const ch of code17) {
    const v = USCC.indexOf(ch)
    if (v < 0) throw new Error(`not a credit-code character: ${ch}`)
    sum += v * w
    w = (w * 3) % 31
  }
  const c = 31 - (sum % 31)
  return USCC[c === 31 ? 0 : c]
}

function orgCheck(body8) {
  let sum = 0
  for (let i = 0; i < 8; i++) {
    const ch = body8[i]
    const v = /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55
    sum += v * ORG_WEIGHTS[i]
  }
  const c = 11 - (sum % 11)
  return c === 10 ? 'X' : c === 11 ? '0' : String(c)
}

let codeSeq = Math.floor(Math.random() * 90_000_000)

// A valid, fresh credit code: '91' + region + 8-digit organisation body + its check
// character + the GB 32100 check character. orgOk=false breaks the inner organisation-code
// check (the server accepts that with a warning).
export function creditCode({ region = '540102', dept = '91', orgOk = true } = {}) {
  codeSeq = (codeSeq + 1) % 100_000_000
  const body8 = String(codeSeq).padStart(8, '0')
  let oc = orgCheck(body8)
  if (!orgOk) oc = oc === '1' ? '2' : '1'
  const c17 = dept + region + body8 + oc
  return c17 + usccCheck(c17)
}

// The same code with a wrong check character (position 18).
export function corruptCheck(code) {
  const bad = [...'0123456789ABCDEFGHJK'].find((c) => c !== code[17])
  return code.slice(0, 17) + bad
}

for (const ex of ['91110000101623741K', '911101066976941872', '91350100M000100Y43']) {
  if (usccCheck(ex.slice(0, 17)) !== ex[17]) throw new Error('credit-code helper is wrong for ' + ex)
}

let nameSeq = 0
// A unique enterprise name (searchable: the API's q matches text in the name).
export function uniqueName(prefix = '测试企业') {
  nameSeq++
  return `${prefix}${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 6)}${nameSeq}`
}

// --- Locales ----------------------------------------------------------------------------

export function messages(lang) {
  return JSON.parse(readFileSync(join(WEB, 'src', 'locales', lang + '.json'), 'utf8'))
}
export function msg(lang, key) {
  let v = messages(lang)
  for (const k of key.split('.')) v = v?.[k]
  if (typeof v !== 'string') throw new Error(`no message ${key} in ${lang}.json`)
  return v
}

// --- The browser ------------------------------------------------------------------------

export async function launchBrowser() {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-features=Translate,MediaRouter'],
  })
}

// Records what went wrong on a page: console errors, uncaught exceptions, API answers with
// status >= 500 and requests that failed outright. Also counts requests in flight (for
// waitForLoaded).
export class PageLog {
  constructor(page) {
    this.page = page
    this.consoleErrors = []
    this.pageErrors = []
    this.serverErrors = []
    this.failedRequests = []
    this.inflight = new Set()
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      const text = m.text()
      // Chromium logs every 4xx answer as "Failed to load resource"; 4xx answers are part
      // of normal use (GET /auth/me before sign-in, a wrong password). 5xx are caught below.
      if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return
      this.consoleErrors.push(`${text} (${m.location()?.url || ''})`)
    })
    page.on('pageerror', (e) => this.pageErrors.push(String(e && e.stack || e)))
    page.on('request', (r) => this.inflight.add(r))
    page.on('requestfinished', (r) => this.inflight.delete(r))
    page.on('requestfailed', (r) => {
      this.inflight.delete(r)
      const why = r.failure()?.errorText || ''
      // Navigating away aborts what the old page was loading; that is not a failure.
      if (/ERR_ABORTED/.test(why)) return
      this.failedRequests.push(`${r.method()} ${r.url()}: ${why}`)
    })
    page.on('response', (r) => {
      if (r.status() >= 500) this.serverErrors.push(`${r.request().method()} ${r.url()} -> ${r.status()}`)
    })
  }

  problems() {
    return [
      ...this.consoleErrors.map((e) => 'console error: ' + e),
      ...this.pageErrors.map((e) => 'page error: ' + e),
      ...this.serverErrors.map((e) => 'server error: ' + e),
      ...this.failedRequests.map((e) => 'failed request: ' + e),
    ]
  }

  clear() {
    this.consoleErrors.length = 0
    this.pageErrors.length = 0
    this.serverErrors.length = 0
    this.failedRequests.length = 0
  }

  assertClean(where = '') {
    const p = this.problems()
    assert.deepEqual(p, [], `problems${where ? ' on ' + where : ''}:\n` + p.join('\n'))
  }
}

const FILE_TAG = () => (process.argv[1] ? process.argv[1].split('/').pop().replace(/\.test\.mjs$/, '') : 'test')

// Registers before()/after() hooks for the calling test file: a server and a browser;
// S.page() gives a page in a new context (closed after the test).
// setup(S), when given, runs after the server and browser are up (accounts, data).
export function useSuite({ demo = true, setup } = {}) {
  const S = {
    server: null,
    browser: null,
    contexts: [],
    get url() { return this.server.url },
    get pw() { return this.server.passwords },
    async page({ viewport = { width: 1366, height: 768 } } = {}) {
      const context = await this.browser.newContext({ viewport, baseURL: this.server.url, locale: 'zh-CN' })
      context.setDefaultTimeout(TIMEOUT)
      context.setDefaultNavigationTimeout(TIMEOUT)
      this.contexts.push(context)
      const page = await context.newPage()
      page.log = new PageLog(page)
      return page
    },
  }
  before(async () => {
    await checkPreconditions()
    S.server = await new Server().start({ demo })
    S.browser = await launchBrowser()
    if (setup) await setup(S)
  })
  afterEach(async (t) => {
    // The last state of every page of the test, for looking into a failure.
    const name = (t && t.name ? t.name : 'test').slice(0, 80)
    for (const [i, c] of S.contexts.entries()) {
      for (const [j, p] of c.pages().entries()) {
        await mkdir(join(OUTPUT, 'last'), { recursive: true }).catch(() => {})
        await p.screenshot({ path: join(OUTPUT, 'last', `${FILE_TAG(t)}-${name.replace(/[^\w.-]+/g, '_')}-${i}-${j}.png`) }).catch(() => {})
      }
    }
    const cs = S.contexts.splice(0)
    await Promise.all(cs.map((c) => c.close().catch(() => {})))
  })
  after(async () => {
    if (S.browser) await S.browser.close().catch(() => {})
    if (S.server) {
      const code = await S.server.stop()
      // A clean stop after SIGTERM (under ASan, also no leak or error report).
      if (code !== 0) throw new Error(`jinzhi serve exited with ${code} after SIGTERM; stderr tail:\n${S.server.stderrText(40)}`)
    }
  })
  return S
}

// --- Page helpers -----------------------------------------------------------------------

// The <input> (or <textarea>) of an element marked data-test=NAME: Element Plus puts the
// attribute on the native input, but a wrapper may carry it instead.
export function input(page, name) {
  return page.locator(`input[data-test="${name}"], textarea[data-test="${name}"], ` +
    `:not(input):not(textarea)[data-test="${name}"] input, :not(input):not(textarea)[data-test="${name}"] textarea`).first()
}

// Waits until the page has settled: no request in flight and no visible Element Plus loading
// mask, three polls in a row; with canvas=true also every <canvas> unchanged (charts
// animate; screenshot() waits for that).
export async function waitForLoaded(page, { timeout = TIMEOUT, canvas = false } = {}) {
  const deadline = Date.now() + timeout
  let calm = 0
  let lastCanvas = null
  while (Date.now() < deadline) {
    const busy = page.log && [...page.log.inflight].some((r) => ['fetch', 'xhr', 'document', 'script', 'stylesheet'].includes(r.resourceType()))
    const state = await page.evaluate((withCanvas) => {
      let masked = document.readyState !== 'complete'
      for (const el of document.querySelectorAll('.el-loading-mask')) {
        const r = el.getBoundingClientRect()
        const s = getComputedStyle(el)
        if (r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility !== 'hidden' && Number(s.opacity) > 0) masked = true
      }
      let h = 0
      for (const c of (withCanvas ? document.querySelectorAll('canvas') : [])) {
        let d = ''
        try { d = c.toDataURL() } catch { d = String(c.width) + 'x' + String(c.height) }
        for (let i = 0; i < d.length; i += 7) h = (h * 31 + d.charCodeAt(i)) | 0
        h = (h * 31 + d.length) | 0
      }
      return { masked, canvas: h }
    }, canvas).catch(() => ({ masked: true, canvas: null }))
    const still = state.canvas === lastCanvas
    lastCanvas = state.canvas
    if (!busy && !state.masked && still) { if (++calm >= 3) return } else calm = 0
    await page.waitForTimeout(50) // polling interval of a condition, not a fixed delay
  }
  throw new Error(`page ${page.url()} did not finish loading within ${timeout} ms`)
}

// Signs in through the login page and waits for the console to show.
export async function login(page, loginName, password, opts = {}) {
  await page.goto('/login')
  await submitLogin(page, loginName, password, opts)
}

// Fills and submits the login form already shown, and waits for the console to show.
export async function submitLogin(page, loginName, password, { expectPath } = {}) {
  await input(page, 'login').waitFor()
  await input(page, 'login').fill(loginName)
  await input(page, 'password').fill(password)
  await page.locator('[data-test=login-submit]').click()
  if (expectPath) await page.waitForURL((u) => u.pathname === expectPath)
  else await page.waitForURL((u) => u.pathname !== '/login')
  await waitForLoaded(page)
}

// Waits for the page to settle (charts included), then writes
// web/test-output/screenshots/<name>.png.
export async function screenshot(page, name) {
  await waitForLoaded(page, { canvas: true })
  await mkdir(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, name.replace(/[^\w.-]+/g, '_') + '.png')
  await page.screenshot({ path, fullPage: false })
  return path
}

export async function writeOutput(name, text) {
  await mkdir(OUTPUT, { recursive: true })
  await writeFile(join(OUTPUT, name), text)
}

// The visible text of the side menu, each entry (including sub-menu children) once.
export async function menuTexts(page) {
  return page.locator('[data-test=menu]').first().evaluate((menu) =>
    [...menu.querySelectorAll('.el-menu-item, .el-sub-menu__title')].map((e) => e.textContent.replace(/\s+/g, ' ').trim()))
}
