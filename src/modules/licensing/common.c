/*
 * The licensing module's shared pieces: kinds, purposes, the process of a kind, paging.
 */
#include "common.h"

#include <string.h>

int lc_kind_valid(const char *s)
{
	return s && (strcmp(s, LC_KIND_FOOD) == 0 || strcmp(s, LC_KIND_INDUSTRIAL) == 0);
}

int lc_purpose_valid(const char *s)
{
	return s && (strcmp(s, LC_PURPOSE_NEW) == 0 || strcmp(s, LC_PURPOSE_CHANGE) == 0 ||
	             strcmp(s, LC_PURPOSE_RENEWAL) == 0 || strcmp(s, LC_PURPOSE_CANCEL) == 0);
}

const char *lc_process_of_kind(const char *kind)
{
	if (kind && strcmp(kind, LC_KIND_FOOD) == 0)
		return LC_PROCESS_FOOD;
	if (kind && strcmp(kind, LC_KIND_INDUSTRIAL) == 0)
		return LC_PROCESS_INDUSTRIAL;
	return NULL;
}

int lc_limit_parse(const char *s, int *limit, struct field_error *err)
{
	int64_t v = LC_PAGE_DEFAULT;
	if (s && field_int_parse_cstr(s, 1, LC_PAGE_MAX, &v) != 0)
		return field_fail(err, "limit", "invalid", "limit must be 1 to %d", LC_PAGE_MAX),
		       SVC_INVALID;
	*limit = (int)v;
	return SVC_OK;
}
