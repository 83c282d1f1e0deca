// What the licensing pages share: the categories of each kind (loaded once), names in the
// current language, the permissions that pick what a page offers, the labels of steps and
// deadlines, and the list and form helpers of the equipment pages.
import { computed, ref } from 'vue'
import { api, can, session } from '../../api.js'
import { i18n, language } from '../../i18n.js'
import { nameOf, categoryCodes, deadlineMessage, STEPS } from '../../licensing.js'
export { regionLabel, regionPath, useCursorList, useListFilters, useFieldErrors, fromQuery, compact, startRegion, isStaff } from '../equipment/shared.js'

const categories = ref({ food: [], industrial: [] })
const loading = {}

// The categories of a kind (GET /licensing/categories?kind=).
export function loadCategories(kind) {
  if (!kind) return Promise.all(['food', 'industrial'].map(loadCategories))
  if (!loading[kind]) {
    loading[kind] = api.get('/licensing/categories', { kind }).then((d) => {
      categories.value = { ...categories.value, [kind]: Array.isArray(d) ? d : d?.items || [] }
    }).catch((e) => { loading[kind] = null; throw e })
  }
  return loading[kind]
}
export function categoryOptions(kind) {
  return (categories.value[kind] || []).map((c) => ({ value: c.code, label: `${c.code} ${nameOf(language.value, c)}` }))
}
const byCode = computed(() => {
  const m = new Map()
  for (const list of Object.values(categories.value)) for (const c of list) m.set(c.code, c)
  return m
})
// "101 粮食加工品, 103 ..." (codes alone while the categories load).
export function categoriesLabel(v) {
  return categoryCodes(v).map((c) => {
    const x = byCode.value.get(c)
    return x ? `${c} ${nameOf(language.value, x)}` : c
  }).join('；')
}
export function categoryLabel(code) {
  const x = byCode.value.get(String(code))
  return x ? nameOf(language.value, x) : String(code ?? '')
}

// The name of a step (the locale's, else the process definition's name).
export function stepLabel(step, name) {
  const t = i18n.global.t
  if (STEPS.includes(step)) return t('licensing.steps.' + step)
  return name ? nameOf(language.value, name) : String(step ?? '')
}
// The name of an action: the locale's where it has one, else the definition's.
export function actionLabel(a) {
  const t = i18n.global.t
  const key = 'licensing.actions.' + a.code
  const local = t(key)
  return local !== key ? local : nameOf(language.value, a.name) || a.code
}
// The deadline of a state as text (empty when there is no clock).
export function deadlineText(state) {
  const t = i18n.global.t
  const m = deadlineMessage(state)
  if (!m) return ''
  const params = { ...m.params }
  if (params.reason) params.reason = t(params.reason)
  return t(m.key, params)
}

// What the signed-in account may do here.
export const perms = computed(() => {
  const a = session.account
  return {
    read: can('licensing:read'),
    write: can('licensing:write'),
    approve: can('licensing:approve'),
    admin: can('accounts:admin'),
    enterprise: !!a?.enterprise,
  }
})
export const login = computed(() => session.account?.login || '')
