/*
 * Licensing demo: licences and checks in bulk (one transaction, prepared statements, numbers
 * from the real sequences), then applications at every step through the applications
 * service. Deterministic for a seed and a day.
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/licensing/applications.h"
#include "modules/licensing/licences.h"
#include "modules/licensing/numbers.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int below(uint64_t *s, int n)
{
	return n > 0 ? (int)(next_rand(s) % (uint64_t)n) : 0;
}

/* What a manufacturer's name says it makes, and what licence that takes. */
static const struct {
	const char *word;     /* in the registered name */
	const char *kind;     /* food | industrial */
	const char *category; /* lc_category code */
	const char *scope;    /* the products, as a certificate words them */
} TRADES[] = {
    {"青稞酒", "food", "115", "白酒（青稞酒）"},
    {"啤酒", "food", "115", "啤酒"},
    {"乳业", "food", "105", "液体乳（巴氏杀菌乳、发酵乳）、乳粉"},
    {"矿泉水", "food", "106", "包装饮用水（饮用天然矿泉水）"},
    {"饮用水", "food", "106", "包装饮用水（饮用纯净水）"},
    {"饮品", "food", "106", "蛋白饮料、固体饮料"},
    {"牦牛肉", "food", "104", "酱卤肉制品、熏烧烤肉制品、风干牦牛肉"},
    {"青稞食品", "food", "101", "其他粮食加工品（糌粑、青稞粉）"},
    {"面粉", "food", "101", "小麦粉（通用）"},
    {"茶业", "food", "114", "茶叶（藏茶、紧压茶）"},
    {"食品", "food", "124", "热加工糕点、冷加工糕点"},
    {"水泥", "industrial", "XK08-001", "通用硅酸盐水泥"},
    {"建材", "industrial", "XK05-001", "热轧带肋钢筋"},
    {"包装", "industrial", "XK16-001", "食品用塑料包装容器工具等制品"},
};
#define NTRADES (sizeof TRADES / sizeof *TRADES)

static const char *const INSPECTORS[] = {"次仁、卓玛", "扎西、王磊", "格桑、李娜",
                                         "达瓦、张伟", "普布、索朗", "央金、刘洋"};

struct maker {
	char code[19];
	char *name, *legal, *address;
	int region;
	int trade;
};

/* The active manufacturers in counties whose name says what licence they need, by code. */
static int makers_read(struct db *db, struct maker **out, size_t *n)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT credit_code, name, legal_representative, address, region_code FROM "
	        "enterprise WHERE status = 'active' AND industry = 'C' AND region_code % 100 <> 0 "
	        "ORDER BY credit_code");
	if (st == NULL)
		return -1;
	size_t cap = 1024;
	*n = 0;
	*out = xmalloc(cap * sizeof **out);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *name = db_col_text(st, 1, NULL);
		int trade = -1;
		for (size_t t = 0; t < NTRADES && trade < 0; t++)
			if (strstr(name, TRADES[t].word))
				trade = (int)t;
		if (trade < 0)
			continue;
		if (*n == cap)
			*out = xrealloc(*out, (cap *= 2) * sizeof **out);
		struct maker *m = &(*out)[(*n)++];
		snprintf(m->code, sizeof m->code, "%s", db_col_text(st, 0, NULL));
		m->name = xstrdup(name);
		m->legal = xstrdup(db_col_is_null(st, 2) ? "—" : db_col_text(st, 2, NULL));
		m->address = xstrdup(db_col_is_null(st, 3) ? name : db_col_text(st, 3, NULL));
		m->region = (int)db_col_int64(st, 4);
		m->trade = trade;
	}
	db_reset(st);
	return rc == DB_DONE ? 0 : -1;
}

static void makers_free(struct maker *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].legal);
		free(m[i].address);
	}
	free(m);
}

static void bind_day(struct db_stmt *st, int i, int32_t d)
{
	if (d == DATE_NONE) {
		db_bind_null(st, i);
		return;
	}
	char s[11];
	date_format(d, s);
	db_bind_cstr(st, i, s);
}

