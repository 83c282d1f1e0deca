/*
 * Judgement of item results against their limits, and the sample verdict (see judge.h).
 */
#include "judge.h"

#include <string.h>

#include "modules/sampling/labs.h"

static int is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

int sp_judge_item(const struct sp_product_item *pi, const char *value, const char **judgement,
                  const char **why)
{
	size_t n = value ? strlen(value) : 0;
	if (n == 0)
		return *why = "a value is required", -1;
	if (n > SP_VALUE_MAX)
		return *why = "a value has at most 40 characters", -1;
	int nd = strcmp(value, SP_NOT_DETECTED) == 0;
	if (is(pi->rule, "equals")) {
		if (nd || pi->expected == NULL)
			return *why = "this item takes a word (the expected one passes)", -1;
		*judgement = strcmp(value, pi->expected) == 0 ? "pass" : "fail";
		return 0;
	}
	if (!nd && !sp_decimal_valid(value))
		return *why = "this item takes a decimal number or ND (not detected)", -1;
	int pass;
	if (is(pi->rule, "not_detected"))
		pass = nd;
	else if (is(pi->rule, "max"))
		pass = nd || sp_decimal_cmp(value, pi->hi) <= 0;
	else if (is(pi->rule, "min"))
		pass = !nd && sp_decimal_cmp(value, pi->lo) >= 0;
	else if (is(pi->rule, "range"))
		pass =
		    !nd && sp_decimal_cmp(value, pi->lo) >= 0 && sp_decimal_cmp(value, pi->hi) <= 0;
	else
		return *why = "the item's rule is unknown", -1;
	*judgement = pass ? "pass" : "fail";
	return 0;
}

const char *sp_verdict_of(const char *const *judgements, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(judgements[i], "pass") != 0)
			return "fail";
	return "pass";
}
