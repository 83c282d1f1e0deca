/*
 * The verifiable double-random draw (docs/design/sampling.md, "The draw"): the pure algorithm
 * (sp_draw_run, with a linear reference sp_draw_run_naive that must agree with it to the
 * byte), the canonical JSON of its inputs and result and a strict parser of the inputs as
 * published, and the service: prepare (freeze inputs, commit to a secret seed), draw (take a
 * witness, reveal the seed, compute the picks, record the visits), cancel, read, list and the
 * public verification.
 */
#ifndef JZ_SAMPLING_DRAW_H
#define JZ_SAMPLING_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "modules/sampling/common.h"

#define SP_DRAW_SEED_BYTES     32
#define SP_DRAW_EACH_MAX       5               /* inspectors per pick (schema CHECK) */
#define SP_DRAW_EACH_DEFAULT   2               /* inspectors per pick when not asked */
#define SP_DRAW_COUNT_MAX      10000           /* picks in one draw */
#define SP_DRAW_CANDIDATES_MAX 2000000         /* candidates in one draw */
#define SP_DRAW_INSPECTORS_MAX 100000          /* inspectors in one draw */
#define SP_DRAW_WITNESS_MAX    200             /* code points of the witness */
#define SP_DRAW_INPUTS_MAX     (256u << 20)    /* bytes of an inputs JSON text */
#define SP_DRAW_FORMAT         "jinzhi-draw-1" /* "format" of the inputs JSON */

/* A producer that may be drawn. */
struct sp_draw_candidate {
	const char *credit_code; /* 18 characters; candidates are in strictly ascending order */
	int county;              /* the producer's region code */
	int weight;              /* 1, or 3 for a recent failure in a weighted plan */
};

/* A producer left out, with why ("resampled", "higher_level", "few_inspectors"). */
struct sp_draw_excluded {
	const char *credit_code; /* in strictly ascending order, none of them a candidate */
	const char *reason;
};

/* An inspector who may be drawn. */
struct sp_draw_inspector {
	const char *login;        /* account login; inspectors in strictly ascending order */
	const char *name;         /* display name */
	int county;               /* region of the inspector's org unit */
	size_t navoid;            /* producers to avoid */
	const char *const *avoid; /* candidates' credit codes, strictly ascending */
};

/* The frozen inputs of a draw (what the inputs JSON holds). Strings are borrowed. */
struct sp_draw_input {
	const char *task_id;  /* decimal id of the task */
	const char *plan_id;  /* decimal id of the plan */
	int plan_year;        /* the plan's year */
	int plan_region;      /* the planning authority's region */
	const char *product;  /* product code */
	const char *industry; /* the product's industry section */
	int region_code;      /* the task's region: producers come from its subtree */
	const char *as_of;    /* YYYY-MM-DD the inputs were frozen */
	int weighted;         /* 1: weights by recent failure */
	int count;            /* producers to draw, 1..SP_DRAW_COUNT_MAX */
	int inspectors_each;  /* inspectors per producer, 1..SP_DRAW_EACH_MAX */
	size_t ncandidates;   /* candidates */
	const struct sp_draw_candidate *candidates;
	size_t nexcluded; /* producers left out */
	const struct sp_draw_excluded *excluded;
	size_t ninspectors; /* inspectors */
	const struct sp_draw_inspector *inspectors;
};

/* One pick: a candidate and its inspectors (indices into the input's arrays). */
struct sp_draw_pick {
	size_t candidate; /* index into candidates */
	size_t
	    inspectors[SP_DRAW_EACH_MAX]; /* inputs_each indices into inspectors, in order drawn */
};

enum sp_draw_run_error {
	SP_DRAW_E_COUNT = -1, /* count outside 1..ncandidates, or inspectors_each outside 1..5 */
	SP_DRAW_E_INSPECTORS = -2, /* a pick had fewer eligible inspectors than inspectors_each */
};

/*
 * Draws in->count producers and in->inspectors_each inspectors for each, from seed and the
 * witness w[0..wn) (its bytes as given), exactly as docs/design/sampling.md specifies: the
 * producers through a Fenwick tree of the weights (O(count log n)). Fills out[0..count).
 * Returns 0, or a negative enum sp_draw_run_error (out then undefined). Allocates only
 * temporary memory.
 */
int sp_draw_run(const struct sp_draw_input *in, const unsigned char seed[SP_DRAW_SEED_BYTES],
                const char *w, size_t wn, struct sp_draw_pick *out);

/* The same by the obvious cumulative scan (O(count n)): the reference the tests and the bench
 * hold sp_draw_run to. */
int sp_draw_run_naive(const struct sp_draw_input *in, const unsigned char seed[SP_DRAW_SEED_BYTES],
                      const char *w, size_t wn, struct sp_draw_pick *out);

/* The draw's random numbers, exposed for tests: key = SHA-256(seed || w), and uniform(L, k, W)
 * (W >= 1), which counts in *tries (if not NULL) the values it drew. */
void sp_draw_key(const unsigned char seed[SP_DRAW_SEED_BYTES], const char *w, size_t wn,
                 unsigned char key[32]);
uint64_t sp_draw_uniform(const unsigned char key[32], const char *label, uint32_t k, uint64_t w,
                         int *tries);

