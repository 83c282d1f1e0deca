// A page's loading state: `loading` while the request runs (for v-loading), `failed` holding
// the reason it failed (in the user's language where the error is known), `load` to run or
// retry it. fn does the requests and stores what they return.
import { ref } from 'vue'
import { errorText } from './errors.js'

export function useLoader(fn) {
  const loading = ref(false)
  const failed = ref('')
  async function load(...args) {
    loading.value = true
    failed.value = ''
    try {
      await fn(...args)
    } catch (e) {
      failed.value = errorText(e)
    } finally {
      loading.value = false
    }
  }
  return { loading, failed, load }
}
