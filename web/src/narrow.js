// Whether the window is phone-width (under 768 px, Element Plus's "sm"): one listener for
// the whole console, read by every page that lays itself out differently on a phone.
import { ref } from 'vue'

export const PHONE_MAX = 768
export const narrow = ref(window.innerWidth < PHONE_MAX)
window.addEventListener('resize', () => { narrow.value = window.innerWidth < PHONE_MAX })
