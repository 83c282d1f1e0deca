/*
 * The unified social credit code (GB 32100-2015) and the organisation code it embeds
 * (GB 11714). See docs/registry.md for the rules and worked examples.
 */
#ifndef JZ_USCC_H
#define JZ_USCC_H

#include <stddef.h>

#define USCC_LEN 18

enum uscc_result {
	USCC_OK = 0,
	USCC_BAD_LENGTH = -1,    /* not 18 characters */
	USCC_BAD_CHARACTER = -2, /* a character outside 0-9 and A-Y less I O S V Z */
	USCC_BAD_REGION = -3,    /* positions 3-8 are not six digits */
	USCC_BAD_CHECK = -4,     /* the check character (position 18) does not match */
};

/*
 * Checks code[0..n). Lower-case letters are not accepted (codes are printed in capitals).
 * Returns USCC_OK or the first failure; *org_ok, if not NULL, is set to 1 when the embedded
 * organisation code passes its own check (positions 9-17), else 0. A failing organisation
 * check is a warning, not a rejection: some codes in circulation fail it.
 */
enum uscc_result uscc_check(const char *code, size_t n, int *org_ok);

/* English explanation of a result, for error messages. */
const char *uscc_result_message(enum uscc_result r);

/* Value (0-30) of a code character, or -1. */
int uscc_char_value(char c);

/* The check character for the first 17 characters of a code, or 0 if one of them is outside
 * the alphabet. */
char uscc_check_char(const char *code17);

/* The check character (0-9 or X) for an 8-character organisation code body, or 0 if the body
 * holds a character outside 0-9 and A-Z. */
char uscc_org_check_char(const char *body8);

#endif
