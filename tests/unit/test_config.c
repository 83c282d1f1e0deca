/*
 * Unit tests of configuration (src/platform/config.c): defaults, the check of each key as it
 * is set, INI files (values, unknown keys, syntax errors), JINZHI_* environment variables
 * overriding the file, and the source recorded for every key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/config.h"

static const char *const ENV_VARS[] = {"JINZHI_LISTEN",
                                       "JINZHI_THREADS",
                                       "JINZHI_DRAIN_SECONDS",
                                       "JINZHI_DB",
                                       "JINZHI_DEPLOYMENT",
                                       "JINZHI_LOG_REQUESTS",
                                       "JINZHI_AUDIT_KEY_FILE",
                                       "JINZHI_WEB_ROOT",
                                       "JINZHI_PUBLIC_BASE_URL",
                                       "JINZHI_ATTACHMENTS_DIR",
                                       "JINZHI_PUBLIC_RATE_LIMIT",
                                       "JINZHI_PUBLIC_RATE_BURST",
                                       "JINZHI_TRUSTED_PROXIES"};

static int clear_env(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof ENV_VARS / sizeof ENV_VARS[0]; i++)
		unsetenv(ENV_VARS[i]);
	return 0;
}

/* Writes text to a new temporary file; the caller unlinks and frees the path. */
static char *temp_ini(const char *text)
{
	char *path = strdup("/tmp/jz_test_config.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

static void ok(struct config *c, enum config_key k, const char *v)
{
	if (config_set(c, k, v, "flag") != 0)
		fail_msg("%s = \"%s\" rejected", config_key_name(k), v);
	assert_string_equal(c->source[k], "flag");
}

static void bad(struct config *c, enum config_key k, const char *v)
{
	struct config before = *c;
	if (config_set(c, k, v, "flag") == 0)
		fail_msg("%s = \"%s\" accepted", config_key_name(k), v);
	/* A rejected value changes nothing. */
	assert_memory_equal(&before, c, sizeof before);
}

static void test_defaults(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_string_equal(c.listen_host, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	assert_true(c.threads >= 1 && c.threads <= 64);
	assert_int_equal(c.drain_seconds, 10);
	assert_string_equal(c.db_path, "jinzhi.db");
	assert_int_equal(c.deployment, 0);
	assert_int_equal(c.log_requests, 1);
	assert_string_equal(c.config_file, "");
	assert_string_equal(c.web_root, "web/dist");
	assert_string_equal(c.public_base_url, "http://localhost:8080");
	assert_int_equal(c.public_rate_limit, 120);
	assert_int_equal(c.public_rate_burst, 60);
	assert_string_equal(c.trusted_proxies, "127.0.0.1, ::1");
	for (int k = 0; k < CK_COUNT; k++) {
		assert_non_null(c.source[k]);
		assert_string_equal(c.source[k], "default");
	}
}

static void test_key_names(void **state)
{
	(void)state;
	assert_string_equal(config_key_name(CK_LISTEN), "server.listen");
	assert_string_equal(config_key_name(CK_THREADS), "server.threads");
	assert_string_equal(config_key_name(CK_DRAIN), "server.drain_seconds");
	assert_string_equal(config_key_name(CK_DB), "database.path");
	assert_string_equal(config_key_name(CK_DEPLOYMENT), "database.deployment");
	assert_string_equal(config_key_name(CK_LOG_REQUESTS), "log.requests");
	assert_string_equal(config_key_name(CK_PUBLIC_BASE_URL), "public.base_url");
	assert_string_equal(config_key_name(CK_PUBLIC_RATE_LIMIT), "public.rate_limit");
	assert_string_equal(config_key_name(CK_PUBLIC_RATE_BURST), "public.rate_burst");
	assert_string_equal(config_key_name(CK_TRUSTED_PROXIES), "server.trusted_proxies");
}

/* public.rate_limit (0 = off), public.rate_burst and server.trusted_proxies. */
static void test_rate_limit_keys(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	ok(&c, CK_PUBLIC_RATE_LIMIT, "0");
	assert_int_equal(c.public_rate_limit, 0);
	ok(&c, CK_PUBLIC_RATE_LIMIT, "6000000");
	assert_int_equal(c.public_rate_limit, 6000000);
	bad(&c, CK_PUBLIC_RATE_LIMIT, "6000001");
	bad(&c, CK_PUBLIC_RATE_LIMIT, "-1");
	bad(&c, CK_PUBLIC_RATE_LIMIT, "ten");
	ok(&c, CK_PUBLIC_RATE_BURST, "1");
	assert_int_equal(c.public_rate_burst, 1);
	bad(&c, CK_PUBLIC_RATE_BURST, "0");
	bad(&c, CK_PUBLIC_RATE_BURST, "100001");
	ok(&c, CK_TRUSTED_PROXIES, "");
	assert_string_equal(c.trusted_proxies, "");
	ok(&c, CK_TRUSTED_PROXIES, "10.0.0.0/8, fd00::/8 127.0.0.1");
	assert_string_equal(c.trusted_proxies, "10.0.0.0/8, fd00::/8 127.0.0.1");
	bad(&c, CK_TRUSTED_PROXIES, "proxy.example.org");
	bad(&c, CK_TRUSTED_PROXIES, "10.0.0.0/40");
}

/* public.base_url: http(s)://host[:port][/path], kept without a trailing slash. */
static void test_public_base_url(void **state)
{
	(void)state;
	static const struct {
		const char *in, *kept;
	} GOOD[] = {
	    {"http://localhost:8080", "http://localhost:8080"},
	    {"https://tj.example.gov.cn/", "https://tj.example.gov.cn"},
	    {"https://tj.example.gov.cn/jz//", "https://tj.example.gov.cn/jz"},
	    {"http://10.0.0.5:1", "http://10.0.0.5:1"},
	    {"https://[2001:db8::1]:8443/a-b/c_d.e~f", "https://[2001:db8::1]:8443/a-b/c_d.e~f"},
	    {"https://x.org/%E8%AE%BE", "https://x.org/%E8%AE%BE"},
	    {"http://a-1.b2.org", "http://a-1.b2.org"},
	};
	static const char *const BAD[] = {
	    "",
	    "x.org",
	    "//x.org",
	    "HTTP://x.org",
	    "ftp://x.org",
	    "http://",
	    "https:///a",
	    "http://user@x.org",
	    "http://user:pw@x.org/",
	    "http://x.org:",
	    "http://x.org:0",
	    "http://x.org:65536",
	    "http://x.org:80a",
	    "http://x.org?q",
	    "http://x.org/?q=1",
	    "http://x.org/#f",
	    "http://x.org/a b",
	    "http://x.org/a\"b",
	    "http://x.org/<",
	    "http://x.org/%",
	    "http://x.org/%2",
	    "http://x.org/%zz",
	    "http://-x.org",
	    "http://x-.org",
	    "http://x..org",
	    "http://.x.org",
	    "http://x.org.",
	    "http://x_y.org",
	    "http://[::1",
	    "http://[::1]x",
	    "http://[nothost]",
	    "http://[]",
	    "http://x.org\\y",
	    "http://x.org/\n",
	};
	struct config c;
	config_defaults(&c);
	for (size_t i = 0; i < sizeof GOOD / sizeof GOOD[0]; i++) {
		ok(&c, CK_PUBLIC_BASE_URL, GOOD[i].in);
		assert_string_equal(c.public_base_url, GOOD[i].kept);
	}
	for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++)
		bad(&c, CK_PUBLIC_BASE_URL, BAD[i]);
	/* A label of 63 characters is allowed, 64 not; 200 bytes in all, not 201. */
	char v[256];
	snprintf(v, sizeof v, "http://%063d.org", 0);
	ok(&c, CK_PUBLIC_BASE_URL, v);
	snprintf(v, sizeof v, "http://%064d.org", 0);
	bad(&c, CK_PUBLIC_BASE_URL, v);
	snprintf(v, sizeof v, "http://x.org/%0187d", 0);
	assert_int_equal(strlen(v), 200);
	ok(&c, CK_PUBLIC_BASE_URL, v);
	snprintf(v, sizeof v, "http://x.org/%0188d", 0);
	bad(&c, CK_PUBLIC_BASE_URL, v);
}

static void test_listen_ipv4(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	ok(&c, CK_LISTEN, "127.0.0.1:8080");
	assert_string_equal(c.listen_host, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	ok(&c, CK_LISTEN, "0.0.0.0:0");
	assert_string_equal(c.listen_host, "0.0.0.0");
	assert_int_equal(c.port, 0);
	ok(&c, CK_LISTEN, "10.1.2.3:65535");
	assert_int_equal(c.port, 65535);
}

static void test_listen_ipv6(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	ok(&c, CK_LISTEN, "[::1]:80");
	assert_string_equal(c.listen_host, "::1");
	assert_int_equal(c.port, 80);
	ok(&c, CK_LISTEN, "[::]:8443");
	assert_string_equal(c.listen_host, "::");
	assert_int_equal(c.port, 8443);
	ok(&c, CK_LISTEN, "[fe80::1:2]:1");
	assert_string_equal(c.listen_host, "fe80::1:2");
}

static void test_listen_localhost(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	ok(&c, CK_LISTEN, "localhost:1");
	assert_string_equal(c.listen_host, "127.0.0.1");
	assert_int_equal(c.port, 1);
}

static void test_listen_bad_port(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	bad(&c, CK_LISTEN, "127.0.0.1:65536");
	bad(&c, CK_LISTEN, "127.0.0.1:-1");
	bad(&c, CK_LISTEN, "127.0.0.1:");
	bad(&c, CK_LISTEN, "127.0.0.1:http");
	bad(&c, CK_LISTEN, "127.0.0.1:80x");
	bad(&c, CK_LISTEN, "127.0.0.1:99999999999999999999");
	bad(&c, CK_LISTEN, "127.0.0.1");
	bad(&c, CK_LISTEN, "8080");
	bad(&c, CK_LISTEN, "");
	bad(&c, CK_LISTEN, "[::1]");
}

static void test_listen_bad_host(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	bad(&c, CK_LISTEN, ":8080");
	bad(&c, CK_LISTEN, "[]:8080");
	char longhost[128];
	memset(longhost, '1', 100);
	strcpy(longhost + 100, ":80");
	bad(&c, CK_LISTEN, longhost);
}

/* listen_host is "numeric address": a name other than localhost, or a malformed address, is
 * refused where it enters rather than when the server tries to bind. */
static void test_listen_host_must_be_numeric(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	bad(&c, CK_LISTEN, "example.com:80");
	bad(&c, CK_LISTEN, "999.1.1.1:80");
	bad(&c, CK_LISTEN, "[::g]:80");
	bad(&c, CK_LISTEN, "127.0.0.1 :80");
}

static void test_threads_range(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	ok(&c, CK_THREADS, "1");
	assert_int_equal(c.threads, 1);
	ok(&c, CK_THREADS, "256");
	assert_int_equal(c.threads, CONFIG_MAX_THREADS);
	bad(&c, CK_THREADS, "0");
	bad(&c, CK_THREADS, "257");
	bad(&c, CK_THREADS, "-1");
	bad(&c, CK_THREADS, "");
	bad(&c, CK_THREADS, "four");
	bad(&c, CK_THREADS, "4x");
	bad(&c, CK_THREADS, "4.0");
	bad(&c, CK_THREADS, "99999999999999999999999");
	assert_int_equal(c.threads, CONFIG_MAX_THREADS);
}

static void test_drain_range(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	ok(&c, CK_DRAIN, "0");
	assert_int_equal(c.drain_seconds, 0);
	ok(&c, CK_DRAIN, "3600");
	assert_int_equal(c.drain_seconds, 3600);
	bad(&c, CK_DRAIN, "3601");
	bad(&c, CK_DRAIN, "-1");
	bad(&c, CK_DRAIN, "");
}

static void test_web_root(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_string_equal(config_key_name(CK_WEB_ROOT), "web.root");
	ok(&c, CK_WEB_ROOT, "/usr/share/jinzhi/web");
	assert_string_equal(c.web_root, "/usr/share/jinzhi/web");
	ok(&c, CK_WEB_ROOT, ""); /* no console */
	assert_string_equal(c.web_root, "");
	char *longpath = malloc(5000);
	memset(longpath, 'a', 4999);
	longpath[4999] = '\0';
	bad(&c, CK_WEB_ROOT, longpath);
	free(longpath);
}

static void test_db_path(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	ok(&c, CK_DB, "/var/lib/jinzhi/jinzhi.db");
	assert_string_equal(c.db_path, "/var/lib/jinzhi/jinzhi.db");
	bad(&c, CK_DB, "");
	char *longpath = malloc(5000);
	memset(longpath, 'a', 4999);
	longpath[4999] = '\0';
	bad(&c, CK_DB, longpath);
	free(longpath);
}

static void test_deployment(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	ok(&c, CK_DEPLOYMENT, "540000");
	assert_int_equal(c.deployment, 540000);
	ok(&c, CK_DEPLOYMENT, "9223371");
	assert_int_equal(c.deployment, 9223371);
	bad(&c, CK_DEPLOYMENT, "9223372");
	bad(&c, CK_DEPLOYMENT, "-540000");
	bad(&c, CK_DEPLOYMENT, "54万");
	bad(&c, CK_DEPLOYMENT, "");
}

static void test_log_requests(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	ok(&c, CK_LOG_REQUESTS, "false");
	assert_int_equal(c.log_requests, 0);
	ok(&c, CK_LOG_REQUESTS, "true");
	assert_int_equal(c.log_requests, 1);
	ok(&c, CK_LOG_REQUESTS, "0");
	assert_int_equal(c.log_requests, 0);
	ok(&c, CK_LOG_REQUESTS, "1");
	assert_int_equal(c.log_requests, 1);
	ok(&c, CK_LOG_REQUESTS, "FALSE");
	assert_int_equal(c.log_requests, 0);
	ok(&c, CK_LOG_REQUESTS, "True");
	assert_int_equal(c.log_requests, 1);
	bad(&c, CK_LOG_REQUESTS, "maybe");
	bad(&c, CK_LOG_REQUESTS, "");
	bad(&c, CK_LOG_REQUESTS, "2");
	bad(&c, CK_LOG_REQUESTS, "truee");
	assert_int_equal(c.log_requests, 1);
}

static void test_bad_key(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_set(&c, CK_COUNT, "x", "flag"), -1);
}

static void test_file_values(void **state)
{
	(void)state;
	char *path = temp_ini("; Jinzhi configuration\n"
	                      "[server]\n"
	                      "listen = [::1]:9000\n"
	                      "threads = 4\n"
	                      "drain_seconds = 30\n"
	                      "trusted_proxies = 10.1.0.0/16\n"
	                      "\n"
	                      "[database]\n"
	                      "path = /srv/jinzhi/data.db\n"
	                      "deployment = 542500\n"
	                      "[log]\n"
	                      "requests = false\n"
	                      "[audit]\n"
	                      "key_file = /srv/jinzhi/audit.key\n"
	                      "[web]\n"
	                      "root = /srv/jinzhi/web\n"
	                      "[public]\n"
	                      "base_url = https://tj.example.gov.cn/jz/\n"
	                      "rate_limit = 30\n"
	                      "rate_burst = 5\n"
	                      "[attachments]\n"
	                      "dir = /srv/jinzhi/files\n");
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), 0);
	assert_string_equal(c.listen_host, "::1");
	assert_int_equal(c.port, 9000);
	assert_int_equal(c.threads, 4);
	assert_int_equal(c.drain_seconds, 30);
	assert_string_equal(c.db_path, "/srv/jinzhi/data.db");
	assert_int_equal(c.deployment, 542500);
	assert_int_equal(c.log_requests, 0);
	assert_string_equal(c.config_file, path);
	assert_string_equal(c.web_root, "/srv/jinzhi/web");
	assert_string_equal(c.public_base_url, "https://tj.example.gov.cn/jz");
	assert_string_equal(c.attachments_dir, "/srv/jinzhi/files");
	assert_int_equal(c.public_rate_limit, 30);
	assert_int_equal(c.public_rate_burst, 5);
	assert_string_equal(c.trusted_proxies, "10.1.0.0/16");
	for (int k = 0; k < CK_COUNT; k++)
		assert_string_equal(c.source[k], "file");
	unlink(path);
	free(path);
}

