/*
 * What the equipment module's parts share: its result codes, the data scope of a query, and
 * today's date. Every read and write goes through a struct scope, so a handler cannot reach a unit,
 * operator or accident outside the actor's jurisdiction.
 */
#ifndef JZ_EQUIPMENT_COMMON_H
#define JZ_EQUIPMENT_COMMON_H

#include <stdint.h>

#include "platform/actor.h"
#include "platform/fields.h"
#include "platform/mem.h"
#include "platform/scope.h"
#include "platform/service.h"

struct db;

enum eq_result {
	EQ_OK = SVC_OK,
	EQ_NOT_FOUND = SVC_NOT_FOUND, /* no such record in the actor's scope */
	EQ_INVALID = SVC_INVALID,     /* input breaks a rule; the field_error says which */
	EQ_CONFLICT = SVC_CONFLICT,   /* a unique code is already taken */
	EQ_STALE = SVC_STALE,         /* If-Match version does not match */
	EQ_ERROR = SVC_ERROR,         /* database failure */
};

#define EQ_PAGE_DEFAULT 50
#define EQ_PAGE_MAX     1000

/* Looks up a use unit (a legal entity of the registry, any region: a unit may stand outside
 * the county where its user is registered) by credit code. Returns EQ_OK with *region and
 * *name (in a; either pointer may be NULL), EQ_NOT_FOUND, or EQ_ERROR. */
int eq_use_unit(struct db *db, const char *credit_code, struct arena *a, int *region,
                const char **name);

/* The code prefix that selects a catalogue code's subtree: trailing zeros mark the levels below
 * (3000 -> "3" every elevator, 3100 -> "31", 4D00 -> "4D", 3110 -> "311"); a prefix given
 * already ("31") stays as it is. out holds at least 5 bytes. */
void eq_category_prefix(const char *code, char out[5]);

/* The unit statuses and inspection conclusions, shared by the parts. */
extern const char *const EQ_UNIT_STATUSES[];    /* in_use, stopped, scrapped */
extern const char *const EQ_CONCLUSION_NAMES[]; /* pass, conditional, fail */

/* Checks the legal entity a record belongs to (field: "employer", "station", "use_unit"):
 * an enterprise account may name only itself; the credit code must be a registered enterprise
 * (code "unknown_<field>") whose region lies in who's jurisdiction ("out_of_scope"). Returns
 * EQ_OK with *region (the entity's), EQ_INVALID with *err, or EQ_ERROR. */
int eq_party_check(struct db *db, const struct actor *who, const char *field,
                   const char *credit_code, struct arena *a, int *region, struct field_error *err);

#endif
