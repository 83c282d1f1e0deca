// What the supervision-sampling pages share: the catalogue (products with their items and
// limits, test items) and the labs, loaded once; their names in the current language; the
// permissions that pick what a page offers; and the list and form helpers of the equipment pages.
import { computed, ref } from 'vue'
import { api, can, session } from '../../api.js'
import { language } from '../../i18n.js'
import { nameIn, codeOf, todayCST } from '../../sampling.js'
export { regionLabel, regionPath, useCursorList, useListFilters, useFieldErrors, fromQuery, compact, startRegion, isStaff } from '../equipment/shared.js'

const products = ref([])
const items = ref([])
const labs = ref([])
const productDetails = new Map()
let loading = null
let labsLoading = null

// Products and test items (GET /sampling/products, /sampling/items).
export function loadCatalogue() {
  if (!loading) {
    loading = Promise.all([api.get('/sampling/products', { limit: 1000 }), api.get('/sampling/items', { limit: 1000 })])
      .then(([p, i]) => {
        products.value = Array.isArray(p) ? p : p?.items || []
        items.value = Array.isArray(i) ? i : i?.items || []
      }).catch((e) => { loading = null; throw e })
  }
  return loading
}
// The labs (GET /sampling/labs).
export function loadLabs() {
  if (!labsLoading) {
    labsLoading = api.get('/sampling/labs', { limit: 1000 }).then((d) => {
      labs.value = Array.isArray(d) ? d : d?.items || []
    }).catch((e) => { labsLoading = null; throw e })
  }
  return labsLoading
}
// A product with its items and their limits (GET /sampling/products/{code}), cached.
export function loadProduct(code) {
  const c = codeOf(code)
  if (!productDetails.has(c)) {
    productDetails.set(c, api.get('/sampling/products/' + encodeURIComponent(c)).catch((e) => {
      productDetails.delete(c)
      throw e
    }))
  }
  return productDetails.get(c)
}

export const productList = products
export const labList = labs
const productByCode = computed(() => new Map(products.value.map((p) => [p.code, p])))
const itemByCode = computed(() => new Map(items.value.map((i) => [i.code, i])))
export const productOptions = computed(() =>
  products.value.map((p) => ({ value: p.code, label: nameIn(language.value, p) })))

// A product's name (given as a code or as an object with names).
export function productLabel(x) {
  if (x && typeof x === 'object' && (x.name_zh || x.name)) return nameIn(language.value, x)
  const c = codeOf(x)
  const p = productByCode.value.get(c)
  return p ? nameIn(language.value, p) : c
}
export function itemLabel(x) {
  if (x && typeof x === 'object' && (x.name_zh || x.name)) return nameIn(language.value, x)
  const c = codeOf(x)
  const i = itemByCode.value.get(c)
  return i ? nameIn(language.value, i) : c
}
export function labLabel(id) {
  if (id === null || id === undefined || id === '') return ''
  if (typeof id === 'object') return language.value === 'bo' ? id.name_bo || id.name : id.name
  const l = labs.value.find((x) => String(x.id) === String(id))
  return l ? (language.value === 'bo' && l.name_bo) || l.name : String(id)
}

// What the signed-in account may do here.
export const perms = computed(() => {
  const a = session.account
  const roles = (a && a.roles) || []
  const roleNames = roles.map((r) => (typeof r === 'string' ? r : r.name || r.code))
  return {
    read: can('sampling:read'),
    write: can('sampling:write'),
    approve: can('sampling:approve'),
    publish: can('sampling:publish'),
    enterprise: !!a?.enterprise,
    lab: roleNames.includes('lab_analyst'),
    officer: roleNames.includes('sampling_officer') || (can('sampling:publish') && can('sampling:write') && !a?.enterprise),
    leader: roleNames.includes('leader'),
  }
})
export const login = computed(() => session.account?.login || '')
export { todayCST }
