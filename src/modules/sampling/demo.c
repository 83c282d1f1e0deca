/*
 * Demo data for supervision sampling (see demo.h). Every value is drawn from a generator
 * seeded by the seed, so the same seed and day give the same database.
 *
 * Item values are generated relative to the product's limit for that item: a passing value
 * lies well inside it (at least 5 % away from the limit) and a failing one well outside, so
 * the judgement that goes with it is the one the rule gives (judge.c compares the same decimal
 * text exactly). A sample's verdict is fail when any item fails.
 */
#include "demo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/common.h"
#include "modules/sampling/tally.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

#define DEMO_SAMPLES_SMALL 3000
#define DEMO_SAMPLES_LARGE 175000 /* about 6 items a product: over 1,000,000 results */
#define DEMO_YEARS         3
#define DEMO_LABS          3
#define DEMO_MAX_PRODUCTS  256
#define DEMO_MAX_ITEMS     32
#define DEMO_PREFECTURES   16
#define DEMO_RECENT_DAYS   30 /* samples of the last days are still being tested */

const char *const SP_DEMO_LAB_UNITS[] = {"540000-LAB1", "540000-LAB2", "540000-LAB3", NULL};

static const struct {
	const char *code, *name, *name_bo;
} LABS[DEMO_LABS] = {
    {"CMA-2023-540001", "西藏自治区产品质量监督检验研究院",
     "བོད་རང་སྐྱོང་ལྗོངས་ཐོན་རྫས་སྤུས་ཚད་ལྟ་ཞིབ་ཞིབ་བཤེར་ཞིབ་འཇུག་ཁང་།"},
    {"CMA-2023-540002", "西藏自治区食品检验检测中心", "བོད་རང་སྐྱོང་ལྗོངས་ཟས་རིགས་ཞིབ་བཤེར་ལྟེ་གནས།"},
    {"CMA-2023-540003", "西藏自治区建材与工业产品检验所", "བོད་རང་སྐྱོང་ལྗོངས་འཛུགས་སྐྲུན་རྒྱུ་ཆ་ཞིབ་བཤེར་ཁང་།"},
};

static const char *const BRANDS[] = {"雪域", "圣湖", "高原红", "珠峰",   "羌塘",
                                     "雅江", "天域", "格桑",   "拉萨河", "念青"};

struct item {
	char code[40];
	char rule[16];
	char lo[24], hi[24], expected[40];
};

struct product {
	int64_t id;
	char category[24];
	char industry[8];
	double fail_chance; /* of a sample failing some item */
	int nitems;
	struct item items[DEMO_MAX_ITEMS];
};

struct firms {
	int n, cap;
	char (*code)[19];
	int *region;
};

struct demo {
	struct db *db;
	uint64_t rng;
	int32_t today;
	int nproducts;
	struct product *products;
	int nprefectures;
	int prefecture[DEMO_PREFECTURES];
	struct firms firms[DEMO_PREFECTURES]; /* active producers of industry C... by prefecture */
	struct firms all;                     /* every active enterprise, any prefecture */
	int64_t lab_id[DEMO_LABS];
	struct sp_demo_report rep;
	char stamp[32];
};

