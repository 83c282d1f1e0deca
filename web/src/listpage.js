// What list pages share: a list paged by cursor (previous, next, page number) and filters kept
// in the URL whose region follows the header's jurisdiction. The pure parts are in lists.js.
import { computed, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useLoader } from './loader.js'
import { selectedRegion } from './regions.js'
import { compact, searchQuery } from './lists.js'

// A list paged by cursor: fetchPage({limit, cursor}) answers {items, next_cursor, total?}.
export function useCursorList(fetchPage, { limit: initial = 20 } = {}) {
  const items = ref([])
  const total = ref(null)
  const limit = ref(initial)
  const cursors = ref([])
  const cursor = ref(null)
  const nextCursor = ref(null)
  const { loading, failed, load } = useLoader(async () => {
    try {
      const d = await fetchPage({ limit: limit.value, cursor: cursor.value || undefined })
      items.value = d.items || []
      nextCursor.value = d.next_cursor || null
      total.value = d.total ?? null
    } catch (e) {
      items.value = []
      nextCursor.value = null
      total.value = null
      throw e
    }
  })
  function first() { cursors.value = []; cursor.value = null; return load() }
  function next() { cursors.value.push(cursor.value); cursor.value = nextCursor.value; return load() }
  function prev() { cursor.value = cursors.value.pop() || null; return load() }
  const page = computed(() => cursors.value.length + 1)
  return { items, total, limit, cursors, nextCursor, loading, failed, load, first, next, prev, page }
}

// The filters of a list page, kept in the URL so a list can be bookmarked, shared and returned
// to. filters is the page's reactive object with a `region` field; first loads the first page.
// Options: query() gives the filters as the URL keeps them (default: the non-empty filters);
// empty holds the values reset() puts back (all but the region); regionOn() says whether the
// page filters by region (false: the region stays empty and does not follow the header).
// Returns regionModel (for the region cascader), search() (writes the URL, loads the first
// page) and reset() (the empty values, the header's region, then search).
export function useListFilters(filters, first, { query = () => compact(filters), empty = {}, regionOn = () => true } = {}) {
  const route = useRoute()
  const router = useRouter()
  const regionModel = computed({ get: () => filters.region || null, set: (v) => { filters.region = v || '' } })
  function search() {
    router.replace({ query: searchQuery(query(), selectedRegion.value) })
    first()
  }
  function reset() {
    Object.assign(filters, empty, { region: regionOn() ? selectedRegion.value || '' : '' })
    search()
  }
  watch(selectedRegion, (v) => { if (regionOn() && !route.query.region) { filters.region = v || ''; search() } })
  return { regionModel, search, reset }
}
