/*
 * jinzhi version.
 */
#include <microhttpd.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <jansson.h>

#include "cli.h"

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("jinzhi %s (sqlite %s, libmicrohttpd %s, jansson %s, libsodium %s)\n", JZ_VERSION,
	       sqlite3_libversion(), MHD_get_version(), JANSSON_VERSION, sodium_version_string());
	return 0;
}

const struct cmd_entry cmd_version_entry = {
    "version", "version", "Prints the version and those of the libraries.", cmd_version};
