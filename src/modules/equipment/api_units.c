/*
 * HTTP handlers of the unit register: categories and rules, units, inspections, defects, due
 * lists and plans, and the four rates.
 */
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/api.h"
#include "modules/equipment/rules.h"
#include "modules/equipment/units.h"
#include "platform/api_common.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/router.h"

#define EXPORT_CHUNK 1000 /* rows fetched per streaming step of a CSV export */

void eq_write_unit(const struct eq_unit *u, struct buf *out)
{
	record_write_json(&u->r, out);
	out->len--; /* reopen the object for the computed members */
	buf_printf(out, ",\"overdue\":%s,\"days_to_due\":", u->overdue ? "true" : "false");
	if (u->has_due)
		buf_printf(out, "%d", u->days_to_due);
	else
		buf_puts(out, "null");
	buf_printf(out, ",\"hazard_grade\":\"%s\",\"use_unit_name\":", u->hazard);
	if (u->use_unit_name)
		json_write_string(out, u->use_unit_name, strlen(u->use_unit_name));
	else
		buf_puts(out, "null");
	buf_putc(out, '}');
}

static void unit_response(struct http_response *res, const struct eq_unit *u, int status)
{
	eq_write_unit(u, &res->body);
	snprintf(res->etag, sizeof res->etag, "\"%s\"", u->r.v[EU_VERSION]);
	http_json(res, status);
}

/* ---- Categories and rules -------------------------------------------------------------- */

static int categories_list(struct http_request *req, struct http_response *res)
{
	struct eq_rules rules;
	if (eq_rules_load(req->db, &rules) != 0)
		return -1;
	struct db_stmt *st = db_prepare(req->db, "SELECT code, parent, name_zh, name_bo, name_en, "
	                                         "by_batch FROM eq_category ORDER BY code");
	if (st == NULL) {
		eq_rules_free(&rules);
		return -1;
	}
	buf_puts(&res->body, "{\"items\":[");
	int rc, n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *code = db_col_text(st, 0, NULL);
		buf_puts(&res->body, n++ ? ",{\"code\":" : "{\"code\":");
		json_write_string(&res->body, code, strlen(code));
		static const char *const KEYS[] = {"parent", "name_zh", "name_bo", "name_en"};
		for (int i = 0; i < 4; i++) {
			buf_printf(&res->body, ",\"%s\":", KEYS[i]);
			size_t len;
			const char *v = db_col_text(st, 1 + i, &len);
			if (db_col_is_null(st, 1 + i) || len == 0)
				buf_puts(&res->body, "null");
			else
				json_write_string(&res->body, v, len);
		}
		buf_printf(&res->body,
		           ",\"by_batch\":%s,\"rule\":", db_col_int64(st, 5) ? "true" : "false");
		const struct eq_rule *r = eq_rule_find(&rules, code, NULL);
		if (r == NULL) {
			buf_puts(&res->body, "null}");
			continue;
		}
		static const char *const KINDS[] = {"none", "fixed", "grade", "age", "count"};
		buf_printf(
		    &res->body,
		    "{\"id\":\"%lld\",\"category\":\"%s\",\"kind\":\"%s\",\"first_months\":%d,"
		    "\"interval_months\":%d,\"conclusions\":[",
		    (long long)r->id, r->category, KINDS[r->kind], r->first_months,
		    r->interval_months);
		int k = 0;
		for (unsigned c = EQ_PASS; c <= EQ_FAIL; c <<= 1)
			if (r->conclusions & c)
				buf_printf(&res->body, "%s\"%s\"", k++ ? "," : "",
				           eq_conclusion_name(c));
		buf_puts(&res->body, "],\"variants\":[");
		k = 0;
		for (size_t i = 0; i < rules.n; i++)
			if (rules.v[i].variant[0] && strcmp(rules.v[i].category, r->category) == 0)
				buf_printf(&res->body, "%s\"%s\"", k++ ? "," : "",
				           rules.v[i].variant);
		buf_puts(&res->body, "]}}");
	}
	db_reset(st);
	eq_rules_free(&rules);
	if (rc != DB_DONE)
		return -1;
	buf_puts(&res->body, "]}");
	http_json(res, 200);
	return 0;
}