static uint64_t rnd(struct demo *d)
{
	uint64_t z = (d->rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int below(struct demo *d, int n)
{
	return (int)(rnd(d) % (uint64_t)n);
}

static double uniform(struct demo *d, double lo, double hi)
{
	return lo + (hi - lo) * (double)(rnd(d) >> 11) / 9007199254740992.0;
}

static const char *day_text(int32_t day, char out[11])
{
	date_format(day, out);
	return out;
}

/* ---- Reading the catalogue and the registry ------------------------------------------------ */

static int read_products(struct demo *d)
{
	struct db_stmt *st = db_prepare_once(
	    d->db,
	    "SELECT p.id, p.category, p.industry, p.risk, i.item_code, i.rule, "
	    "COALESCE(i.lo, ''), COALESCE(i.hi, ''), COALESCE(i.expected, '') FROM sp_product "
	    "p JOIN sp_product_item i ON i.product_id = p.id ORDER BY p.id, i.item_code");
	if (st == NULL)
		return -1;
	d->products = xcalloc(DEMO_MAX_PRODUCTS, sizeof *d->products);
	struct product *p = NULL;
	while (db_step(st) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		if (p == NULL || p->id != id) {
			if (d->nproducts == DEMO_MAX_PRODUCTS)
				break;
			p = &d->products[d->nproducts++];
			p->id = id;
			snprintf(p->category, sizeof p->category, "%s", db_col_text(st, 1, NULL));
			snprintf(p->industry, sizeof p->industry, "%s", db_col_text(st, 2, NULL));
			const char *risk = db_col_text(st, 3, NULL);
			p->fail_chance = strcmp(risk, "high") == 0     ? 0.14
			                 : strcmp(risk, "medium") == 0 ? 0.10
			                                               : 0.08;
		}
		if (p->nitems == DEMO_MAX_ITEMS)
			continue;
		struct item *it = &p->items[p->nitems++];
		snprintf(it->code, sizeof it->code, "%s", db_col_text(st, 4, NULL));
		snprintf(it->rule, sizeof it->rule, "%s", db_col_text(st, 5, NULL));
		snprintf(it->lo, sizeof it->lo, "%s", db_col_text(st, 6, NULL));
		snprintf(it->hi, sizeof it->hi, "%s", db_col_text(st, 7, NULL));
		snprintf(it->expected, sizeof it->expected, "%s", db_col_text(st, 8, NULL));
	}
	db_finalize(st);
	return d->nproducts ? 0 : -1;
}

static void firms_add(struct firms *f, const char *code, int region)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 256;
		f->code = xrealloc(f->code, (size_t)f->cap * sizeof *f->code);
		f->region = xrealloc(f->region, (size_t)f->cap * sizeof *f->region);
	}
	snprintf(f->code[f->n], sizeof f->code[f->n], "%s", code);
	f->region[f->n++] = region;
}

/* The active enterprises of manufacturing (every catalogue product's industry is read per
 * product; producers of industry C are kept per prefecture), in credit-code order. */
static int read_firms(struct demo *d)
{
	struct db_stmt *st = db_prepare_once(
	    d->db, "SELECT credit_code, region_code, industry FROM enterprise WHERE status = "
	           "'active' AND region_code % 100 <> 0 ORDER BY credit_code");
	if (st == NULL)
		return -1;
	while (db_step(st) == DB_ROW) {
		const char *code = db_col_text(st, 0, NULL);
		int region = (int)db_col_int64(st, 1);
		if (strlen(code) != 18)
			continue;
		firms_add(&d->all, code, region);
		if (strcmp(db_col_text(st, 2, NULL), "C") != 0)
			continue;
		int pref = region / 100 * 100, k = 0;
		while (k < d->nprefectures && d->prefecture[k] != pref)
			k++;
		if (k == d->nprefectures) {
			if (k == DEMO_PREFECTURES)
				continue;
			d->prefecture[d->nprefectures++] = pref;
		}
		firms_add(&d->firms[k], code, region);
	}
	db_finalize(st);
	return d->nprefectures ? 0 : -1;
}

/* ---- Values --------------------------------------------------------------------------------- */

/* Decimals of a limit's text. */
static int decimals(const char *s)
{
	const char *dot = strchr(s, '.');
	return dot ? (int)strlen(dot + 1) : 0;
}

