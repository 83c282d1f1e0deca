/*
 * Periodic-inspection rules as data (see rules.h): reading them from the TSV file the module
 * ships and from table eq_rule, both through one validator so that the file and the table
 * can never hold a rule the other would refuse; finding the rule of a unit; and the due-date
 * arithmetic of the four kinds of rule.
 */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/actor.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/mem.h"
#include "platform/textenc.h"

#define RULE_MAX_MONTHS   1200 /* 100 years: a longer interval is a typing mistake */
#define RULE_MAX_AGE      100  /* years of age in an ages list */
#define RULE_MAX_COUNT    100  /* count_first */
#define RULE_MAX_GRADE    5    /* safety grades are 1..5 */
#define RULE_MAX_TEXT     1000 /* bytes of basis or note */
#define RULE_EARLY_MONTHS 1    /* kind age: the user asks this long before a date falls due */

/* The columns of the TSV file, in order; eq_rule has the same names. */
enum rule_column {
	COL_CATEGORY,
	COL_VARIANT,
	COL_KIND,
	COL_FIRST,
	COL_INTERVAL,
	COL_GRADE,
	COL_COUNT,
	COL_AGES,
	COL_CONCLUSIONS,
	COL_BASIS,
	COL_NOTE,
	NCOLUMNS
};

_Static_assert(NCOLUMNS == EQ_RULE_NCOLUMNS, "the header knows every column");

const char *const EQ_RULE_COLUMNS[EQ_RULE_NCOLUMNS] = {
    "category",        "variant",      "kind",        "first_months",
    "interval_months", "grade_months", "count_first", "ages",
    "conclusions",     "basis",        "note",
};

static const char *const KIND_NAMES[] = {
    [EQ_RULE_NONE] = "none", [EQ_RULE_FIXED] = "fixed", [EQ_RULE_GRADE] = "grade",
    [EQ_RULE_AGE] = "age",   [EQ_RULE_COUNT] = "count",
};

#define ALL_CONCLUSIONS (EQ_PASS | EQ_CONDITIONAL | EQ_FAIL)

/* A cell: bytes s[0..n), not NUL-terminated. */
struct cell {
	const char *s;
	size_t n;
};

/* Why a cell was refused: its column and a sentence. */
struct cell_error {
	int column;
	char msg[160];
};

