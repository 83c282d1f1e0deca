/*
 * The workflow engine on a test process of its own (acceptance 5 working days; decision 20,
 * +10 once; a supplement step that stops the clock; on-site record and a grant by someone
 * else): start and act, who may act (the applicant's entity, permissions through the may
 * callback, staff only for permissions, distinct_from), the clock stopped and resumed across
 * the 2026 Spring Festival with every date worked out by hand, the extension once then 409,
 * overdue and negative days left, the queue (most overdue first, paused last, pages, filters),
 * data scope, the audit of every move, refused actions changing nothing, the definition
 * checker naming the faulty part, versions, recomputation after a calendar change, and the
 * shared caches under several threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "platform/actor.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/flow.h"
#include "platform/mem.h"
#include "platform/migrate.h"
#include "platform/service.h"
#include "platform/workdays.h"
#include "tempdb.h"

#define ENTITY  "91540100MA6T00001X"
#define ENTITY2 "91540100MA6T00002X"

static const char *const DEFINITION =
    "{\"code\":\"test_licence\",\"name\":{\"zh\":\"测试许可\",\"en\":\"Test licence\"},"
    "\"start\":\"draft\","
    "\"stages\":["
    "{\"code\":\"acceptance\",\"limit\":5,\"basis\":\"Art. 32\",\"name\":{\"zh\":\"受理\","
    "\"bo\":\"ངོས་ལེན།\",\"en\":\"Acceptance\"}},"
    "{\"code\":\"decision\",\"limit\":20,\"extension\":10,\"basis\":\"Art. 42\",\"name\":{"
    "\"zh\":\"决定\",\"en\":\"Decision\"}}],"
    "\"steps\":["
    "{\"code\":\"draft\",\"stage\":null,\"name\":{\"zh\":\"草稿\",\"en\":\"Draft\"}},"
    "{\"code\":\"submitted\",\"stage\":\"acceptance\",\"clock\":\"running\",\"name\":{\"zh\":"
    "\"已提交\",\"en\":\"Submitted\"}},"
    "{\"code\":\"review\",\"stage\":\"decision\",\"name\":{\"zh\":\"审查\",\"en\":\"Review\"}},"
    "{\"code\":\"supplementing\",\"stage\":\"decision\",\"clock\":\"stopped\",\"reason\":"
    "\"supplement\",\"name\":{\"zh\":\"补正\",\"en\":\"Supplementing\"}},"
    "{\"code\":\"onsite\",\"stage\":\"decision\",\"name\":{\"zh\":\"现场核查\",\"en\":"
    "\"On-site\"}},"
    "{\"code\":\"granted\",\"stage\":null,\"final\":true,\"name\":{\"zh\":\"准予\",\"en\":"
    "\"Granted\"}},"
    "{\"code\":\"withdrawn\",\"final\":true,\"name\":{\"zh\":\"撤回\",\"en\":\"Withdrawn\"}}],"
    "\"transitions\":["
    "{\"from\":\"draft\",\"action\":\"submit\",\"to\":\"submitted\",\"by\":\"applicant\","
    "\"name\":{\"zh\":\"提交\",\"bo\":\"འབུལ།\",\"en\":\"Submit\"}},"
    "{\"from\":\"draft\",\"action\":\"withdraw\",\"to\":\"withdrawn\",\"by\":\"applicant\","
    "\"name\":{\"zh\":\"撤回\",\"en\":\"Withdraw\"}},"
    "{\"from\":\"submitted\",\"action\":\"accept\",\"to\":\"review\",\"by\":"
    "\"licensing.write\",\"name\":{\"zh\":\"受理\",\"en\":\"Accept\"}},"
    "{\"from\":\"review\",\"action\":\"request_supplement\",\"to\":\"supplementing\",\"by\":"
    "\"licensing.write\",\"name\":{\"zh\":\"要求补正\",\"en\":\"Request supplement\"}},"
    "{\"from\":\"supplementing\",\"action\":\"supplement\",\"to\":\"review\",\"by\":"
    "\"applicant\",\"name\":{\"zh\":\"补正材料\",\"en\":\"Supplement\"}},"
    "{\"from\":\"review\",\"action\":\"extend\",\"to\":\"review\",\"by\":"
    "\"licensing.approve\",\"extend\":true,\"name\":{\"zh\":\"延期\",\"en\":\"Extend\"}},"
    "{\"from\":\"review\",\"action\":\"record_onsite\",\"to\":\"onsite\",\"by\":"
    "\"licensing.write\",\"name\":{\"zh\":\"记录核查\",\"en\":\"Record on-site\"}},"
    "{\"from\":\"onsite\",\"action\":\"grant\",\"to\":\"granted\",\"by\":"
    "\"licensing.approve\",\"distinct_from\":\"record_onsite\",\"name\":{\"zh\":\"准予\","
    "\"en\":\"Grant\"}}]}";

/* Who holds which permissions: the may callback's context. */
struct perms {
	const char *const *list; /* NULL-terminated */
};

static int may(void *ctx, const char *permission)
{
	const struct perms *p = ctx;
	for (int i = 0; p && p->list[i]; i++)
		if (strcmp(p->list[i], permission) == 0)
			return 1;
	return 0;
}