/* An administrator's change to an inspection rule: the body's members are columns of the
 * rules file (numbers as numbers or text, null or "" to empty a column). */
static int rules_update(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (field_int_parse_cstr(req->params[0], 1, INT64_MAX, &id) != 0)
		return http_error(res, API_NOT_FOUND, "not_found", NULL, "no such rule");
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	const char *patch[EQ_RULE_NCOLUMNS] = {0};
	const char *key;
	json_t *v;
	const char *bad = NULL;
	json_object_foreach(body, key, v)
	{
		int col = -1;
		for (int i = 2; i < EQ_RULE_NCOLUMNS; i++) /* category and variant are the key */
			if (strcmp(key, EQ_RULE_COLUMNS[i]) == 0)
				col = i;
		if (col < 0 || !(json_is_string(v) || json_is_integer(v) || json_is_null(v))) {
			bad = arena_strdup(&req->arena, key);
			break;
		}
		if (json_is_integer(v)) {
			char n[24];
			snprintf(n, sizeof n, "%lld", (long long)json_integer_value(v));
			patch[col] = arena_strdup(&req->arena, n);
		} else {
			patch[col] =
			    arena_strdup(&req->arena, json_is_null(v) ? "" : json_string_value(v));
		}
	}
	json_decref(body);
	if (bad)
		return http_error(res, API_BAD_REQUEST, "invalid", bad,
		                  "%s is not a column of a rule that may be changed, or has the "
		                  "wrong type",
		                  bad);
	struct actor who = api_actor(req);
	const char *column = NULL;
	char msg[200];
	int rc = eq_rule_update(req->db, &who, id, patch, &column, msg, sizeof msg);
	if (rc == 1)
		return http_error(res, API_NOT_FOUND, "not_found", NULL, "no rule %s",
		                  req->params[0]);
	if (rc == 2)
		return http_error(res, API_BAD_REQUEST, "invalid", column, "%s", msg);
	if (rc != 0)
		return -1;
	return categories_list(req, res);
}

/* ---- Units ------------------------------------------------------------------------------- */

static int filter_from_query(struct http_request *req, struct eq_unit_filter *f,
                             struct field_error *err)
{
	return eq_unit_filter_parse(
	    f, &req->arena, http_query(req, "region"), http_query(req, "category"),
	    http_query(req, "status"), http_query(req, "use_unit"), http_query(req, "institution"),
	    http_query(req, "q"), http_query(req, "hazard"), http_query(req, "due"),
	    http_query(req, "within"), http_query(req, "month"), http_query(req, "limit"),
	    http_query(req, "cursor"), err);
}

struct list_ctx {
	struct buf *out;
	int n;
};

static int list_row_json(void *ctx, const struct eq_unit *u)
{
	struct list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	eq_write_unit(u, lc->out);
	return 0;
}

static int list_row_csv(void *ctx, const struct eq_unit *u)
{
	struct list_ctx *lc = ctx;
	lc->n++;
	record_write_csv(&u->r, lc->out);
	return 0;
}

/* A streamed CSV export: the query with its own copies of the strings. */
struct export_ctx {
	struct db *db;
	struct actor who;
	struct eq_unit_filter f;
	struct arena arena;
	int header_done, finished;
};

static int export_step(void *ctx, struct buf *out)
{
	struct export_ctx *x = ctx;
	if (!x->header_done) {
		buf_append(out, "\xEF\xBB\xBF", 3); /* so that Excel reads it as UTF-8 */
		record_type_write_csv_header(&UNIT_TYPE, out);
		x->header_done = 1;
		return 1;
	}
	if (x->finished)
		return 0;
	struct list_ctx lc = {out, 0};
	const char *next = NULL;
	if (eq_unit_list(x->db, &x->who, &x->f, &x->arena, 0, list_row_csv, &lc, &next) != EQ_OK)
		return -1;
	if (next == NULL) {
		x->finished = 1;
		return out->len ? 1 : 0;
	}
	/* Continue after the last row (a cursor this list wrote: "<id>" or "<due>.<id>"). */
	const char *dot = strchr(next, '.');
	x->f.has_cursor = 1;
	int64_t id = 0, due = 0;
	if (dot)
		(void)field_int_parse(next, (size_t)(dot - next), INT32_MIN, INT32_MAX, &due);
	if (field_int_parse_cstr(dot ? dot + 1 : next, 1, INT64_MAX, &id) != 0)
		return -1; /* not a cursor this list wrote: stop the export */
	x->f.after_id = id;
	x->f.after_due = (int32_t)due;
	return 1;
}

