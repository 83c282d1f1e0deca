// Failed requests are always shown: in the user's language when the error code is known,
// otherwise with the server's own message.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { i18n } from './i18n.js'

const KNOWN = ['bad_credentials', 'locked', 'throttled', 'network', 'unauthenticated', 'forbidden',
  'session_expired', 'not_found', 'stale', 'exists', 'csrf', 'password_change_required', 'wrong_password', 'too_large']

export function errorText(e) {
  const t = i18n.global.t
  if (!e) return t('errors.http', { status: '?' })
  if (KNOWN.includes(e.code)) {
    const local = t('errors.' + e.code)
    // Messages naming a field carry detail the user needs (which code, which rule).
    return e.field && e.message ? `${local}: ${e.message}` : local
  }
  if (e.message) return e.message
  return t('errors.http', { status: e.status ?? '?' })
}

export function showError(e) {
  if (e && e.name === 'AbortError') return
  ElMessage({ type: 'error', message: errorText(e), showClose: true, duration: 6000, grouping: true })
}

export function showOk(message) {
  ElMessage({ type: 'success', message, duration: 2500 })
}
