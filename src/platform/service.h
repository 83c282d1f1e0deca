/*
 * What every module's service functions return, mapped to HTTP in one place
 * (api_service_error). A module may name these in its own enum, with the same values.
 */
#ifndef JZ_SERVICE_H
#define JZ_SERVICE_H

enum svc_result {
	SVC_OK = 0,
	SVC_NOT_FOUND = -1, /* no such record in the actor's scope (404) */
	SVC_INVALID = -2,   /* input breaks a rule; the field_error says which (400) */
	SVC_CONFLICT = -3,  /* a unique code is taken, or the record's state forbids it (409) */
	SVC_STALE = -4,     /* If-Match version does not match (412) */
	SVC_ERROR = -5,     /* database failure (500) */
	SVC_FORBIDDEN =
	    -6, /* this actor may not do it to this record (403); the field_error says why */
};

#endif