static void export_free(void *ctx)
{
	struct export_ctx *x = ctx;
	arena_free(&x->arena);
	free(x);
}

static const char *copy(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static int units_list(struct http_request *req, struct http_response *res)
{
	struct eq_unit_filter f;
	struct field_error err;
	int rc = filter_from_query(req, &f, &err);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "unit", NULL);
	struct actor who = api_actor(req);
	const char *format = http_query(req, "format");
	if (format && strcmp(format, "csv") == 0) {
		if (!api_allowed(req, "equipment", "export"))
			return http_error(res, API_FORBIDDEN, "forbidden", "format",
			                  "your roles do not allow equipment:export");
		struct export_ctx *x = xcalloc(1, sizeof *x);
		x->db = req->db;
		x->who = who;
		x->who.name = arena_strdup(&x->arena, who.name);
		x->who.entity_code = copy(&x->arena, who.entity_code);
		x->who.org_unit = copy(&x->arena, who.org_unit);
		x->who.request_id = x->who.client_addr = NULL;
		x->f = f;
		x->f.category = copy(&x->arena, f.category);
		x->f.status = copy(&x->arena, f.status);
		x->f.use_unit = copy(&x->arena, f.use_unit);
		x->f.institution = copy(&x->arena, f.institution);
		x->f.q = copy(&x->arena, f.q);
		x->f.hazard = copy(&x->arena, f.hazard);
		x->f.limit = EXPORT_CHUNK;
		res->status = 200;
		res->content_type = "text/csv; charset=utf-8";
		res->disposition = "attachment; filename=\"equipment.csv\"";
		res->stream = export_step;
		res->stream_free = export_free;
		res->stream_ctx = x;
		return 0;
	}
	if (format && strcmp(format, "json") != 0)
		return http_error(res, API_BAD_REQUEST, "not_allowed", "format",
		                  "format must be json or csv");
	buf_puts(&res->body, "{\"items\":[");
	struct list_ctx lc = {&res->body, 0};
	const char *next;
	if (eq_unit_list(req->db, &who, &f, &req->arena, 1, list_row_json, &lc, &next) != EQ_OK)
		return -1;
	char extra[40] = "";
	const char *count = http_query(req, "count");
	if (count && strcmp(count, "true") == 0) {
		int64_t total;
		if (eq_unit_count(req->db, &who, &f, &total) != EQ_OK)
			return -1;
		snprintf(extra, sizeof extra, ",\"total\":%lld", (long long)total);
	}
	api_list_end(res, next, extra);
	return 0;
}

/* An institution's inspection plan for a month: the units it inspects that fall due then. */
static int plan_get(struct http_request *req, struct http_response *res)
{
	if (http_query(req, "institution") == NULL)
		return http_error(res, API_BAD_REQUEST, "required", "institution",
		                  "institution is required");
	if (http_query(req, "month") == NULL)
		return http_error(res, API_BAD_REQUEST, "required", "month",
		                  "month is required (YYYY-MM)");
	if (http_query(req, "due"))
		return http_error(res, API_BAD_REQUEST, "not_allowed", "due",
		                  "a plan covers its month; due does not apply");
	return units_list(req, res);
}

static int units_get(struct http_request *req, struct http_response *res)
{
	struct eq_unit u;
	struct actor who = api_actor(req);
	int rc = eq_unit_get(req->db, &who, req->params[0], &req->arena, &u);
	if (rc != EQ_OK)
		return api_service_error(res, rc, NULL, "unit", req->params[0]);
	unit_response(res, &u, 200);
	return 0;
}

