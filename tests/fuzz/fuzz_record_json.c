/*
 * Fuzz target for JSON input of records (src/platform/fields.c) on the enterprise table: any
 * bytes that parse as JSON go through record_from_json and record_check (create and update);
 * record_write_json must then produce JSON that jansson parses back, with the same value for
 * every field, and feeding that output in again must give the same canonical values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "modules/registry/model.h"
#include "platform/fields.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_record_json: %s:%d: check failed: %s\n", __FILE__,   \
			        __LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The output's value for field i must be the record's canonical value. */
static void check_value(const struct field_spec *f, const char *v, json_t *j)
{
	CHECK(j != NULL);
	if (v == NULL) {
		CHECK(json_is_null(j));
		return;
	}
	switch (f->type) {
	case FT_BOOL:
		CHECK(json_is_boolean(j));
		CHECK(json_is_true(j) == (v[0] == '1'));
		break;
	case FT_INT: {
		CHECK(json_is_integer(j));
		char num[32];
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(j));
		CHECK(strcmp(num, v) == 0);
		break;
	}
	default:
		CHECK(json_is_string(j));
		CHECK(json_string_length(j) == strlen(v));
		CHECK(memcmp(json_string_value(j), v, strlen(v)) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *in = json_loadb((const char *)data, size,
	                        JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (in == NULL)
		return 0;
	struct arena a = {0};
	struct record r;
	record_init(&r, &ENTERPRISE_TYPE);
	struct field_error err;
	memset(&err, 0, sizeof err);
	if (record_from_json(&r, &a, in, &err) != 0) {
		CHECK(err.code != NULL && err.message[0] != '\0');
		json_decref(in);
		arena_free(&a);
		return 0;
	}
	/* Every field given is marked present; nothing else is. */
	for (size_t i = 0; i < ENTERPRISE_TYPE.nfields; i++) {
		const char *name = ENTERPRISE_TYPE.fields[i].name;
		CHECK(record_has(&r, (int)i) == (json_object_get(in, name) != NULL));
		CHECK(!(ENTERPRISE_TYPE.fields[i].flags & FF_READONLY) || !record_has(&r, (int)i));
	}
	CHECK((r.present >> ENTERPRISE_TYPE.nfields) == 0);

	/* record_check: a failure names a field and a code. */
	for (int is_update = 0; is_update <= 1; is_update++) {
		memset(&err, 0, sizeof err);
		if (record_check(&r, is_update, &err) != 0) {
			CHECK(err.field != NULL);
			CHECK(fields_find(&ENTERPRISE_TYPE, err.field, strlen(err.field)) >= 0);
			CHECK(err.code != NULL);
		}
	}

	/* Output: valid JSON holding every field with the record's value. */
	struct buf out = {0};
	record_write_json(&r, &out);
	CHECK(out.len == strlen(out.data)); /* no NUL inside */
	json_t *back = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES, &jerr);
	if (back == NULL) {
		fprintf(stderr, "fuzz_record_json: output is not JSON (%s): %s\n", jerr.text,
		        out.data);
		abort();
	}
	CHECK(json_is_object(back));
	CHECK(json_object_size(back) == ENTERPRISE_TYPE.nfields);
	for (size_t i = 0; i < ENTERPRISE_TYPE.nfields; i++) {
		const struct field_spec *f = &ENTERPRISE_TYPE.fields[i];
		check_value(f, r.v[i], json_object_get(back, f->name));
	}

	/* Canonical values are a fixed point: the output, read again, gives the same record. */
	for (size_t i = 0; i < ENTERPRISE_TYPE.nfields; i++)
		if (ENTERPRISE_TYPE.fields[i].flags & FF_READONLY)
			json_object_del(back, ENTERPRISE_TYPE.fields[i].name);
	struct record again;
	record_init(&again, &ENTERPRISE_TYPE);
	memset(&err, 0, sizeof err);
	if (record_from_json(&again, &a, back, &err) != 0) {
		fprintf(stderr, "fuzz_record_json: own output rejected: %s %s: %s\n",
		        err.field ? err.field : "-", err.code, err.message);
		abort();
	}
	for (size_t i = 0; i < ENTERPRISE_TYPE.nfields; i++) {
		if (r.v[i] == NULL)
			CHECK(again.v[i] == NULL);
		else
			CHECK(again.v[i] != NULL && strcmp(again.v[i], r.v[i]) == 0);
	}

	json_decref(back);
	buf_free(&out);
	json_decref(in);
	arena_free(&a);
	return 0;
}
