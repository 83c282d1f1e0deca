/*
 * The equipment module's shared pieces: data scope and today's date.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/dates.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "platform/db.h"

int eq_use_unit(struct db *db, const char *credit_code, struct arena *a, int *region,
                const char **name)
{
	struct actor all = {.name = "equipment", .all_regions = 1};
	struct record r;
	int rc = registry_get(db, &all, credit_code, a, &r);
	if (rc == REG_NOT_FOUND)
		return EQ_NOT_FOUND;
	if (rc != REG_OK)
		return EQ_ERROR;
	if (region)
		*region = (int)record_int_of(r.v[ENT_REGION_CODE]);
	if (name)
		*name = r.v[ENT_NAME];
	return EQ_OK;
}

void eq_category_prefix(const char *code, char out[5])
{
	size_t n = strnlen(code, 4);
	memcpy(out, code, n);
	while (n > 1 && out[n - 1] == '0')
		n--;
	out[n] = '\0';
}

int eq_party_check(struct db *db, const struct actor *who, const char *field,
                   const char *credit_code, struct arena *a, int *region, struct field_error *err)
{
	if (who->entity_code && strcmp(who->entity_code, credit_code) != 0)
		return field_fail(err, field, "not_yours",
		                  "an enterprise account records only what is its own"),
		       EQ_INVALID;
	int rc = eq_use_unit(db, credit_code, a, region, NULL);
	if (rc == EQ_NOT_FOUND) {
		char code[40];
		snprintf(code, sizeof code, "unknown_%s", field);
		return field_fail(err, field, arena_strdup(a, code),
		                  "%s %s is not a registered enterprise", field, credit_code),
		       EQ_INVALID;
	}
	if (rc != EQ_OK)
		return EQ_ERROR;
	if (!scope_visible(who, *region, credit_code))
		return field_fail(err, field, "out_of_scope",
		                  "%s %s is registered outside your jurisdiction", field,
		                  credit_code),
		       EQ_INVALID;
	return EQ_OK;
}

const char *const EQ_UNIT_STATUSES[] = {"in_use", "stopped", "scrapped", NULL};
const char *const EQ_CONCLUSION_NAMES[] = {"pass", "conditional", "fail", NULL};
