/*
 * Judgement of item results (sampling/judge.c): every rule at, just inside and just outside
 * its limits, exactly in decimal (no floating point: 0.1 + 0.2 style traps, long fractions,
 * trailing zeros), ND (not detected) for each rule, qualitative words, values that are refused,
 * and the sample verdict rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "modules/sampling/judge.h"

static const char *judge(const char *rule, const char *lo, const char *hi, const char *expected,
                         const char *value)
{
	struct sp_product_item pi = {.item_code = "X",
	                             .kind = "numeric",
	                             .rule = rule,
	                             .lo = lo,
	                             .hi = hi,
	                             .expected = expected};
	const char *j = NULL, *why = NULL;
	if (sp_judge_item(&pi, value, &j, &why) != 0) {
		assert_non_null(why);
		return "refused";
	}
	return j;
}

static void test_max(void **state)
{
	(void)state;
	assert_string_equal(judge("max", NULL, "0.2", NULL, "0.2"), "pass");
	assert_string_equal(judge("max", NULL, "0.2", NULL, "0.20000"), "pass");
	assert_string_equal(judge("max", NULL, "0.2", NULL, "0.2000000000000000001"), "fail");
	assert_string_equal(judge("max", NULL, "0.2", NULL, "0.19999999999999999999"), "pass");
	assert_string_equal(judge("max", NULL, "0.2", NULL, "0.21"), "fail");
	assert_string_equal(judge("max", NULL, "10", NULL, "9.999"), "pass");
	assert_string_equal(judge("max", NULL, "10", NULL, "100"), "fail");
	assert_string_equal(judge("max", NULL, "0.2", NULL, "ND"), "pass");
	assert_string_equal(judge("max", NULL, "0.2", NULL, "-0"), "pass");
}

static void test_min_and_range(void **state)
{
	(void)state;
	assert_string_equal(judge("min", "42.5", NULL, NULL, "42.5"), "pass");
	assert_string_equal(judge("min", "42.5", NULL, NULL, "42.49"), "fail");
	assert_string_equal(judge("min", "42.5", NULL, NULL, "ND"), "fail");
	assert_string_equal(judge("min", "-5", NULL, NULL, "-4.9"), "pass");
	assert_string_equal(judge("min", "-5", NULL, NULL, "-5.1"), "fail");
	assert_string_equal(judge("range", "6.5", "8.5", NULL, "6.5"), "pass");
	assert_string_equal(judge("range", "6.5", "8.5", NULL, "8.5"), "pass");
	assert_string_equal(judge("range", "6.5", "8.5", NULL, "8.51"), "fail");
	assert_string_equal(judge("range", "6.5", "8.5", NULL, "6.49"), "fail");
	assert_string_equal(judge("range", "6.5", "8.5", NULL, "ND"), "fail");
}

static void test_not_detected_and_equals(void **state)
{
	(void)state;
	assert_string_equal(judge("not_detected", NULL, NULL, NULL, "ND"), "pass");
	assert_string_equal(judge("not_detected", NULL, NULL, NULL, "0.001"), "fail");
	assert_string_equal(judge("not_detected", NULL, NULL, NULL, "0"), "fail");
	assert_string_equal(judge("equals", NULL, NULL, "pass", "pass"), "pass");
	assert_string_equal(judge("equals", NULL, NULL, "pass", "Pass"), "fail");
	assert_string_equal(judge("equals", NULL, NULL, "pass", "不符合"), "fail");
	assert_string_equal(judge("equals", NULL, NULL, "pass", "ND"), "refused");
}

static void test_refused_values(void **state)
{
	(void)state;
	assert_string_equal(judge("max", NULL, "1", NULL, ""), "refused");
	assert_string_equal(judge("max", NULL, "1", NULL, NULL), "refused");
	assert_string_equal(judge("max", NULL, "1", NULL, "abc"), "refused");
	assert_string_equal(judge("max", NULL, "1", NULL, "1e3"), "refused");
	assert_string_equal(judge("max", NULL, "1", NULL, " 1"), "refused");
	assert_string_equal(judge("max", NULL, "1", NULL, "+1"), "refused");
	assert_string_equal(judge("max", NULL, "1", NULL, "nd"), "refused");
	assert_string_equal(judge("max", NULL, "1", NULL, "1,5"), "refused");
	assert_string_equal(
	    judge("max", NULL, "1", NULL, "0.00000000000000000000000000000000000001"),
	    "refused"); /* longer than SP_VALUE_MAX */
	assert_string_equal(judge("between", "1", "2", NULL, "1"), "refused");
}

static void test_verdict(void **state)
{
	(void)state;
	const char *all_pass[] = {"pass", "pass", "pass"};
	const char *one_fail[] = {"pass", "fail", "pass"};
	assert_string_equal(sp_verdict_of(all_pass, 3), "pass");
	assert_string_equal(sp_verdict_of(one_fail, 3), "fail");
	assert_string_equal(sp_verdict_of(one_fail + 1, 1), "fail");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_max),
	    cmocka_unit_test(test_min_and_range),
	    cmocka_unit_test(test_not_detected_and_equals),
	    cmocka_unit_test(test_refused_values),
	    cmocka_unit_test(test_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
