// After `vite build`: writes .gz and .br beside every compressible file (jinzhi serves them
// to clients that accept them), then measures what the first pages load, compressed, and
// fails the build when either is over the budget.
//
// The first page is the sign-in page: index.html's entry chunk with everything it imports
// statically, plus the Login view's chunk and its imports and CSS. The first page after
// sign-in is the dashboard, measured the same way (with the chart chunk it loads).
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs'
import { join, extname } from 'node:path'
import { gzipSync, brotliCompressSync, constants } from 'node:zlib'

const DIST = new URL('../dist/', import.meta.url).pathname
const BUDGET = 600 * 1024
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map'])

const sizes = new Map() // path relative to dist -> { raw, gz, br }

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) { walk(p); continue }
    const ext = extname(name)
    if (!COMPRESSIBLE.has(ext) || ext === '.map') continue
    const body = readFileSync(p)
    const gz = gzipSync(body, { level: 9 })
    const br = brotliCompressSync(body, { params: {
      [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
    if (gz.length < body.length) writeFileSync(p + '.gz', gz)
    if (br.length < body.length) writeFileSync(p + '.br', br)
    sizes.set(p.slice(DIST.length), { raw: body.length, gz: Math.min(gz.length, body.length), br: Math.min(br.length, body.length) })
  }
}
walk(DIST)

const manifest = JSON.parse(readFileSync(join(DIST, '.vite/manifest.json'), 'utf8'))

function closure(keys) {
  const files = new Set()
  const seen = new Set()
  const visit = (k) => {
    if (seen.has(k)) return
    seen.add(k)
    const m = manifest[k]
    if (!m) throw new Error(`budget: ${k} is not in the Vite manifest`)
    files.add(m.file)
    for (const c of m.css || []) files.add(c)
    for (const i of m.imports || []) visit(i)
  }
  keys.forEach(visit)
  return [...files]
}

function page(name, keys) {
  const files = closure(keys)
  files.push('index.html')
  let raw = 0, gz = 0, br = 0
  for (const f of files) {
    const s = sizes.get(f)
    if (!s) throw new Error(`budget: ${f} was not measured`)
    if (!/\.(js|css)$/.test(f)) continue
    raw += s.raw; gz += s.gz; br += s.br
  }
  return { page: name, files: files.length, raw, gzip: gz, brotli: br }
}

const kb = (n) => (n / 1024).toFixed(1) + ' KB'
const pages = [
  page('login', ['index.html', 'src/views/Login.vue']),
  page('dashboard', ['index.html', 'src/views/Dashboard.vue', 'src/components/BarChart.vue']),
  page('enterprise list', ['index.html', 'src/views/enterprises/EnterpriseList.vue']),
  page('equipment list', ['index.html', 'src/views/equipment/UnitList.vue']),
  page('equipment rates', ['index.html', 'src/views/equipment/Rates.vue', 'src/views/equipment/RatesChart.vue']),
  page('sampling samples', ['index.html', 'src/views/sampling/Samples.vue']),
  page('sampling sample', ['index.html', 'src/views/sampling/SampleDetail.vue']),
  page('sampling stats', ['index.html', 'src/views/sampling/Stats.vue', 'src/components/BarChart.vue']),
  page('licensing queue', ['index.html', 'src/views/licensing/Queue.vue']),
  page('lc applications', ['index.html', 'src/views/licensing/Applications.vue']),
  page('lc application', ['index.html', 'src/views/licensing/ApplicationDetail.vue']),
  page('lc form', ['index.html', 'src/views/licensing/ApplicationForm.vue']),
  page('lc licences', ['index.html', 'src/views/licensing/Licences.vue']),
  page('lc licence', ['index.html', 'src/views/licensing/LicenceDetail.vue']),
  page('lc checks due', ['index.html', 'src/views/licensing/ChecksDue.vue']),
  page('lc stats', ['index.html', 'src/views/licensing/Stats.vue', 'src/components/BarChart.vue']),
  page('calendar', ['index.html', 'src/views/admin/Calendar.vue']),
]
let over = false
console.log('\nFirst-page weight (JavaScript + CSS; budget ' + kb(BUDGET) + ' compressed):')
for (const p of pages) {
  const bad = p.gzip > BUDGET
  over ||= bad
  console.log(`  ${p.page.padEnd(16)} ${kb(p.raw).padStart(10)} raw  ${kb(p.gzip).padStart(9)} gzip  ${kb(p.brotli).padStart(9)} brotli  ${bad ? 'OVER BUDGET' : 'ok'}`)
}
let total = { raw: 0, gz: 0 }
for (const [f, s] of sizes) if (/\.(js|css)$/.test(f)) { total.raw += s.raw; total.gz += s.gz }
console.log(`  all chunks       ${kb(total.raw).padStart(10)} raw  ${kb(total.gz).padStart(9)} gzip`)
writeFileSync(join(DIST, '.vite/budget.json'), JSON.stringify({ budget: BUDGET, pages }, null, 2))
if (over) {
  console.error('budget: a first page loads more than ' + kb(BUDGET) + ' of compressed JavaScript and CSS')
  process.exit(1)
}
