// The GB/T 2260 tree (public endpoint, loaded once) and the part of it a user may see.
import { ref, computed, watch } from 'vue'
import { api, session } from './api.js'
import { scopeContains, levelOf } from './format.js'
import { regionName } from './i18n.js'

const all = ref([])
let loading = null

export function loadRegions() {
  if (!loading) {
    loading = api.get('/regions').then((d) => { all.value = d.items; return all.value })
      .catch((e) => { loading = null; throw e })
  }
  return loading
}

export const regions = all
export const regionByCode = computed(() => {
  const m = new Map()
  for (const r of all.value) m.set(r.code, r)
  return m
})

// A region is in scope when its code lies in one of the scope's ranges (or scope is all).
export function inScope(code) {
  return !!session.account && scopeContains(session.account.scope, code)
}

// Regions the user can choose: those in scope, as a tree for the cascader.
export const scopeTree = computed(() => {
  const visible = all.value.filter((r) => inScope(r.code))
  const codes = new Set(visible.map((r) => r.code))
  const nodes = new Map(visible.map((r) => [r.code, { region: r, children: [] }]))
  const roots = []
  for (const r of visible) {
    const n = nodes.get(r.code)
    if (r.parent && codes.has(r.parent)) nodes.get(r.parent).children.push(n)
    else roots.push(n)
  }
  return roots
})

// The same tree as options of an Element Plus cascader, named in the current language.
function toOption(n) {
  const o = { value: n.region.code, label: regionName(n.region) }
  if (n.children.length) o.children = n.children.map(toOption)
  return o
}
export const scopeOptions = computed(() => scopeTree.value.map(toOption))

// The jurisdiction chosen in the header; '' means the whole of the user's scope.
const KEY = 'jz.region'
export const selectedRegion = ref(localStorage.getItem(KEY) || '')
watch(selectedRegion, (v) => { try { localStorage.setItem(KEY, v || '') } catch (e) { /* ignore */ } })
watch(() => session.account && session.account.login, () => {
  // A different user must not inherit a region outside their scope.
  if (selectedRegion.value && all.value.length && !inScope(selectedRegion.value)) selectedRegion.value = ''
})

export { levelOf }
