// Three first-class languages. Every visible string comes from locales/*.json; Element
// Plus's own strings come from its locale (Tibetan is ours: locales/el-bo.js).
import { createI18n } from 'vue-i18n'
import { computed, ref } from 'vue'
import zhCN from './locales/zh-CN.json'
import bo from './locales/bo.json'
import en from './locales/en.json'
import elZh from 'element-plus/es/locale/lang/zh-cn.mjs'
import elEn from 'element-plus/es/locale/lang/en.mjs'
import elBo from './locales/el-bo.js'
import { formatDateIn, regionNameIn } from './format.js'

export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'bo', label: 'བོད་ཡིག' },
  { code: 'en', label: 'English' },
]
const KEY = 'jz.lang'
const EL = { 'zh-CN': elZh, bo: elBo, en: elEn }

function initial() {
  try {
    const saved = localStorage.getItem(KEY)
    if (saved && EL[saved]) return saved
  } catch (e) { /* storage may be disabled */ }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, bo, en },
  missingWarn: false,
  fallbackWarn: false,
})

const current = ref(i18n.global.locale.value)
export const elementLocale = computed(() => EL[current.value])

export function setLanguage(code) {
  if (!EL[code]) return
  i18n.global.locale.value = code
  current.value = code
  document.documentElement.lang = code
  try { localStorage.setItem(KEY, code) } catch (e) { /* ignore */ }
}
document.documentElement.lang = current.value

export const formatDate = (value, withTime = false) => formatDateIn(current.value, value, withTime)
export const regionName = (r) => regionNameIn(current.value, r)

export function formatNumber(n) {
  const tag = current.value === 'bo' ? 'zh-CN' : current.value
  return new Intl.NumberFormat(tag).format(n)
}

export const language = current
