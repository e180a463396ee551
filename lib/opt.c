#include "opt.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "json.h"
#include "key.h"
#include "num.h"
#include "out.h"
#include "times.h"
#include "xalloc.h"

static const char *usage_text = "";

char *
mlw_opt_init(char *argv0, const char *usage)
{
	usage_text = usage;
	return mlw_diag_init(argv0);
}

void
mlw_usage(void)
{
	size_t n = strcspn(usage_text, "\n");

	fprintf(stderr, "usage: %.*s%s (see %s --help)\n", (int)n, usage_text,
	    usage_text[n] ? " ..." : "", mlw_prog());
	exit(MLW_EXIT_FATAL);
}

void
mlw_opt_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", mlw_prog());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	mlw_usage();
}

void
mlw_opt_bad(const char *opt, const char *expected, const char *val)
{
	mlw_opt_error("%s: expected %s, found '%s'", opt, expected, val);
}

void
mlw_help(void)
{
	printf("usage: %s\n", usage_text);
	mlw_out_close();
	exit(MLW_EXIT_OK);
}

void
mlw_version(void)
{
	printf("%s %s\n", mlw_prog(), MLW_VERSION);
	mlw_out_close();
	exit(MLW_EXIT_OK);
}

long long
mlw_opt_int(const char *opt, const char *val, long long lo, long long hi,
    const char *expected)
{
	char e[96];
	long long v;

	if (mlw_int_strict(val, lo, hi, &v) == 0)
		return v;
	if (expected == NULL) {
		snprintf(e, sizeof e, "a whole number from %lld to %lld", lo,
		    hi);
		expected = e;
	}
	mlw_opt_bad(opt, expected, val);
}

double
mlw_opt_num(const char *opt, const char *val, double lo, double hi,
    const char *expected)
{
	char e[96];
	double v;

	if (mlw_num_strict(val, &v) == 0 && v >= lo && v <= hi)
		return v;
	if (expected == NULL) {
		if (isinf(lo) && isinf(hi))
			snprintf(e, sizeof e, "a number");
		else if (isinf(hi))
			snprintf(e, sizeof e, "a number from %g", lo);
		else
			snprintf(e, sizeof e, "a number from %g to %g", lo, hi);
		expected = e;
	}
	mlw_opt_bad(opt, expected, val);
}

int64_t
mlw_opt_duration(const char *opt, const char *val, int64_t lo, int64_t hi,
    const char *expected)
{
	int64_t v;

	if (mlw_duration_parse(val, &v) == 0 && v >= lo && v <= hi)
		return v;
	mlw_opt_bad(opt, expected ? expected : "a duration like 1h", val);
}

size_t
mlw_opt_nums(const char *opt, const char *val, double lo, double hi,
    double *out, size_t max, const char *expected)
{
	size_t n, i;
	char **list = mlw_split_list(val, &n), e[128];

	if (list == NULL || n > max) {
		snprintf(e, sizeof e, "1 to %zu %s", max, expected);
		mlw_opt_bad(opt, e, val);
	}
	for (i = 0; i < n; i++)
		out[i] = mlw_opt_num(opt, list[i], lo, hi, expected);
	mlw_free_list(list, n);
	return n;
}

int
mlw_opt_choice(const char *opt, const char *val, const char *const *names,
    const char *expected)
{
	struct mlw_buf e = { 0 };
	int i;

	for (i = 0; names[i]; i++)
		if (strcmp(val, names[i]) == 0)
			return i;
	if (expected == NULL) {
		for (i = 0; names[i]; i++) {
			if (i)
				mlw_buf_adds(&e, names[i + 1] ? ", " : " or ");
			mlw_buf_adds(&e, names[i]);
		}
		mlw_buf_addc(&e, '\0');
		expected = e.p;
	}
	mlw_opt_bad(opt, expected, val);
}

char **
mlw_split_list(const char *s, size_t *np)
{
	size_t len = strlen(s), n = 0, i, k = 0;
	char **list = mlw_xcalloc(len + 1, sizeof *list);
	char *cur = mlw_xmalloc(len + 1);

	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == ',') {
			/* blanks around an entry are a space after a comma,
			 * never part of a name */
			while (k > 0 && (cur[k - 1] == ' ' || cur[k - 1] == '\t') &&
			    !(k > 1 && cur[k - 2] == '\\'))
				k--;
			cur[k] = '\0';
			if (k == 0) {
				free(cur);
				mlw_free_list(list, n);
				return NULL;
			}
			list[n++] = cur;
			if (i < len)
				cur = mlw_xmalloc(len + 1);
			k = 0;
			continue;
		}
		if (k == 0 && (s[i] == ' ' || s[i] == '\t'))
			continue;
		if (s[i] == '\\' && i + 1 < len) {
			/* keep the escape: paths read "\," as a comma */
			cur[k++] = s[i++];
		}
		cur[k++] = s[i];
	}
	*np = n;
	return list;
}

void
mlw_path_opt(struct mlw_path *p, const char *opt, const char *val)
{
	if (mlw_path_parse(p, val) < 0)
		mlw_opt_error("%s: %s, found '%s'", opt, MLW_PATH_EXPECTED, val);
}

struct mlw_path *
mlw_paths_opt(const char *opt, char *const *list, size_t n)
{
	struct mlw_path *p = mlw_xcalloc(n, sizeof *p);
	size_t i;

	for (i = 0; i < n; i++)
		mlw_path_opt(&p[i], opt, list[i]);
	return p;
}

void
mlw_paths_free(struct mlw_path *p, size_t n)
{
	size_t i;

	for (i = 0; p && i < n; i++)
		mlw_path_free(&p[i]);
	free(p);
}

void
mlw_free_list(char **list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int
mlw_common_opt(int ch, const char *arg)
{
	switch (ch) {
	case 'h':
		mlw_help();
	case MLW_OPT_REJECTS:
		if (mlw_rejects_open(arg) < 0)
			mlw_fatal_errno("%s", arg);
		return 1;
	case MLW_OPT_STRICT:
		mlw_set_strict(1);
		return 1;
	case MLW_OPT_VERSION:
		mlw_version();
	case MLW_OPT_MAX_KEYS:
		mlw_key_set_max((size_t)mlw_opt_int("--max-keys", arg, 1,
		    1000000000, NULL));
		return 1;
	default:
		return 0;
	}
}

char **
mlw_list_opt(const char *opt, const char *arg, char **old, size_t *n)
{
	char **l;

	mlw_free_list(old, *n);
	if ((l = mlw_split_list(arg, n)) == NULL)
		mlw_opt_error("%s: invalid list '%s'", opt, arg);
	return l;
}