static int cell_fail(struct cell_error *e, int column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int cell_fail(struct cell_error *e, int column, const char *fmt, ...)
{
	e->column = column;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static int cell_is(struct cell c, const char *s)
{
	return strlen(s) == c.n && memcmp(c.s, s, c.n) == 0;
}

/* An optional whole number in [lo, hi]: *v = 0 and *present = 0 for an empty cell. */
static int cell_int(struct cell c, int column, int lo, int hi, int *v, int *present,
                    struct cell_error *e)
{
	*v = 0;
	*present = c.n > 0;
	if (c.n == 0)
		return 0;
	int64_t x;
	if (field_int_parse(c.s, c.n, lo, hi, &x) != 0)
		return cell_fail(e, column, "must be a whole number from %d to %d", lo, hi);
	*v = (int)x;
	return 0;
}

/* Splits c at commas into at most max items. Returns the count, or -1 if there are more or an
 * item is empty. */
static int cell_split(struct cell c, struct cell *items, int max)
{
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= c.n; i++) {
		if (i < c.n && c.s[i] != ',')
			continue;
		if (i == start || n == max)
			return -1;
		items[n].s = c.s + start;
		items[n].n = i - start;
		n++;
		start = i + 1;
	}
	return n;
}

/* "1:72,2:72,3:36,4:36": months for each grade; a grade left out may not be used (0). */
static int parse_grades(struct cell c, int months[6], struct cell_error *e)
{
	struct cell items[RULE_MAX_GRADE];
	int n = cell_split(c, items, RULE_MAX_GRADE);
	if (n < 0)
		return cell_fail(e, COL_GRADE,
		                 "must be grade:months pairs separated by commas, "
		                 "grades 1 to 5 at most once each");
	int seen[6] = {0};
	memset(months, 0, 6 * sizeof *months);
	for (int i = 0; i < n; i++) {
		const char *colon = memchr(items[i].s, ':', items[i].n);
		int64_t g, m;
		if (colon == NULL ||
		    field_int_parse(items[i].s, (size_t)(colon - items[i].s), 1, RULE_MAX_GRADE,
		                    &g) != 0 ||
		    field_int_parse(colon + 1, items[i].n - (size_t)(colon + 1 - items[i].s), 0,
		                    RULE_MAX_MONTHS, &m) != 0)
			return cell_fail(
			    e, COL_GRADE,
			    "item %d must be grade:months with a grade from 1 to %d and "
			    "months from 0 to %d",
			    i + 1, RULE_MAX_GRADE, RULE_MAX_MONTHS);
		if (seen[g]++)
			return cell_fail(e, COL_GRADE, "grade %d is given twice", (int)g);
		months[g] = (int)m;
	}
	return 0;
}

/* "1,4,7,9,11,13,15": years of age, strictly ascending. */
static int parse_ages(struct cell c, int ages[EQ_RULE_MAX_AGES], int *nages, struct cell_error *e)
{
	struct cell items[EQ_RULE_MAX_AGES];
	int n = cell_split(c, items, EQ_RULE_MAX_AGES);
	if (n < 0)
		return cell_fail(e, COL_AGES, "must be at most %d years separated by commas",
		                 EQ_RULE_MAX_AGES);
	for (int i = 0; i < n; i++) {
		int64_t y;
		if (field_int_parse(items[i].s, items[i].n, 1, RULE_MAX_AGE, &y) != 0)
			return cell_fail(e, COL_AGES, "item %d must be a year of age from 1 to %d",
			                 i + 1, RULE_MAX_AGE);
		if (i > 0 && y <= ages[i - 1])
			return cell_fail(e, COL_AGES, "years of age must be in ascending order");
		ages[i] = (int)y;
	}
	*nages = n;
	return 0;
}

/* "pass,conditional,fail"; empty means all three, as the column's default. */
static int parse_conclusions(struct cell c, unsigned *bits, struct cell_error *e)
{
	if (c.n == 0) {
		*bits = ALL_CONCLUSIONS;
		return 0;
	}
	struct cell items[3];
	int n = cell_split(c, items, 3);
	if (n < 0)
		return cell_fail(e, COL_CONCLUSIONS,
		                 "must be pass, conditional and fail separated by commas");
	*bits = 0;
	for (int i = 0; i < n; i++) {
		unsigned b = cell_is(items[i], "pass")          ? EQ_PASS
		             : cell_is(items[i], "conditional") ? EQ_CONDITIONAL
		             : cell_is(items[i], "fail")        ? EQ_FAIL
		                                                : 0;
		if (b == 0)
			return cell_fail(e, COL_CONCLUSIONS,
			                 "item %d is not pass, conditional or fail", i + 1);
		if (*bits & b)
			return cell_fail(e, COL_CONCLUSIONS, "item %d is given twice", i + 1);
		*bits |= b;
	}
	return 0;
}

/* Free text (basis, note): UTF-8 without control characters, of bounded length. */
static int check_text(struct cell c, int column, struct cell_error *e)
{
	if (c.n > RULE_MAX_TEXT)
		return cell_fail(e, column, "must be at most %d bytes", RULE_MAX_TEXT);
	if (utf8_invalid_at(c.s, c.n) >= 0 || utf8_has_control(c.s, c.n, 0))
		return cell_fail(e, column, "must be UTF-8 text without control characters");
	return 0;
}

/*
 * Builds *r from the cells of one rule (in the order of enum rule_column) and checks it
 * whole: every number the kind needs is there, nothing it would ignore is given (a grade
 * list on a fixed rule is a mistake, not a wish), and the arithmetic cannot loop. Returns 0,
 * or -1 with e.
 */
static int rule_from_cells(const struct cell *c, struct eq_rule *r, struct cell_error *e)
{
	memset(r, 0, sizeof *r);
	if (c[COL_CATEGORY].n < 1 || c[COL_CATEGORY].n > 4)
		return cell_fail(e, COL_CATEGORY, "must be 1 to 4 characters (a code or a prefix)");
	for (size_t i = 0; i < c[COL_CATEGORY].n; i++) {
		char ch = c[COL_CATEGORY].s[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z')))
			return cell_fail(e, COL_CATEGORY, "must be digits and capital letters");
	}
	memcpy(r->category, c[COL_CATEGORY].s, c[COL_CATEGORY].n);
	if (c[COL_VARIANT].n >= sizeof r->variant)
		return cell_fail(e, COL_VARIANT, "must be at most %zu characters",
		                 sizeof r->variant - 1);
	for (size_t i = 0; i < c[COL_VARIANT].n; i++) {
		char ch = c[COL_VARIANT].s[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || ch == '_'))
			return cell_fail(e, COL_VARIANT,
			                 "must be small letters, digits and _ (or empty)");
	}
	memcpy(r->variant, c[COL_VARIANT].s, c[COL_VARIANT].n);

	int kind = -1;
	for (size_t k = 0; k < sizeof KIND_NAMES / sizeof *KIND_NAMES; k++)
		if (cell_is(c[COL_KIND], KIND_NAMES[k]))
			kind = (int)k;
	if (kind < 0)
		return cell_fail(e, COL_KIND, "must be fixed, grade, age, count or none");
	r->kind = (enum eq_rule_kind)kind;

	int has_first, has_interval, has_count;
	if (cell_int(c[COL_FIRST], COL_FIRST, 1, RULE_MAX_MONTHS, &r->first_months, &has_first,
	             e) != 0 ||
	    cell_int(c[COL_INTERVAL], COL_INTERVAL, 1, RULE_MAX_MONTHS, &r->interval_months,
	             &has_interval, e) != 0 ||
	    cell_int(c[COL_COUNT], COL_COUNT, 0, RULE_MAX_COUNT, &r->count_first, &has_count, e) !=
	        0)
		return -1;
	int has_grades = c[COL_GRADE].n > 0, has_ages = c[COL_AGES].n > 0;
	if (has_grades && parse_grades(c[COL_GRADE], r->grade_months, e) != 0)
		return -1;
	if (has_ages && parse_ages(c[COL_AGES], r->ages, &r->nages, e) != 0)
		return -1;
	if (parse_conclusions(c[COL_CONCLUSIONS], &r->conclusions, e) != 0)
		return -1;
	if (check_text(c[COL_BASIS], COL_BASIS, e) != 0 ||
	    check_text(c[COL_NOTE], COL_NOTE, e) != 0)
		return -1;

	/* What each kind needs (1), allows (0) or refuses (-1), column by column. */
	/* clang-format off */
	static const signed char NEED[5][5] = {
	    /*                  first interval grade count ages */
	    [EQ_RULE_NONE]  = {  -1,    -1,     -1,   -1,   -1 },
	    [EQ_RULE_FIXED] = {   1,     1,     -1,   -1,   -1 },
	    [EQ_RULE_GRADE] = {   1,    -1,      1,   -1,   -1 },
	    [EQ_RULE_AGE]   = {   0,     1,     -1,   -1,    1 },
	    [EQ_RULE_COUNT] = {   1,     1,     -1,    0,   -1 },
	};
	/* clang-format on */
	const int has[5] = {has_first, has_interval, has_grades, has_count, has_ages};
	const int col[5] = {COL_FIRST, COL_INTERVAL, COL_GRADE, COL_COUNT, COL_AGES};
	for (int i = 0; i < 5; i++) {
		if (NEED[r->kind][i] == 1 && !has[i])
			return cell_fail(e, col[i], "is required for kind %s", KIND_NAMES[r->kind]);
		if (NEED[r->kind][i] == -1 && has[i])
			return cell_fail(e, col[i], "does not apply to kind %s (leave it empty)",
			                 KIND_NAMES[r->kind]);
	}
	/* For kind age the schedule comes from ages; first_months is there for people reading
	 * the table, so it must not tell them something else. */
	if (r->kind == EQ_RULE_AGE && has_first && r->first_months != r->ages[0] * 12)
		return cell_fail(e, COL_FIRST,
		                 "must be 12 times the first year of age (%d), or empty",
		                 r->ages[0] * 12);
	return 0;
}

/* Cuts the next line (without its LF and a CR before it) from s[*pos..n). */
static int next_line(const char *s, size_t n, size_t *pos, struct cell *line)
{
	if (*pos >= n)
		return 0;
	const char *start = s + *pos;
	const char *lf = memchr(start, '\n', n - *pos);
	const char *end = lf ? lf : s + n;
	*pos = (size_t)(end - s) + (lf != NULL);
	if (end > start && end[-1] == '\r')
		end--;
	line->s = start;
	line->n = (size_t)(end - start);
	return 1;
}

/* Splits line at tabs into at most max cells. Returns the count (which may exceed max, in which
 * case only max are stored). */
static int split_tabs(struct cell line, struct cell *cells, int max)
{
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= line.n; i++) {
		if (i < line.n && line.s[i] != '\t')
			continue;
		if (n < max) {
			cells[n].s = line.s + start;
			cells[n].n = i - start;
		}
		n++;
		start = i + 1;
	}
	return n;
}

