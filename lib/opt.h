/* opt: helpers for command lines (conventions §6). */
#ifndef MLW_OPT_H
#define MLW_OPT_H

#include <stddef.h>

#include "json.h"

#define MLW_VERSION "0.1.0"

/* Print one line of usage (the first line of usage, then "... (see PROG
 * --help)") to standard error, then exit 2. */
_Noreturn void mlw_usage_error(const char *usage);
/* Print "PROG MLW_VERSION" to standard output and exit 0. */
_Noreturn void mlw_version(void);
/* Split a comma-separated list; "\," does not split (the backslash is
 * kept, so that a path "b\,c" names the member "b,c"); spaces and tabs
 * around an entry are dropped; entries are fresh strings; empty entries
 * are an error (NULL). */
char **mlw_split_list(const char *s, size_t *n);
void mlw_free_list(char **list, size_t n);

/* What a path must be, for messages about one that is not:
 * "OPT: expected a field path (...), found 'VALUE'". */
#define MLW_PATH_EXPECTED \
	"expected a field path (member names joined by dots, none empty)"
/* Parse the value val of option opt as a path into p, or print the one
 * message every program gives for a bad path and the usage line, and exit
 * 2. */
void mlw_path_opt(struct mlw_path *p, const char *opt, const char *val,
    const char *usage);

/* The options every program has, as getopt_long values (far above any
 * character): --rejects FILE, --strict, --version; and --max-keys N of the
 * programs that group records by key (lib/key.h). */
enum { MLW_OPT_REJECTS = 0x1000, MLW_OPT_STRICT, MLW_OPT_VERSION,
	MLW_OPT_MAX_KEYS };
/* The getopt_long entry of --max-keys. */
#define MLW_MAX_KEYS_OPTION { "max-keys", required_argument, NULL, \
	MLW_OPT_MAX_KEYS }
/* Handle ch when it is one of them (--version exits): 1, else 0. Call it
 * first in the option loop: if (mlw_common_opt(ch, optarg)) continue; */
int mlw_common_opt(int ch, const char *arg);
/* A comma-separated list option (mlw_split_list) replacing old (of *n
 * entries, freed; NULL for none: the last one given wins), or a usage
 * error that names the option. */
char **mlw_list_opt(const char *opt, const char *arg, char **old, size_t *n,
    const char *usage);

#endif
