/*
 * Check characters of the unified social credit code and the organisation code.
 */
#include "uscc.h"

static const char USCC_ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/* 3^(i-1) mod 31 for positions 1-17 */
static const int USCC_WEIGHTS[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                     29, 25, 13, 8,  24, 10, 30, 28};
static const int ORG_WEIGHTS[8] = {3, 7, 9, 10, 5, 8, 4, 2};

/* Value + 1 of each byte in the alphabet, 0 for bytes outside it. */
static const signed char USCC_VALUE1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
    ['G'] = 17, ['H'] = 18, ['J'] = 19, ['K'] = 20, ['L'] = 21, ['M'] = 22, ['N'] = 23, ['P'] = 24,
    ['Q'] = 25, ['R'] = 26, ['T'] = 27, ['U'] = 28, ['W'] = 29, ['X'] = 30, ['Y'] = 31,
};

int uscc_char_value(char c)
{
	return USCC_VALUE1[(unsigned char)c] - 1;
}

char uscc_check_char(const char *code17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = uscc_char_value(code17[i]);
		if (v < 0)
			return 0;
		sum += v * USCC_WEIGHTS[i];
	}
	int c = 31 - sum % 31;
	return USCC_ALPHABET[c == 31 ? 0 : c];
}

char uscc_org_check_char(const char *body8)
{
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = body8[i];
		int v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'A' && c <= 'Z')
			v = c - 'A' + 10;
		else
			return 0;
		sum += v * ORG_WEIGHTS[i];
	}
	int c = 11 - sum % 11;
	if (c == 10)
		return 'X';
	if (c == 11)
		return '0';
	return (char)('0' + c);
}

enum uscc_result uscc_check(const char *code, size_t n, int *org_ok)
{
	if (org_ok)
		*org_ok = 0;
	if (n != USCC_LEN)
		return USCC_BAD_LENGTH;
	for (size_t i = 0; i < n; i++)
		if (uscc_char_value(code[i]) < 0)
			return USCC_BAD_CHARACTER;
	for (size_t i = 2; i < 8; i++)
		if (code[i] < '0' || code[i] > '9')
			return USCC_BAD_REGION;
	if (uscc_check_char(code) != code[17])
		return USCC_BAD_CHECK;
	if (org_ok)
		*org_ok = uscc_org_check_char(code + 8) == code[16];
	return USCC_OK;
}

const char *uscc_result_message(enum uscc_result r)
{
	switch (r) {
	case USCC_OK:
		return "valid";
	case USCC_BAD_LENGTH:
		return "a unified social credit code has 18 characters";
	case USCC_BAD_CHARACTER:
		return "only 0-9 and capital letters other than I, O, S, V and Z may appear";
	case USCC_BAD_REGION:
		return "positions 3 to 8 must be the six-digit region code";
	case USCC_BAD_CHECK:
		return "the check character (position 18) does not match";
	}
	return "invalid";
}
