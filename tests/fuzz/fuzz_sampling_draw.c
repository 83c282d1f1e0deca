/*
 * Fuzz target for the parser of published draw inputs (src/modules/sampling/draw.c): any bytes
 * go through sp_draw_inputs_parse; inputs it accepts must write back (sp_draw_inputs_json) to
 * a text that parses again and writes the same bytes, and, when small, must draw the same
 * picks by the Fenwick tree and by the naive scan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/draw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_sampling_draw: %s:%d: check failed: %s\n", __FILE__, \
			        __LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	struct sp_draw_input in, again;
	struct field_error err;
	if (sp_draw_inputs_parse((const char *)data, size, &a, &in, &err) != 0) {
		CHECK(err.code != NULL);
		arena_free(&a);
		return 0;
	}
	struct buf one = {0}, two = {0};
	sp_draw_inputs_json(&in, &one);
	CHECK(sp_draw_inputs_parse(one.data, one.len, &a, &again, &err) == 0);
	sp_draw_inputs_json(&again, &two);
	CHECK(one.len == two.len && memcmp(one.data, two.data, one.len) == 0);
	if (in.ncandidates <= 2000 && in.ninspectors <= 200) {
		unsigned char seed[SP_DRAW_SEED_BYTES] = {7};
		struct sp_draw_pick *p = calloc((size_t)in.count, sizeof *p),
		                    *q = calloc((size_t)in.count, sizeof *q);
		int x = sp_draw_run(&in, seed, "fuzz", 4, p),
		    y = sp_draw_run_naive(&in, seed, "fuzz", 4, q);
		CHECK(x == y);
		if (x == 0)
			CHECK(memcmp(p, q, (size_t)in.count * sizeof *p) == 0);
		free(p);
		free(q);
	}
	buf_free(&one);
	buf_free(&two);
	arena_free(&a);
	return 0;
}