static const char SQL_LICENCE[] =
    "INSERT INTO lc_licence (id, licence_no, kind, holder, holder_name, region_code, "
    "categories, scope_text, site_address, legal_rep, issuer, issued_on, valid_from, "
    "valid_until, status, status_reason, status_on, application_id, last_check_on, "
    "next_check_due, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, 1)";
static const char SQL_CATEGORY[] = "INSERT INTO lc_licence_category (licence_id, category, "
                                   "region_code, status) VALUES (?, ?, ?, ?)";
static const char SQL_CHECK[] =
    "INSERT INTO lc_check (id, licence_id, region_code, checked_on, inspectors, result, "
    "findings, rectify_by, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'demo', ?)";

static int step(struct db_stmt *st)
{
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? 0 : -1;
}

/* One licence of maker m (round r: a second licence of the same maker). */
static int licence_write(struct db *db, const struct maker *m, int r, int32_t today, uint64_t *rs,
                         const char *stamp, struct lc_demo_report *rep)
{
	const char *kind = TRADES[m->trade].kind, *cat = TRADES[m->trade].category;
	/* A food producer's second category, sometimes: other foods. */
	int two = strcmp(kind, "food") == 0 && strcmp(cat, "131") != 0 && below(rs, 5) == 0;
	char cats[32];
	snprintf(cats, sizeof cats, "%s%s", cat, two ? ",131" : "");
	char no[LC_LICENCE_NO_MAX];
	struct field_error err = {0};
	int rc = lc_number_next(db, kind, cat, m->region, no, &err);
	if (rc == SVC_CONFLICT)
		return 1; /* this prefix is full: skip the licence */
	if (rc != SVC_OK)
		return -1;
	int64_t id;
	if (db_id_next(db, &id) != 0)
		return -1;
	int32_t issued = today - 1 - below(rs, 6 * 365);
	int32_t from = issued - below(rs, 10);
	int32_t until = lc_validity_end(from);
	int p = below(rs, 100);
	const char *status = p < 3   ? LC_STATUS_SUSPENDED
	                     : p < 5 ? LC_STATUS_REVOKED
	                     : p < 7 ? LC_STATUS_CANCELLED
	                             : LC_STATUS_VALID;
	int32_t end = until < today ? until : today; /* the last day the licence was in force */
	int32_t status_on = DATE_NONE;
	const char *reason = NULL;
	if (strcmp(status, LC_STATUS_VALID) != 0) {
		status_on = issued + 1 + below(rs, end - issued > 1 ? end - issued : 1);
		if (status_on > today)
			status_on = today;
		end = status_on;
		reason = strcmp(status, LC_STATUS_SUSPENDED) == 0 ? "监督抽检不合格，责令停产整改"
		         : strcmp(status, LC_STATUS_REVOKED) == 0 ? "以欺骗手段取得许可，依法吊销"
		                                                  : "企业申请注销（停产）";
	}
	/* Checks year by year while the licence was in force; one skipped leaves it overdue.
	 * Worked out first (the licence row carries the dates), written after the licence. */
	struct {
		int32_t on, by;
		int q;
	} ck[16];
	int nck = 0;
	int32_t due = date_add_months(issued, LC_CHECK_MONTHS), last = DATE_NONE;
	int supervised =
	    strcmp(status, LC_STATUS_VALID) == 0 || strcmp(status, LC_STATUS_SUSPENDED) == 0;
	while (nck < 16 && due <= end && below(rs, 100) < 85) {
		int32_t on = due - 20 + below(rs, 50);
		if (on > end || on <= issued)
			break;
		int q = below(rs, 100);
		int32_t by = q >= 85 && q < 95 ? on + 30 : DATE_NONE;
		ck[nck].on = on;
		ck[nck].by = by;
		ck[nck++].q = q;
		last = on;
		due = by != DATE_NONE ? by : date_add_months(on, LC_CHECK_MONTHS);
	}
	if (supervised && until >= today && due < today && strcmp(status, LC_STATUS_VALID) == 0)
		rep->overdue++;
	struct db_stmt *st = db_prepare(db, SQL_LICENCE);
	if (st == NULL)
		return -1;
	int i = 1;
	db_bind_int64(st, i++, id);
	db_bind_cstr(st, i++, no);
	db_bind_cstr(st, i++, kind);
	db_bind_cstr(st, i++, m->code);
	db_bind_cstr(st, i++, m->name);
	db_bind_int64(st, i++, m->region);
	db_bind_cstr(st, i++, cats);
	db_bind_cstr(st, i++, r == 0 ? TRADES[m->trade].scope : "同上（第二生产场所）");
	db_bind_cstr(st, i++, m->address);
	db_bind_cstr(st, i++, m->legal);
	db_bind_cstr(st, i++, LC_ISSUER_ZH);
	bind_day(st, i++, issued);
	bind_day(st, i++, from);
	bind_day(st, i++, until);
	db_bind_cstr(st, i++, status);
	db_bind_cstr(st, i++, reason);
	bind_day(st, i++, status_on);
	bind_day(st, i++, last);
	bind_day(st, i++, due);
	db_bind_cstr(st, i++, stamp);
	db_bind_cstr(st, i++, stamp);
	if (step(st) != 0)
		return -1;
	for (int k = 0; k < 1 + two; k++) {
		st = db_prepare(db, SQL_CATEGORY);
		if (st == NULL)
			return -1;
		db_bind_int64(st, 1, id);
		db_bind_cstr(st, 2, k ? "131" : cat);
		db_bind_int64(st, 3, m->region);
		db_bind_cstr(st, 4, status);
		if (step(st) != 0)
			return -1;
	}
	for (int k = 0; k < nck; k++) {
		int q = ck[k].q;
		int64_t cid;
		if (db_id_next(db, &cid) != 0 || (st = db_prepare(db, SQL_CHECK)) == NULL)
			return -1;
		db_bind_int64(st, 1, cid);
		db_bind_int64(st, 2, id);
		db_bind_int64(st, 3, m->region);
		bind_day(st, 4, ck[k].on);
		db_bind_cstr(st, 5, INSPECTORS[below(rs, 6)]);
		db_bind_cstr(st, 6, q < 85 ? "conforming" : q < 95 ? "rectify" : "nonconforming");
		db_bind_cstr(st, 7,
		             q < 85   ? "生产条件与许可时一致，记录齐全"
		             : q < 95 ? "原料进货查验记录不全，限期整改"
		                      : "生产场所变更未申请，不符合许可条件");
		bind_day(st, 8, ck[k].by);
		db_bind_cstr(st, 9, stamp);
		if (step(st) != 0)
			return -1;
		rep->checks++;
	}
	rep->licences++;
	if (strcmp(kind, "food") == 0)
		rep->food++;
	else
		rep->industrial++;
	if (strcmp(status, LC_STATUS_VALID) == 0 && until < today)
		rep->expired++;
	rep->suspended += strcmp(status, LC_STATUS_SUSPENDED) == 0;
	rep->revoked += strcmp(status, LC_STATUS_REVOKED) == 0;
	rep->cancelled += strcmp(status, LC_STATUS_CANCELLED) == 0;
	return 0;
}

