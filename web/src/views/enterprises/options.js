// Value lists of the registry's fields (docs/registry.md); their labels live in the locales.
export const INDUSTRIES = 'ABCDEFGHIJKLMNOPQRST'.split('')
export const STATUSES = ['active', 'suspended', 'revoked', 'deregistered']
export const SIZES = ['micro', 'small', 'medium', 'large']
export const CAPABILITIES = ['none', 'partial', 'full']
export const STATUS_TAG = { active: 'success', suspended: 'warning', revoked: 'danger', deregistered: 'info' }