/* A value of item that passes (pass 1) or fails, as decimal text into out. */
static void item_value(struct demo *d, const struct item *it, int pass, char out[48])
{
	if (strcmp(it->rule, "equals") == 0) {
		snprintf(out, 48, "%s", pass ? it->expected : "fail");
		return;
	}
	if (strcmp(it->rule, "not_detected") == 0) {
		if (pass)
			snprintf(out, 48, "ND");
		else
			snprintf(out, 48, "%.2f", uniform(d, 0.05, 3.0));
		return;
	}
	double lo = it->lo[0] ? atof(it->lo) : 0, hi = it->hi[0] ? atof(it->hi) : 0, v;
	int dec = (it->lo[0] ? decimals(it->lo) : decimals(it->hi)) + 1;
	if (dec > 4)
		dec = 4;
	double unit = pow(10, -dec);
	if (strcmp(it->rule, "max") == 0) {
		double mag = fabs(hi) > 0 ? fabs(hi) : 1;
		v = pass ? hi - mag * uniform(d, 0.2, 0.95) : hi + mag * uniform(d, 0.2, 2.0);
		if (pass && v < 0 && hi >= 0)
			v = hi * uniform(d, 0.05, 0.8);
		v = pass ? fmin(v, hi - 5 * unit) : fmax(v, hi + 5 * unit);
		if (pass && v < 0 && hi > 0)
			v = 0;
	} else if (strcmp(it->rule, "min") == 0) {
		double mag = fabs(lo) > 0 ? fabs(lo) : 1;
		v = pass ? lo + mag * uniform(d, 0.03, 0.2) : lo - mag * uniform(d, 0.05, 0.3);
		v = pass ? fmax(v, lo + 5 * unit) : fmin(v, lo - 5 * unit);
	} else { /* range */
		double w = hi - lo;
		v = pass ? lo + w * uniform(d, 0.15, 0.85)
		         : (below(d, 2) ? hi + w * uniform(d, 0.1, 0.5)
		                        : lo - w * uniform(d, 0.1, 0.5));
	}
	snprintf(out, 48, "%.*f", dec, v);
	if (strcmp(out, "-0") == 0 || strncmp(out, "-0.", 3) == 0) {
		/* "-0.00": no sign on zero */
		int zero = 1;
		for (const char *p = out + 1; *p; p++)
			if (*p != '0' && *p != '.')
				zero = 0;
		if (zero)
			memmove(out, out + 1, strlen(out));
	}
}

/* ---- Writing -------------------------------------------------------------------------------- */

static int step_done(struct db_stmt *st)
{
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? 0 : -1;
}

static int write_labs(struct demo *d)
{
	char until[11];
	day_text(d->today + 3 * 365, until);
	for (int i = 0; i < DEMO_LABS; i++) {
		struct db_stmt *st = db_prepare(
		    d->db,
		    "INSERT INTO sp_lab (id, code, name, name_bo, region_code, org_unit, "
		    "accredited_until, created_at, updated_at) VALUES (?, ?, ?, ?, 540000, ?, ?, "
		    "?, ?)");
		if (st == NULL || db_id_next(d->db, &d->lab_id[i]) != 0)
			return -1;
		db_bind_int64(st, 1, d->lab_id[i]);
		db_bind_cstr(st, 2, LABS[i].code);
		db_bind_cstr(st, 3, LABS[i].name);
		db_bind_cstr(st, 4, LABS[i].name_bo);
		db_bind_cstr(st, 5, SP_DEMO_LAB_UNITS[i]);
		db_bind_cstr(st, 6, until);
		db_bind_cstr(st, 7, d->stamp);
		db_bind_cstr(st, 8, d->stamp);
		if (step_done(st) != 0)
			return -1;
		st =
		    db_prepare(d->db, "INSERT INTO sp_lab_scope (lab_id, item_code) SELECT ?, code "
		                      "FROM sp_test_item");
		if (st == NULL)
			return -1;
		db_bind_int64(st, 1, d->lab_id[i]);
		if (step_done(st) != 0)
			return -1;
		d->rep.labs++;
	}
	return 0;
}

/* One sample's rows: the sample, its results, an objection and a follow-up maybe. */
struct sample_plan {
	int64_t id, task;
	const struct product *p;
	int year, pref_index, seq;
	int32_t sampled;
};

static int write_results(struct demo *d, int64_t id, const struct product *p, int round,
                         const int *fails, int lab, int32_t day)
{
	struct db_stmt *st = db_prepare(
	    d->db, "INSERT INTO sp_result (sample_id, round, item_code, value, judgement, analyst, "
	           "entered_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	char analyst[16], at[32], dt[11];
	snprintf(analyst, sizeof analyst, "lab%d", lab + 1);
	snprintf(at, sizeof at, "%sT03:00:00Z", day_text(day, dt));
	for (int k = 0; k < p->nitems; k++) {
		char v[48];
		item_value(d, &p->items[k], !fails[k], v);
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, round);
		db_bind_cstr(st, 3, p->items[k].code);
		db_bind_cstr(st, 4, v);
		db_bind_cstr(st, 5, fails[k] ? "fail" : "pass");
		db_bind_cstr(st, 6, analyst);
		db_bind_cstr(st, 7, at);
		if (step_done(st) != 0)
			return -1;
		d->rep.results++;
	}
	return 0;
}