/* ---- Applications through the service ------------------------------------------------- */

static int may_all(void *ctx, const char *permission)
{
	(void)ctx;
	(void)permission;
	return 1;
}

/* A scenario: the actions taken, in order (NULL-terminated), from start days before today. */
struct scenario {
	const char *kind, *purpose;
	int start; /* calendar days before today of the first action */
	const char *actions[12];
};

#define ONSITE "submit", "accept", "schedule_onsite", "onsite_scheduled", "record_onsite"
static const struct scenario SCENARIOS[] = {
    {"food", "new", 0, {NULL}},
    {"food", "new", 2, {"submit", NULL}},
    {"food", "new", 21, {"submit", NULL}}, /* past the acceptance limit: deemed accepted */
    {"food", "new", 4, {"submit", "notify_missing", NULL}},
    {"food", "new", 9, {"submit", "notify_missing", "resubmit", "accept", NULL}},
    {"food", "new", 8, {"submit", "accept", NULL}},
    {"food", "new", 50, {"submit", "accept", NULL}}, /* decision overdue */
    {"food", "new", 12, {"submit", "accept", "request_supplement", NULL}},
    {"food", "new", 14, {"submit", "accept", "refer_experts", NULL}},
    {"food", "new", 10, {"submit", "accept", "schedule_onsite", NULL}},
    {"food", "new", 16, {"submit", "accept", "schedule_onsite", "onsite_scheduled", NULL}},
    {"food", "new", 22, {ONSITE, NULL}},
    {"food", "new", 40, {ONSITE, "extend", NULL}},
    {"food", "new", 26, {ONSITE, "grant", NULL}},
    {"food", "new", 30, {ONSITE, "grant", "issue", NULL}},
    {"food", "new", 28, {ONSITE, "refuse", NULL}},
    {"food", "new", 6, {"submit", "reject", NULL}},
    {"food", "new", 5, {"submit", "withdraw", NULL}},
    {"industrial", "new", 3, {"submit", NULL}},
    {"industrial", "new", 18, {"submit", "accept", "send_testing", NULL}},
    {"industrial", "new", 30, {ONSITE, "grant", "issue", NULL}},
    {"food", "change", 20, {ONSITE, "grant", "issue", NULL}},
    {"food", "renewal", 6, {"submit", "accept", NULL}},
    {"food", "cancel", 8, {"submit", "accept", "grant", "issue", NULL}},
};