static const char *const P_WRITE[] = {"licensing.read", "licensing.write", NULL};
static const char *const P_APPROVE[] = {"licensing.read", "licensing.write", "licensing.approve",
                                        NULL};
static const char *const P_ALL_ENTERPRISE[] = {"licensing.read", "licensing.write",
                                               "licensing.approve", NULL};
static struct perms WRITE = {P_WRITE}, APPROVE = {P_APPROVE}, ENT = {P_ALL_ENTERPRISE};

/* Actors: the applicant, another enterprise, a Lhasa officer, a Shigatse officer, two heads. */
static struct actor applicant = {.name = "ent1", .all_regions = 1, .entity_code = ENTITY};
static struct actor other_ent = {.name = "ent2", .all_regions = 1, .entity_code = ENTITY2};
static struct actor lhasa = {.name = "officer", .nranges = 1, .lo = {540100}, .hi = {540199}};
static struct actor shigatse = {.name = "shigatse", .nranges = 1, .lo = {540200}, .hi = {540299}};
static struct actor leader = {.name = "leader", .all_regions = 1};
static struct actor head = {.name = "head", .all_regions = 1};

struct fixture {
	struct tempdb tmp;
	struct db *db;
};

static int32_t D(const char *s)
{
	int32_t d;
	assert_int_equal(date_parse(s, strlen(s), &d), 0);
	return d;
}

static void assert_day(int32_t got, const char *want)
{
	char s[11] = "none";
	if (got != DATE_NONE)
		date_format(got, s);
	assert_string_equal(s, want);
}

static int setup(void **state)
{
	struct fixture *x = xcalloc(1, sizeof *x);
	struct field_error err;
	if (tempdb_make(&x->tmp, "flow") != 0 ||
	    db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0 ||
	    flow_define(x->db, DEFINITION, strlen(DEFINITION), &err) != 0)
		return -1;
	workcal_invalidate(); /* the shared calendar may hold another test's database */
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	db_close(x->db);
	tempdb_remove(&x->tmp);
	free(x);
	return 0;
}