static const char SQL_SAMPLE[] =
    "INSERT INTO sp_sample (id, sample_no, task_id, product_id, producer, region_code, "
    "industry, brand, specification, batch, production_date, quantity_sampled, "
    "quantity_reserve, quantity_unit, seal_no, samplers, place, sampled_on, year, quarter, "
    "producer_response, lab_id, received_on, status, verdict, final_verdict, analyst, reviewer, "
    "approver, approved_on, notified_on, created_by, created_at, updated_at) VALUES (?1, ?2, ?3, "
    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 2, 2, '件', ?12, '抽样员甲, 抽样员乙', '生产企业成品库', "
    "?13, ?14, ?15, 'confirmed', ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, 'sampling', "
    "?26, ?26)";

static int write_sample(struct demo *d, const struct sample_plan *sp)
{
	const struct product *p = sp->p;
	struct firms *f = d->firms[sp->pref_index].n ? &d->firms[sp->pref_index] : &d->all;
	int fi = below(d, f->n);
	int lab = strcmp(p->category, "food") == 0 ? below(d, 2) : 2 - below(d, 2) * 2;
	int32_t received = sp->sampled + 1 + below(d, 3);
	int32_t approved = received + 10 + below(d, 15), notified = approved + 2 + below(d, 5);
	int tested = sp->sampled <= d->today - DEMO_RECENT_DAYS;
	int fails[DEMO_MAX_ITEMS] = {0}, failed = 0;
	if (tested && uniform(d, 0, 1) < p->fail_chance) {
		int n = 1 + (below(d, 5) == 0);
		for (int k = 0; k < n; k++)
			fails[below(d, p->nitems)] = 1;
		failed = 1;
	}
	/* An objection to a failure, decided long enough ago or still open. */
	int objection = failed && notified + 30 < d->today && below(d, 5) == 0;
	int open = objection && notified + 90 > d->today && below(d, 2);
	int rejected = objection && !open && below(d, 6) == 0;
	int overturned = objection && !open && !rejected && below(d, 10) < 3;
	const char *verdict = failed ? "fail" : "pass";
	const char *final = !tested ? NULL : overturned ? "pass" : verdict;

	char no[48], batch[32], seal[24], dsamp[11], drec[11], dprod[11], dappr[11], dnot[11];
	snprintf(no, sizeof no, "CC%04d-%04d-%06d", sp->year, d->prefecture[sp->pref_index] / 100,
	         sp->seq);
	int32_t produced = sp->sampled - 5 - below(d, 120);
	int y, m, dd;
	date_to_ymd(produced, &y, &m, &dd);
	snprintf(batch, sizeof batch, "%04d%02d%02d-%02d", y, m, dd, 1 + below(d, 20));
	snprintf(seal, sizeof seal, "FT%08d", below(d, 100000000));
	char spec[32];
	snprintf(spec, sizeof spec, "%d%s", (1 + below(d, 10)) * 250,
	         strcmp(p->category, "food") == 0 ? "g/袋" : "型");
	struct db_stmt *st = db_prepare(d->db, SQL_SAMPLE);
	if (st == NULL)
		return -1;
	char analyst[16], reviewer[16], approver[16];
	snprintf(analyst, sizeof analyst, "lab%d", lab + 1);
	snprintf(reviewer, sizeof reviewer, "lab%d", (lab + 1) % DEMO_LABS + 1);
	snprintf(approver, sizeof approver, "lab%d", (lab + 2) % DEMO_LABS + 1);
	db_bind_int64(st, 1, sp->id);
	db_bind_cstr(st, 2, no);
	db_bind_int64(st, 3, sp->task);
	db_bind_int64(st, 4, p->id);
	db_bind_cstr(st, 5, f->code[fi]);
	db_bind_int64(st, 6, f->region[fi]);
	db_bind_cstr(st, 7, p->industry);
	db_bind_cstr(st, 8, BRANDS[below(d, (int)(sizeof BRANDS / sizeof *BRANDS))]);
	db_bind_cstr(st, 9, spec);
	db_bind_cstr(st, 10, batch);
	db_bind_cstr(st, 11, day_text(produced, dprod));
	db_bind_cstr(st, 12, seal);
	db_bind_cstr(st, 13, day_text(sp->sampled, dsamp));
	db_bind_int64(st, 14, sp->year);
	date_to_ymd(sp->sampled, &y, &m, &dd);
	db_bind_int64(st, 15, (m - 1) / 3 + 1);
	db_bind_int64(st, 16, d->lab_id[lab]);
	db_bind_cstr(st, 17, day_text(received, drec));
	db_bind_cstr(st, 18, tested ? "approved" : "testing");
	db_bind_cstr(st, 19, tested ? verdict : NULL);
	db_bind_cstr(st, 20, final);
	db_bind_cstr(st, 21, tested ? analyst : NULL);
	db_bind_cstr(st, 22, tested ? reviewer : NULL);
	db_bind_cstr(st, 23, tested ? approver : NULL);
	db_bind_cstr(st, 24, tested ? day_text(approved, dappr) : NULL);
	db_bind_cstr(st, 25, tested ? day_text(notified, dnot) : NULL);
	db_bind_cstr(st, 26, d->stamp);
	if (step_done(st) != 0)
		return -1;
	d->rep.samples++;
	if (!tested)
		return 0;
	d->rep.approved++;
	d->rep.failed += final && strcmp(final, "fail") == 0;
	if (write_results(d, sp->id, p, 0, fails, lab, approved - 3) != 0)
		return -1;
	if (objection) {
		int retest_lab = (lab + 1) % DEMO_LABS;
		const char *status = open       ? (below(d, 2) ? "filed" : "retesting")
		                     : rejected ? "rejected"
		                                : "decided";
		st = db_prepare(
		    d->db,
		    "INSERT INTO sp_objection (id, sample_id, filed_on, reason, filed_by, "
		    "status, decision_note, decided_by, retest_lab_id, outcome, "
		    "cost_borne_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'firm', ?, ?, "
		    "?, ?, ?, ?, ?, ?)");
		int64_t oid;
		if (st == NULL || db_id_next(d->db, &oid) != 0)
			return -1;
		char filed[11];
		int decided = strcmp(status, "decided") == 0;
		db_bind_int64(st, 1, oid);
		db_bind_int64(st, 2, sp->id);
		db_bind_cstr(st, 3, day_text(notified + 3 + below(d, 10), filed));
		db_bind_cstr(st, 4, "企业对检验结果有异议，申请复检备样。");
		db_bind_cstr(st, 5, status);
		db_bind_cstr(st, 6,
		             rejected  ? "超出复检申请期限或理由不成立。"
		             : decided ? "同意复检。"
		                       : NULL);
		db_bind_cstr(st, 7, open && strcmp(status, "filed") == 0 ? NULL : "leader");
		if (decided || strcmp(status, "retesting") == 0)
			db_bind_int64(st, 8, d->lab_id[retest_lab]);
		else
			db_bind_null(st, 8);
		db_bind_cstr(st, 9, decided ? (overturned ? "overturned" : "confirmed") : NULL);
		db_bind_cstr(st, 10, decided ? (overturned ? "authority" : "applicant") : NULL);
		db_bind_cstr(st, 11, d->stamp);
		db_bind_cstr(st, 12, d->stamp);
		if (step_done(st) != 0)
			return -1;
		d->rep.objections++;
		d->rep.overturned += overturned;
		if (decided) {
			int again[DEMO_MAX_ITEMS] = {0};
			if (!overturned)
				memcpy(again, fails, sizeof again);
			if (write_results(d, sp->id, p, 1, again, retest_lab, notified + 25) != 0)
				return -1;
		}
	}
	if (final && strcmp(final, "fail") == 0 && !open && notified + 10 < d->today &&
	    below(d, 5) != 0) {
		int32_t ordered = notified + 7;
		int32_t rectify_by = ordered + SP_RECTIFY_DAYS,
		        recheck_by = ordered + SP_RECHECK_DAYS;
		int done = recheck_by < d->today, refail = done && below(d, 10) == 0;
		int32_t recheck_on = ordered + 60 + below(d, 14), announced = recheck_on + 10;
		st = db_prepare(
		    d->db,
		    "INSERT INTO sp_followup (id, sample_id, region_code, producer, order_no, "
		    "ordered_on, rectify_by, recheck_by, rectified_on, recheck_on, "
		    "recheck_verdict, announced_on, second_from, second_by, stage, created_at, "
		    "updated_at) SELECT ?, id, region_code, producer, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		    "?, ?, ?, ? FROM sp_sample WHERE id = ?");
		int64_t fid;
		if (st == NULL || db_id_next(d->db, &fid) != 0)
			return -1;
		char order[48], t[8][11];
		snprintf(order, sizeof order, "藏市监质整〔%d〕%d号", sp->year, sp->seq);
		db_bind_int64(st, 1, fid);
		db_bind_cstr(st, 2, order);
		db_bind_cstr(st, 3, day_text(ordered, t[0]));
		db_bind_cstr(st, 4, day_text(rectify_by, t[1]));
		db_bind_cstr(st, 5, day_text(recheck_by, t[2]));
		db_bind_cstr(st, 6, done ? day_text(ordered + 40, t[3]) : NULL);
		db_bind_cstr(st, 7, done ? day_text(recheck_on, t[4]) : NULL);
		db_bind_cstr(st, 8, done ? (refail ? "fail" : "pass") : NULL);
		db_bind_cstr(st, 9, refail ? day_text(announced, t[5]) : NULL);
		db_bind_cstr(st, 10,
		             refail ? day_text(announced + SP_SECOND_FROM_DAYS, t[6]) : NULL);
		db_bind_cstr(st, 11, refail ? day_text(announced + SP_SECOND_BY_DAYS, t[7]) : NULL);
		db_bind_cstr(st, 12, refail ? "announced" : done ? "closed" : "ordered");
		db_bind_cstr(st, 13, d->stamp);
		db_bind_cstr(st, 14, d->stamp);
		db_bind_int64(st, 15, sp->id);
		if (step_done(st) != 0)
			return -1;
		d->rep.followups++;
	}
	return 0;
}

static int write_year(struct demo *d, int year, int64_t target)
{
	int32_t first = date_from_ymd(year, 1, 1), last = date_from_ymd(year, 12, 31);
	if (last >= d->today)
		last = d->today - 1;
	if (last < first)
		return 0;
	struct db_stmt *st = db_prepare(
	    d->db, "INSERT INTO sp_plan (id, year, title, region_code, budget_yuan, weighted, "
	           "status, created_by, created_at, updated_at) VALUES (?, ?, ?, 540000, ?, 1, "
	           "'approved', 'sampling', ?, ?)");
	int64_t plan;
	if (st == NULL || db_id_next(d->db, &plan) != 0)
		return -1;
	char title[96];
	snprintf(title, sizeof title, "%d年西藏自治区产品质量监督抽查计划", year);
	db_bind_int64(st, 1, plan);
	db_bind_int64(st, 2, year);
	db_bind_cstr(st, 3, title);
	db_bind_int64(st, 4, target * 1800);
	db_bind_cstr(st, 5, d->stamp);
	db_bind_cstr(st, 6, d->stamp);
	if (step_done(st) != 0)
		return -1;
	d->rep.plans++;
	for (int i = 0; i < DEMO_LABS; i++) {
		st = db_prepare(d->db, "INSERT INTO sp_plan_lab (plan_id, lab_id) VALUES (?, ?)");
		if (st == NULL)
			return -1;
		db_bind_int64(st, 1, plan);
		db_bind_int64(st, 2, d->lab_id[i]);
		if (step_done(st) != 0)
			return -1;
	}
	/* Tasks per prefecture and product; Lhasa and Shigatse, with most producers, get more. */
	int ntasks = d->nprefectures * d->nproducts;
	int64_t per = target / ntasks > 0 ? target / ntasks : 1;
	int seq[DEMO_PREFECTURES] = {0};
	for (int k = 0; k < d->nprefectures; k++)
		for (int j = 0; j < d->nproducts; j++) {
			double w = d->prefecture[k] == 540100   ? 1.6
			           : d->prefecture[k] == 540200 ? 1.2
			                                        : 0.9;
			int64_t planned = (int64_t)llround((double)per * w * uniform(d, 0.7, 1.3));
			if (planned < 1)
				planned = 1;
			int64_t task;
			st = db_prepare(
			    d->db, "INSERT INTO sp_task (id, plan_id, product_id, region_code, "
			           "planned) VALUES (?, ?, ?, ?, ?)");
			if (st == NULL || db_id_next(d->db, &task) != 0)
				return -1;
			db_bind_int64(st, 1, task);
			db_bind_int64(st, 2, plan);
			db_bind_int64(st, 3, d->products[j].id);
			db_bind_int64(st, 4, d->prefecture[k]);
			db_bind_int64(st, 5, planned);
			if (step_done(st) != 0)
				return -1;
			d->rep.tasks++;
			for (int64_t n = 0; n < planned; n++) {
				struct sample_plan sp = {.task = task,
				                         .p = &d->products[j],
				                         .year = year,
				                         .pref_index = k,
				                         .seq = ++seq[k],
				                         .sampled =
				                             first + below(d, last - first + 1)};
				if (db_id_next(d->db, &sp.id) != 0 || write_sample(d, &sp) != 0)
					return -1;
			}
		}
	return 0;
}

/* Published announcements of the last complete quarters, an approved one and a draft. */
static int write_announcements(struct demo *d)
{
	int y, m, dd;
	date_to_ymd(d->today, &y, &m, &dd);
	int q = (m - 1) / 3 + 1; /* this quarter; the announcements are of the ones before */
	int seq_year = 0, seq = 0;
	for (int back = 4; back >= 1; back--) {
		int qq = q - back, yy = y;
		while (qq < 1)
			qq += 4, yy--;
		int32_t from = date_from_ymd(yy, qq * 3 - 2, 1);
		int32_t to = date_add_months(from, 3) - 1;
		int32_t drafted = to + 20 < d->today ? to + 20 : d->today;
		int dy, dm, ddd;
		date_to_ymd(drafted, &dy, &dm, &ddd);
		if (dy != seq_year)
			seq_year = dy, seq = 0;
		const char *status = back >= 3 ? "published" : back == 2 ? "approved" : "draft";
		char number[24], title[128], t[3][11], published[32];
		snprintf(number, sizeof number, "%04d-%03d", dy, ++seq);
		snprintf(title, sizeof title, "%d年第%d季度西藏自治区产品质量监督抽查结果公告", yy,
		         qq);
		snprintf(published, sizeof published, "%sT02:00:00Z", day_text(drafted + 7, t[2]));
		int64_t id;
		struct db_stmt *st = db_prepare(
		    d->db,
		    "INSERT INTO sp_announcement (id, number, title, region_code, product_id, "
		    "period_from, period_to, status, created_by, approved_by, published_by, "
		    "published_at, created_at, updated_at) VALUES (?, ?, ?, 540000, NULL, ?, ?, "
		    "?, 'sampling', ?, ?, ?, ?, ?)");
		if (st == NULL || db_id_next(d->db, &id) != 0)
			return -1;
		int pub = strcmp(status, "published") == 0, fixed = strcmp(status, "draft") != 0;
		db_bind_int64(st, 1, id);
		db_bind_cstr(st, 2, number);
		db_bind_cstr(st, 3, title);
		db_bind_cstr(st, 4, day_text(from, t[0]));
		db_bind_cstr(st, 5, day_text(to, t[1]));
		db_bind_cstr(st, 6, status);
		db_bind_cstr(st, 7, fixed ? "leader" : NULL);
		db_bind_cstr(st, 8, pub ? "leader" : NULL);
		db_bind_cstr(st, 9, pub ? published : NULL);
		db_bind_cstr(st, 10, d->stamp);
		db_bind_cstr(st, 11, d->stamp);
		if (step_done(st) != 0)
			return -1;
		d->rep.announcements++;
		if (!fixed)
			continue;
		st = db_prepare(
		    d->db, "INSERT INTO sp_announcement_sample (announcement_id, sample_id) SELECT "
		           "?1, s.id FROM sp_sample s WHERE s.status = 'approved' AND "
		           "s.final_verdict IS NOT NULL AND s.sampled_on BETWEEN ?2 AND ?3 AND NOT "
		           "EXISTS (SELECT 1 FROM sp_objection o WHERE o.sample_id = s.id AND "
		           "o.status IN ('filed', 'retesting'))");
		if (st == NULL)
			return -1;
		db_bind_int64(st, 1, id);
		db_bind_cstr(st, 2, t[0]);
		db_bind_cstr(st, 3, t[1]);
		if (step_done(st) != 0)
			return -1;
	}
	return 0;
}

static const char *const SAMPLE_INDEXES[] = {"sp_sample_region", "sp_sample_producer",
                                             "sp_sample_task", "sp_sample_status", NULL};

int sp_demo_load(struct db *db, enum sp_demo_scale scale, uint64_t seed, int32_t today,
                 struct sp_demo_report *rep)
{
	struct demo *d = xcalloc(1, sizeof *d);
	d->db = db;
	d->rng = seed * 0x2545F4914F6CDD1Dull + 0x5A4D504C;
	d->today = today;
	int y, m, dd;
	date_to_ymd(today, &y, &m, &dd);
	snprintf(d->stamp, sizeof d->stamp, "%04d-%02d-%02dT00:00:00Z", y, m, dd);
	int rc = -1;
	char *saved = NULL;
	if (db_begin_write(db) != 0)
		goto out;
	struct db_stmt *st = db_prepare_once(db, "SELECT EXISTS (SELECT 1 FROM sp_sample)");
	int have = st && db_step(st) == DB_ROW ? (int)db_col_int64(st, 0) : -1;
	if (st)
		db_finalize(st);
	if (have != 0) {
		d->rep.already = have == 1;
		rc = have == 1 ? 0 : -1;
		db_rollback(db);
		goto out;
	}
	if (read_products(d) != 0) {
		fprintf(stderr, "jinzhi demo: no sampling catalogue (products with items)\n");
		goto fail;
	}
	if (read_firms(d) != 0) {
		fprintf(stderr,
		        "jinzhi demo: no active manufacturing enterprise to sample (load the "
		        "demo enterprises first)\n");
		goto fail;
	}
	saved = db_indexes_suspend(db, "sp_sample", SAMPLE_INDEXES);
	int64_t total = scale == SP_DEMO_LARGE ? DEMO_SAMPLES_LARGE : DEMO_SAMPLES_SMALL;
	if (write_labs(d) != 0)
		goto fail;
	for (int k = DEMO_YEARS - 1; k >= 0; k--)
		if (write_year(d, y - k, total / DEMO_YEARS) != 0)
			goto fail;
	if (saved && db_indexes_restore(db, saved) != 0) {
		saved = NULL;
		goto fail;
	}
	saved = NULL;
	if (write_announcements(d) != 0 || sp_tally_rebuild(db) != SVC_OK)
		goto fail;
	char summary[256];
	snprintf(summary, sizeof summary,
	         "{\"samples\":%lld,\"results\":%lld,\"objections\":%lld,\"followups\":%lld,"
	         "\"announcements\":%lld}",
	         (long long)d->rep.samples, (long long)d->rep.results, (long long)d->rep.objections,
	         (long long)d->rep.followups, (long long)d->rep.announcements);
	struct actor who = {.name = "cli:demo", .all_regions = 1};
	if (audit_append(db, &who, "sampling.demo.load", "sampling_demo", "demo", NULL, summary,
	                 "ok") != 0 ||
	    db_commit(db) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	if (rc != 0)
		fprintf(stderr, "jinzhi demo: sampling: %s\n", db_errmsg(db));
	free(saved);
	db_rollback(db);
	rc = -1;
out:
	if (rep)
		*rep = d->rep;
	for (int k = 0; k < DEMO_PREFECTURES; k++) {
		free(d->firms[k].code);
		free(d->firms[k].region);
	}
	free(d->all.code);
	free(d->all.region);
	free(d->products);
	free(d);
	return rc;
}
