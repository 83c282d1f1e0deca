/*
 * Periodic-inspection rules as data (table eq_rule, seeded from data/equipment-rules.tsv):
 * which rule applies to a unit, when its first inspection falls due, and when the next one
 * falls due after an inspection. Pure functions over loaded rules: no SQL but eq_rules_load.
 */
#ifndef JZ_EQUIPMENT_RULES_H
#define JZ_EQUIPMENT_RULES_H

#include <stddef.h>
#include <stdint.h>

struct db;

enum eq_rule_kind {
	EQ_RULE_NONE,  /* not subject to periodic inspection */
	EQ_RULE_FIXED, /* first after first_months, then every interval_months */
	EQ_RULE_GRADE, /* first after first_months, then by the safety grade of the last inspection
	                */
	EQ_RULE_AGE,   /* elevators: inspected in the years of age listed in ages[], yearly after */
	EQ_RULE_COUNT, /* cylinders: count_first inspections every first_months, then
	                  interval_months */
};

enum eq_conclusion {
	EQ_PASS = 1 << 0,        /* 合格 / 符合要求 */
	EQ_CONDITIONAL = 1 << 1, /* 基本符合要求: pass with conditions, defects to rectify */
	EQ_FAIL = 1 << 2, /* 不合格 / 不符合要求: may not be used until re-inspected */
};

#define EQ_RULE_MAX_AGES 16

struct eq_rule {
	int64_t id;
	char category[5]; /* code or prefix */
	char variant[24]; /* "" for the prefix's default */
	enum eq_rule_kind kind;
	int first_months;    /* first inspection after commissioning (manufacture, cylinders) */
	int interval_months; /* the usual interval */
	int grade_months[6]; /* EQ_RULE_GRADE: [grade] months, 0 = may not be used */
	int ages[EQ_RULE_MAX_AGES]; /* EQ_RULE_AGE: years of age with an inspection, ascending */
	int nages;
	int count_first;      /* EQ_RULE_COUNT */
	unsigned conclusions; /* enum eq_conclusion bits allowed */
};

struct eq_rules {
	struct eq_rule *v;
	size_t n;
};

/* Parses the TSV form (header line, then one rule per line; see data/equipment-rules.tsv).
 * Returns 0, or -1 with a message naming the line and column in err. */
int eq_rules_parse(const char *s, size_t n, struct eq_rules *out, char *err, size_t errlen);

/* Loads the rules from table eq_rule. Returns 0 or a negative db_result. */
int eq_rules_load(struct db *db, struct eq_rules *out);

void eq_rules_free(struct eq_rules *r);

#define EQ_RULE_NCOLUMNS 11 /* columns of the rules file and of eq_rule */

/* The column names, in file order: category, variant, kind, first_months, interval_months,
 * grade_months, count_first, ages, conclusions, basis, note. */
extern const char *const EQ_RULE_COLUMNS[EQ_RULE_NCOLUMNS];

struct actor;

/*
 * An administrator's change to rule id: patch[i] is the new text of column i, "" to empty it,
 * or NULL to keep it (category and variant cannot change). The changed rule is checked as a
 * row of the rules file would be; it applies from each unit's next inspection. Audited.
 * Returns 0; 1 if there is no such rule; 2 with *column and msg when the rule would be
 * invalid; or a negative db_result.
 */
int eq_rule_update(struct db *db, const struct actor *who, int64_t id,
                   const char *const patch[EQ_RULE_NCOLUMNS], const char **column, char *msg,
                   size_t msglen);

/* The rule for a unit of category code (4 characters) and variant (NULL or ""): among rules
 * whose category is a prefix of code, the longest; among those, the one of that variant, else
 * the default one. NULL if none. */
const struct eq_rule *eq_rule_find(const struct eq_rules *r, const char *code, const char *variant);

/* "pass" -> EQ_PASS, ... ; 0 if unknown. And back. */
unsigned eq_conclusion_parse(const char *s);
const char *eq_conclusion_name(unsigned c);

/* The first due date of a unit that has not been inspected since it started (commissioned: the
 * day it was put into use; for cylinders the day of manufacture). Returns 0 with *due, or 1
 * when the rule does not subject it to periodic inspection. */
int eq_first_due(const struct eq_rule *rule, int32_t commissioned, int32_t *due);

struct eq_inspected {
	int32_t commissioned; /* day put into use (manufacture, cylinders) */
	int32_t inspected;    /* day of this inspection */
	unsigned conclusion;  /* enum eq_conclusion */
	int safety_grade;     /* 1..5 as found by this inspection, 0 if none given */
	int done;             /* periodic inspections done including this one */
};

/*
 * The next due date after an inspection. A failed unit (or a grade the rule says may not be
 * used) is due again at once: *due = the inspection day, so it is overdue from the next day
 * until a new inspection passes. Returns 0 with *due, 1 when not subject, or -1 with *why
 * (a static English sentence) when the input breaks the rule (a conclusion it does not allow,
 * a grade required but missing).
 */
int eq_next_due(const struct eq_rule *rule, const struct eq_inspected *in, int32_t *due,
                const char **why);

#endif
