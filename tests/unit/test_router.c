/*
 * Unit tests of routing (src/platform/router.c) over the real route tables
 * (HTTP_ROUTE_TABLES): exact paths, {param} capture, 404 against 405, what must not match
 * (trailing slashes, empty segments, extra segments), and the OpenAPI document written from
 * the same tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "platform/http.h"
#include "platform/router.h"

/* Matches method and path; returns the result, and the route and params through pointers. */
static int match(const char *method, const char *path, const struct route **route,
                 const char **params, struct arena *a)
{
	*route = NULL;
	for (int i = 0; i < HTTP_MAX_PATH_PARAMS; i++)
		params[i] = NULL;
	return router_match(method, path, route, params, a);
}

static void expect_route(const char *method, const char *path, const char *pattern,
                         const char *param0)
{
	struct arena a = {0};
	const struct route *r;
	const char *params[HTTP_MAX_PATH_PARAMS];
	int rc = match(method, path, &r, params, &a);
	if (rc != 0)
		fail_msg("%s %s: %d", method, path, rc);
	assert_non_null(r);
	assert_string_equal(r->method, method);
	assert_string_equal(r->pattern, pattern);
	if (param0)
		assert_string_equal(params[0], param0);
	else
		assert_null(params[0]);
	arena_free(&a);
}

static void expect_status(const char *method, const char *path, int status)
{
	struct arena a = {0};
	const struct route *r;
	const char *params[HTTP_MAX_PATH_PARAMS];
	int rc = match(method, path, &r, params, &a);
	if (rc != status)
		fail_msg("%s %s: %d, expected %d", method, path, rc, status);
	arena_free(&a);
}

static void test_tables_well_formed(void **state)
{
	(void)state;
	int n = 0;
	for (const struct route_table *const *t = HTTP_ROUTE_TABLES; *t; t++) {
		assert_non_null((*t)->module);
		for (const struct route *r = (*t)->routes; r->method; r++, n++) {
			assert_non_null(r->pattern);
			assert_int_equal(r->pattern[0], '/');
			assert_non_null(r->handler);
			assert_non_null(r->summary);
			assert_non_null(r->tag);
			assert_true(r->ok_status >= 200 && r->ok_status < 300);
			/* Every route is reachable: matching its own pattern (with a value for
			 * each parameter) finds it. */
			char path[256];
			size_t k = 0;
			for (const char *p = r->pattern; *p && k < sizeof path - 8;) {
				if (*p == '{') {
					memcpy(path + k, "x1", 2);
					k += 2;
					p = strchr(p, '}') + 1;
				} else {
					path[k++] = *p++;
				}
			}
			path[k] = '\0';
			struct arena a = {0};
			const struct route *got;
			const char *params[HTTP_MAX_PATH_PARAMS];
			assert_int_equal(match(r->method, path, &got, params, &a), 0);
			assert_ptr_equal(got, r);
			arena_free(&a);
		}
	}
	assert_true(n >= 8);
}

static void test_exact_paths(void **state)
{
	(void)state;
	expect_route("GET", "/api/v1/health", "/api/v1/health", NULL);
	expect_route("GET", "/api/v1/version", "/api/v1/version", NULL);
	expect_route("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", NULL);
	expect_route("GET", "/api/v1/regions", "/api/v1/regions", NULL);
	expect_route("GET", "/api/v1/enterprises", "/api/v1/enterprises", NULL);
	expect_route("POST", "/api/v1/enterprises", "/api/v1/enterprises", NULL);
	expect_route("POST", "/api/v1/enterprises/import", "/api/v1/enterprises/import", NULL);
}

static void test_param_capture(void **state)
{
	(void)state;
	expect_route("GET", "/api/v1/enterprises/91110000101623741K",
	             "/api/v1/enterprises/{credit_code}", "91110000101623741K");
	expect_route("PATCH", "/api/v1/enterprises/91110000101623741K",
	             "/api/v1/enterprises/{credit_code}", "91110000101623741K");
	expect_route("GET", "/api/v1/regions/540102", "/api/v1/regions/{code}", "540102");
	/* Any bytes but '/' make up a segment; checking them is the handler's job. */
	expect_route("GET", "/api/v1/regions/%E6%8B%89", "/api/v1/regions/{code}", "%E6%8B%89");
	expect_route("GET", "/api/v1/regions/拉萨", "/api/v1/regions/{code}", "拉萨");
	expect_route("GET", "/api/v1/regions/a", "/api/v1/regions/{code}", "a");
}

/* The exact route comes before the pattern for the method that has it; the pattern takes
 * the other methods. */
static void test_exact_and_param_overlap(void **state)
{
	(void)state;
	expect_route("POST", "/api/v1/enterprises/import", "/api/v1/enterprises/import", NULL);
	expect_route("GET", "/api/v1/enterprises/import", "/api/v1/enterprises/{credit_code}",
	             "import");
}

static void test_param_copied_into_arena(void **state)
{
	(void)state;
	char path[64] = "/api/v1/regions/540102";
	struct arena a = {0};
	const struct route *r;
	const char *params[HTTP_MAX_PATH_PARAMS];
	assert_int_equal(match("GET", path, &r, params, &a), 0);
	memset(path, 'z', sizeof path - 1);
	assert_string_equal(params[0], "540102");
	arena_free(&a);
}