int eq_rules_parse(const char *s, size_t n, struct eq_rules *out, char *err, size_t errlen)
{
	struct eq_rules r = {0};
	size_t cap = 0, pos = 0;
	int lineno = 0;
	int *lines = NULL; /* the line of each rule, for messages about duplicates */
	struct cell line, cells[NCOLUMNS];
	struct cell_error e;
	if (errlen)
		err[0] = '\0';

	if (!next_line(s, n, &pos, &line)) {
		snprintf(err, errlen, "line 1: the header is missing");
		goto fail;
	}
	lineno = 1;
	int ncells = split_tabs(line, cells, NCOLUMNS);
	for (int i = 0; i < NCOLUMNS; i++)
		if (i >= ncells || !cell_is(cells[i], EQ_RULE_COLUMNS[i])) {
			snprintf(err, errlen,
			         "line 1, column %d: the header must be %s, ... , %s "
			         "(expected %s here)",
			         i + 1, EQ_RULE_COLUMNS[0], EQ_RULE_COLUMNS[NCOLUMNS - 1],
			         EQ_RULE_COLUMNS[i]);
			goto fail;
		}
	if (ncells != NCOLUMNS) {
		snprintf(err, errlen, "line 1: the header has %d columns, expected %d", ncells,
		         NCOLUMNS);
		goto fail;
	}
	while (next_line(s, n, &pos, &line)) {
		lineno++;
		if (line.n == 0)
			continue;
		ncells = split_tabs(line, cells, NCOLUMNS);
		if (ncells != NCOLUMNS) {
			snprintf(err, errlen, "line %d: %d columns, expected %d", lineno, ncells,
			         NCOLUMNS);
			goto fail;
		}
		if (r.n == cap) {
			cap = cap ? cap * 2 : 32;
			r.v = xrealloc(r.v, cap * sizeof *r.v);
			lines = xrealloc(lines, cap * sizeof *lines);
		}
		struct eq_rule *rule = &r.v[r.n];
		if (rule_from_cells(cells, rule, &e) != 0) {
			snprintf(err, errlen, "line %d, column %s: %s", lineno,
			         EQ_RULE_COLUMNS[e.column], e.msg);
			goto fail;
		}
		for (size_t i = 0; i < r.n; i++)
			if (strcmp(r.v[i].category, rule->category) == 0 &&
			    strcmp(r.v[i].variant, rule->variant) == 0) {
				snprintf(err, errlen,
				         "line %d, column variant: category %s already has this "
				         "variant on line %d",
				         lineno, rule->category, lines[i]);
				goto fail;
			}
		lines[r.n++] = lineno;
	}
	free(lines);
	*out = r;
	return 0;
fail:
	free(lines);
	free(r.v);
	return -1;
}

