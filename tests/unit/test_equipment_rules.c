/*
 * Unit tests of the periodic-inspection rules (src/modules/equipment/rules.c) on the rules
 * file the release ships (data/equipment-rules.tsv, as compiled into the binary), against the
 * intervals of /work/shared/reference/special-equipment.md with every date worked out by hand
 * in a comment: boilers, stationary vessels by safety grade, elevators by age, cranes, gas
 * cylinders by count, month ends; then rule lookup, the parser's errors, and the rules seeded
 * into a migrated database (eq_seed, eq_rules_load).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tempdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/rules.h"
/* The .c, to reach the catalogue checker (categories_check) on files of our own. */
#include "modules/equipment/seed.c"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/embed.h"
#include "platform/migrate.h"

#define RULES_TSV "data/equipment-rules.tsv"
#define HEADER                                                                                     \
	"category\tvariant\tkind\tfirst_months\tinterval_months\tgrade_months\t"                   \
	"count_first\tages\tconclusions\tbasis\tnote\n"

static struct eq_rules shipped; /* the rules of the embedded file, parsed once */

static int group_setup(void **state)
{
	(void)state;
	const struct embedded_file *f = embed_find(RULES_TSV);
	if (f == NULL)
		return -1;
	char err[256];
	if (eq_rules_parse(f->data, f->len, &shipped, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", RULES_TSV, err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	eq_rules_free(&shipped);
	return 0;
}

/* The day number of s, which must be a date. */
static int32_t D(const char *s)
{
	int32_t day = 0;
	if (date_parse(s, strlen(s), &day) != 0)
		fail_msg("not a date: %s", s);
	return day;
}

static void assert_date(int32_t day, const char *want)
{
	char got[11];
	date_format(day, got);
	assert_string_equal(got, want);
}

/* The shipped rule of code and variant; it must exist and come from prefix `from`. */
static const struct eq_rule *rule_of(const char *code, const char *variant, const char *from)
{
	const struct eq_rule *r = eq_rule_find(&shipped, code, variant);
	if (r == NULL)
		fail_msg("no rule for %s/%s", code, variant ? variant : "");
	assert_string_equal(r->category, from);
	return r;
}

static void assert_first(const struct eq_rule *r, const char *commissioned, const char *want)
{
	int32_t due = 0;
	assert_int_equal(eq_first_due(r, D(commissioned), &due), 0);
	assert_date(due, want);
}

/* The next due date after an inspection, which the rule must accept. */
static void assert_next(const struct eq_rule *r, const char *commissioned, const char *inspected,
                        unsigned conclusion, int grade, int done, const char *want)
{
	struct eq_inspected in = {D(commissioned), D(inspected), conclusion, grade, done};
	int32_t due = 0;
	const char *why = NULL;
	int rc = eq_next_due(r, &in, &due, &why);
	if (rc != 0)
		fail_msg("inspection on %s refused (%d): %s", inspected, rc, why ? why : "");
	assert_date(due, want);
}

/* An inspection the rule must refuse, with why. */
static void assert_refused(const struct eq_rule *r, unsigned conclusion, int grade, int done,
                           const char *want_why)
{
	struct eq_inspected in = {D("2020-01-01"), D("2024-01-01"), conclusion, grade, done};
	int32_t due = 12345;
	const char *why = NULL;
	assert_int_equal(eq_next_due(r, &in, &due, &why), -1);
	assert_non_null(why);
	assert_string_equal(why, want_why);
	assert_int_equal(due, 12345); /* no output on failure */
}

static void test_boiler(void **state)
{
	(void)state;
	const struct eq_rule *r = rule_of("1100", NULL, "1");
	assert_int_equal(r->kind, EQ_RULE_FIXED);
	/* Put into use 2024-03-15; first inspection 12 months later: 2025-03-15. */
	assert_first(r, "2024-03-15", "2025-03-15");
	/* Inspected five days early, 2025-03-10, passed: the next is 12 months after the
	 * inspection, 2026-03-10 (a fixed rule counts from the inspection, not the old date). */
	assert_next(r, "2024-03-15", "2025-03-10", EQ_PASS, 0, 1, "2026-03-10");
	/* Boilers know "conditional" (基本符合要求): the same interval. */
	assert_next(r, "2024-03-15", "2025-03-10", EQ_CONDITIONAL, 0, 1, "2026-03-10");
	/* Failed: due at once, the inspection day itself. */
	assert_next(r, "2024-03-15", "2025-03-10", EQ_FAIL, 0, 1, "2025-03-10");
	/* Power-station boilers have their own row, yearly as well. */
	const struct eq_rule *p = rule_of("1100", "power_station", "1");
	assert_string_equal(p->variant, "power_station");
	assert_next(p, "2024-03-15", "2025-03-10", EQ_PASS, 0, 1, "2026-03-10");
}

static void test_vessel_by_grade(void **state)
{
	(void)state;
	const struct eq_rule *r = rule_of("2100", NULL, "21");
	assert_int_equal(r->kind, EQ_RULE_GRADE);
	/* First within 3 years: 2024-01-31 + 36 months = 2027-01-31. */
	assert_first(r, "2024-01-31", "2027-01-31");
	/* Inspected 2027-01-20. Grades 1 and 2: + 72 months = 2033-01-20. */
	assert_next(r, "2024-01-31", "2027-01-20", EQ_PASS, 1, 1, "2033-01-20");
	assert_next(r, "2024-01-31", "2027-01-20", EQ_PASS, 2, 1, "2033-01-20");
	/* Grade 3: + 36 = 2030-01-20; grade 4 (monitored, at most 3 years): the same. */
	assert_next(r, "2024-01-31", "2027-01-20", EQ_CONDITIONAL, 3, 1, "2030-01-20");
	assert_next(r, "2024-01-31", "2027-01-20", EQ_CONDITIONAL, 4, 1, "2030-01-20");
	/* Grade 5 may not be used: due at once, like a fail. */
	assert_next(r, "2024-01-31", "2027-01-20", EQ_PASS, 5, 1, "2027-01-20");
	/* A failed vessel is due at once whatever the grade, even without one. */
	assert_next(r, "2024-01-31", "2027-01-20", EQ_FAIL, 0, 1, "2027-01-20");
	/* A pass without a grade cannot be scheduled. */
	assert_refused(r, EQ_PASS, 0, 1,
	               "the rule for this category needs the safety grade found by the "
	               "inspection");
	assert_refused(r, EQ_PASS, 6, 1, "the safety grade must be 1 to 5");
}

static void test_nonmetal_vessel(void **state)
{
	(void)state;
	const struct eq_rule *r = rule_of("2100", "nonmetal", "21");
	assert_string_equal(r->variant, "nonmetal");
	/* First within 1 year: 2024-01-15 + 12 = 2025-01-15. */
	assert_first(r, "2024-01-15", "2025-01-15");
	/* Inspected 2025-01-10: grade 1 + 36 = 2028-01-10; grade 2 + 24 = 2027-01-10;
	 * grade 3 + 12 = 2026-01-10; grade 4 is not in the list: due at once. */
	assert_next(r, "2024-01-15", "2025-01-10", EQ_PASS, 1, 1, "2028-01-10");
	assert_next(r, "2024-01-15", "2025-01-10", EQ_PASS, 2, 1, "2027-01-10");
	assert_next(r, "2024-01-15", "2025-01-10", EQ_PASS, 3, 1, "2026-01-10");
	assert_next(r, "2024-01-15", "2025-01-10", EQ_PASS, 4, 1, "2025-01-10");
	/* The metal vessel rule is not this one: grade 1 there gives 72 months. */
	assert_int_equal(rule_of("2100", NULL, "21")->grade_months[1], 72);
	assert_int_equal(r->grade_months[1], 36);
}

static void test_elevator_by_age(void **state)
{
	(void)state;
	const struct eq_rule *r = rule_of("3110", NULL, "3");
	assert_int_equal(r->kind, EQ_RULE_AGE);
	const char *c = "2020-06-30";
	/* Scheduled at ages 1, 4, 7, 9, 11, 13, 15: 2021-06-30, 2024-06-30, 2027-06-30,
	 * 2029-06-30, 2031-06-30, 2033-06-30, 2035-06-30; then yearly: 2036-06-30, ... */
	assert_first(r, c, "2021-06-30");
	/* Inspected 2021-06-01, within the month before 2021-06-30 (from 2021-05-30 on): it
	 * covers that date, so the next is age 4: 2024-06-30. */
	assert_next(r, c, "2021-06-01", EQ_PASS, 0, 1, "2024-06-30");
	/* The first day of that month, 2021-05-30, still covers it; the day before does not,
	 * and the same date stays due. */
	assert_next(r, c, "2021-05-30", EQ_PASS, 0, 1, "2024-06-30");
	assert_next(r, c, "2021-05-29", EQ_PASS, 0, 1, "2021-06-30");
	/* Inspected late, 2024-07-20: it covers 2024-06-30; next is age 7: 2027-06-30 (the
	 * schedule keeps to the anniversaries, it does not slide with a late inspection). */
	assert_next(r, c, "2024-07-20", EQ_PASS, 0, 2, "2027-06-30");
	/* Ages 9, 11, 13, 15: two years apart. */
	assert_next(r, c, "2027-06-10", EQ_PASS, 0, 3, "2029-06-30");
	assert_next(r, c, "2029-06-05", EQ_PASS, 0, 4, "2031-06-30");
	assert_next(r, c, "2031-06-20", EQ_PASS, 0, 5, "2033-06-30");
	assert_next(r, c, "2033-06-01", EQ_PASS, 0, 6, "2035-06-30");
	/* The inspection at age 15 (2035-06-15): next at 16 years, 2036-06-30, then yearly. */
	assert_next(r, c, "2035-06-15", EQ_PASS, 0, 7, "2036-06-30");
	assert_next(r, c, "2036-06-01", EQ_PASS, 0, 8, "2037-06-30");
	assert_next(r, c, "2037-07-15", EQ_PASS, 0, 9, "2038-06-30");
	/* A missed date: inspected only in 2030-01-05, it covers 2029-06-30; next 2031-06-30. */
	assert_next(r, c, "2030-01-05", EQ_PASS, 0, 4, "2031-06-30");
	/* Escalators (3310) are elevators too. */
	assert_first(rule_of("3310", NULL, "3"), c, "2021-06-30");
}

static void test_elevator_conclusions(void **state)
{
	(void)state;
	const struct eq_rule *r = rule_of("3110", NULL, "3");
	/* Elevators are pass or fail: no conditional conclusion. */
	assert_refused(r, EQ_CONDITIONAL, 0, 1,
	               "the rule for this category does not allow the conclusion conditional");
	/* A fail is due at once. */
	assert_next(r, "2020-06-30", "2021-06-01", EQ_FAIL, 0, 1, "2021-06-01");
	/* Not a conclusion at all. */
	assert_refused(r, EQ_PASS | EQ_FAIL, 0, 1,
	               "the conclusion must be pass, conditional or fail");
	assert_refused(r, 0, 0, 1, "the conclusion must be pass, conditional or fail");
}

static void test_cranes(void **state)
{
	(void)state;
	/* Tower cranes (4300) yearly: 2024-04-10 + 12 = 2025-04-10; bridge cranes (4100, by the
	 * default rule of prefix 4) every 2 years: 2026-04-10. */
	const struct eq_rule *tower = rule_of("4300", NULL, "43");
	const struct eq_rule *bridge = rule_of("4100", NULL, "4");
	assert_first(tower, "2024-04-10", "2025-04-10");
	assert_first(bridge, "2024-04-10", "2026-04-10");
	/* After an inspection on 2025-04-01: + 12 = 2026-04-01 and + 24 = 2027-04-01. */
	assert_next(tower, "2024-04-10", "2025-04-01", EQ_PASS, 0, 1, "2026-04-01");
	assert_next(bridge, "2024-04-10", "2025-04-01", EQ_PASS, 0, 1, "2027-04-01");
	/* Mobile cranes and hoists yearly; gantry, portal, cable cranes and parking by prefix 4. */
	assert_first(rule_of("4400", NULL, "44"), "2024-04-10", "2025-04-10");
	assert_first(rule_of("4800", NULL, "48"), "2024-04-10", "2025-04-10");
	assert_first(rule_of("4200", NULL, "4"), "2024-04-10", "2026-04-10");
	assert_first(rule_of("4700", NULL, "4"), "2024-04-10", "2026-04-10");
	assert_first(rule_of("4D00", NULL, "4"), "2024-04-10", "2026-04-10");
	/* Cranes are pass or fail. */
	assert_refused(bridge, EQ_CONDITIONAL, 0, 1,
	               "the rule for this category does not allow the conclusion conditional");
}

static void test_molten_metal_cranes(void **state)
{
	(void)state;
	/* A bridge crane lifting molten metal: the molten variant of prefix 4, yearly. */
	const struct eq_rule *m = rule_of("4100", "molten", "4");
	assert_string_equal(m->variant, "molten");
	assert_first(m, "2024-04-10", "2025-04-10");
	assert_next(m, "2024-04-10", "2025-04-01", EQ_PASS, 0, 1, "2026-04-01");
	/* A tower crane with the variant: its own longer prefix wins (yearly anyway). */
	const struct eq_rule *t = rule_of("4300", "molten", "43");
	assert_string_equal(t->variant, "");
}

static void test_lpg_cylinders(void **state)
{
	(void)state;
	const struct eq_rule *r = rule_of("2320", "lpg", "23");
	assert_int_equal(r->kind, EQ_RULE_COUNT);
	const char *made = "2020-01-10";
	/* First inspection 48 months after manufacture: 2024-01-10. */
	assert_first(r, made, "2024-01-10");
	/* The first three inspections are 48 months apart: after the 1st (2024-01-05) the
	 * 2nd is due 2028-01-05; after the 2nd (2028-01-03) the 3rd is due 2032-01-03. */
	assert_next(r, made, "2024-01-05", EQ_PASS, 0, 1, "2028-01-05");
	assert_next(r, made, "2028-01-03", EQ_PASS, 0, 2, "2032-01-03");
	/* From the 3rd on, 36 months: 2032-01-08 -> 2035-01-08; 2035-01-02 -> 2038-01-02. */
	assert_next(r, made, "2032-01-08", EQ_PASS, 0, 3, "2035-01-08");
	assert_next(r, made, "2035-01-02", EQ_PASS, 0, 4, "2038-01-02");
	/* done counts this inspection: 0 is a caller's mistake. */
	assert_refused(r, EQ_PASS, 0, 0, "the count of inspections done must include this one");
	/* The other cylinders: general gases 36 (the default, also for an unknown variant
	 * such as "general"), corrosive 24, inert 60, YSP-50 36. */
	assert_first(rule_of("2310", NULL, "23"), made, "2023-01-10");
	assert_first(rule_of("2310", "general", "23"), made, "2023-01-10");
	assert_first(rule_of("2310", "corrosive", "23"), made, "2022-01-10");
	assert_first(rule_of("2310", "inert", "23"), made, "2025-01-10");
	assert_first(rule_of("2320", "lpg50", "23"), made, "2023-01-10");
	assert_next(rule_of("2310", "corrosive", "23"), made, "2022-01-05", EQ_PASS, 0, 1,
	            "2024-01-05");
}

static void test_month_end_clamping(void **state)
{
	(void)state;
	static const char TSV[] = HEADER "9\t\tfixed\t6\t6\t\t\t\tpass,fail\t\t\n";
	struct eq_rules rs;
	char err[256];
	assert_int_equal(eq_rules_parse(TSV, sizeof TSV - 1, &rs, err, sizeof err), 0);
	/* 2023-08-31 + 6 months: February 2024 has 29 days, so 2024-02-29. */
	assert_first(&rs.v[0], "2023-08-31", "2024-02-29");
	/* And 2024-08-31 + 6: 2025-02-28. */
	assert_next(&rs.v[0], "2023-08-31", "2024-08-31", EQ_PASS, 0, 1, "2025-02-28");
	eq_rules_free(&rs);
	/* Elevator dates are counted from the commissioning day each time, so a leap-day start
	 * falls on 28 February in common years and on the 29th again at age 4 (2024), not on
	 * a 28th carried over. */
	const struct eq_rule *r = rule_of("3110", NULL, "3");
	assert_first(r, "2020-02-29", "2021-02-28");
	assert_next(r, "2020-02-29", "2021-02-20", EQ_PASS, 0, 1, "2024-02-29");
	/* A stationary vessel put into use on 2021-02-28... + 36 = 2024-02-28 (no clamp up). */
	assert_first(rule_of("2100", NULL, "21"), "2021-02-28", "2024-02-28");
}

static void test_not_subject(void **state)
{
	(void)state;
	int32_t due = 777;
	/* Pressure piping components and safety accessories: kind none. */
	const struct eq_rule *comp = rule_of("7000", NULL, "7");
	assert_int_equal(eq_first_due(comp, D("2024-01-01"), &due), 1);
	assert_int_equal(eq_first_due(rule_of("F000", NULL, "F"), D("2024-01-01"), &due), 1);
	struct eq_inspected in = {D("2024-01-01"), D("2025-01-01"), EQ_PASS, 0, 1};
	const char *why = NULL;
	assert_int_equal(eq_next_due(comp, &in, &due, &why), 1);
	assert_int_equal(due, 777);
	/* Pipelines: yearly (long-distance, public), by grade (industrial). */
	assert_first(rule_of("8100", NULL, "81"), "2024-01-01", "2025-01-01");
	assert_first(rule_of("8200", NULL, "82"), "2024-01-01", "2025-01-01");
	const struct eq_rule *ind = rule_of("8300", NULL, "83");
	assert_first(ind, "2024-01-01", "2027-01-01");
	assert_next(ind, "2024-01-01", "2026-12-01", EQ_PASS, 1, 1, "2032-12-01");
	assert_next(ind, "2024-01-01", "2026-12-01", EQ_PASS, 3, 1, "2029-12-01");
	assert_next(ind, "2024-01-01", "2026-12-01", EQ_PASS, 4, 1, "2026-12-01");
	/* A category without any rule (a bare 8000) has none. */
	assert_null(eq_rule_find(&shipped, "8000", NULL));
}

static void test_rule_lookup(void **state)
{
	(void)state;
	/* Prefixes of every length, a variant on 23 only, and a 2320 with only a variant. */
	static const char TSV[] = HEADER "2\t\tfixed\t24\t24\t\t\t\t\t\t\n"
	                                 "23\t\tfixed\t12\t12\t\t\t\t\t\t\n"
	                                 "23\tspecial\tfixed\t3\t3\t\t\t\t\t\t\n"
	                                 "2310\t\tfixed\t6\t6\t\t\t\t\t\t\n"
	                                 "2320\tonly\tfixed\t1\t1\t\t\t\t\t\t\n";
	struct eq_rules rs;
	char err[256];
	assert_int_equal(eq_rules_parse(TSV, sizeof TSV - 1, &rs, err, sizeof err), 0);
	assert_int_equal(rs.n, 5);
	/* The longest prefix wins. */
	assert_int_equal(eq_rule_find(&rs, "2310", NULL)->first_months, 6);
	assert_int_equal(eq_rule_find(&rs, "2330", NULL)->first_months, 12);
	assert_int_equal(eq_rule_find(&rs, "2400", NULL)->first_months, 24);
	assert_null(eq_rule_find(&rs, "3000", NULL));
	/* A variant of the longest prefix; else its default, even if a shorter prefix has the
	 * variant: 2310 has a default, so "special" does not reach 23's special. */
	assert_int_equal(eq_rule_find(&rs, "2330", "special")->first_months, 3);
	assert_int_equal(eq_rule_find(&rs, "2310", "special")->first_months, 6);
	assert_int_equal(eq_rule_find(&rs, "2330", "unknown")->first_months, 12);
	assert_int_equal(eq_rule_find(&rs, "2330", "")->first_months, 12);
	/* 2320 has only a variant: its units of other variants fall back to 23. */
	assert_int_equal(eq_rule_find(&rs, "2320", "only")->first_months, 1);
	assert_int_equal(eq_rule_find(&rs, "2320", NULL)->first_months, 12);
	assert_int_equal(eq_rule_find(&rs, "2320", "special")->first_months, 3);
	assert_null(eq_rule_find(&rs, NULL, NULL));
	assert_null(eq_rule_find(&rs, "", NULL));
	eq_rules_free(&rs);
	assert_null(rs.v);
	assert_int_equal(rs.n, 0);
}

static void test_conclusion_names(void **state)
{
	(void)state;
	assert_int_equal(eq_conclusion_parse("pass"), EQ_PASS);
	assert_int_equal(eq_conclusion_parse("conditional"), EQ_CONDITIONAL);
	assert_int_equal(eq_conclusion_parse("fail"), EQ_FAIL);
	assert_int_equal(eq_conclusion_parse("Pass"), 0);
	assert_int_equal(eq_conclusion_parse(""), 0);
	assert_int_equal(eq_conclusion_parse(NULL), 0);
	assert_string_equal(eq_conclusion_name(EQ_PASS), "pass");
	assert_string_equal(eq_conclusion_name(EQ_CONDITIONAL), "conditional");
	assert_string_equal(eq_conclusion_name(EQ_FAIL), "fail");
	assert_null(eq_conclusion_name(EQ_PASS | EQ_FAIL));
}

/* Parses text, which must fail with a message starting with want. */
static void assert_parse_error(const char *text, const char *want)
{
	struct eq_rules rs = {NULL, 99};
	char err[256] = "";
	assert_int_equal(eq_rules_parse(text, strlen(text), &rs, err, sizeof err), -1);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("expected an error starting \"%s\", got \"%s\"", want, err);
	assert_int_equal(rs.n, 99); /* untouched */
}

static void test_parse_errors(void **state)
{
	(void)state;
	/* The header: a renamed column, a missing one, an extra one, none at all. */
	assert_parse_error("category\tvariant\tkind\tfirst\tinterval_months\tgrade_months\t"
	                   "count_first\tages\tconclusions\tbasis\tnote\n",
	                   "line 1, column 4:");
	assert_parse_error("category\tvariant\tkind\tfirst_months\tinterval_months\tgrade_months\t"
	                   "count_first\tages\tconclusions\tbasis\n",
	                   "line 1, column 11:");
	assert_parse_error("category\tvariant\tkind\tfirst_months\tinterval_months\tgrade_months\t"
	                   "count_first\tages\tconclusions\tbasis\tnote\textra\n",
	                   "line 1: the header has 12 columns");
	assert_parse_error("", "line 1: the header is missing");
	/* A bad kind on line 3 (after a good line 2). */
	assert_parse_error(HEADER "1000\t\tfixed\t12\t12\t\t\t\t\t\t\n"
	                          "2000\t\tmonthly\t12\t12\t\t\t\t\t\t\n",
	                   "line 3, column kind:");
	/* Grade lists: a grade out of range, a grade twice, a wrong separator, an empty item. */
	assert_parse_error(HEADER "2100\t\tgrade\t36\t\t1:72,6:12\t\t\t\t\t\n",
	                   "line 2, column grade_months: item 2");
	assert_parse_error(HEADER "2100\t\tgrade\t36\t\t1:72,1:36\t\t\t\t\t\n",
	                   "line 2, column grade_months: grade 1 is given twice");
	assert_parse_error(HEADER "2100\t\tgrade\t36\t\t1-72\t\t\t\t\t\n",
	                   "line 2, column grade_months: item 1");
	assert_parse_error(HEADER "2100\t\tgrade\t36\t\t1:72,,3:36\t\t\t\t\t\n",
	                   "line 2, column grade_months:");
	/* Numbers, ages, conclusions. */
	assert_parse_error(HEADER "1000\t\tfixed\t12x\t12\t\t\t\t\t\t\n",
	                   "line 2, column first_months:");
	assert_parse_error(HEADER "1000\t\tfixed\t12\t-12\t\t\t\t\t\t\n",
	                   "line 2, column interval_months:");
	assert_parse_error(HEADER "3000\t\tage\t\t12\t\t\t4,1\tpass,fail\t\t\n",
	                   "line 2, column ages: years of age must be in ascending order");
	assert_parse_error(HEADER "3000\t\tage\t\t12\t\t\t1,x\tpass,fail\t\t\n",
	                   "line 2, column ages: item 2");
	assert_parse_error(HEADER "3000\t\tage\t12\t12\t\t\t1,4\tpass,ok\t\t\n",
	                   "line 2, column conclusions: item 2");
	/* What the kind needs and what it does not take. */
	assert_parse_error(HEADER "1000\t\tfixed\t12\t\t\t\t\t\t\t\n",
	                   "line 2, column interval_months: is required for kind fixed");
	assert_parse_error(HEADER "2100\t\tgrade\t36\t\t\t\t\t\t\t\n",
	                   "line 2, column grade_months: is required for kind grade");
	assert_parse_error(HEADER "1000\t\tfixed\t12\t12\t\t\t1,4\t\t\t\n",
	                   "line 2, column ages: does not apply to kind fixed");
	assert_parse_error(HEADER "7000\t\tnone\t12\t\t\t\t\t\t\t\n",
	                   "line 2, column first_months: does not apply to kind none");
	assert_parse_error(HEADER "3000\t\tage\t24\t12\t\t\t1,4\tpass,fail\t\t\n",
	                   "line 2, column first_months: must be 12 times");
	/* Codes and variants, the column count, a rule given twice. */
	assert_parse_error(HEADER "10000\t\tfixed\t12\t12\t\t\t\t\t\t\n",
	                   "line 2, column category:");
	assert_parse_error(HEADER "1000\tPower\tfixed\t12\t12\t\t\t\t\t\t\n",
	                   "line 2, column variant:");
	assert_parse_error(HEADER "1000\t\tfixed\t12\t12\n", "line 2: 5 columns, expected 11");
	assert_parse_error(HEADER "1000\t\tfixed\t12\t12\t\t\t\t\t\t\n"
	                          "\n"
	                          "1000\t\tfixed\t24\t24\t\t\t\t\t\t\n",
	                   "line 4, column variant: category 1000 already has this variant on "
	                   "line 2");
}

static void test_parse_accepts(void **state)
{
	(void)state;
	/* CRLF line ends, a blank line, no final newline; empty conclusions mean all three. */
	static const char TSV[] = "category\tvariant\tkind\tfirst_months\tinterval_months\t"
	                          "grade_months\tcount_first\tages\tconclusions\tbasis\tnote\r\n"
	                          "\r\n"
	                          "3000\t\tage\t12\t12\t\t\t1,4,7\tpass,fail\tTSG\tnote\r\n"
	                          "2100\t\tgrade\t36\t\t4:0,1:72\t\t\t\t\t";
	struct eq_rules rs;
	char err[256];
	assert_int_equal(eq_rules_parse(TSV, sizeof TSV - 1, &rs, err, sizeof err), 0);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.v[0].nages, 3);
	assert_int_equal(rs.v[0].ages[2], 7);
	assert_int_equal(rs.v[0].conclusions, EQ_PASS | EQ_FAIL);
	assert_int_equal(rs.v[1].conclusions, EQ_PASS | EQ_CONDITIONAL | EQ_FAIL);
	assert_int_equal(rs.v[1].grade_months[1], 72);
	assert_int_equal(rs.v[1].grade_months[2], 0);
	assert_int_equal(rs.v[1].grade_months[4], 0);
	eq_rules_free(&rs);
}

static void test_shipped_file(void **state)
{
	(void)state;
	/* The elevator row as the reference gives it. */
	const struct eq_rule *e = rule_of("3000", NULL, "3");
	static const int AGES[] = {1, 4, 7, 9, 11, 13, 15};
	assert_int_equal(e->nages, 7);
	for (int i = 0; i < 7; i++)
		assert_int_equal(e->ages[i], AGES[i]);
	assert_int_equal(e->interval_months, 12);
	assert_int_equal(e->conclusions, EQ_PASS | EQ_FAIL);
	/* Every top-level category has a rule (through a prefix), except pipes as a whole. */
	static const char *const TOP[] = {"1000", "2100", "2200", "2300", "2400", "3000", "4000",
	                                  "5000", "6000", "7000", "8100", "9000", "F000"};
	for (size_t i = 0; i < sizeof TOP / sizeof *TOP; i++)
		if (eq_rule_find(&shipped, TOP[i], NULL) == NULL)
			fail_msg("no rule for %s", TOP[i]);
}

/* Checks a catalogue given as text; returns what categories_check returns. */
static int check_catalogue(const char *text)
{
	struct tsv_table t;
	tsv_cut(text, strlen(text), &t);
	int rc = categories_check(&t);
	tsv_free(&t);
	return rc;
}

static void test_catalogue_checks(void **state)
{
	(void)state;
#define CH  "code\tparent\tname_zh\tname_bo\tname_en\tby_batch\n"
#define TOP "2000\t\t压力容器\t\tPressure vessels\t0\n"
	/* The shipped file passes. */
	const struct embedded_file *cf = embed_find(CATEGORIES_TSV);
	assert_non_null(cf);
	struct tsv_table t;
	tsv_cut(cf->data, cf->len, &t);
	assert_int_equal(categories_check(&t), 0);
	tsv_free(&t);
	/* A good small one, with CRLF and a blank line. */
	assert_int_equal(check_catalogue(CH TOP "\r\n2200\t2000\t移动式\t\tMobile\t0\r\n"
	                                        "2210\t2200\t铁路罐车\t\tRail\t0\n"),
	                 0);
	/* Each of these breaks one rule. */
	static const char *const BAD[] = {
	    "code\tparent\tname\tname_bo\tname_en\tby_batch\n" TOP, /* header */
	    CH "200\t\t压力容器\t\tPressure vessels\t0\n",          /* 3-character code */
	    CH "20000\t\t压力容器\t\tPressure vessels\t0\n",        /* 5-character code */
	    CH "2a00\t\t压力容器\t\tPressure vessels\t0\n",         /* small letter */
	    CH TOP "2200\t2100\t移动式\t\tMobile\t0\n",             /* parent unknown */
	    CH "2200\t2000\t移动式\t\tMobile\t0\n" TOP,             /* parent comes later */
	    CH TOP "2200\t3000\t移动式\t\tMobile\t0\n",             /* parent not a prefix */
	    CH TOP "3000\t2000\t电梯\t\tElevators\t0\n",            /* top level with parent */
	    CH TOP "2200\t\t移动式\t\tMobile\t0\n",                 /* no parent below top */
	    CH TOP TOP,                                             /* code twice */
	    CH TOP "2200\t2000\t\t\tMobile\t0\n",                   /* no Chinese name */
	    CH TOP "2200\t2000\t移动式\t\tMobile\t2\n",             /* by_batch 2 */
	    CH TOP "2200\t2000\t移动式\t\tMobile\n",                /* 5 columns */
	    CH TOP "2200\t2000\t\xff\t\tMobile\t0\n",               /* not UTF-8 */
	};
	for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++)
		if (check_catalogue(BAD[i]) != -1)
			fail_msg("catalogue %zu was accepted", i);
#undef CH
#undef TOP
}