static int count(struct db *db, const char *sql, int64_t id)
{
	struct db_stmt *st = db_prepare_once(db, sql);
	assert_non_null(st);
	if (id)
		db_bind_int64(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	int n = (int)db_col_int64(st, 0);
	db_finalize(st);
	return n;
}

static char *text(struct db *db, const char *sql, int64_t id)
{
	struct db_stmt *st = db_prepare_once(db, sql);
	assert_non_null(st);
	db_bind_int64(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	char *s = xstrdup(db_col_text(st, 0, NULL));
	db_finalize(st);
	return s;
}

static int64_t start(struct db *db, const char *subject, int region, const char *entity,
                     const char *day)
{
	int64_t id = 0;
	struct field_error err;
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(
	    flow_start(db, &applicant, "test_licence", subject, region, entity, D(day), &id, &err),
	    0);
	assert_int_equal(db_commit(db), 0);
	return id;
}

/* Acts and commits; returns the result (rolled back unless 0). */
static int act(struct db *db, const struct actor *who, int64_t id, const char *action,
               const char *day, struct perms *p, struct flow_state *s)
{
	struct field_error err;
	struct flow_state tmp;
	assert_int_equal(db_begin_write(db), 0);
	int rc = flow_act(db, who, id, action, "note", D(day), may, p, s ? s : &tmp, &err);
	if (rc == 0)
		assert_int_equal(db_commit(db), 0);
	else
		assert_int_equal(db_rollback(db), 0);
	return rc;
}

/* Everything about a case that a move could change, as one text. */
static char *snapshot(struct db *db, int64_t id)
{
	char *a = text(db,
	               "SELECT step || '|' || ifnull(stage,'') || '|' || ifnull(stage_start,'') || "
	               "'|' || extended || '|' || stopped_days || '|' || ifnull(paused_since,'') "
	               "|| '|' || ifnull(deadline,'') || '|' || (SELECT count(*) FROM flow_event "
	               "WHERE case_id = c.id) || '|' || (SELECT count(*) FROM flow_stop WHERE "
	               "case_id = c.id) || '|' || (SELECT count(*) FROM audit_log) FROM flow_case "
	               "c WHERE id = ?",
	               id);
	return a;
}

/* The whole life of a case across the Spring Festival, with the clock stopped inside it. */
static void test_clock_across_spring_festival(void **state)
{
	struct db *db = ((struct fixture *)*state)->db;
	struct flow_state s;
	int64_t id = start(db, "test.application:1", 540102, ENTITY, "2026-02-02");
	assert_int_equal(flow_get(db, &lhasa, id, D("2026-02-02"), &s), 0);
	assert_string_equal(s.step, "draft");
	assert_string_equal(s.stage, "");
	assert_day(s.deadline, "none");

	/* Submitted Tue 2026-02-03: acceptance, 5 working days: Wed 4 1, Thu 5 2, Fri 6 3,
	 * Mon 9 4, Tue 10 5. */
	assert_int_equal(act(db, &applicant, id, "submit", "2026-02-03", &ENT, &s), 0);
	assert_string_equal(s.stage, "acceptance");
	assert_day(s.stage_start, "2026-02-03");
	assert_day(s.deadline, "2026-02-10");
	assert_int_equal(s.days_left, 5);
	assert_int_equal(s.limit, 5);
	assert_false(s.overdue);
	assert_true(s.calendar_known);

	/* Accepted Fri 2026-02-06: decision, 20 working days: Mon 9 1, Tue 10 2, Wed 11 3,
	 * Thu 12 4, Fri 13 5, Sat 14 (make-up) 6, [Sun 15 .. Mon 23 Spring Festival] Tue 24 7,
	 * Wed 25 8, Thu 26 9, Fri 27 10, Sat 28 (make-up) 11, Mon Mar 2 12, Tue 3 13, Wed 4 14,
	 * Thu 5 15, Fri 6 16, Mon 9 17, Tue 10 18, Wed 11 19, Thu 12 20. */
	assert_int_equal(act(db, &lhasa, id, "accept", "2026-02-06", &WRITE, &s), 0);
	assert_string_equal(s.stage, "decision");
	assert_day(s.deadline, "2026-03-12");
	assert_int_equal(s.days_left, 20);

	/* Supplement requested Wed 2026-02-11: the clock stops. Left then: 20 - 3 (Mon 9, Tue 10,
	 * Wed 11) = 17; no deadline while paused. */
	assert_int_equal(act(db, &lhasa, id, "request_supplement", "2026-02-11", &WRITE, &s), 0);
	assert_true(s.paused);
	assert_string_equal(s.pause_reason, "supplement");
	assert_day(s.paused_since, "2026-02-11");
	assert_day(s.deadline, "none");
	assert_int_equal(s.days_left, 17);
	assert_false(s.overdue);
	/* Stored: no deadline, so the queue sorts it last. */
	char *dl = text(db, "SELECT ifnull(deadline, 'null') FROM flow_case WHERE id = ?", id);
	assert_string_equal(dl, "null");
	free(dl);
	/* A week later it still has 17 left: the clock does not run. */
	assert_int_equal(flow_get(db, &lhasa, id, D("2026-02-24"), &s), 0);
	assert_int_equal(s.days_left, 17);

	/* Supplemented Wed 2026-02-25: stopped working days in (Feb 11, Feb 25]: Thu 12, Fri 13,
	 * Sat 14 (make-up), Tue 24, Wed 25 = 5. Deadline: the 25th working day after Feb 6:
	 * 20th Thu Mar 12, Fri 13 21, Mon 16 22, Tue 17 23, Wed 18 24, Thu 19 25. */
	assert_int_equal(act(db, &applicant, id, "supplement", "2026-02-25", &ENT, &s), 0);
	assert_false(s.paused);
	assert_int_equal(s.stopped_days, 5);
	assert_day(s.deadline, "2026-03-19");
	/* (Feb 25, Mar 19]: Thu 26, Fri 27, Sat 28, Mar 2-6 (5), 9-13 (5), 16-19 (4) = 17. */
	assert_int_equal(s.days_left, 17);
	dl = text(db, "SELECT deadline FROM flow_case WHERE id = ?", id);
	assert_string_equal(dl, "2026-03-19");
	free(dl);
	assert_int_equal(count(db, "SELECT days FROM flow_stop WHERE case_id = ?", id), 5);

	/* Extended Thu 2026-03-05 by 10: the 35th working day after Feb 6: 25th Thu Mar 19,
	 * Fri 20 26, Mon 23 27, Tue 24 28, Wed 25 29, Thu 26 30, Fri 27 31, Mon 30 32, Tue 31 33,
	 * Wed Apr 1 34, Thu Apr 2 35. */
	assert_int_equal(act(db, &leader, id, "extend", "2026-03-05", &APPROVE, &s), 0);
	assert_int_equal(s.extended, 10);
	assert_int_equal(s.limit, 30);
	assert_day(s.deadline, "2026-04-02");

	/* Once only: 409, and nothing changes. */
	char *before = snapshot(db, id);
	assert_int_equal(act(db, &leader, id, "extend", "2026-03-06", &APPROVE, NULL),
	                 SVC_CONFLICT);
	char *after = snapshot(db, id);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* Overdue on Tue 2026-04-07: (Apr 2, Apr 7]: Fri 3, [Sat 4 .. Mon 6 Qingming], Tue 7 = 2
	 * working days past: -2. */
	assert_int_equal(flow_get(db, &lhasa, id, D("2026-04-07"), &s), 0);
	assert_int_equal(s.days_left, -2);
	assert_true(s.overdue);
	/* On the deadline itself: 0 left, not overdue. */
	assert_int_equal(flow_get(db, &lhasa, id, D("2026-04-02"), &s), 0);
	assert_int_equal(s.days_left, 0);
	assert_false(s.overdue);

	/* The history: every move, with its clock effect; the audit log: one entry a move. */
	struct buf b = {0};
	assert_int_equal(flow_case_json(db, &lhasa, id, D("2026-04-07"), may, &WRITE, &b), 0);
	json_t *j = json_loads(b.data, 0, NULL);
	assert_non_null(j);
	json_t *h = json_object_get(j, "history");
	assert_int_equal(json_array_size(h), 6);
	static const char *const ACTIONS[] = {
	    "start", "submit", "accept", "request_supplement", "supplement", "extend"};
	static const char *const CLOCKS[] = {NULL,      "started", "started",
	                                     "stopped", "resumed", "extended"};
	for (size_t i = 0; i < 6; i++) {
		json_t *e = json_array_get(h, i);
		assert_string_equal(json_string_value(json_object_get(e, "action")), ACTIONS[i]);
		json_t *c = json_object_get(e, "clock");
		if (CLOCKS[i])
			assert_string_equal(json_string_value(c), CLOCKS[i]);
		else
			assert_true(json_is_null(c));
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 2), "actor")),
	                    "officer");
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 2), "note")),
	                    "note");
	assert_string_equal(json_string_value(json_object_get(j, "deadline")), "2026-04-02");
	assert_int_equal(json_integer_value(json_object_get(j, "days_left")), -2);
	assert_true(json_is_true(json_object_get(j, "overdue")));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "stage_name"), "zh")), "决定");
	/* The officer may record the on-site check (licensing.write) but not extend again. */
	json_t *acts = json_object_get(j, "actions");
	assert_int_equal(json_array_size(acts), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(acts, 0), "action")),
	                    "request_supplement");
	json_t *a1 = json_array_get(acts, 1);
	assert_string_equal(json_string_value(json_object_get(a1, "action")), "record_onsite");
	assert_string_equal(json_string_value(json_object_get(a1, "to")), "onsite");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a1, "name"), "zh")),
	                    "记录核查");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a1, "name"), "en")),
	                    "Record on-site");
	assert_int_equal(json_array_size(json_object_get(j, "stops")), 1);
	json_decref(j);
	buf_free(&b);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM audit_log WHERE entity_type = "
	                       "'flow_case' AND entity_key = CAST(? AS TEXT)",
	                       id),
	                 6);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM audit_log WHERE action = 'flow.start' "
	                       "AND entity_key = CAST(? AS TEXT)",
	                       id),
	                 1);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM audit_log WHERE action = "
	                       "'flow.request_supplement' AND before_json IS NOT NULL AND "
	                       "after_json LIKE '%\"paused\":true%' AND entity_key = CAST(? "
	                       "AS TEXT)",
	                       id),
	                 1);

	/* The on-site record, then the grant by someone else; the recorder may not grant. */
	assert_int_equal(act(db, &leader, id, "record_onsite", "2026-04-07", &APPROVE, &s), 0);
	before = snapshot(db, id);
	assert_int_equal(act(db, &leader, id, "grant", "2026-04-08", &APPROVE, NULL),
	                 SVC_FORBIDDEN);
	assert_int_equal(act(db, &lhasa, id, "grant", "2026-04-08", &WRITE, NULL), SVC_FORBIDDEN);
	after = snapshot(db, id);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(act(db, &head, id, "grant", "2026-04-08", &APPROVE, &s), 0);
	assert_true(s.closed);
	assert_day(s.deadline, "none");
	assert_int_equal(act(db, &head, id, "grant", "2026-04-08", &APPROVE, NULL), SVC_CONFLICT);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM audit_log WHERE entity_type = "
	                       "'flow_case' AND entity_key = CAST(? AS TEXT)",
	                       id),
	                 8);
}

