/* opt: the command line of every program (mlw(7), COMMAND LINE): the
 * options all programs share, and option values read strictly, each bad
 * one a usage error that names the option and the value. */
#ifndef MLW_OPT_H
#define MLW_OPT_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define MLW_VERSION "0.1.0"

/* Start the command line: the program's name for messages (mlw_diag_init)
 * and its usage text (the SYNOPSIS lines, for --help and usage errors).
 * Returns the name, for argv[0], so that getopt's messages carry it. */
char *mlw_opt_init(char *argv0, const char *usage);

/* Print one line of usage (the first line of the usage text, then "...
 * (see PROG --help)") to standard error, then exit 2. */
_Noreturn void mlw_usage(void);
/* Print "PROG: " and the message, then one line of usage; exit 2. */
_Noreturn void mlw_opt_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* "OPT: expected EXPECTED, found 'VAL'" and the usage line; exit 2. */
_Noreturn void mlw_opt_bad(const char *opt, const char *expected,
    const char *val);
/* Print "usage: " and the usage text to standard output and exit 0. */
_Noreturn void mlw_help(void);
/* Print "PROG MLW_VERSION" to standard output and exit 0. */
_Noreturn void mlw_version(void);

/* The value of option opt read strictly (the whole string, in range), or
 * mlw_opt_bad(opt, expected, val): a decimal whole number in [lo, hi]; a
 * finite number in [lo, hi] (either bound may be infinite); a duration
 * (times.h) in [lo, hi] nanoseconds; the index of val in the NULL-ended
 * names (expected NULL: "a, b or c" from the names). */
long long mlw_opt_int(const char *opt, const char *val, long long lo,
    long long hi, const char *expected);
double mlw_opt_num(const char *opt, const char *val, double lo, double hi,
    const char *expected);
int64_t mlw_opt_duration(const char *opt, const char *val, int64_t lo,
    int64_t hi, const char *expected);
int mlw_opt_choice(const char *opt, const char *val,
    const char *const *names, const char *expected);

/* A comma-separated list of 1 to max numbers, each in [lo, hi], into out:
 * how many; or "OPT: expected EXPECTED, found 'ENTRY'" (EXPECTED such as
 * "numbers from 0 to 1"; "1 to MAX EXPECTED" and the whole value when it
 * is no list or too long) and the usage line. */
size_t mlw_opt_nums(const char *opt, const char *val, double lo, double hi,
    double *out, size_t max, const char *expected);

/* Split a comma-separated list; "\," does not split (the backslash is
 * kept, so that a path "b\,c" names the member "b,c"); spaces and tabs
 * around an entry are dropped; entries are fresh strings; empty entries
 * are an error (NULL). */
char **mlw_split_list(const char *s, size_t *n);
void mlw_free_list(char **list, size_t n);
/* A comma-separated list option (mlw_split_list) replacing old (of *n
 * entries, freed; NULL for none: the last one given wins), or a usage
 * error that names the option. */
char **mlw_list_opt(const char *opt, const char *arg, char **old, size_t *n);

/* What a path must be, for messages about one that is not:
 * "OPT: expected a field path (...), found 'VALUE'". */
#define MLW_PATH_EXPECTED \
	"expected a field path (member names joined by dots, none empty)"
/* Parse the value val of option opt as a path into p, or give the one
 * message every program gives for a bad path and the usage line; exit 2. */
void mlw_path_opt(struct mlw_path *p, const char *opt, const char *val);
/* The same for each entry of a list option: n paths, allocated. */
struct mlw_path *mlw_paths_opt(const char *opt, char *const *list,
    size_t n);
void mlw_paths_free(struct mlw_path *p, size_t n);

/* The options every program has, as getopt_long values (far above any
 * character): --rejects FILE, --strict, --version, and -h/--help ('h');
 * and --max-keys N of the programs that group records by key (key.h). */
enum { MLW_OPT_REJECTS = 0x1000, MLW_OPT_STRICT, MLW_OPT_VERSION,
	MLW_OPT_MAX_KEYS };
/* Their getopt_long entries, to list among a program's options. */
#define MLW_COMMON_OPTIONS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "rejects", required_argument, NULL, MLW_OPT_REJECTS }, \
	{ "strict", no_argument, NULL, MLW_OPT_STRICT }, \
	{ "version", no_argument, NULL, MLW_OPT_VERSION }
#define MLW_MAX_KEYS_OPTION { "max-keys", required_argument, NULL, \
	MLW_OPT_MAX_KEYS }
/* Handle ch when it is one of them (--help and --version exit): 1, else
 * 0. Call it first in the option loop:
 * if (mlw_common_opt(ch, optarg)) continue; */
int mlw_common_opt(int ch, const char *arg);

#endif