int eq_rules_load(struct db *db, struct eq_rules *out)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT id, category, variant, kind, first_months, interval_months, grade_months, "
	        "count_first, ages, conclusions FROM eq_rule ORDER BY category, variant");
	if (st == NULL)
		return DB_ERROR;
	struct eq_rules r = {0};
	size_t cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct cell c[NCOLUMNS];
		for (int i = 0; i < NCOLUMNS; i++)
			c[i] = (struct cell){"", 0};
		/* Column i + 1 of the row is TSV column i: numbers come back as their text. */
		for (int i = COL_CATEGORY; i <= COL_CONCLUSIONS; i++)
			c[i].s = db_col_text(st, i + 1, &c[i].n);
		if (r.n == cap) {
			cap = cap ? cap * 2 : 32;
			r.v = xrealloc(r.v, cap * sizeof *r.v);
		}
		struct cell_error e;
		if (rule_from_cells(c, &r.v[r.n], &e) != 0) {
			/* A rule an administrator broke must stop the module loudly: dropping it
			 * would silently give its units a shorter prefix's interval. */
			fprintf(stderr, "jinzhi: eq_rule id %lld, column %s: %s\n",
			        (long long)db_col_int64(st, 0), EQ_RULE_COLUMNS[e.column], e.msg);
			rc = DB_ERROR;
			break;
		}
		r.v[r.n++].id = db_col_int64(st, 0);
	}
	db_reset(st);
	if (rc != DB_DONE) {
		free(r.v);
		return rc < 0 ? rc : DB_ERROR;
	}
	*out = r;
	return 0;
}

