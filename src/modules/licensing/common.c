/*
 * The licensing module's shared pieces: kinds, purposes, the process of a kind, paging.
 */
#include "common.h"

#include <string.h>

int lc_kind_valid(const char *s)
{
	return s && (strcmp(s, LC_KIND_FOOD) == 0 || strcmp(s, LC_KIND_INDUSTRIAL) == 0);
}

int lc_kind_param(const char *s, const char **kind, struct field_error *err)
{
	*kind = NULL;
	if (s == NULL || *s == '\0')
		return SVC_OK;
	if (!lc_kind_valid(s))
		return field_fail(err, "kind", "invalid", "kind is food or industrial"),
		       SVC_INVALID;
	*kind = s;
	return SVC_OK;
}

int lc_region_param(const char *s, int *region, struct field_error *err)
{
	int64_t v = 0;
	if (s && *s && field_int_parse_cstr(s, 100000, 999999, &v) != 0)
		return field_fail(err, "region", "invalid", "region is a 6-digit region code"),
		       SVC_INVALID;
	*region = (int)v;
	return SVC_OK;
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
