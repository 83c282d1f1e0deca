/*
 * Fuzz target for the parser of process definitions (src/platform/flow.c): any bytes go
 * through flow_definition_check. A refusal must name a part and a code; an accepted
 * definition, written back by jansson with its keys sorted, must be accepted again (the
 * checker depends on content, not on layout or the order of members).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "platform/fields.h"
#include "platform/flow.h"
#include "platform/service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_flow_define: %s:%d: check failed: %s\n", __FILE__,   \
			        __LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct field_error err = {0};
	int rc = flow_definition_check((const char *)data, size, &err);
	if (rc != 0) {
		CHECK(rc == SVC_INVALID);
		CHECK(err.field != NULL && err.field[0] != '\0' && err.code != NULL);
		CHECK(strlen(err.message) > 0);
		return 0;
	}
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	CHECK(root != NULL);
	char *again = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(root);
	CHECK(again != NULL);
	CHECK(flow_definition_check(again, strlen(again), &err) == 0);
	free(again);
	return 0;
}
