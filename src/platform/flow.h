/*
 * The workflow engine: processes defined as data, cases moving through them, and the
 * statutory clock of each stage counted in working days (platform/workdays.h).
 *
 * A process (JSON, shipped by the module that uses it and stored by flow_define) has:
 *   - stages: the periods the law limits ("acceptance": 5 working days, "decision": 20, with
 *     an extension of 10 allowed once), each with its legal basis;
 *   - steps: where a case can be; each belongs to a stage (its clock runs there) or to none
 *     (a draft, a closed case). A step may stop its stage's clock ("clock": "stopped", with
 *     the reason: supplementing materials, hearing, testing, on-site verification scheduling,
 *     expert review): while a case is in it, the stage's deadline is paused, and it resumes,
 *     pushed back by the working days the stop took, when the case leaves it;
 *   - transitions: from a step, by an action, to a step, done by whom ("applicant": the legal
 *     entity the case belongs to; otherwise a permission "module.action" the actor must hold,
 *     and "distinct_from": an earlier action whose actor may not do this one); a transition
 *     may extend the current stage ("extend": true, at most the stage's extension, once).
 *
 * The stage clock starts when a case enters a step of the stage from a step outside it: the
 * deadline is the (limit + extension + stopped days)-th working day after that day. A case
 * shows its deadline, working days left (negative when overdue) and whether it is overdue.
 *
 * The engine knows nothing of what the case is about: the subject is the caller's text
 * ("licensing.application:540000000000000123"), with the region and legal entity the case
 * belongs to, for data scope. Every start and transition is audited in the caller's write
 * transaction, so the caller's own record and the case change together or not at all.
 */
#ifndef JZ_FLOW_H
#define JZ_FLOW_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct buf;
struct actor;
struct field_error;

#define FLOW_CODE_MAX        48    /* bytes of a process, stage, step or action code, with NUL */
#define FLOW_DEFINITION_MAX  65536 /* bytes of a definition's JSON */
#define FLOW_STAGES_MAX      32    /* stages of a process */
#define FLOW_STEPS_MAX       64    /* steps of a process */
#define FLOW_TRANSITIONS_MAX 256   /* transitions of a process */
#define FLOW_QUEUE_MAX       500   /* cases in one page of a queue */

/*
 * The definition's JSON, checked strictly (unknown members are refused, except "description"
 * and "comment" anywhere):
 *   {"code": "licence_food", "name": {"zh","bo","en"} (optional), "start": "draft",
 *    "stages": [{"code", "limit": 1..365, "extension": 0..365 (optional), "basis" (optional),
 *                "name": {"zh", "en", "bo" optional}}],
 *    "steps": [{"code", "stage": "acceptance" | null, "clock": "running" | "stopped",
 *               "reason": "supplement" (stopped steps only), "final": true|false, "name"}],
 *    "transitions": [{"from", "action", "to", "by": "applicant" | "module.action",
 *                     "distinct_from": "an action" (optional), "extend": true (optional),
 *                     "name"}]}
 * Codes are [a-z0-9_] (a process's code may also have '-'), 1..FLOW_CODE_MAX-1 bytes. Each (from,
 * action) once; a final step has no stage and no way out; a stopped step has a stage; an extending
 * transition starts from a step of a stage with an extension and stays in that stage; "start" is
 * not an action.
 */

/* Checks a definition without storing it. Returns 0 or SVC_INVALID with *err naming the part
 * ("steps[2].stage"; err->field points to per-thread storage valid until the next failure in
 * the thread). */
int flow_definition_check(const char *json, size_t n, struct field_error *err);

/*
 * Validates a process definition and stores it (a new version when the definition changed;
 * open cases keep the version they started under). Run by a module's seed. Returns 0,
 * SVC_INVALID with *err naming the part ("steps[2].stage"), or SVC_ERROR.
 */
int flow_define(struct db *db, const char *json, size_t n, struct field_error *err);

/* Where a case stands on a given day. */
struct flow_state {
	int64_t case_id;
	char process[FLOW_CODE_MAX];
	int version;
	char step[FLOW_CODE_MAX];
	char stage[FLOW_CODE_MAX]; /* "" when the step has no stage */
	int closed;                /* the step is final */
	int32_t stage_start;       /* the day the stage's clock started, or DATE_NONE */
	int limit;                 /* the stage's limit in working days, extension included */
	int extended;              /* working days of extension granted */
	int stopped_days;          /* working days the clock was stopped in this stage so far */
	int paused;                /* the clock is stopped now */
	char pause_reason[FLOW_CODE_MAX];
	int32_t paused_since; /* day the stop began, or DATE_NONE */
	int32_t deadline;     /* the last working day of the stage, or DATE_NONE (no stage,
	                         or paused: it is not known until the clock resumes) */
	int days_left;        /* working days left on `today` (negative: overdue by so many);
	                         while paused, what was left when the clock stopped */
	int overdue;          /* today is past the deadline */
	int calendar_known;   /* the calendar knows every year up to the deadline */
};

