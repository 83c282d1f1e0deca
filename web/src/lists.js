// What list pages share that is pure logic: filters read from the URL query, query objects
// without empty values, the region a page starts with, and the query a search writes back to
// the URL. The composables that use them are in listpage.js.

// Filters of a list page from the URL query: text values only.
export function fromQuery(query, name, allowed) {
  const v = query[name]
  if (typeof v !== 'string') return ''
  return allowed && !allowed.includes(v) ? '' : v
}

// A query object without empty values.
export function compact(o) {
  const out = {}
  for (const [k, v] of Object.entries(o)) if (v !== '' && v !== null && v !== undefined) out[k] = String(v)
  return out
}

// The region a list starts with: the URL's (a drill-down), else the header's jurisdiction;
// none where the page has no region filter (regionOn false).
export function startRegion(query, header, regionOn = true) {
  if (!regionOn) return ''
  return fromQuery(query, 'region') || header || ''
}

// The URL query of a search: the filters without the region when it is the header's (so the
// list follows the header until a region is chosen here).
export function searchQuery(params, header) {
  const out = { ...params }
  if (out.region === header) delete out.region
  return out
}
