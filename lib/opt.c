#include "opt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "io.h"
#include "key.h"
#include "num.h"
#include "xalloc.h"

void
mlw_usage_error(const char *usage)
{
	size_t n = strcspn(usage, "\n");

	fprintf(stderr, "usage: %.*s%s (see %s --help)\n", (int)n, usage,
	    usage[n] ? " ..." : "", mlw_prog());
	exit(MLW_EXIT_FATAL);
}

void
mlw_version(void)
{
	printf("%s %s\n", mlw_prog(), MLW_VERSION);
	mlw_out_close();
	exit(MLW_EXIT_OK);
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
mlw_path_opt(struct mlw_path *p, const char *opt, const char *val,
    const char *usage)
{
	if (mlw_path_parse(p, val) < 0) {
		mlw_warnx("%s: %s, found '%s'", opt, MLW_PATH_EXPECTED, val);
		mlw_usage_error(usage);
	}
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
	long long v;

	switch (ch) {
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
		if (mlw_int_strict(arg, 1, 1000000000, &v) < 0) {
			mlw_warnx("--max-keys: expected a whole number from 1 "
			    "to 1000000000, found '%s'", arg);
			fprintf(stderr, "usage: see %s --help\n", mlw_prog());
			exit(MLW_EXIT_FATAL);
		}
		mlw_key_set_max((size_t)v);
		return 1;
	default:
		return 0;
	}
}

char **
mlw_list_opt(const char *opt, const char *arg, char **old, size_t *n,
    const char *usage)
{
	char **l;

	mlw_free_list(old, *n);
	l = mlw_split_list(arg, n);

	if (l == NULL) {
		mlw_warnx("%s: invalid list '%s'", opt, arg);
		mlw_usage_error(usage);
	}
	return l;
}