/* Who may act, data scope, and refusals that change nothing. */
static void test_rules_and_scope(void **state)
{
	struct db *db = ((struct fixture *)*state)->db;
	int64_t id = start(db, "test.application:2", 540102, ENTITY, "2026-03-02");
	struct flow_state s;
	char *before = snapshot(db, id);
	/* The officer is not the applicant; the other enterprise cannot see the case; the
	 * Shigatse officer cannot either. */
	assert_int_equal(act(db, &lhasa, id, "submit", "2026-03-02", &APPROVE, NULL),
	                 SVC_FORBIDDEN);
	assert_int_equal(act(db, &other_ent, id, "submit", "2026-03-02", &ENT, NULL),
	                 SVC_NOT_FOUND);
	assert_int_equal(act(db, &shigatse, id, "submit", "2026-03-02", &APPROVE, NULL),
	                 SVC_NOT_FOUND);
	assert_int_equal(flow_get(db, &shigatse, id, D("2026-03-02"), &s), SVC_NOT_FOUND);
	assert_int_equal(flow_get(db, &other_ent, id, D("2026-03-02"), &s), SVC_NOT_FOUND);
	struct buf b = {0};
	assert_int_equal(flow_case_json(db, &shigatse, id, D("2026-03-02"), may, &APPROVE, &b),
	                 SVC_NOT_FOUND);
	assert_int_equal(b.len, 0);
	/* Not from this step; no such action; an unknown case. */
	assert_int_equal(act(db, &applicant, id, "accept", "2026-03-02", &ENT, NULL), SVC_CONFLICT);
	assert_int_equal(act(db, &applicant, id, "fly", "2026-03-02", &ENT, NULL), SVC_CONFLICT);
	assert_int_equal(act(db, &lhasa, id + 1000, "submit", "2026-03-02", &APPROVE, NULL),
	                 SVC_NOT_FOUND);
	char *after = snapshot(db, id);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* The applicant submits; an enterprise account never acts as the office, whatever may
	 * says; an officer without the permission neither. */
	assert_int_equal(act(db, &applicant, id, "submit", "2026-03-02", &ENT, &s), 0);
	before = snapshot(db, id);
	assert_int_equal(act(db, &applicant, id, "accept", "2026-03-03", &ENT, NULL),
	                 SVC_FORBIDDEN);
	struct perms none = {(const char *const[]){"licensing.read", NULL}};
	assert_int_equal(act(db, &lhasa, id, "accept", "2026-03-03", &none, NULL), SVC_FORBIDDEN);
	assert_int_equal(act(db, &lhasa, id, "accept", "2026-03-03", NULL, NULL), SVC_FORBIDDEN);
	after = snapshot(db, id);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* The applicant's view: the actions it can take (none now), in three languages. */
	assert_int_equal(flow_case_json(db, &applicant, id, D("2026-03-03"), may, &ENT, &b), 0);
	assert_non_null(strstr(b.data, "\"actions\":[]"));
	buf_free(&b);
	assert_int_equal(act(db, &lhasa, id, "accept", "2026-03-03", &WRITE, &s), 0);
	/* A bad note is refused before anything is written. */
	struct field_error err;
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(flow_act(db, &lhasa, id, "request_supplement", "a\001b", D("2026-03-04"),
	                          may, &WRITE, &s, &err),
	                 SVC_INVALID);
	assert_string_equal(err.field, "note");
	assert_int_equal(db_rollback(db), 0);
	/* Starting needs a known process, a subject and a region. */
	int64_t nid;
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(
	    flow_start(db, &applicant, "nope", "x:1", 540102, NULL, D("2026-03-02"), &nid, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "process");
	assert_int_equal(flow_start(db, &applicant, "test_licence", "", 540102, NULL,
	                            D("2026-03-02"), &nid, &err),
	                 SVC_INVALID);
	assert_string_equal(err.field, "subject");
	assert_int_equal(flow_start(db, &applicant, "test_licence", "x:1", 54, NULL,
	                            D("2026-03-02"), &nid, &err),
	                 SVC_INVALID);
	assert_string_equal(err.field, "region");
	assert_int_equal(db_rollback(db), 0);
}

/* The applicant's draft offers submit and withdraw, with names. */
static void test_actions_of_draft(void **state)
{
	struct db *db = ((struct fixture *)*state)->db;
	int64_t id = start(db, "test.application:3", 540102, ENTITY, "2026-03-02");
	struct buf b = {0};
	assert_int_equal(flow_case_json(db, &applicant, id, D("2026-03-02"), may, &ENT, &b), 0);
	json_t *j = json_loads(b.data, 0, NULL);
	buf_free(&b);
	json_t *acts = json_object_get(j, "actions");
	assert_int_equal(json_array_size(acts), 2);
	json_t *a0 = json_array_get(acts, 0);
	assert_string_equal(json_string_value(json_object_get(a0, "action")), "submit");
	assert_string_equal(json_string_value(json_object_get(a0, "to")), "submitted");
	json_t *n = json_object_get(a0, "name");
	assert_string_equal(json_string_value(json_object_get(n, "zh")), "提交");
	assert_string_equal(json_string_value(json_object_get(n, "bo")), "འབུལ།");
	assert_string_equal(json_string_value(json_object_get(n, "en")), "Submit");
	assert_string_equal(json_string_value(json_object_get(json_array_get(acts, 1), "action")),
	                    "withdraw");
	assert_true(json_is_null(json_object_get(j, "deadline")));
	assert_true(json_is_null(json_object_get(j, "days_left")));
	assert_string_equal(json_string_value(json_object_get(j, "subject")), "test.application:3");
	json_decref(j);
	/* The officer sees no action on a draft. */
	assert_int_equal(flow_case_json(db, &lhasa, id, D("2026-03-02"), may, &APPROVE, &b), 0);
	assert_non_null(strstr(b.data, "\"actions\":[]"));
	buf_free(&b);
}

/* Subjects of a queue page, comma-joined, into out; returns the next cursor (freed by the
 * caller) or NULL. */
static char *queue(struct db *db, const struct actor *who, struct flow_queue_filter *f,
                   const char *today, struct perms *p, char *out, size_t cap)
{
	struct buf b = {0};
	assert_int_equal(flow_queue_json(db, who, f, D(today), may, p, &b), 0);
	json_t *j = json_loads(b.data, 0, NULL);
	assert_non_null(j);
	buf_free(&b);
	out[0] = '\0';
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(j, "items"), i, e)
	{
		const char *s = json_string_value(json_object_get(e, "subject"));
		snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? "," : "", s + 2);
	}
	json_t *c = json_object_get(j, "next_cursor");
	char *next = json_is_string(c) ? xstrdup(json_string_value(c)) : NULL;
	json_decref(j);
	return next;
}