static int units_create(struct http_request *req, struct http_response *res)
{
	struct record in;
	struct eq_unit out;
	struct field_error err;
	int rc = api_record_body(req, res, &UNIT_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	if (rc == EQ_OK && record_check(&in, 0, &err) != 0)
		rc = EQ_INVALID;
	struct actor who = api_actor(req);
	if (rc == EQ_OK)
		rc = eq_unit_create(req->db, &who, &in, &req->arena, &out, &err);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "unit", NULL);
	unit_response(res, &out, 201);
	return 0;
}

static int units_update(struct http_request *req, struct http_response *res)
{
	int64_t if_version;
	if (api_if_match(req, res, &if_version) != 0)
		return 0;
	struct record patch;
	struct eq_unit out;
	struct field_error err;
	int rc = api_record_body(req, res, &UNIT_TYPE, &patch, &err);
	if (rc == 1)
		return 0;
	if (rc == EQ_OK && record_check(&patch, 1, &err) != 0)
		rc = EQ_INVALID;
	struct actor who = api_actor(req);
	if (rc == EQ_OK)
		rc = eq_unit_update(req->db, &who, req->params[0], &patch, if_version, &req->arena,
		                    &out, &err);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "unit", req->params[0]);
	unit_response(res, &out, 200);
	return 0;
}

static int units_delete(struct http_request *req, struct http_response *res)
{
	int64_t if_version;
	if (api_if_match(req, res, &if_version) != 0)
		return 0;
	struct field_error err;
	struct actor who = api_actor(req);
	int rc = eq_unit_delete(req->db, &who, req->params[0], if_version, &req->arena, &err);
	if (rc == EQ_INVALID)
		return http_error(res, API_CONFLICT, err.code, err.field, "%s", err.message);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "unit", req->params[0]);
	buf_puts(&res->body, "{\"deleted\":");
	json_write_string(&res->body, req->params[0], strlen(req->params[0]));
	buf_putc(&res->body, '}');
	http_json(res, 200);
	return 0;
}

/* ---- Inspections ------------------------------------------------------------------------- */

static void write_opt(struct buf *out, const char *key, const char *v)
{
	buf_printf(out, ",\"%s\":", key);
	if (v)
		json_write_string(out, v, strlen(v));
	else
		buf_puts(out, "null");
}

static void write_inspection(struct buf *out, const struct eq_inspection *ins)
{
	buf_printf(out, "{\"id\":\"%lld\"", (long long)ins->id);
	write_opt(out, "kind", ins->kind);
	write_opt(out, "institution", ins->institution);
	write_opt(out, "inspector", ins->inspector);
	write_opt(out, "inspected_on", ins->inspected_on);
	write_opt(out, "conclusion", ins->conclusion);
	if (ins->safety_grade)
		buf_printf(out, ",\"safety_grade\":%d", ins->safety_grade);
	else
		buf_puts(out, ",\"safety_grade\":null");
	write_opt(out, "report_no", ins->report_no);
	write_opt(out, "note", ins->note);
	write_opt(out, "next_due", ins->next_due);
	write_opt(out, "created_at", ins->created_at);
	buf_puts(out, ",\"defects\":[");
	for (int i = 0; i < ins->ndefects; i++) {
		const struct eq_defect *d = &ins->defects[i];
		buf_printf(out, "%s{\"id\":\"%lld\"", i ? "," : "", (long long)d->id);
		write_opt(out, "description", d->description);
		write_opt(out, "deadline", d->deadline);
		write_opt(out, "rectified_on", d->rectified_on);
		buf_putc(out, '}');
	}
	buf_puts(out, "]}");
}

static int inspection_row(void *ctx, const struct eq_inspection *ins)
{
	struct list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	write_inspection(lc->out, ins);
	return 0;
}

static int inspections_list(struct http_request *req, struct http_response *res)
{
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct list_ctx lc = {&res->body, 0};
	int rc =
	    eq_inspection_list(req->db, &who, req->params[0], &req->arena, inspection_row, &lc);
	if (rc != EQ_OK) {
		res->body.len = 0;
		return api_service_error(res, rc, NULL, "unit", req->params[0]);
	}
	buf_puts(&res->body, "]}");
	http_json(res, 200);
	return 0;
}

