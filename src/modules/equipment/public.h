/*
 * The public equipment page: what anyone may read about a unit by its use-registration code,
 * the code on the sticker in the lift car. GET /e/{reg_code} is a small HTML page in Chinese
 * with Tibetan and English labels, /api/v1/public/equipment/{reg_code} the same facts as JSON,
 * /e/{reg_code}/qr.svg and /e/{reg_code}/qr.png the QR code of the page's address (built on
 * public.base_url). No login, nothing private; see docs/design/equipment.md.
 */
#ifndef JZ_EQUIPMENT_PUBLIC_H
#define JZ_EQUIPMENT_PUBLIC_H

#include <stddef.h>

#include "platform/http.h"

#define EQ_REG_CODE_LEN     20  /* digits of a use-registration code */
#define EQ_PUBLIC_MAX_AGE   300 /* seconds a page may be cached by browsers and proxies */
#define EQ_PUBLIC_PNG_SCALE 8   /* default pixels per module of the PNG (?size=) */

/* 1 if s[0..n) is exactly EQ_REG_CODE_LEN ASCII digits: checked before any lookup. */
int eq_reg_code_well_formed(const char *s, size_t n);

#endif