static void test_file_partial_keeps_defaults(void **state)
{
	(void)state;
	char *path = temp_ini("[server]\nthreads = 3\n");
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), 0);
	assert_int_equal(c.threads, 3);
	assert_string_equal(c.source[CK_THREADS], "file");
	assert_string_equal(c.source[CK_LISTEN], "default");
	assert_int_equal(c.port, 8080);
	unlink(path);
	free(path);
}

static void test_file_unknown_key(void **state)
{
	(void)state;
	char *path = temp_ini("[server]\nthreads = 4\nthreadz = 5\n");
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), -1);
	unlink(path);
	free(path);
	/* A known key in the wrong section is unknown too. */
	path = temp_ini("[database]\nthreads = 4\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), -1);
	unlink(path);
	free(path);
	/* And a key outside any section. */
	path = temp_ini("threads = 4\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), -1);
	unlink(path);
	free(path);
}

static void test_file_bad_value(void **state)
{
	(void)state;
	char *path = temp_ini("[server]\nthreads = 0\n");
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), -1);
	unlink(path);
	free(path);
	path = temp_ini("[server]\nlisten = 127.0.0.1:70000\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), -1);
	assert_int_equal(c.port, 8080);
	unlink(path);
	free(path);
}

static void test_file_syntax_error(void **state)
{
	(void)state;
	const char *texts[] = {"[server\nthreads = 4\n", "[server]\nthis line has no equals\n",
	                       "[server]\nthreads = 4\n[log\n"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		char *path = temp_ini(texts[i]);
		struct config c;
		config_defaults(&c);
		if (config_load_file(&c, path) != -1)
			fail_msg("accepted: %s", texts[i]);
		unlink(path);
		free(path);
	}
}

