/* table.h: cases read from a table file of tests/tables, as in jq's
 * tests/NAME.test files: each case is a block of lines ended by a blank
 * line (or the end of the file); lines starting with '#' are comments. */
#ifndef MLW_TABLE_H
#define MLW_TABLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The directory of the tables, set by the Makefile. */
#ifndef MLW_TABLES
#define MLW_TABLES "tests/tables"
#endif

#define TABLE_LINES 8
#define TABLE_WIDTH 4096

struct table {
	FILE *f;
	const char *name;
	long lineno;             /* of the last line read */
	long first;              /* line of the case's first line */
	int n;                   /* lines of the case */
	char line[TABLE_LINES][TABLE_WIDTH];
};

/* Open tests/tables/NAME; exits 1 (a failed test run) when it cannot. */
static void
table_open(struct table *t, const char *name)
{
	char path[1024];

	memset(t, 0, sizeof *t);
	snprintf(path, sizeof path, "%s/%s", MLW_TABLES, name);
	if ((t->f = fopen(path, "r")) == NULL) {
		printf("not ok - cannot open %s\n", path);
		exit(1);
	}
	t->name = name;
}

/* The next case, of exactly n lines: 1, or 0 at the end of the table. A
 * case of another length is a broken table: exits 1. */
static int
table_next(struct table *t, int n)
{
	char buf[TABLE_WIDTH];

	t->n = 0;
	while (fgets(buf, sizeof buf, t->f)) {
		size_t len = strlen(buf);

		t->lineno++;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (buf[0] == '#')
			continue;
		if (len == 0) {
			if (t->n == 0)
				continue;
			break;
		}
		if (t->n == 0)
			t->first = t->lineno;
		if (t->n < n && t->n < TABLE_LINES)
			memcpy(t->line[t->n], buf, len + 1);
		t->n++;
	}
	if (t->n == 0) {
		fclose(t->f);
		return 0;
	}
	if (t->n != n || n > TABLE_LINES) {
		printf("not ok - %s:%ld: a case of %d lines, not %d\n", t->name,
		    t->first, t->n, n);
		exit(1);
	}
	return 1;
}

#endif
