/*
 * Attachments of samples: photos taken at sampling, the signed sampling form, lab reports.
 * The bytes live on disk under their SHA-256 (<dir>/<first 2 hex>/<64 hex>), so the same
 * bytes are stored once and a file that was altered is found when it is read; the rows of
 * sp_attachment say which sample, what kind and name, who uploaded it and when. Every read
 * and write goes through the sample's scope (sp_sample_read).
 *
 * The directory is set once at start (sp_attachments_set_dir, from the configuration key
 * attachments.dir, see docs/configuration.md) and read by every worker thread afterwards.
 * The directory, the checks and the files are the platform's (platform/files.h), which other
 * modules' attachments share; the functions here keep sampling's names and result codes.
 */
#ifndef JZ_SAMPLING_ATTACHMENTS_H
#define JZ_SAMPLING_ATTACHMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "modules/sampling/common.h"
#include "platform/files.h"

#define SP_ATTACHMENT_MAX_BYTES   FILES_MAX_BYTES /* one upload: 10 MiB */
#define SP_ATTACHMENTS_PER_SAMPLE 50              /* attachments of one sample */
#define SP_ATTACHMENT_NAME_MAX    200             /* code points of a file name */
#define SP_ATTACHMENT_DIR_MODE    FILES_DIR_MODE  /* directories made under the directory */
#define SP_ATTACHMENT_FILE_MODE   FILES_FILE_MODE /* stored files */

/* An attachment as listed (strings in the caller's arena). */
struct sp_attachment {
	int64_t id;
	int64_t sample_id;
	const char *kind;         /* photo, form, report, other */
	const char *name;         /* the file name given at upload (UTF-8) */
	const char *content_type; /* image/jpeg, image/png or application/pdf */
	int64_t size;             /* bytes */
	char sha256[65];          /* lowercase hex of the bytes' SHA-256 */
	const char *uploaded_by;  /* account name */
	const char *uploaded_at;  /* ISO 8601 UTC */
};

/* Sets the directory of the stored files (copied, up to 4095 bytes; call once, before the
 * workers start). */
void sp_attachments_set_dir(const char *dir);

/* The directory set by sp_attachments_set_dir, or "" when none was set. */
const char *sp_attachments_dir(void);

/*
 * Checks the kind of an upload: "photo", "form", "report" or "other". Returns SVC_OK or
 * SVC_INVALID with *err naming "kind".
 */
int sp_attachment_kind_check(const char *kind, struct field_error *err);

/*
 * Checks a file name: 1..SP_ATTACHMENT_NAME_MAX code points of valid UTF-8, no '/', '\' or
 * control character. Returns SVC_OK or SVC_INVALID with *err naming "name".
 */
int sp_attachment_name_check(const char *name, size_t n, struct field_error *err);

/*
 * Checks the claimed Content-Type of data[0..n) for an attachment of kind: the type (without
 * parameters, case-insensitive) must be image/jpeg, image/png or application/pdf (a photo:
 * an image), and the bytes must start with the magic number of that type. Returns SVC_OK
 * with *canonical set to the type's canonical name (a constant), or SVC_INVALID with *err
 * naming "content_type" (code "type_not_allowed" or "type_mismatch") or "body" (empty).
 */
int sp_attachment_type_check(const char *content_type, const char *kind, const void *data, size_t n,
                             const char **canonical, struct field_error *err);

/*
 * Writes data[0..n) under dir as <dir>/<hex[0..2)>/<hex>, hex being the lowercase SHA-256
 * (written into hex): into a temporary file in that directory, fsync'ed, renamed into place
 * and the directory fsync'ed; directories are made as needed. When the file is there already
 * with the same bytes nothing is written. Returns 0, or -1 (logged on stderr).
 */
int sp_attachment_file_put(const char *dir, const void *data, size_t n, char hex[65]);

/*
 * Reads the file of hex under dir into out (appended) and checks that its SHA-256 is hex.
 * Returns 0; 1 when the file is missing or its bytes do not hash to hex (logged: the
 * storage was altered); -1 on another read error (logged).
 */
int sp_attachment_file_get(const char *dir, const char *hex, struct buf *out);

/*
 * Adds an attachment of kind and name to sample id: checks every input (kind, name, type
 * and bytes), that who is not an enterprise account (SVC_FORBIDDEN), that the sample is
 * visible (SVC_NOT_FOUND) and has fewer than SP_ATTACHMENTS_PER_SAMPLE attachments
 * (SVC_CONFLICT); stores the bytes (sp_attachment_file_put under sp_attachments_dir), then
 * the row and its audit entry ("sampling.attachment.add") in one transaction. A failed
 * database write leaves the file (content-addressed: harmless) but no row. SVC_OK with *out
 * (strings in a); SVC_INVALID with *err; SVC_ERROR.
 */
int sp_attachment_add(struct db *db, const struct actor *who, int64_t sample_id, const char *kind,
                      const char *name, const char *content_type, const void *data, size_t n,
                      struct arena *a, struct sp_attachment *out, struct field_error *err);

/*
 * Calls fn for each attachment of sample id (visible to who), by upload time (to the second),
 * then id.
 * SVC_OK, SVC_NOT_FOUND (no such sample in scope) or SVC_ERROR.
 */
int sp_attachment_list(struct db *db, const struct actor *who, int64_t sample_id, struct arena *a,
                       void (*fn)(void *ctx, const struct sp_attachment *att), void *ctx);

/*
 * Reads attachment id if its sample is visible to who: the row into *out and the verified
 * bytes into bytes (appended). SVC_OK; SVC_NOT_FOUND; SVC_ERROR, also when the stored file
 * is missing or altered (logged with the attachment's id; wrong bytes are never given).
 */
int sp_attachment_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                      struct sp_attachment *out, struct buf *bytes);

/* ---- HTTP (api_attachments.c) ------------------------------------------------------------- */

struct route_table;

/* The attachment routes; listed in src/modules/api_routes.c. */
extern const struct route_table SP_ATTACHMENT_ROUTE_TABLE;

/* Appends the OpenAPI component schemas of the attachment routes ("Name":{...}, each followed
 * by a comma). */
void sp_attachment_schemas_write(struct buf *out);

#endif
