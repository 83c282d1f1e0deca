/*
 * Fuzz target for the inspection-rule parser (src/modules/equipment/rules.c). For any input
 * the parser must either refuse it with a message or give rules that keep their invariants
 * (a known kind, intervals the kind needs, ascending ages, some conclusion allowed), and the
 * due-date functions must give, for every parsed rule, dates that never fall before the day
 * they start from (a failure: the day itself).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/rules.h"
#include "platform/dates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_equipment_rules: %s:%d: check failed: %s\n", __FILE__, \
			        __LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eq_rules rules = {0};
	char err[200] = "";
	if (eq_rules_parse((const char *)data, size, &rules, err, sizeof err) != 0) {
		CHECK(err[0] != '\0');
		eq_rules_free(&rules);
		return 0;
	}
	int32_t since = date_from_ymd(2015, 1, 31), on = date_from_ymd(2024, 2, 29);
	for (size_t i = 0; i < rules.n; i++) {
		const struct eq_rule *r = &rules.v[i];
		CHECK(r->kind >= EQ_RULE_NONE && r->kind <= EQ_RULE_COUNT);
		CHECK(r->conclusions != 0 && (r->conclusions & ~7u) == 0);
		for (int k = 1; k < r->nages; k++)
			CHECK(r->ages[k] > r->ages[k - 1]);
		/* The lookup finds a rule for the rule's own category. */
		char code[5] = "0000";
		memcpy(code, r->category, strnlen(r->category, 4));
		CHECK(eq_rule_find(&rules, code, r->variant) != NULL);
		int32_t due;
		if (eq_first_due(r, since, &due) == 0)
			CHECK(due >= since);
		for (unsigned c = EQ_PASS; c <= EQ_FAIL; c <<= 1)
			for (int grade = 0; grade <= 5; grade++) {
				struct eq_inspected in = {since, on, c, grade, 1 + grade};
				const char *why = NULL;
				int rc = eq_next_due(r, &in, &due, &why);
				if (rc < 0)
					CHECK(why != NULL);
				else if (rc == 0)
					CHECK(due >= on && (c != EQ_FAIL || due == on));
			}
	}
	eq_rules_free(&rules);
	return 0;
}