/* The rules as eq_seed stored them and eq_rules_load reads them back: the same as the file. */
static void test_seeded_database(void **state)
{
	(void)state;
	struct tempdb tmp;
	struct db *db;
	assert_int_equal(tempdb_make(&tmp, "eqrules"), 0);
	assert_int_equal(db_open(tmp.path, DB_OPEN_CREATE, &db), 0);
	assert_int_equal(migrate_run(db, 0, 0), 0);

	struct eq_rules loaded;
	assert_int_equal(eq_rules_load(db, &loaded), 0);
	assert_int_equal(loaded.n, shipped.n);
	for (size_t i = 0; i < shipped.n; i++) {
		const struct eq_rule *a = &shipped.v[i];
		const struct eq_rule *b =
		    eq_rule_find(&loaded, a->category, a->variant[0] ? a->variant : NULL);
		assert_non_null(b);
		assert_true(b->id > 0);
		assert_string_equal(a->category, b->category);
		assert_string_equal(a->variant, b->variant);
		assert_int_equal(a->kind, b->kind);
		assert_int_equal(a->first_months, b->first_months);
		assert_int_equal(a->interval_months, b->interval_months);
		assert_memory_equal(a->grade_months, b->grade_months, sizeof a->grade_months);
		assert_int_equal(a->nages, b->nages);
		assert_memory_equal(a->ages, b->ages, sizeof a->ages);
		assert_int_equal(a->count_first, b->count_first);
		assert_int_equal(a->conclusions, b->conclusions);
	}
	eq_rules_free(&loaded);

	/* The catalogue: every line of the file, 2300 and its children counted by batch. */
	const struct embedded_file *cf = embed_find("data/equipment-categories.tsv");
	assert_non_null(cf);
	int64_t lines = 0;
	for (size_t i = 0; i < cf->len; i++)
		lines += cf->data[i] == '\n';
	struct db_stmt *st = db_prepare(db, "SELECT count(*), sum(by_batch), "
	                                    "sum(parent IS NULL) FROM eq_category");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), lines - 1);
	assert_int_equal(db_col_int64(st, 1), 3);
	assert_int_equal(db_col_int64(st, 2), 10);
	db_reset(st);

	/* An administrator's edit survives the seeding at the next start. */
	assert_int_equal(db_exec(db, "UPDATE eq_rule SET first_months = 6, interval_months = 6 "
	                             "WHERE category = '43' AND variant = ''"),
	                 0);
	assert_int_equal(eq_seed(db), 0);
	assert_int_equal(eq_rules_load(db, &loaded), 0);
	assert_int_equal(loaded.n, shipped.n);
	assert_int_equal(eq_rule_find(&loaded, "4300", NULL)->interval_months, 6);
	eq_rules_free(&loaded);

	/* A rule broken in the table stops the load rather than vanishing. */
	assert_int_equal(db_exec(db, "UPDATE eq_rule SET ages = '4,1' WHERE category = '3'"), 0);
	loaded.n = 99;
	assert_true(eq_rules_load(db, &loaded) < 0);
	assert_int_equal(loaded.n, 99);

	db_close(db);
	tempdb_remove(&tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_boiler),
	    cmocka_unit_test(test_vessel_by_grade),
	    cmocka_unit_test(test_nonmetal_vessel),
	    cmocka_unit_test(test_elevator_by_age),
	    cmocka_unit_test(test_elevator_conclusions),
	    cmocka_unit_test(test_cranes),
	    cmocka_unit_test(test_molten_metal_cranes),
	    cmocka_unit_test(test_lpg_cylinders),
	    cmocka_unit_test(test_month_end_clamping),
	    cmocka_unit_test(test_not_subject),
	    cmocka_unit_test(test_rule_lookup),
	    cmocka_unit_test(test_conclusion_names),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_parse_accepts),
	    cmocka_unit_test(test_shipped_file),
	    cmocka_unit_test(test_catalogue_checks),
	    cmocka_unit_test(test_seeded_database),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
