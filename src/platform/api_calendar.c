/*
 * HTTP handlers of the working-day calendar: GET /api/v1/calendar/{year} for anyone signed in,
 * PUT /api/v1/calendar/{year} for administrators (accounts:admin), which replaces the year's
 * holidays and make-up working days in one transaction with its audit entry (the year before
 * and after) and the recomputed deadlines of open cases, or changes nothing and answers 400
 * naming the field ("days[3].date").
 */
#include "api_calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/api_common.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/flow.h"
#include "platform/router.h"
#include "platform/service.h"
#include "platform/workdays.h"

/* The {year} of the path into *year. Returns 0, or -1 after answering 400. */
static int year_param(struct http_request *req, struct http_response *res, int *year)
{
	int64_t y;
	if (field_int_parse_cstr(req->params[0], DATE_MIN_YEAR, DATE_MAX_YEAR, &y) != 0)
		return http_error(res, API_BAD_REQUEST, "out_of_range", "year",
		                  "the year must be 1900 to 2199"),
		       -1;
	*year = (int)y;
	return 0;
}

static int calendar_get(struct http_request *req, struct http_response *res)
{
	int year;
	if (year_param(req, res, &year) != 0)
		return 0;
	if (workcal_year_json(req->db, year, &res->body) != 0)
		return -1;
	http_json(res, 200);
	return 0;
}

static int calendar_put(struct http_request *req, struct http_response *res)
{
	int year;
	if (year_param(req, res, &year) != 0)
		return 0;
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	const char *k;
	json_t *v;
	if (!json_is_object(body)) {
		json_decref(body);
		return http_error(res, API_BAD_REQUEST, "invalid", NULL,
		                  "the body must be {\"source\": ..., \"days\": [...]}");
	}
	json_object_foreach(body, k, v)
	{
		if (strcmp(k, "source") != 0 && strcmp(k, "days") != 0) {
			http_error(res, API_BAD_REQUEST, "unknown", k, "%s is not a field", k);
			json_decref(body);
			return 0;
		}
	}
	json_t *src = json_object_get(body, "source");
	if (src && !json_is_string(src)) {
		json_decref(body);
		return http_error(res, API_BAD_REQUEST, "invalid", "source",
		                  "source must be a string");
	}
	const char *source = src ? arena_strdup(&req->arena, json_string_value(src)) : NULL;
	json_t *days = json_object_get(body, "days");
	char *days_json = days ? json_dumps(days, JSON_COMPACT) : NULL;
	json_decref(body);

	struct actor who = api_actor(req);
	struct field_error err = {0};
	struct buf before = {0}, after = {0};
	int rc = SVC_ERROR, recomputed = 0;
	char key[8];
	snprintf(key, sizeof key, "%d", year);
	if (db_begin_write(req->db) != 0)
		goto out;
	if (workcal_year_json(req->db, year, &before) != 0)
		goto fail;
	rc = workcal_set_year(req->db, year, days_json ? days_json : "", source, &err);
	if (rc != 0)
		goto fail;
	rc = SVC_ERROR;
	if ((recomputed = flow_recompute(req->db)) < 0 ||
	    workcal_year_json(req->db, year, &after) != 0 ||
	    audit_append(req->db, &who, "calendar.set_year", "calendar_year", key, before.data,
	                 after.data, "ok") != 0 ||
	    db_commit(req->db) != 0)
		goto fail;
	workcal_invalidate(); /* committed: every thread sees it now */
	rc = 0;
	goto out;
fail:
	db_rollback(req->db);
out:
	free(days_json);
	buf_free(&before);
	if (rc != 0) {
		buf_free(&after);
		return api_service_error(res, rc, &err, "calendar year", key);
	}
	/* The year as now stored, and how many open cases' deadlines moved. */
	after.data[--after.len] = '\0';
	buf_printf(&after, ",\"cases_recomputed\":%d}", recomputed);
	buf_append(&res->body, after.data, after.len);
	buf_free(&after);
	http_json(res, 200);
	return 0;
}

void calendar_schemas_write(struct buf *out)
{
	static const char DAY[] =
	    "{\"type\":\"object\",\"required\":[\"date\",\"kind\"],\"properties\":{\"date\":{"
	    "\"type\":\"string\",\"format\":\"date\"},\"kind\":{\"type\":\"string\",\"enum\":["
	    "\"rest\",\"work\"],\"description\":\"rest: a holiday's rest day; work: a make-up "
	    "working day on a weekend\"},\"name\":{\"type\":\"string\",\"maxLength\":100},"
	    "\"name_en\":{\"type\":\"string\",\"maxLength\":100},\"name_bo\":{\"type\":"
	    "\"string\",\"maxLength\":100}}}";
	buf_printf(out,
	           "\"CalendarYear\":{\"type\":\"object\",\"properties\":{\"year\":{\"type\":"
	           "\"integer\"},\"known\":{\"type\":\"boolean\",\"description\":\"the year's "
	           "holidays are loaded; otherwise only weekends rest\"},\"source\":{\"type\":"
	           "\"string\",\"nullable\":true},\"verified\":{\"type\":\"boolean\"},"
	           "\"updated_at\":{\"type\":\"string\",\"nullable\":true},\"days\":{\"type\":"
	           "\"array\",\"items\":%s},\"cases_recomputed\":{\"type\":\"integer\","
	           "\"description\":\"after a PUT: open cases whose deadline moved\"}}},"
	           "\"CalendarYearInput\":{\"type\":\"object\",\"required\":[\"source\","
	           "\"days\"],\"properties\":{\"source\":{\"type\":\"string\",\"maxLength\":300,"
	           "\"description\":\"the notice the days come from\"},\"days\":{\"type\":"
	           "\"array\",\"maxItems\":366,\"items\":%s}}},",
	           DAY, DAY);
}

static const struct route CALENDAR_ROUTES[] = {
    {"GET", "/api/v1/calendar/{year}", calendar_get, 0, 0,
     "The working-day calendar of a year: holidays' rest days and make-up working days "
     "(known: false when the year's table is not loaded, and only weekends rest)",
     "platform", NULL, "CalendarYear", NULL, 200, NULL},
    {"PUT", "/api/v1/calendar/{year}", calendar_put, 0, 0,
     "Replace a year's holidays and make-up working days (as the State Council announced "
     "them); audited; open cases' deadlines are recomputed",
     "platform", "CalendarYearInput", "CalendarYear", NULL, 200, "accounts:admin"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table CALENDAR_ROUTE_TABLE = {"calendar", CALENDAR_ROUTES};