static void test_queue(void **state)
{
	struct db *db = ((struct fixture *)*state)->db;
	/* A: submitted Mon Feb 2, due the 5th working day after: Tue 3, Wed 4, Thu 5, Fri 6,
	 * Mon 9. B: submitted Tue Feb 3, due Tue Feb 10. C: submitted Mon Mar 2, due Mar 3, 4, 5,
	 * 6, Mon 9. D: accepted Mon Mar 2 and waiting for a supplement since Tue Mar 3 (paused).
	 * E: like A but in Shigatse. F: a draft (in no stage). */
	int64_t a = start(db, "q:A", 540102, ENTITY, "2026-02-02");
	int64_t b = start(db, "q:B", 540103, ENTITY, "2026-02-03");
	int64_t c = start(db, "q:C", 540102, ENTITY, "2026-03-02");
	int64_t d = start(db, "q:D", 540102, ENTITY, "2026-03-02");
	int64_t e = start(db, "q:E", 540202, ENTITY, "2026-02-02");
	start(db, "q:F", 540102, ENTITY, "2026-02-02");
	assert_int_equal(act(db, &applicant, a, "submit", "2026-02-02", &ENT, NULL), 0);
	assert_int_equal(act(db, &applicant, b, "submit", "2026-02-03", &ENT, NULL), 0);
	assert_int_equal(act(db, &applicant, c, "submit", "2026-03-02", &ENT, NULL), 0);
	assert_int_equal(act(db, &applicant, d, "submit", "2026-03-02", &ENT, NULL), 0);
	assert_int_equal(act(db, &lhasa, d, "accept", "2026-03-02", &WRITE, NULL), 0);
	assert_int_equal(act(db, &lhasa, d, "request_supplement", "2026-03-03", &WRITE, NULL), 0);
	assert_int_equal(act(db, &applicant, e, "submit", "2026-02-02", &ENT, NULL), 0);

	/* On Wed Mar 4: A is overdue by (Feb 9, Mar 4]: Feb 10-14 (5), 24-28 (5), Mar 2-4 (3) =
	 * 13; B by 12; C has (Mar 4, Mar 9] = Thu 5, Fri 6, Mon 9 = 3 left; D is paused. */
	char got[200];
	struct flow_queue_filter f = {.limit = 50};
	char *next = queue(db, &lhasa, &f, "2026-03-04", &WRITE, got, sizeof got);
	assert_string_equal(got, "A,B,C,D");
	assert_null(next);
	struct flow_state s;
	assert_int_equal(flow_get(db, &lhasa, a, D("2026-03-04"), &s), 0);
	assert_int_equal(s.days_left, -13);
	assert_true(s.overdue);
	assert_int_equal(flow_get(db, &lhasa, b, D("2026-03-04"), &s), 0);
	assert_int_equal(s.days_left, -12);
	assert_int_equal(flow_get(db, &lhasa, c, D("2026-03-04"), &s), 0);
	assert_int_equal(s.days_left, 3);
	assert_false(s.overdue);
	/* The leader sees Shigatse's E too, in its place among the overdue ones (same deadline as
	 * A, started later: after it). */
	next = queue(db, &leader, &f, "2026-03-04", &APPROVE, got, sizeof got);
	assert_string_equal(got, "A,E,B,C,D");
	/* Pages of two. */
	f.limit = 2;
	next = queue(db, &lhasa, &f, "2026-03-04", &WRITE, got, sizeof got);
	assert_string_equal(got, "A,B");
	assert_non_null(next);
	f.cursor = next;
	char *next2 = queue(db, &lhasa, &f, "2026-03-04", &WRITE, got, sizeof got);
	assert_string_equal(got, "C,D");
	free(next);
	if (next2) { /* a full last page may still offer a cursor: it must lead to nothing */
		f.cursor = next2;
		char *next3 = queue(db, &lhasa, &f, "2026-03-04", &WRITE, got, sizeof got);
		assert_string_equal(got, "");
		assert_null(next3);
		free(next2);
	}
	/* Filters: overdue only; actionable (D waits for the applicant); a region; a process. */
	struct flow_queue_filter o = {.limit = 50, .overdue_only = 1};
	queue(db, &lhasa, &o, "2026-03-04", &WRITE, got, sizeof got);
	assert_string_equal(got, "A,B");
	struct flow_queue_filter act_f = {.limit = 50, .actionable = 1};
	queue(db, &lhasa, &act_f, "2026-03-04", &WRITE, got, sizeof got);
	assert_string_equal(got, "A,B,C");
	queue(db, &applicant, &act_f, "2026-03-04", &ENT, got, sizeof got);
	assert_string_equal(got, "D");
	struct flow_queue_filter r = {.limit = 50, .region = 540103};
	queue(db, &leader, &r, "2026-03-04", &APPROVE, got, sizeof got);
	assert_string_equal(got, "B");
	struct flow_queue_filter p = {.limit = 50, .process = "other"};
	queue(db, &leader, &p, "2026-03-04", &APPROVE, got, sizeof got);
	assert_string_equal(got, "");
	/* The other enterprise sees nothing; Shigatse sees only E. */
	f.cursor = NULL;
	f.limit = 50;
	queue(db, &other_ent, &f, "2026-03-04", &ENT, got, sizeof got);
	assert_string_equal(got, "");
	queue(db, &shigatse, &f, "2026-03-04", &WRITE, got, sizeof got);
	assert_string_equal(got, "E");
}