/*
 * Opens a case of process (its newest version) for subject at its start step, in the
 * caller's write transaction. region and entity (a credit code, or NULL) are what data scope
 * is checked against. Returns 0 with *case_id, SVC_INVALID (unknown process), or SVC_ERROR.
 */
int flow_start(struct db *db, const struct actor *who, const char *process, const char *subject,
               int region, const char *entity, int32_t today, int64_t *case_id,
               struct field_error *err);

/* Whether the actor holds a permission ("licensing.approve"); supplied by the caller. A
 * permission rule is for staff: an actor with entity_code set (an enterprise account) only
 * ever acts as the applicant of its own cases, whatever may says. */
typedef int (*flow_may_fn)(void *ctx, const char *permission);

/*
 * Takes action on a case in the caller's write transaction: checks the case is visible to
 * who (data scope), the action is allowed from its step, who may do it (may, the applicant
 * rule, distinct_from), then moves the case, starts, stops, resumes or extends the clock,
 * records the event (note: the reason shown to the applicant, may be NULL) and audits it.
 * Returns 0 with *out (the new state on today), SVC_NOT_FOUND, SVC_CONFLICT (the action is
 * not allowed from this step, the case is closed, or the extension is used up), SVC_FORBIDDEN
 * (who may not), SVC_INVALID (a note that is not text of at most 4000 characters), or
 * SVC_ERROR; err names the reason. Nothing is written unless it returns 0. The event's clock
 * effect is "started", "stopped", "resumed" or "extended" (comma-separated when a move does
 * several, as "resumed,stopped" from one stop straight into another), or none. The audit
 * entry "flow.<action>" (entity "flow_case", key the id) holds the state before and after.
 */
int flow_act(struct db *db, const struct actor *who, int64_t case_id, const char *action,
             const char *note, int32_t today, flow_may_fn may, void *may_ctx,
             struct flow_state *out, struct field_error *err);

/* The state of a case visible to who on today. Returns 0, SVC_NOT_FOUND or SVC_ERROR. */
int flow_get(struct db *db, const struct actor *who, int64_t case_id, int32_t today,
             struct flow_state *out);

/*
 * Appends the case as JSON: its state on today (the members of flow_state_json), "subject",
 * "region_code", "entity_code", "step_name" and "stage_name" ({zh,bo,en}), "stage_basis", the
 * "actions" who can take now ([{action, to, name{zh,bo,en}, to_name, by, extend}]), its
 * "history" (events in order: [{id, at, day, actor, action, from, to, note, clock}]) and its
 * clock "stops" ([{stage, reason, from, to, days}]). Returns 0, SVC_NOT_FOUND or SVC_ERROR.
 */
int flow_case_json(struct db *db, const struct actor *who, int64_t case_id, int32_t today,
                   flow_may_fn may, void *may_ctx, struct buf *out);

/* A queue: open cases in a stage (running or paused; not drafts or cases waiting outside any
 * stage) visible to who, most urgent first (overdue by most, then fewest days left, paused
 * cases last), in the subtree of region (0: all). */
struct flow_queue_filter {
	const char *process; /* only this process, or NULL */
	int region;          /* GB/T 2260 subtree, or 0 */
	int actionable;      /* only cases where who can take some action now (may) */
	int overdue_only;    /* only cases past their deadline */
	int limit;           /* 1..500 */
	const char *cursor;  /* from the previous page, or NULL */
};

/*
 * Appends {"items":[...],"next_cursor":...} of the queue on today: each item the members of
 * the case's state and its subject, region_code, entity_code, step_name, stage_name and
 * stage_basis. A paused case counts as overdue when its clock stopped after the deadline.
 * Returns 0 or SVC_ERROR. */
int flow_queue_json(struct db *db, const struct actor *who, const struct flow_queue_filter *f,
                    int32_t today, flow_may_fn may, void *may_ctx, struct buf *out);

/* Recomputes the stored deadline of every open case (after the calendar changed), in the
 * caller's write transaction. Returns the number of cases changed, or SVC_ERROR. */
int flow_recompute(struct db *db);

/* Appends the state as a JSON object (dates as YYYY-MM-DD, null when none). */
void flow_state_json(const struct flow_state *s, struct buf *out);

#endif
