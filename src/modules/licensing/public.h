/*
 * Public verification of licences, without login. GET /v/{licence_no} (the address in the
 * certificate's QR code, built on public.base_url) answers a small HTML page in Chinese with
 * Tibetan and English, or the same facts as JSON for machines (Accept: application/json, or
 * ?format=json): valid, suspended, revoked, cancelled, replaced, expired (valid past its
 * valid_until) or unknown (404), with the holder, credit code, categories, scope, validity,
 * issuer and the status's date and reason. GET /api/v1/public/licences is the searchable
 * public list. Both read lc_licence (and the category names) only, never a person's name or
 * phone, and are rate-limited per client address (public.rate_limit). See docs/licensing.md
 * ("Public verification").
 */
#ifndef JZ_LICENSING_PUBLIC_H
#define JZ_LICENSING_PUBLIC_H

#include <stddef.h>

#include "modules/licensing/common.h"

#define LC_PUBLIC_MAX_AGE      300 /* seconds a verification answer may be cached by others */
#define LC_PUBLIC_PAGE_DEFAULT 20  /* public list: rows per page */
#define LC_PUBLIC_PAGE_MAX     100 /* public list: rows per page at most (?limit=) */
#define LC_PUBLIC_QUERY_MAX    100 /* bytes of the public list's ?q= */

/*
 * Normalises a licence number as typed or scanned (in[0..n)): spaces around it dropped,
 * full-width parentheses "（）" made ASCII, Latin letters upper case. Writes it into out
 * (LC_LICENCE_NO_MAX bytes) and returns 0 when it is well-formed: "SC" and 14 digits (food),
 * or "(" one to three non-ASCII characters ")XK" 2 digits "-" 3 digits "-" 5 digits
 * (industrial, "(藏)XK13-001-00012"); else -1 with out "". Well-formed says nothing of
 * existence.
 */
int lc_public_number_normalize(const char *in, size_t n, char out[LC_LICENCE_NO_MAX]);

#endif