/* Builds the test definition with one change made by fn, and checks it is refused naming
 * field with code. */
static void expect_bad(void (*fn)(json_t *root), const char *field, const char *code)
{
	json_t *root = json_loads(DEFINITION, 0, NULL);
	assert_non_null(root);
	fn(root);
	char *s = json_dumps(root, 0);
	json_decref(root);
	struct field_error err = {0};
	assert_int_equal(flow_definition_check(s, strlen(s), &err), SVC_INVALID);
	free(s);
	assert_string_equal(err.field, field);
	assert_string_equal(err.code, code);
}

static json_t *nth(json_t *root, const char *key, size_t i)
{
	return json_array_get(json_object_get(root, key), i);
}

static void unknown_to(json_t *r)
{
	json_object_set_new(nth(r, "transitions", 3), "to", json_string("nowhere"));
}
static void unknown_from(json_t *r)
{
	json_object_set_new(nth(r, "transitions", 0), "from", json_string("nowhere"));
}
static void stage_missing(json_t *r)
{
	json_object_set_new(nth(r, "steps", 1), "stage", json_string("appeal"));
}
static void dup_step(json_t *r)
{
	json_object_set_new(nth(r, "steps", 2), "code", json_string("draft"));
}
static void dup_stage(json_t *r)
{
	json_object_set_new(nth(r, "stages", 1), "code", json_string("acceptance"));
}
static void dup_transition(json_t *r)
{
	json_object_set_new(nth(r, "transitions", 1), "action", json_string("submit"));
}
static void limit_zero(json_t *r)
{
	json_object_set_new(nth(r, "stages", 0), "limit", json_integer(0));
}
static void limit_big(json_t *r)
{
	json_object_set_new(nth(r, "stages", 1), "limit", json_integer(366));
}
static void bad_code(json_t *r)
{
	json_object_set_new(nth(r, "steps", 0), "code", json_string("Draft"));
}
static void long_code(json_t *r)
{
	json_object_set_new(nth(r, "stages", 0), "code",
	                    json_string("a_code_of_forty_eight_bytes_is_one_too_many_xyz_"));
}
static void no_en(json_t *r)
{
	json_object_del(json_object_get(nth(r, "stages", 0), "name"), "en");
}
static void no_name(json_t *r)
{
	json_object_del(nth(r, "transitions", 2), "name");
}
static void bad_by(json_t *r)
{
	json_object_set_new(nth(r, "transitions", 2), "by", json_string("officer"));
}
static void bad_distinct(json_t *r)
{
	json_object_set_new(nth(r, "transitions", 7), "distinct_from", json_string("inspect"));
}
static void bad_extend(json_t *r)
{
	json_object_set_new(nth(r, "transitions", 2), "extend", json_true());
}
static void bad_start(json_t *r)
{
	json_object_set_new(r, "start", json_string("begin"));
}
static void unknown_member(json_t *r)
{
	json_object_set_new(nth(r, "steps", 0), "colour", json_string("red"));
}
static void stopped_no_stage(json_t *r)
{
	json_object_set_new(nth(r, "steps", 0), "clock", json_string("stopped"));
}
static void stopped_no_reason(json_t *r)
{
	json_object_del(nth(r, "steps", 3), "reason");
}
static void final_way_out(json_t *r)
{
	json_object_set_new(nth(r, "transitions", 7), "from", json_string("granted"));
}
static void no_steps(json_t *r)
{
	json_object_set_new(r, "steps", json_array());
}
static void start_action(json_t *r)
{
	json_object_set_new(nth(r, "transitions", 0), "action", json_string("start"));
}

