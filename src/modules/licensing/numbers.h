/*
 * Licence numbers.
 *
 * Food production licences (SC): "SC" + the 3-digit food category (the first category of the
 * licence) + the 2 province, 2 prefecture and 2 county digits of the producer's region code
 * + a 4-digit sequence per prefix + 1 check digit: 16 characters, "SC1015401020001" + check.
 * The format is verified (reference codes.md); the official check-digit algorithm is NOT
 * public. We compute ISO/IEC 7064 MOD 11-10 over the 13 digits before it and say so
 * wherever the number is explained: a number issued elsewhere may carry another check digit,
 * so verification is always a lookup of the stored number, never this arithmetic.
 *
 * Industrial product production licences (XK): "(" + the one-character abbreviation of the
 * producer's province + ")XK" + the 2-digit product unit + "-" + the 3-digit product + "-"
 * + a 5-digit sequence per prefix, "(藏)XK13-001-00012". The unit and product come from the
 * licence's first category code ("XK13-001"). The format follows licences in circulation;
 * it is not verified from a national text.
 *
 * Sequences live in lc_number_seq, one row per prefix ("SC101540102", "(藏)XK13-001"), and
 * advance inside the issuing transaction, so a rolled-back issue hands its number out again
 * and numbers never repeat.
 */
#ifndef JZ_LICENSING_NUMBERS_H
#define JZ_LICENSING_NUMBERS_H

#include <stddef.h>

#include "modules/licensing/common.h"

struct db;

#define LC_SC_SEQ_MAX 9999  /* the 4-digit sequence of an SC number */
#define LC_XK_SEQ_MAX 99999 /* the 5-digit sequence of an XK number */

/* The ISO/IEC 7064 MOD 11-10 check digit (0..9) of the n decimal digits at s, or -1 when s
 * holds anything but digits or n is 0. */
int lc_mod11_10(const char *s, size_t n);

/* 1 if the n digits at s end in their MOD 11-10 check digit (n >= 2), else 0. */
int lc_mod11_10_valid(const char *s, size_t n);

/* The one-character (UTF-8) abbreviation of the province of a GB/T 2260 region code ("藏"
 * for 54xxxx), from the table of the 31 provinces, autonomous regions and municipalities of
 * the mainland; NULL for any other first two digits. */
const char *lc_province_abbr(int region);

/* Formats an SC number from a 3-digit food category, a 6-digit region code and a sequence
 * 1..LC_SC_SEQ_MAX into out (LC_LICENCE_NO_MAX bytes). Returns 0, or -1 for a bad input. */
int lc_sc_format(const char *category, int region, int seq, char out[LC_LICENCE_NO_MAX]);

/* Formats an XK number from an industrial category "XKuu-ppp", a region code of a known
 * province and a sequence 1..LC_XK_SEQ_MAX into out. Returns 0, or -1 for a bad input. */
int lc_xk_format(const char *category, int region, int seq, char out[LC_LICENCE_NO_MAX]);

/* The prefix under which a number's sequence is kept: "SC" + category + region digits, or
 * "(abbr)XKuu-ppp". Returns 0, or -1 for a bad input. */
int lc_number_prefix(const char *kind, const char *category, int region,
                     char out[LC_LICENCE_NO_MAX]);

/*
 * The next free number for a licence of kind whose first category is category, for a
 * producer in region, inside the caller's write transaction: advances lc_number_seq for the
 * prefix (a number already in lc_licence, e.g. one imported, is skipped). Returns SVC_OK and
 * out; SVC_INVALID (*err "categories": the category or region cannot make a number);
 * SVC_CONFLICT (*err "licence_no": the prefix's sequence is used up); SVC_ERROR.
 */
int lc_number_next(struct db *db, const char *kind, const char *category, int region,
                   char out[LC_LICENCE_NO_MAX], struct field_error *err);

#endif