void eq_rules_free(struct eq_rules *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

const struct eq_rule *eq_rule_find(const struct eq_rules *r, const char *code, const char *variant)
{
	if (code == NULL)
		return NULL;
	if (variant && variant[0] == '\0')
		variant = NULL;
	size_t len = strnlen(code, 4);
	/* From the longest prefix down: a length whose rules are all for other variants has
	 * nothing to say about this unit, so a shorter prefix is asked. */
	for (size_t l = len; l >= 1; l--) {
		const struct eq_rule *fallback = NULL;
		for (size_t i = 0; i < r->n; i++) {
			const struct eq_rule *x = &r->v[i];
			if (strlen(x->category) != l || memcmp(x->category, code, l) != 0)
				continue;
			if (variant && strcmp(x->variant, variant) == 0)
				return x;
			if (x->variant[0] == '\0')
				fallback = x;
		}
		if (fallback)
			return fallback;
	}
	return NULL;
}

unsigned eq_conclusion_parse(const char *s)
{
	if (s == NULL)
		return 0;
	if (strcmp(s, "pass") == 0)
		return EQ_PASS;
	if (strcmp(s, "conditional") == 0)
		return EQ_CONDITIONAL;
	if (strcmp(s, "fail") == 0)
		return EQ_FAIL;
	return 0;
}

const char *eq_conclusion_name(unsigned c)
{
	switch (c) {
	case EQ_PASS:
		return "pass";
	case EQ_CONDITIONAL:
		return "conditional";
	case EQ_FAIL:
		return "fail";
	}
	return NULL;
}

/* Kind age: the k-th scheduled date (k from 0): the years of age listed, then every
 * interval_months after the last of them. Counted from the commissioning day each time, so
 * that a clamped month end (31 August -> 28 February) does not creep into later dates. */
static int32_t age_scheduled(const struct eq_rule *rule, int32_t commissioned, int k)
{
	if (k < rule->nages)
		return date_add_months(commissioned, rule->ages[k] * 12);
	int last = rule->nages ? rule->ages[rule->nages - 1] * 12 : 0;
	return date_add_months(commissioned, last + (k - rule->nages + 1) * rule->interval_months);
}

int eq_first_due(const struct eq_rule *rule, int32_t commissioned, int32_t *due)
{
	switch (rule->kind) {
	case EQ_RULE_NONE:
		return 1;
	case EQ_RULE_AGE:
		*due = age_scheduled(rule, commissioned, 0);
		return 0;
	case EQ_RULE_FIXED:
	case EQ_RULE_GRADE:
	case EQ_RULE_COUNT:
		break;
	}
	*due = date_add_months(commissioned, rule->first_months);
	return 0;
}

int eq_next_due(const struct eq_rule *rule, const struct eq_inspected *in, int32_t *due,
                const char **why)
{
	unsigned c = in->conclusion;
	if (eq_conclusion_name(c) == NULL)
		return *why = "the conclusion must be pass, conditional or fail", -1;
	if (rule->kind == EQ_RULE_NONE)
		return 1;
	if (!(rule->conclusions & c))
		return *why = c == EQ_PASS ? "the rule for this category does not allow the "
		                             "conclusion pass"
		              : c == EQ_CONDITIONAL ? "the rule for this category does not allow "
		                                      "the conclusion conditional"
		                                    : "the rule for this category does not allow "
		                                      "the conclusion fail",
		       -1;
	/* A failed unit may not be used until an inspection passes: due now. */
	if (c == EQ_FAIL) {
		*due = in->inspected;
		return 0;
	}
	switch (rule->kind) {
	case EQ_RULE_NONE:
		return 1;
	case EQ_RULE_FIXED:
		*due = date_add_months(in->inspected, rule->interval_months);
		return 0;
	case EQ_RULE_GRADE: {
		int g = in->safety_grade;
		if (g == 0)
			return *why = "the rule for this category needs the safety grade found by "
			              "the inspection",
			       -1;
		if (g < 1 || g > RULE_MAX_GRADE)
			return *why = "the safety grade must be 1 to 5", -1;
		/* A grade with no interval may not be used (grade 5: repair or scrap). */
		int m = rule->grade_months[g];
		*due = m ? date_add_months(in->inspected, m) : in->inspected;
		return 0;
	}
	case EQ_RULE_AGE: {
		if (rule->interval_months < 1)
			return *why = "the rule for this category has no interval", -1;
		/* The first scheduled date this inspection does not already cover: one done up to
		 * a month early covers its date, one done late covers the date it missed. Dates
		 * grow by at least a month a step, so the loop ends within the calendar. */
		int k = 0;
		while (date_add_months(age_scheduled(rule, in->commissioned, k),
		                       -RULE_EARLY_MONTHS) <= in->inspected)
			k++;
		*due = age_scheduled(rule, in->commissioned, k);
		return 0;
	}
	case EQ_RULE_COUNT:
		if (in->done < 1)
			return *why = "the count of inspections done must include this one", -1;
		*due = date_add_months(in->inspected, in->done < rule->count_first
		                                          ? rule->first_months
		                                          : rule->interval_months);
		return 0;
	}
	return *why = "unknown kind of rule", -1;
}

/* The number in a cell rule_from_cells has accepted (so it parses; 0 otherwise). */
static int64_t cell_number(struct cell c)
{
	int64_t v = 0;
	(void)field_int_parse(c.s, c.n, 0, RULE_MAX_MONTHS, &v);
	return v;
}

/* The row of rule id as JSON (for the audit log), from the statement's columns 0..10. */
static char *row_json(struct db_stmt *st)
{
	struct buf b = {0};
	buf_putc(&b, '{');
	for (int i = 0; i < NCOLUMNS; i++) {
		size_t n;
		const char *v = db_col_text(st, i, &n);
		buf_printf(&b, "%s\"%s\":", i ? "," : "", EQ_RULE_COLUMNS[i]);
		json_write_string(&b, v, n);
	}
	buf_putc(&b, '}');
	return buf_steal(&b, NULL);
}

int eq_rule_update(struct db *db, const struct actor *who, int64_t id,
                   const char *const patch[EQ_RULE_NCOLUMNS], const char **column, char *msg,
                   size_t msglen)
{
	static const char *const SELECT =
	    "SELECT category, variant, kind, first_months, interval_months, grade_months, "
	    "count_first, ages, conclusions, basis, note FROM eq_rule WHERE id = ?";
	if (db_begin_write(db) != 0)
		return DB_ERROR;
	struct db_stmt *st = db_prepare(db, SELECT);
	if (st == NULL) {
		db_rollback(db);
		return DB_ERROR;
	}
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		db_rollback(db);
		return rc == DB_DONE ? 1 : rc;
	}
	char *before = row_json(st);
	char *keep[NCOLUMNS];
	struct cell c[NCOLUMNS];
	for (int i = 0; i < NCOLUMNS; i++) {
		size_t n;
		const char *v = db_col_text(st, i, &n);
		keep[i] = xstrndup(v, n);
		const char *nv = i >= COL_KIND && patch[i] ? patch[i] : keep[i];
		c[i] = (struct cell){nv, strlen(nv)};
	}
	db_reset(st);
	struct eq_rule r;
	struct cell_error e;
	int result = 0;
	if (rule_from_cells(c, &r, &e) != 0) {
		*column = EQ_RULE_COLUMNS[e.column];
		snprintf(msg, msglen, "%s %s", EQ_RULE_COLUMNS[e.column], e.msg);
		result = 2;
		goto done;
	}
	st = db_prepare(db, "UPDATE eq_rule SET kind = ?, first_months = ?, interval_months = ?, "
	                    "grade_months = ?, count_first = ?, ages = ?, conclusions = ?, basis = "
	                    "?, note = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
	                    "updated_by = ? WHERE id = ?");
	result = DB_ERROR;
	if (st == NULL)
		goto done;
	for (int i = COL_KIND; i < NCOLUMNS; i++) {
		/* Empty cells are NULL in the table, numbers are numbers. */
		int bind = i - COL_KIND + 1;
		if (c[i].n == 0)
			db_bind_null(st, bind);
		else if (i == COL_FIRST || i == COL_INTERVAL || i == COL_COUNT)
			db_bind_int64(st, bind, cell_number(c[i]));
		else
			db_bind_text(st, bind, c[i].s, c[i].n);
	}
	db_bind_cstr(st, NCOLUMNS - COL_KIND + 1, who->name);
	db_bind_int64(st, NCOLUMNS - COL_KIND + 2, id);
	rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		goto done;
	st = db_prepare(db, SELECT);
	if (st == NULL)
		goto done;
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	char *after = rc == DB_ROW ? row_json(st) : NULL;
	db_reset(st);
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	if (after &&
	    audit_append(db, who, "equipment.rule.update", "equipment_rule", key, before, after,
	                 "ok") == 0 &&
	    db_commit(db) == 0)
		result = 0;
	free(after);
done:
	if (result != 0)
		db_rollback(db);
	free(before);
	for (int i = 0; i < NCOLUMNS; i++)
		free(keep[i]);
	return result;
}