static int inspections_create(struct http_request *req, struct http_response *res)
{
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	struct eq_inspection *ins = arena_alloc(&req->arena, sizeof *ins);
	struct field_error err;
	struct eq_unit unit;
	int rc = eq_inspection_from_json(body, &req->arena, ins, &err);
	json_decref(body);
	struct actor who = api_actor(req);
	if (rc == EQ_OK)
		rc =
		    eq_inspection_add(req->db, &who, req->params[0], ins, &req->arena, &unit, &err);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "unit", req->params[0]);
	buf_puts(&res->body, "{\"inspection\":");
	write_inspection(&res->body, ins);
	buf_puts(&res->body, ",\"unit\":");
	eq_write_unit(&unit, &res->body);
	buf_putc(&res->body, '}');
	http_json(res, 201);
	return 0;
}

static int defects_update(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (field_int_parse_cstr(req->params[0], 1, INT64_MAX, &id) != 0)
		return http_error(res, API_NOT_FOUND, "not_found", NULL, "no such defect");
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	json_t *v = json_object_get(body, "rectified_on");
	const char *on = json_is_string(v) ? arena_strdup(&req->arena, json_string_value(v)) : NULL;
	int extra = json_object_size(body) != (v ? 1u : 0u);
	json_decref(body);
	struct field_error err;
	if (extra)
		return http_error(res, API_BAD_REQUEST, "unknown_field", NULL,
		                  "only rectified_on may be given");
	struct actor who = api_actor(req);
	int rc = eq_defect_rectify(req->db, &who, id, on, &err);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "defect", req->params[0]);
	buf_printf(&res->body, "{\"id\":\"%lld\",\"rectified_on\":\"%s\"}", (long long)id, on);
	http_json(res, 200);
	return 0;
}

/* ---- The four rates ---------------------------------------------------------------------- */

static void write_rate(struct buf *out, const char *name, const struct eq_rate *r)
{
	buf_printf(out, "\"%s\":{\"num\":%lld,\"den\":%lld,\"rate\":", name, (long long)r->num,
	           (long long)r->den);
	if (r->den)
		buf_printf(out, "%.4f}", (double)r->num / (double)r->den);
	else
		buf_puts(out, "null}");
}

void eq_write_rates(struct buf *out, const struct eq_rates *r)
{
	write_rate(out, "registration", &r->registration);
	buf_putc(out, ',');
	write_rate(out, "inspection", &r->inspection);
	buf_putc(out, ',');
	write_rate(out, "operators", &r->operators);
	buf_putc(out, ',');
	write_rate(out, "accidents", &r->accidents);
}

struct rates_ctx {
	struct buf *out;
	int n;
	int total; /* writing the total object */
	struct db *db;
	struct arena *a;
};

static int rates_region(void *ctx, int region, const struct eq_rates *r)
{
	struct rates_ctx *rc = ctx;
	if (rc->total) {
		buf_puts(rc->out, "{");
		eq_write_rates(rc->out, r);
		buf_putc(rc->out, '}');
		return 0;
	}
	buf_printf(rc->out, "%s{\"region_code\":\"%06d\",", rc->n++ ? "," : "", region);
	eq_write_rates(rc->out, r);
	buf_putc(rc->out, '}');
	return 0;
}

static int rates_use_unit(void *ctx, const char *use_unit, const struct eq_rates *r)
{
	struct rates_ctx *rc = ctx;
	const char *name = NULL;
	(void)eq_use_unit(rc->db, use_unit, rc->a, NULL, &name);
	buf_printf(rc->out, "%s{\"use_unit\":", rc->n++ ? "," : "");
	json_write_string(rc->out, use_unit, strlen(use_unit));
	write_opt(rc->out, "name", name);
	buf_putc(rc->out, ',');
	eq_write_rates(rc->out, r);
	buf_putc(rc->out, '}');
	return 0;
}