static void test_file_missing(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, "/nonexistent/jinzhi.ini"), -1);
	assert_string_equal(c.config_file, "");
}

static void test_env_overrides_file(void **state)
{
	(void)state;
	char *path = temp_ini("[server]\nthreads = 4\nlisten = 127.0.0.1:9000\n");
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), 0);
	assert_int_equal(c.threads, 4);
	setenv("JINZHI_THREADS", "7", 1);
	setenv("JINZHI_LOG_REQUESTS", "false", 1);
	assert_int_equal(config_load_env(&c), 0);
	assert_int_equal(c.threads, 7);
	assert_string_equal(c.source[CK_THREADS], "env");
	assert_int_equal(c.log_requests, 0);
	assert_string_equal(c.source[CK_LOG_REQUESTS], "env");
	/* Keys not in the environment keep their file or default values. */
	assert_int_equal(c.port, 9000);
	assert_string_equal(c.source[CK_LISTEN], "file");
	assert_string_equal(c.source[CK_DB], "default");
	/* A flag after them wins. */
	ok(&c, CK_THREADS, "2");
	assert_int_equal(c.threads, 2);
	unlink(path);
	free(path);
}

static void test_env_every_key(void **state)
{
	(void)state;
	setenv("JINZHI_LISTEN", "[::]:81", 1);
	setenv("JINZHI_THREADS", "9", 1);
	setenv("JINZHI_DRAIN_SECONDS", "1", 1);
	setenv("JINZHI_DB", "/tmp/x.db", 1);
	setenv("JINZHI_DEPLOYMENT", "540100", 1);
	setenv("JINZHI_LOG_REQUESTS", "0", 1);
	setenv("JINZHI_AUDIT_KEY_FILE", "/tmp/x.key", 1);
	setenv("JINZHI_WEB_ROOT", "", 1);
	setenv("JINZHI_PUBLIC_BASE_URL", "http://127.0.0.1:8080", 1);
	setenv("JINZHI_ATTACHMENTS_DIR", "/tmp/x-files", 1);
	setenv("JINZHI_PUBLIC_RATE_LIMIT", "0", 1);
	setenv("JINZHI_PUBLIC_RATE_BURST", "7", 1);
	setenv("JINZHI_TRUSTED_PROXIES", "", 1);
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_load_env(&c), 0);
	assert_string_equal(c.listen_host, "::");
	assert_int_equal(c.port, 81);
	assert_int_equal(c.threads, 9);
	assert_int_equal(c.drain_seconds, 1);
	assert_string_equal(c.db_path, "/tmp/x.db");
	assert_int_equal(c.deployment, 540100);
	assert_int_equal(c.log_requests, 0);
	assert_string_equal(c.web_root, "");
	assert_string_equal(c.public_base_url, "http://127.0.0.1:8080");
	assert_string_equal(c.attachments_dir, "/tmp/x-files");
	assert_int_equal(c.public_rate_limit, 0);
	assert_int_equal(c.public_rate_burst, 7);
	assert_string_equal(c.trusted_proxies, "");
	for (int k = 0; k < CK_COUNT; k++)
		assert_string_equal(c.source[k], "env");
}

