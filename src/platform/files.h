/*
 * Uploaded files kept on disk by their content: the bytes of a file live under their SHA-256
 * (<dir>/<first 2 hex>/<64 hex>), so the same bytes are stored once and a file that was
 * altered is found when it is read. Writes go to a temporary file that is fsync'ed and
 * renamed into place, then the directory is fsync'ed. The modules keep their own rows (which
 * record, what kind, who uploaded it) and check uploads here: the file name, and the claimed
 * type against the bytes' magic number (JPEG, PNG, PDF).
 *
 * The directory is set once at start (files_set_dir, from the configuration key
 * attachments.dir, see docs/configuration.md) and read by every worker thread afterwards.
 */
#ifndef JZ_FILES_H
#define JZ_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "platform/mem.h"

struct field_error;

#define FILES_MAX_BYTES (10u << 20) /* the largest file stored: 10 MiB */
#define FILES_DIR_MODE  0750        /* directories made under the directory */
#define FILES_FILE_MODE 0640        /* stored files */

/* Sets the directory of the stored files (copied, up to 4095 bytes; NULL: none; call once,
 * before the workers start). */
void files_set_dir(const char *dir);

/* The directory set by files_set_dir, or "" when none was set. */
const char *files_dir(void);

/*
 * Checks a file name: 1..max_chars code points of valid UTF-8, no '/', '\' or control
 * character. Returns 0, or -1 with *err naming field (codes required, invalid_utf8, invalid,
 * too_long).
 */
int files_name_check(const char *name, size_t n, int max_chars, const char *field,
                     struct field_error *err);

/*
 * Checks the claimed Content-Type of data[0..n): the type (without parameters,
 * case-insensitive) must be image/jpeg, image/png or application/pdf (images_only: one of
 * the first two), and the bytes must start with the magic number of that type. Returns 0
 * with *canonical set to the type's canonical name (a constant), or -1 with *err naming
 * "content_type" (code "type_not_allowed" or "type_mismatch") or "body" (empty).
 */
int files_type_check(const char *content_type, int images_only, const void *data, size_t n,
                     const char **canonical, struct field_error *err);

/* The type the bytes' magic number says (image/jpeg, image/png, application/pdf), or NULL. */
const char *files_type_sniff(const void *data, size_t n);

/*
 * Writes data[0..n) under dir as <dir>/<hex[0..2)>/<hex>, hex being the lowercase SHA-256
 * (written into hex): into a temporary file in that directory, fsync'ed, renamed into place
 * and the directory fsync'ed; directories are made as needed. When the file is there already
 * with the same bytes nothing is written. Returns 0, or -1 (logged on stderr).
 */
int files_put(const char *dir, const void *data, size_t n, char hex[65]);

/*
 * Reads the file of hex under dir into out (appended) and checks that its SHA-256 is hex.
 * Returns 0; 1 when the file is missing, larger than FILES_MAX_BYTES or its bytes do not
 * hash to hex (logged: the storage was altered), or hex is not 64 lowercase hex digits; -1
 * on another read error (logged). On failure out is as it was.
 */
int files_get(const char *dir, const char *hex, struct buf *out);

#endif