/* Appends the canonical JSON of the inputs (fixed key order, no spaces) to out. */
void sp_draw_inputs_json(const struct sp_draw_input *in, struct buf *out);

/* Appends the canonical JSON of a result: {"picks":[{"credit_code","county","inspectors":[
 * logins]}...]} in the order drawn. */
void sp_draw_result_json(const struct sp_draw_input *in, const struct sp_draw_pick *picks,
                         struct buf *out);

/*
 * Parses an inputs JSON text s[0..n) as published, checking every field: keys exactly those
 * sp_draw_inputs_json writes, types, ranges, shapes, orders, that no excluded producer is a
 * candidate and that every avoided producer is one. Fills *in with arrays and strings in a.
 * Returns 0, or -1 with *err naming the first bad field ("candidates[3].weight").
 */
int sp_draw_inputs_parse(const char *s, size_t n, struct arena *a, struct sp_draw_input *in,
                         struct field_error *err);

/* ---- Service ----------------------------------------------------------------------------- */

/* A draw as stored. Strings in the caller's arena. */
struct sp_draw_info {
	int64_t id, task_id;
	int region_code;
	int count, inspectors_each;
	const char *commitment; /* hex SHA-256 of the seed */
	const char *seed;       /* hex; secret until drawn (never written out before) */
	const char *witness;    /* or NULL */
	const char *inputs;     /* canonical JSON */
	const char *result;     /* canonical JSON or NULL */
	const char *status;     /* prepared, drawn, cancelled */
	const char *prepared_by, *prepared_at, *drawn_by, *drawn_at; /* the last two may be NULL */
};

/*
 * Prepares a draw of count producers (inspectors_each inspectors each) for task task_id in
 * who's scope: freezes the candidates, the exclusions and the inspectors, makes a secret seed
 * and stores the draw as prepared with its commitment. Audited ("sampling.draw.prepare").
 * Returns SVC_OK with *out (strings in a); SVC_NOT_FOUND (no such task in scope);
 * SVC_CONFLICT (the plan is not approved); SVC_INVALID with *err ("count": "too_many" when
 * fewer producers are eligible); SVC_ERROR. Nothing is written unless SVC_OK.
 */
int sp_draw_prepare(struct db *db, const struct actor *who, int64_t task_id, int count,
                    int inspectors_each, struct arena *a, struct sp_draw_info *out,
                    struct field_error *err);

/*
 * Runs prepared draw id with witness w (1..SP_DRAW_WITNESS_MAX code points of UTF-8, no
 * control characters): computes the result, reveals the seed, records an sp_visit row per
 * inspector and pick, dated today. Audited ("sampling.draw.run"). SVC_OK with *out;
 * SVC_NOT_FOUND; SVC_CONFLICT (not prepared); SVC_INVALID ("witness"); SVC_ERROR.
 */
int sp_draw_draw(struct db *db, const struct actor *who, int64_t id, const char *w, struct arena *a,
                 struct sp_draw_info *out, struct field_error *err);

/* Cancels prepared draw id. Audited ("sampling.draw.cancel"). SVC_OK with *out,
 * SVC_NOT_FOUND, SVC_CONFLICT (not prepared) or SVC_ERROR. */
int sp_draw_cancel(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                   struct sp_draw_info *out);

/* Reads draw id in who's scope (who NULL: any, for the public pages). SVC_OK with *out,
 * SVC_NOT_FOUND or SVC_ERROR. */
int sp_draw_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                struct sp_draw_info *out);

/* Calls fn for each draw of task task_id (in who's scope), newest first; inputs and result
 * are not read (NULL). SVC_OK, SVC_NOT_FOUND (no such task in scope) or SVC_ERROR. */
int sp_draw_list(struct db *db, const struct actor *who, int64_t task_id, struct arena *a,
                 void (*fn)(void *ctx, const struct sp_draw_info *d), void *ctx);

/* The outcome of re-running a draw from what is published. */
struct sp_draw_check {
	int commitment_ok; /* SHA-256(seed) equals the commitment */
	int result_ok;     /* the recomputed result equals the stored one, byte for byte */
	char *result;      /* the recomputed result JSON (in a), or NULL if it could not run */
};

/* Re-runs drawn draw id from its stored inputs (parsed back), seed and witness. SVC_OK with
 * *out; SVC_NOT_FOUND; SVC_CONFLICT (not drawn yet); SVC_ERROR. */
int sp_draw_verify(struct db *db, int64_t id, struct arena *a, struct sp_draw_check *out);

/* For the samples part: whether producer was picked by draw draw_id. Returns 1 (picked) or 0
 * (not, or the draw is not drawn), with *drawn 1 when the draw has been drawn; SVC_NOT_FOUND
 * (no such draw) or SVC_ERROR. */
int sp_draw_pick_of(struct db *db, int64_t draw_id, const char *producer, int *drawn);

/* ---- HTTP (api_draw.c) ---------------------------------------------------------------------- */

struct route_table;

/* The draw routes, signed-in and public; listed in src/modules/api_routes.c. */
extern const struct route_table SP_DRAW_ROUTE_TABLE;

/* Appends the OpenAPI component schemas of the draw routes ("Name":{...}, each followed by a
 * comma). */
void sp_draw_schemas_write(struct buf *out);

#endif