static int applicant_action(const char *a)
{
	return strcmp(a, "submit") == 0 || strcmp(a, "resubmit") == 0 ||
	       strcmp(a, "supplement") == 0 || strcmp(a, "withdraw") == 0;
}

/* A tiny PDF and PNG for the required papers (the service checks the magic bytes). */
static const char PAPER_PDF[] = "%PDF-1.4\n% demo paper\n%%EOF\n";

/* The holder and number of a valid demo licence of kind, not expiring for days, not yet
 * named by an application; NULL when none. */
static int pick_licence(struct db *db, const char *kind, int32_t today, int min_days, int max_days,
                        char holder[19], char no[LC_LICENCE_NO_MAX])
{
	char lo[11], hi[11];
	date_format(today + min_days, lo);
	date_format(today + max_days, hi);
	struct db_stmt *st = db_prepare(
	    db, "SELECT holder, licence_no FROM lc_licence l WHERE status = 'valid' AND kind = ? "
	        "AND valid_until BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM lc_application a "
	        "WHERE a.licence_id = l.id) ORDER BY id LIMIT 1");
	if (st == NULL)
		return -1;
	db_bind_cstr(st, 1, kind);
	db_bind_cstr(st, 2, lo);
	db_bind_cstr(st, 3, hi);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		snprintf(holder, 19, "%s", db_col_text(st, 0, NULL));
		snprintf(no, LC_LICENCE_NO_MAX, "%s", db_col_text(st, 1, NULL));
	}
	db_reset(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

static int applications_write(struct db *db, const struct maker *free_makers, size_t nfree,
                              int32_t today, struct lc_demo_report *rep)
{
	const struct actor officer = {.name = "demo.licensing", .all_regions = 1};
	/* Decisions are the leader's: never the one who verified on site. */
	const struct actor leader = {.name = "demo.leader", .all_regions = 1};
	size_t next_maker = 0;
	for (size_t s = 0; s < sizeof SCENARIOS / sizeof *SCENARIOS; s++) {
		const struct scenario *sc = &SCENARIOS[s];
		struct arena a = {0};
		char holder[19], no[LC_LICENCE_NO_MAX] = "";
		const char *cat = NULL, *scope = NULL, *address = NULL, *legal = NULL;
		if (strcmp(sc->purpose, "new") == 0) {
			/* The next unlicensed maker of the kind. */
			while (next_maker < nfree &&
			       strcmp(TRADES[free_makers[next_maker].trade].kind, sc->kind) != 0)
				next_maker++;
			if (next_maker >= nfree)
				continue;
			const struct maker *m = &free_makers[next_maker++];
			snprintf(holder, sizeof holder, "%s", m->code);
			cat = TRADES[m->trade].category;
			scope = TRADES[m->trade].scope;
			address = m->address;
			legal = m->legal;
		} else {
			int renewal = strcmp(sc->purpose, "renewal") == 0;
			int rc = pick_licence(db, sc->kind, today, renewal ? 20 : 200,
			                      renewal ? 120 : 2000, holder, no);
			if (rc < 0)
				return -1;
			if (rc > 0)
				continue;
			cat = strcmp(sc->purpose, "change") == 0 ? "101,131" : NULL;
			scope = strcmp(sc->purpose, "change") == 0
			            ? "其他粮食加工品（糌粑、青稞粉）；其他食品"
			            : "同原许可";
			address = "西藏自治区拉萨市城关区纳金路18号";
			legal = "次仁多吉";
		}
		struct actor firm = {.name = "demo.firm", .entity_code = holder};
		struct record in, out;
		record_init(&in, &LC_APPLICATION_TYPE);
		record_set_str(&in, &a, LA_KIND, sc->kind);
		record_set_str(&in, &a, LA_PURPOSE, sc->purpose);
		if (*no) {
			record_set_str(&in, &a, LA_LICENCE_NO, no);
			/* The licence's own categories, unless a change says otherwise. */
			if (cat == NULL) {
				struct lc_licence l;
				int64_t lid;
				struct field_error e = {0};
				if (lc_licence_target(db, &firm, no, holder, sc->purpose, today,
				                      &lid, &e) != SVC_OK ||
				    lc_licence_read(db, &officer, lid, &a, &l) != SVC_OK) {
					arena_free(&a);
					continue;
				}
				cat = l.categories;
			}
		}
		record_set_str(&in, &a, LA_CATEGORIES, cat);
		record_set_str(&in, &a, LA_SCOPE_TEXT, scope);
		record_set_str(&in, &a, LA_SITE_ADDRESS, address);
		record_set_str(&in, &a, LA_LEGAL_REP, legal);
		record_set_str(&in, &a, LA_CONTACT, "央金");
		record_set_str(&in, &a, LA_PHONE, "0891-6812345");
		if (strcmp(sc->purpose, "change") == 0 || strcmp(sc->purpose, "cancel") == 0)
			record_set_str(&in, &a, LA_REASON,
			               strcmp(sc->purpose, "change") == 0
			                   ? "增加其他食品类别，变更生产地址"
			                   : "企业停止食品生产");
		struct field_error err = {0};
		int rc = lc_application_create(db, &firm, &in, &a, &out, &err);
		if (rc != SVC_OK) {
			fprintf(stderr, "jinzhi demo: licensing application: %s: %s\n",
			        err.field ? err.field : "-", err.message);
			arena_free(&a);
			return -1;
		}
		int64_t id = record_int_of(out.v[LA_ID]);
		static const char *const PAPERS[] = {"business_licence", "site_plan",
		                                     "process_flow"};
		for (size_t k = 0; k < 3; k++) {
			struct lc_attachment t;
			char name[64];
			snprintf(name, sizeof name, "%s.pdf", PAPERS[k]);
			rc = lc_attachment_add(db, &firm, id, PAPERS[k], name, "application/pdf",
			                       PAPER_PDF, sizeof PAPER_PDF - 1, &a, &t, &err);
			if (rc != SVC_OK) {
				fprintf(stderr, "jinzhi demo: licensing attachment: %s: %s\n",
				        err.field ? err.field : "-", err.message);
				arena_free(&a);
				return -1;
			}
		}
		int n = 0;
		while (sc->actions[n])
			n++;
		for (int k = 0; k < n; k++) {
			const char *act = sc->actions[k];
			/* Spread the actions from the start day to today, in order. */
			int32_t day = today - sc->start + (n > 1 ? sc->start * k / (n - 1) : 0);
			if (day > today)
				day = today;
			char onsite[11];
			date_format(day, onsite);
			struct lc_action_in ai = {0};
			ai.note = "演示";
			if (strcmp(act, "notify_missing") == 0 ||
			    strcmp(act, "request_supplement") == 0)
				ai.missing =
				    "1. 生产设备布局图未盖章；2. 食品安全管理制度文本缺失。";
			if (strcmp(act, "record_onsite") == 0) {
				int fail = k + 1 < n && strcmp(sc->actions[k + 1], "refuse") == 0;
				ai.onsite_on = onsite;
				ai.onsite_team = "次仁、王磊";
				ai.onsite_findings =
				    fail ? "生产场所与申请材料不符" : "生产条件符合要求";
				ai.onsite_result = fail ? "fail" : "pass";
			}
			if (strcmp(act, "refuse") == 0)
				ai.decision_reason = "现场核查不合格";
			struct flow_state fs;
			int decides = strcmp(act, "grant") == 0 || strcmp(act, "refuse") == 0 ||
			              strcmp(act, "extend") == 0;
			rc = lc_application_act(db,
			                        applicant_action(act) ? &firm
			                        : decides             ? &leader
			                                              : &officer,
			                        id, act, &ai, day, may_all, NULL, &a, &out, &fs,
			                        &err);
			if (rc != SVC_OK) {
				fprintf(stderr, "jinzhi demo: licensing %s %s: %s: %s\n",
				        sc->purpose, act, err.field ? err.field : "-", err.message);
				arena_free(&a);
				return -1;
			}
		}
		rep->applications++;
		arena_free(&a);
	}
	return 0;
}

int lc_demo_load(struct db *db, enum lc_demo_scale scale, uint64_t seed, int32_t today,
                 struct lc_demo_report *rep)
{
	memset(rep, 0, sizeof *rep);
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM lc_licence");
	if (st == NULL || db_step(st) != DB_ROW) {
		if (st)
			db_reset(st);
		fprintf(stderr, "jinzhi demo: licensing: %s\n", db_errmsg(db));
		return -1;
	}
	int64_t have = db_col_int64(st, 0);
	db_reset(st);
	if (have > 0) {
		rep->already = 1;
		return 0;
	}
	struct maker *m;
	size_t n;
	if (makers_read(db, &m, &n) != 0) {
		fprintf(stderr, "jinzhi demo: licensing: %s\n", db_errmsg(db));
		return -1;
	}
	if (n == 0) {
		fprintf(stderr, "jinzhi demo: licensing: no manufacturers in the registry\n");
		free(m);
		return -1;
	}
	int64_t want = scale == LC_DEMO_LARGE ? 100000 : 300;
	/* Licensed: every maker but one in eight (kept for the applications) or, when there
	 * are fewer makers than licences wanted, every maker several times (a second site). */
	uint64_t rs = seed ^ 0x4C4943454E43ull;
	char stamp[32];
	now_iso(stamp);
	if (db_begin_write(db) != 0) {
		makers_free(m, n);
		return -1;
	}
	int rc = 0;
	size_t nfree = 0;
	struct maker *free_makers = xmalloc(n * sizeof *free_makers);
	for (size_t i = 0; i < n; i++)
		if (i % 8 == 7)
			free_makers[nfree++] = m[i];
	for (int r = 0; rc >= 0 && rep->licences < want; r++) {
		int64_t before = rep->licences;
		for (size_t i = 0; i < n && rep->licences < want && rc >= 0; i++) {
			if (i % 8 == 7)
				continue;
			/* small: a share of the makers, spread over the list */
			if (scale == LC_DEMO_SMALL && r == 0 && (size_t)want * 8 < n * 7 &&
			    below(&rs, (int)(n * 7 / 8)) >= want)
				continue;
			rc = licence_write(db, &m[i], r, today, &rs, stamp, rep);
		}
		if (rep->licences == before)
			break; /* every prefix is full */
	}
	char after[200];
	snprintf(after, sizeof after, "{\"licences\":%lld,\"checks\":%lld}",
	         (long long)rep->licences, (long long)rep->checks);
	struct actor who = {.name = "demo", .all_regions = 1};
	if (rc < 0 ||
	    audit_append(db, &who, "licensing.demo.load", "licensing_licence", NULL, NULL, after,
	                 "ok") != 0 ||
	    db_commit(db) != 0) {
		fprintf(stderr, "jinzhi demo: licensing licences: %s\n", db_errmsg(db));
		db_rollback(db);
		free(free_makers);
		makers_free(m, n);
		return -1;
	}
	rc = applications_write(db, free_makers, nfree, today, rep);
	free(free_makers);
	makers_free(m, n);
	return rc;
}
