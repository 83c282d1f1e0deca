// The console's three languages stay in step: the same keys in zh-CN, bo and en, no empty
// strings, real Tibetan script in the Tibetan menu, and a Tibetan Element Plus locale with
// every key of Element Plus's English one. Plain node:test, no browser.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, join } from 'node:path'

const WEB = join(dirname(fileURLToPath(import.meta.url)), '..')
const LOCALES = join(WEB, 'src', 'locales')
const NAMES = ['zh-CN', 'bo', 'en']

function load(name) {
  const file = join(LOCALES, name + '.json')
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new Error(`${file}: ${e.message}`)
  }
}

// Flattens nested objects to { 'a.b.c': value }; arrays and other values are leaves.
function flatten(obj, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? prefix + '.' + k : k
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out)
    else out.set(key, v)
  }
  return out
}

const flat = Object.fromEntries(NAMES.map((n) => [n, flatten(load(n))]))

function diff(a, b) {
  return [...a.keys()].filter((k) => !b.has(k)).sort()
}

test('zh-CN, bo and en have exactly the same keys', () => {
  const problems = []
  for (const a of NAMES) {
    for (const b of NAMES) {
      if (a === b) continue
      const missing = diff(flat[a], flat[b])
      if (missing.length) problems.push(`in ${a}.json but not in ${b}.json: ${missing.join(', ')}`)
    }
  }
  assert.deepEqual(problems, [], problems.join('\n'))
})

test('every message is a non-empty string', () => {
  const problems = []
  for (const n of NAMES) {
    for (const [k, v] of flat[n]) {
      if (typeof v !== 'string') problems.push(`${n}.json ${k}: not a string (${JSON.stringify(v)})`)
      else if (v.trim() === '') problems.push(`${n}.json ${k}: empty`)
    }
  }
  assert.deepEqual(problems, [], problems.join('\n'))
})

test('the Tibetan menu is written in Tibetan script', () => {
  const menu = [...flat.bo].filter(([k]) => k.startsWith('menu.'))
  assert.ok(menu.length > 0, 'bo.json has no menu.* keys')
  const tibetan = /[\u0F00-\u0FFF]/
  const latinOrHan = /[A-Za-z\u4E00-\u9FFF]/
  const problems = []
  for (const [k, v] of menu) {
    if (typeof v !== 'string' || !tibetan.test(v)) problems.push(`${k}: ${JSON.stringify(v)} has no Tibetan letters`)
    else if (latinOrHan.test(v)) problems.push(`${k}: ${JSON.stringify(v)} mixes in Latin or Chinese`)
  }
  assert.deepEqual(problems, [], problems.join('\n'))
})

test('el-bo.js has every key of Element Plus\'s English locale', async () => {
  const en = (await import(pathToFileURL(join(WEB, 'node_modules', 'element-plus', 'es', 'locale', 'lang', 'en.mjs')).href)).default
  const bo = (await import(pathToFileURL(join(LOCALES, 'el-bo.js')).href)).default
  assert.equal(bo.name, 'bo', 'el-bo.js: name should be "bo"')
  const fe = flatten(en.el, 'el')
  const fb = flatten(bo.el || {}, 'el')
  const missing = diff(fe, fb)
  assert.deepEqual(missing, [], 'missing from el-bo.js: ' + missing.join(', '))
  const problems = []
  for (const [k, v] of fb) {
    if (!fe.has(k)) continue
    const ev = fe.get(k)
    if (Array.isArray(ev)) {
      if (!Array.isArray(v) || v.length !== ev.length) problems.push(`${k}: should be an array of ${ev.length}`)
    } else if (typeof ev === 'string') {
      // Non-empty where English has text (English leaves a few, like pageClassifier, empty).
      if (typeof v !== 'string' || (ev.trim() !== '' && v.trim() === '')) problems.push(`${k}: should be a non-empty string`)
    }
  }
  assert.deepEqual(problems, [], problems.join('\n'))
})
