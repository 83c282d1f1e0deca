// What the special-equipment pages share: the catalogue (categories with their inspection
// rules, loaded once), names of categories and regions in the current language, the list
// helpers of every list page (listpage.js, lists.js), and the API's field errors shown beside
// their fields.
import { computed, reactive, ref } from 'vue'
import { api, session } from '../../api.js'
import { errorText } from '../../errors.js'
import { language, regionName } from '../../i18n.js'
import { regionByCode } from '../../regions.js'
import { normalizeCatalogue, categoryNameIn, categoryOptionsIn, topCategory } from '../../equipment.js'
export { useCursorList, useListFilters } from '../../listpage.js'
export { fromQuery, compact, startRegion } from '../../lists.js'

const catalogue = ref({ categories: [], rules: [] })
let catalogueLoading = null

export function loadCatalogue() {
  if (!catalogueLoading) {
    catalogueLoading = api.get('/equipment/categories').then((d) => {
      catalogue.value = normalizeCatalogue(d)
      return catalogue.value
    }).catch((e) => { catalogueLoading = null; throw e })
  }
  return catalogueLoading
}

export const categories = computed(() => catalogue.value.categories)
export const rules = computed(() => catalogue.value.rules)
export const categoryByCode = computed(() => new Map(catalogue.value.categories.map((c) => [c.code, c])))
// Cascader options in the current language: the whole tree, and the top-level categories.
export const categoryOptions = computed(() => categoryOptionsIn(language.value, catalogue.value.categories))
// For registering a unit: cylinders are registered by batch, not here.
export const unitCategoryOptions = computed(() =>
  categoryOptionsIn(language.value, catalogue.value.categories, { batches: false }))
export const topCategoryOptions = computed(() =>
  categoryOptionsIn(language.value, catalogue.value.categories.filter((c) => !c.parent)))

// Staff choose regions; an enterprise account sees its own records, wherever they stand (the
// header has no jurisdiction for it either).
export const isStaff = computed(() => !!session.account && !session.account.enterprise)

// "3110 曳引驱动乘客电梯" (or the code alone while the catalogue is loading).
export function categoryLabel(code, withCode = false) {
  if (!code) return ''
  const c = categoryByCode.value.get(String(code))
  const name = c ? categoryNameIn(language.value, c) : ''
  if (!name) return String(code)
  return withCode ? `${code} ${name}` : name
}
// The category with its top-level category: "电梯 / 曳引驱动乘客电梯".
export function categoryPath(code) {
  const out = []
  let c = categoryByCode.value.get(String(code || ''))
  for (let n = 0; c && n < 6; n++) {
    out.unshift(categoryNameIn(language.value, c))
    c = c.parent ? categoryByCode.value.get(c.parent) : null
  }
  return out.length ? out.join(' / ') : String(code || '')
}
export { topCategory }

export function regionLabel(code) {
  void language.value
  if (code === null || code === undefined || code === '') return ''
  return regionName(regionByCode.value.get(String(code))) || String(code)
}
export function regionPath(code) {
  void language.value
  const out = []
  let r = regionByCode.value.get(String(code ?? ''))
  for (let n = 0; r && n < 6; n++) { out.unshift(regionName(r)); r = r.parent ? regionByCode.value.get(r.parent) : null }
  return out.length ? out.join(' / ') : String(code ?? '')
}

// Field errors of a form: the API's error body names the field; its message starts with the
// field's name, which beside the field is said already.
export function useFieldErrors(fields) {
  const errors = reactive({})
  const top = ref('')
  function clear(f) {
    if (f) delete errors[f]
    else for (const k of Object.keys(errors)) delete errors[k]
    top.value = ''
  }
  function message(e) {
    const m = e.message || errorText(e)
    return e.field && m.startsWith(e.field + ': ') ? m.slice(e.field.length + 2) : m
  }
  // Returns true when the error was put beside a field.
  function apply(e, fixText, scope) {
    const known = typeof fields === 'function' ? fields() : fields
    if (e && e.field && known.includes(e.field)) {
      errors[e.field] = message(e)
      top.value = fixText || ''
      const root = scope || document
      const el = root.querySelector(`[data-field="${e.field}"]`)
      if (el) el.scrollIntoView({ block: 'center', behavior: 'smooth' })
      return true
    }
    top.value = errorText(e)
    return false
  }
  return { errors, top, clear, apply, message }
}