/* Parses a date parameter, default def. */
static int date_param(struct http_request *req, struct http_response *res, const char *name,
                      int32_t def, int32_t *out)
{
	const char *s = http_query(req, name);
	*out = def;
	if (s && date_parse(s, strlen(s), out) != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", name,
		                  "%s must be a real date written YYYY-MM-DD", name),
		       -1;
	return 0;
}

int eq_rates_params(struct http_request *req, struct http_response *res, struct eq_rates_query *q)
{
	memset(q, 0, sizeof *q);
	int32_t today = today_china();
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	if (date_param(req, res, "on", today, &q->on) != 0 ||
	    date_param(req, res, "from", date_from_ymd(y, 1, 1), &q->from) != 0 ||
	    date_param(req, res, "to", today, &q->to) != 0)
		return -1;
	if (q->from > q->to)
		return http_error(res, API_BAD_REQUEST, "invalid", "from",
		                  "from must not be after to"),
		       -1;
	const char *region = http_query(req, "region");
	int64_t code = 0;
	if (region && (field_int_parse_cstr(region, 100000, 999999, &code) != 0))
		return http_error(res, API_BAD_REQUEST, "unknown_region", "region",
		                  "region must be a known six-digit region code"),
		       -1;
	const char *cat = http_query(req, "category");
	if (cat) {
		if (strlen(cat) != 4 || strcmp(cat + 1, "000") != 0)
			return http_error(res, API_BAD_REQUEST, "invalid", "category",
			                  "category must be a top-level code such as 3000"),
			       -1;
		q->category = arena_strdup(&req->arena, cat);
	}
	struct actor who = api_actor(req);
	if (scope_make(&who, (int)code, &q->scope) != 0)
		q->scope.n = 0; /* nothing in scope: every count is zero */
	if (q->scope.entity)
		q->scope.entity = arena_strdup(&req->arena, q->scope.entity);
	return 0;
}

static int rates_get(struct http_request *req, struct http_response *res)
{
	struct eq_rates_query q;
	if (eq_rates_params(req, res, &q) != 0)
		return 0;
	const char *by = http_query(req, "by");
	int use_units = 0;
	if (by == NULL || strcmp(by, "total") == 0)
		q.by = 0;
	else if (strcmp(by, "prefecture") == 0)
		q.by = 1;
	else if (strcmp(by, "county") == 0)
		q.by = 2;
	else if (strcmp(by, "use_unit") == 0)
		use_units = 1;
	else
		return http_error(res, API_BAD_REQUEST, "not_allowed", "by",
		                  "by must be total, prefecture, county or use_unit");
	char on[11], from[11], to[11];
	date_format(q.on, on);
	date_format(q.from, from);
	date_format(q.to, to);
	buf_printf(&res->body, "{\"on\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"by\":\"%s\",", on,
	           from, to, by ? by : "total");
	/* The total first (from the tallies), then the groups asked for. */
	struct rates_ctx rc = {&res->body, 0, 1, req->db, &req->arena};
	struct eq_rates_query total = q;
	total.by = 0;
	buf_puts(&res->body, "\"total\":");
	if (eq_tally_rates(req->db, &total, rates_region, &rc) != 0)
		return -1;
	buf_puts(&res->body, ",\"items\":[");
	rc.total = 0;
	int err = use_units ? eq_rates_by_use_unit(req->db, &q, rates_use_unit, &rc)
	          : q.by    ? eq_tally_rates(req->db, &q, rates_region, &rc)
	                    : 0;
	if (err != 0)
		return -1;
	buf_puts(&res->body, "]}");
	http_json(res, 200);
	return 0;
}

/* ---- Routes ------------------------------------------------------------------------------ */