static void test_definition_errors(void **state)
{
	(void)state;
	struct field_error err;
	assert_int_equal(flow_definition_check(DEFINITION, strlen(DEFINITION), &err), 0);
	expect_bad(unknown_to, "transitions[3].to", "unknown");
	expect_bad(unknown_from, "transitions[0].from", "unknown");
	expect_bad(stage_missing, "steps[1].stage", "unknown");
	expect_bad(dup_step, "steps[2].code", "duplicate");
	expect_bad(dup_stage, "stages[1].code", "duplicate");
	expect_bad(dup_transition, "transitions[1].action", "duplicate");
	expect_bad(limit_zero, "stages[0].limit", "out_of_range");
	expect_bad(limit_big, "stages[1].limit", "out_of_range");
	expect_bad(bad_code, "steps[0].code", "invalid");
	expect_bad(long_code, "stages[0].code", "invalid");
	expect_bad(no_en, "stages[0].name.en", "required");
	expect_bad(no_name, "transitions[2].name", "required");
	expect_bad(bad_by, "transitions[2].by", "invalid");
	expect_bad(bad_distinct, "transitions[7].distinct_from", "unknown");
	expect_bad(bad_extend, "transitions[2].extend", "invalid");
	expect_bad(bad_start, "start", "unknown");
	expect_bad(unknown_member, "steps[0].colour", "unknown");
	expect_bad(stopped_no_stage, "steps[0].clock", "invalid");
	expect_bad(stopped_no_reason, "steps[3].reason", "required");
	expect_bad(final_way_out, "transitions[7].from", "invalid");
	expect_bad(no_steps, "steps", "out_of_range");
	expect_bad(start_action, "transitions[0].action", "invalid");
	/* Not JSON; a repeated key; not an object. */
	const char *dup = "{\"code\":\"a\",\"code\":\"b\"}";
	assert_int_equal(flow_definition_check(dup, strlen(dup), &err), SVC_INVALID);
	assert_string_equal(err.field, "definition");
	assert_int_equal(flow_definition_check("[1]", 3, &err), SVC_INVALID);
	assert_int_equal(flow_definition_check("{", 1, &err), SVC_INVALID);
}