static void test_env_bad_value(void **state)
{
	(void)state;
	setenv("JINZHI_THREADS", "1000", 1);
	struct config c;
	config_defaults(&c);
	int before = c.threads;
	assert_int_equal(config_load_env(&c), -1);
	assert_int_equal(c.threads, before);
	assert_string_equal(c.source[CK_THREADS], "default");
}

static void test_print(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	ok(&c, CK_LISTEN, "[::1]:80");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	config_print(&c, f);
	fclose(f);
	assert_non_null(strstr(text, "[server]"));
	assert_non_null(strstr(text, "[database]"));
	assert_non_null(strstr(text, "[log]"));
	assert_non_null(strstr(text, "listen = [::1]:80"));
	assert_non_null(strstr(text, "flag"));
	assert_non_null(strstr(text, "JINZHI_THREADS"));
	assert_non_null(strstr(text, "[web]"));
	assert_non_null(strstr(text, "root = web/dist"));
	assert_non_null(strstr(text, "JINZHI_WEB_ROOT"));
	free(text);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, clear_env, clear_env)
	const struct CMUnitTest tests[] = {
	    T(test_defaults),
	    T(test_key_names),
	    T(test_listen_ipv4),
	    T(test_listen_ipv6),
	    T(test_listen_localhost),
	    T(test_listen_bad_port),
	    T(test_listen_bad_host),
	    T(test_listen_host_must_be_numeric),
	    T(test_threads_range),
	    T(test_drain_range),
	    T(test_db_path),
	    T(test_web_root),
	    T(test_public_base_url),
	    T(test_rate_limit_keys),
	    T(test_deployment),
	    T(test_log_requests),
	    T(test_bad_key),
	    T(test_file_values),
	    T(test_file_partial_keeps_defaults),
	    T(test_file_unknown_key),
	    T(test_file_bad_value),
	    T(test_file_syntax_error),
	    T(test_file_missing),
	    T(test_env_overrides_file),
	    T(test_env_every_key),
	    T(test_env_bad_value),
	    T(test_print),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