static void test_trailing_slash_not_matched(void **state)
{
	(void)state;
	expect_status("GET", "/api/v1/health/", 404);
	expect_status("GET", "/api/v1/regions/540102/", 404);
	expect_status("GET", "/api/v1/enterprises/91110000101623741K/", 404);
	expect_status("POST", "/api/v1/enterprises/import/", 404);
}

static void test_empty_segment_not_matched(void **state)
{
	(void)state;
	/* "/api/v1/enterprises/" would be {credit_code} = "" */
	expect_status("GET", "/api/v1/enterprises/", 404);
	expect_status("GET", "/api/v1/regions/", 404);
	expect_status("GET", "/api/v1/regions//", 404);
	expect_status("GET", "/api//v1/health", 404);
	expect_status("GET", "//api/v1/health", 404);
}

static void test_not_found(void **state)
{
	(void)state;
	expect_status("GET", "/", 404);
	expect_status("GET", "", 404);
	expect_status("GET", "/api/v1", 404);
	expect_status("GET", "/api/v1/healthz", 404);
	expect_status("GET", "/api/v1/healt", 404);
	expect_status("GET", "/api/v2/health", 404);
	expect_status("GET", "/API/V1/HEALTH", 404);
	expect_status("GET", "/api/v1/regions/540102/children", 404);
	expect_status("GET", "/api/v1/enterprises/a/b", 404);
	expect_status("GET", "api/v1/health", 404);
	expect_status("GET", "/api/v1/health?x=1", 404); /* the query is not part of the path */
}

static void test_method_not_allowed(void **state)
{
	(void)state;
	expect_status("POST", "/api/v1/health", 405);
	expect_status("DELETE", "/api/v1/health", 405);
	expect_status("PUT", "/api/v1/enterprises", 405);
	expect_status("DELETE", "/api/v1/enterprises/91110000101623741K", 405);
	expect_status("POST", "/api/v1/regions/540102", 405);
	expect_status("PATCH", "/api/v1/regions", 405);
	/* Methods are case-sensitive. */
	expect_status("get", "/api/v1/health", 405);
	/* 404 wins over 405 when no pattern matches the path at all. */
	expect_status("DELETE", "/api/v1/nothing", 404);
}

/* OpenAPI document: valid JSON, every route's path and method, parameters declared. */
static void test_openapi(void **state)
{
	(void)state;
	struct buf out = {0};
	router_write_openapi(&out);
	json_error_t jerr;
	json_t *doc = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		fail_msg("OpenAPI is not JSON: %s at %d", jerr.text, jerr.position);
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
	assert_non_null(json_object_get(json_object_get(doc, "info"), "title"));
	json_t *paths = json_object_get(doc, "paths");
	assert_true(json_is_object(paths));
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	assert_true(json_is_object(schemas));
	size_t nops = 0;
	for (const struct route_table *const *t = HTTP_ROUTE_TABLES; *t; t++)
		for (const struct route *r = (*t)->routes; r->method; r++) {
			json_t *p = json_object_get(paths, r->pattern);
			if (p == NULL)
				fail_msg("path %s missing", r->pattern);
			char m[16];
			size_t k;
			for (k = 0; r->method[k] && k < sizeof m - 1; k++)
				m[k] = (char)(r->method[k] | 0x20);
			m[k] = '\0';
			json_t *op = json_object_get(p, m);
			if (op == NULL)
				fail_msg("%s %s missing", m, r->pattern);
			nops++;
			assert_string_equal(json_string_value(json_object_get(op, "summary")),
			                    r->summary);
			/* One path parameter per {name}. */
			json_t *params = json_object_get(op, "parameters");
			size_t npath = 0;
			for (size_t i = 0; i < json_array_size(params); i++) {
				json_t *prm = json_array_get(params, i);
				if (strcmp(json_string_value(json_object_get(prm, "in")), "path") ==
				    0) {
					npath++;
					char want[64];
					snprintf(want, sizeof want, "{%s}",
					         json_string_value(json_object_get(prm, "name")));
					assert_non_null(strstr(r->pattern, want));
				}
			}
			size_t braces = 0;
			for (const char *c = r->pattern; *c; c++)
				braces += *c == '{';
			assert_int_equal(npath, braces);
			/* The success status is documented. */
			char status[8];
			snprintf(status, sizeof status, "%d", r->ok_status);
			assert_non_null(json_object_get(json_object_get(op, "responses"), status));
			/* Referenced schemas exist. */
			if (r->response_schema)
				assert_non_null(json_object_get(schemas, r->response_schema));
			if (r->request_schema && !(r->flags & ROUTE_RAW_BODY))
				assert_non_null(json_object_get(schemas, r->request_schema));
		}
	/* No operation is documented that is not served. */
	size_t ndoc = 0;
	const char *key;
	json_t *val;
	json_object_foreach(paths, key, val) ndoc += json_object_size(val);
	assert_int_equal(ndoc, nops);
	assert_non_null(json_object_get(schemas, "Error"));
	assert_non_null(json_object_get(schemas, "Enterprise"));
	json_decref(doc);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tables_well_formed),
	    cmocka_unit_test(test_exact_paths),
	    cmocka_unit_test(test_param_capture),
	    cmocka_unit_test(test_exact_and_param_overlap),
	    cmocka_unit_test(test_param_copied_into_arena),
	    cmocka_unit_test(test_trailing_slash_not_matched),
	    cmocka_unit_test(test_empty_segment_not_matched),
	    cmocka_unit_test(test_not_found),
	    cmocka_unit_test(test_method_not_allowed),
	    cmocka_unit_test(test_openapi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