/* A new version only when the text changed; open cases keep theirs. */
static void test_versions(void **state)
{
	struct db *db = ((struct fixture *)*state)->db;
	struct field_error err;
	assert_int_equal(flow_define(db, DEFINITION, strlen(DEFINITION), &err), 0);
	assert_int_equal(
	    count(db, "SELECT count(*) FROM flow_process WHERE code = 'test_licence'", 0), 1);
	int64_t old = start(db, "v:1", 540102, ENTITY, "2026-03-02");
	json_t *root = json_loads(DEFINITION, 0, NULL);
	json_object_set_new(nth(root, "stages", 0), "limit", json_integer(7));
	char *s = json_dumps(root, 0);
	json_decref(root);
	assert_int_equal(flow_define(db, s, strlen(s), &err), 0);
	assert_int_equal(flow_define(db, s, strlen(s), &err), 0);
	free(s);
	assert_int_equal(
	    count(db, "SELECT max(version) FROM flow_process WHERE code = 'test_licence'", 0), 2);
	int64_t neu = start(db, "v:2", 540102, ENTITY, "2026-03-02");
	struct flow_state st;
	/* Old: 5 working days after Mon Mar 2: Tue 3 .. Mon 9. New: 7: ... Wed 11. */
	assert_int_equal(act(db, &applicant, old, "submit", "2026-03-02", &ENT, &st), 0);
	assert_int_equal(st.version, 1);
	assert_day(st.deadline, "2026-03-09");
	assert_int_equal(act(db, &applicant, neu, "submit", "2026-03-02", &ENT, &st), 0);
	assert_int_equal(st.version, 2);
	assert_day(st.deadline, "2026-03-11");
	/* A bad definition is not stored. */
	assert_int_equal(flow_define(db, "{}", 2, &err), SVC_INVALID);
	assert_int_equal(
	    count(db, "SELECT count(*) FROM flow_process WHERE code = 'test_licence'", 0), 2);
}

/* A year added to the calendar moves the stored deadlines of open cases in it. */
static void test_recompute(void **state)
{
	struct db *db = ((struct fixture *)*state)->db;
	/* Submitted Fri 2027-02-05, 2027 unknown (weekends only): Mon 8, Tue 9, Wed 10, Thu 11,
	 * Fri 12. */
	int64_t id = start(db, "r:1", 540102, ENTITY, "2027-02-05");
	int64_t other = start(db, "r:2", 540102, ENTITY, "2026-03-02");
	struct flow_state s;
	assert_int_equal(act(db, &applicant, id, "submit", "2027-02-05", &ENT, &s), 0);
	assert_int_equal(act(db, &applicant, other, "submit", "2026-03-02", &ENT, NULL), 0);
	assert_day(s.deadline, "2027-02-12");
	assert_false(s.calendar_known);
	/* Rest Mon Feb 8 .. Fri Feb 12: Mon 15, Tue 16, Wed 17, Thu 18, Fri 19. */
	struct field_error err;
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(
	    workcal_set_year(
	        db, 2027,
	        "[{\"date\":\"2027-02-08\",\"kind\":\"rest\"},{\"date\":\"2027-02-09\","
	        "\"kind\":\"rest\"},{\"date\":\"2027-02-10\",\"kind\":\"rest\"},{"
	        "\"date\":\"2027-02-11\",\"kind\":\"rest\"},{\"date\":\"2027-02-12\","
	        "\"kind\":\"rest\"}]",
	        "test", &err),
	    0);
	assert_int_equal(flow_recompute(db), 1);
	assert_int_equal(db_commit(db), 0);
	workcal_invalidate();
	char *dl = text(db, "SELECT deadline FROM flow_case WHERE id = ?", id);
	assert_string_equal(dl, "2027-02-19");
	free(dl);
	assert_int_equal(flow_get(db, &lhasa, id, D("2027-02-05"), &s), 0);
	assert_day(s.deadline, "2027-02-19");
	assert_true(s.calendar_known);
	/* Nothing more to do the second time. */
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(flow_recompute(db), 0);
	assert_int_equal(db_commit(db), 0);
}

/* Several threads, each with its own connection, share the definition and calendar caches. */
struct worker {
	const char *path;
	int64_t id;
	int failures;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct db *db;
	if (db_open(w->path, 0, &db) != 0) {
		w->failures++;
		return NULL;
	}
	for (int i = 0; i < 300; i++) {
		struct flow_state s;
		if (flow_get(db, &lhasa, w->id, D("2026-03-04"), &s) != 0 ||
		    s.deadline != D("2026-03-09"))
			w->failures++;
		if (i % 50 == 0)
			workcal_invalidate();
		struct buf b = {0};
		if (flow_case_json(db, &lhasa, w->id, D("2026-03-04"), may, &WRITE, &b) != 0)
			w->failures++;
		buf_free(&b);
	}
	db_close(db);
	return NULL;
}

static void test_threads(void **state)
{
	struct fixture *x = *state;
	int64_t id = start(x->db, "t:1", 540102, ENTITY, "2026-03-02");
	assert_int_equal(act(x->db, &applicant, id, "submit", "2026-03-02", &ENT, NULL), 0);
	pthread_t t[4];
	struct worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){x->tmp.path, id, 0};
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
}

int main(void)
{
	if (tempdb_load_regions() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_clock_across_spring_festival, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rules_and_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_actions_of_draft, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
	    cmocka_unit_test(test_definition_errors),
	    cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_recompute, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
