/*
 * What the subcommands share: configuration flags, opening the database, reading files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "modules/regions/service.h"
#include <sodium.h>

#include "platform/audit.h"
#include "platform/db.h"
#include "platform/mem.h"
#include "platform/migrate.h"

static const struct {
	const char *flag;
	enum config_key key;
} FLAGS[] = {
    {"--listen", CK_LISTEN},
    {"--threads", CK_THREADS},
    {"--drain-seconds", CK_DRAIN},
    {"--db", CK_DB},
    {"--deployment", CK_DEPLOYMENT},
    {"--log-requests", CK_LOG_REQUESTS},
    {"--web-root", CK_WEB_ROOT},
    {"--attachments-dir", CK_ATTACHMENTS_DIR},
    {"--public-rate-limit", CK_PUBLIC_RATE_LIMIT},
    {"--public-rate-burst", CK_PUBLIC_RATE_BURST},
    {"--trusted-proxies", CK_TRUSTED_PROXIES},
};

int cli_config(int *argc, char **argv, const struct cmd_entry *cmd, struct config *c)
{
	config_defaults(c);
	const char *file = getenv("JINZHI_CONFIG");
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s\n\n%s\n", cmd->usage, cmd->help);
			printf(
			    "\nConfiguration flags (all commands): --config FILE, --db FILE, "
			    "--deployment CODE,\n--listen ADDR:PORT, --threads N, "
			    "--drain-seconds N, --log-requests true|false, --web-root DIR,\n"
			    "--attachments-dir DIR, --public-rate-limit N, --public-rate-burst N,\n"
			    "--trusted-proxies LIST.\n"
			    "Precedence: flag > environment (JINZHI_*) > file > default.\n");
			return 1;
		}
		if (strcmp(argv[i], "--config") == 0) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "jinzhi: --config needs a file\n");
				return -1;
			}
			file = argv[i + 1];
		}
	}
	if (file && config_load_file(c, file) != 0)
		return -1;
	if (config_load_env(c) != 0)
		return -1;
	/* Take the configuration flags out, leave the rest for the command. */
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--config") == 0) {
			i++;
			continue;
		}
		int matched = 0;
		for (size_t k = 0; k < sizeof FLAGS / sizeof FLAGS[0]; k++) {
			size_t fl = strlen(FLAGS[k].flag);
			const char *value = NULL;
			if (strcmp(argv[i], FLAGS[k].flag) == 0) {
				if (i + 1 >= *argc) {
					fprintf(stderr, "jinzhi: %s needs a value\n",
					        FLAGS[k].flag);
					return -1;
				}
				value = argv[++i];
			} else if (strncmp(argv[i], FLAGS[k].flag, fl) == 0 && argv[i][fl] == '=') {
				value = argv[i] + fl + 1;
			}
			if (value) {
				if (config_set(c, FLAGS[k].key, value, "flag") != 0)
					return -1;
				matched = 1;
				break;
			}
		}
		if (!matched)
			argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

int cli_audit_key(const struct config *c, int create)
{
	if (strcmp(c->db_path, ":memory:") == 0) {
		audit_set_key(NULL);
		return 0;
	}
	char path[4200];
	if (c->audit_key_file[0])
		snprintf(path, sizeof path, "%s", c->audit_key_file);
	else
		snprintf(path, sizeof path, "%s.audit-key", c->db_path);
	unsigned char key[AUDIT_KEY_BYTES];
	char hex[2 * AUDIT_KEY_BYTES + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && !create) {
		fprintf(stderr, "jinzhi: the audit key %s cannot be read\n", path);
		return -1;
	}
	if (fd < 0) {
		/* First use: make the key, readable by this user only. */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "jinzhi: cannot create the audit key %s\n", path);
			return -1;
		}
		randombytes_buf(key, sizeof key);
		sodium_bin2hex(hex, sizeof hex, key, sizeof key);
		size_t len = strlen(hex);
		hex[len] = '\n';
		int ok = write(fd, hex, len + 1) == (ssize_t)(len + 1) && fsync(fd) == 0;
		close(fd);
		if (!ok) {
			fprintf(stderr, "jinzhi: cannot write the audit key %s\n", path);
			return -1;
		}
		fprintf(stderr,
		        "jinzhi: created the audit key %s; keep a copy apart from the "
		        "database backups\n",
		        path);
	} else {
		ssize_t n = read(fd, hex, sizeof hex - 1);
		close(fd);
		size_t bin_len = 0;
		if (n < 2 * AUDIT_KEY_BYTES ||
		    sodium_hex2bin(key, sizeof key, hex, (size_t)n, "\n", &bin_len, NULL) != 0 ||
		    bin_len != AUDIT_KEY_BYTES) {
			fprintf(stderr, "jinzhi: the audit key %s is not %d hex bytes\n", path,
			        AUDIT_KEY_BYTES);
			return -1;
		}
	}
	audit_set_key(key);
	sodium_memzero(key, sizeof key);
	sodium_memzero(hex, sizeof hex);
	return 0;
}

int cli_open_db(const struct config *c, int bulk, struct db **db)
{
	if (cli_audit_key(c, 1) != 0)
		return -1;
	if (db_open(c->db_path, DB_OPEN_CREATE | (bulk ? DB_OPEN_BULK : 0), db) != 0)
		return -1;
	if (migrate_run(*db, c->deployment, 0) != 0 || regions_load(*db) != 0) {
		db_close(*db);
		*db = NULL;
		return -1;
	}
	return 0;
}

int cli_file_open(const char *path, struct cli_file *f)
{
	memset(f, 0, sizeof *f);
	if (strcmp(path, "-") != 0) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) != 0) {
			fprintf(stderr, "jinzhi: cannot open %s\n", path);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (S_ISREG(st.st_mode) && st.st_size > 0) {
			void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
			close(fd);
			if (m == MAP_FAILED) {
				fprintf(stderr, "jinzhi: cannot map %s\n", path);
				return -1;
			}
			madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
			f->map = m;
			f->data = m;
			f->len = (size_t)st.st_size;
			return 0;
		}
		close(fd);
	}
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (in == NULL) {
		fprintf(stderr, "jinzhi: cannot open %s\n", path);
		return -1;
	}
	struct buf b = {0};
	char chunk[1 << 16];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, in)) > 0)
		buf_append(&b, chunk, got);
	int err = ferror(in);
	if (in != stdin)
		fclose(in);
	if (err) {
		fprintf(stderr, "jinzhi: error reading %s\n", path);
		buf_free(&b);
		return -1;
	}
	f->owned = buf_steal(&b, &f->len);
	f->data = f->owned;
	return 0;
}

void cli_file_close(struct cli_file *f)
{
	if (f->map)
		munmap(f->map, f->len);
	free(f->owned);
	memset(f, 0, sizeof *f);
}