static const struct route_param UNIT_LIST_PARAMS[] = {
    {"region", "string", "GB/T 2260 code: the region and everything below it"},
    {"category", "string", "catalogue code or its first characters (3 = every elevator)"},
    {"status", "string", "in_use, stopped or scrapped"},
    {"use_unit", "string", "credit code of the use unit"},
    {"institution", "string", "inspection institution in charge"},
    {"q", "string", "text in the name or location, or the start of a device or registration code"},
    {"hazard", "string", "high, medium or low"},
    {"due", "string", "overdue, or soon (due within `within` days); sorted by due date"},
    {"within", "integer", "days for due=soon (default 30)"},
    {"month", "string", "YYYY-MM: units due in that month (an inspection plan)"},
    {"limit", "integer", "page size, 1 to 1000 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {"count", "boolean", "true adds the total number of matches"},
    {"format", "string", "json (default) or csv (all matches, streamed)"},
    {NULL, NULL, NULL},
};

static const struct route_param RATES_PARAMS[] = {
    {"region", "string", "GB/T 2260 code (default: your whole scope)"},
    {"category", "string", "top-level category, e.g. 3000"},
    {"on", "string", "the day overdue and certificate validity are judged on (default today)"},
    {"from", "string", "first day of the accident period (default 1 January)"},
    {"to", "string", "last day of the accident period (default today)"},
    {"by", "string", "total (default), prefecture, county or use_unit"},
    {NULL, NULL, NULL},
};

static const struct route EQ_UNIT_ROUTES[] = {
    {"GET", "/api/v1/equipment/categories", categories_list, 0, 0,
     "The special-equipment catalogue with each category's inspection rule", "equipment", NULL,
     "EquipmentCategoryList", NULL, 200, "equipment:read"},
    {"PATCH", "/api/v1/equipment/rules/{id}", rules_update, 0, 0,
     "Change an inspection rule (applies from each unit's next inspection)", "equipment",
     "EquipmentRulePatch", "EquipmentCategoryList", NULL, 200, "equipment:admin"},
    {"GET", "/api/v1/equipment/units", units_list, 0, 0,
     "List equipment units; overdue and due-soon lists; inspection plans", "equipment", NULL,
     "EquipmentUnitList", UNIT_LIST_PARAMS, 200, "equipment:read"},
    {"POST", "/api/v1/equipment/units", units_create, 0, 0, "Register an equipment unit",
     "equipment", "EquipmentUnitInput", "EquipmentUnit", NULL, 201, "equipment:write"},
    {"GET", "/api/v1/equipment/units/{device_code}", units_get, 0, 0,
     "Read an equipment unit by device code", "equipment", NULL, "EquipmentUnit", NULL, 200,
     "equipment:read"},
    {"PATCH", "/api/v1/equipment/units/{device_code}", units_update, 0, 0,
     "Change fields of an equipment unit (If-Match: ETag)", "equipment", "EquipmentUnitPatch",
     "EquipmentUnit", NULL, 200, "equipment:write"},
    {"DELETE", "/api/v1/equipment/units/{device_code}", units_delete, 0, 0,
     "Remove a unit registered by mistake (no inspections or accidents on record)", "equipment",
     NULL, NULL, NULL, 200, "equipment:write"},
    {"GET", "/api/v1/equipment/units/{device_code}/inspections", inspections_list, 0, 0,
     "Inspections of a unit, newest first, with their defects", "equipment", NULL,
     "EquipmentInspectionList", NULL, 200, "equipment:read"},
    {"POST", "/api/v1/equipment/units/{device_code}/inspections", inspections_create, 0, 0,
     "Record an inspection; moves the unit's next due date by its rule", "equipment",
     "EquipmentInspectionInput", "EquipmentInspectionResult", NULL, 201, "equipment:write"},
    {"PATCH", "/api/v1/equipment/defects/{id}", defects_update, 0, 0,
     "Record that a defect was rectified", "equipment", "EquipmentDefectPatch", "EquipmentDefect",
     NULL, 200, "equipment:write"},
    {"GET", "/api/v1/equipment/plan", plan_get, 0, 0,
     "An inspection institution's plan for a month: its units due then", "equipment", NULL,
     "EquipmentUnitList", UNIT_LIST_PARAMS, 200, "equipment:read"},
    {"GET", "/api/v1/equipment/rates", rates_get, 0, 0,
     "The four rates, live, for your scope or a region, with drill-down", "equipment", NULL,
     "EquipmentRates", RATES_PARAMS, 200, "equipment:read"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table EQ_UNIT_ROUTE_TABLE = {"equipment", EQ_UNIT_ROUTES};
