#include "jsonw.h"

#include "strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "num.h"
#include "strmap.h"
#include "times.h"
#include "utf8.h"

void
mlw_jw_open(struct mlw_buf *b, char c)
{
	mlw_buf_addc(b, c);
}

void
mlw_jw_close(struct mlw_buf *b, char c)
{
	mlw_buf_addc(b, c);
}

void
mlw_jw_sep(struct mlw_buf *b)
{
	if (b->len && b->p[b->len - 1] != '[' && b->p[b->len - 1] != '{')
		mlw_buf_addc(b, ',');
}

void
mlw_jw_key(struct mlw_buf *b, const char *key)
{
	mlw_jw_sep(b);
	mlw_jw_str(b, key, strlen(key));
	mlw_buf_addc(b, ':');
}

/* s escaped as in a JSON string: control characters as \n, \t, \u0000
 * ...; with json, also '"' and '\\'; bytes that are not UTF-8 as U+FFFD. */
static void
put_text(struct mlw_buf *b, const char *s, size_t n, int json)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i, run = 0;

	if (n == 0)
		return;         /* s may be NULL: an empty buffer's text */
	for (i = 0; i < n; i++) {
		unsigned char c = u[i];
		char e[6];
		size_t el = 2, k;

		if (c >= 0x20 && c < 0x7F && (!json || (c != '"' && c != '\\')))
			continue;
		if (c >= 0x80) {
			if ((k = mlw_utf8_len(u + i, u + n)) != 0) {
				i += k - 1;
				continue;
			}
			/* not UTF-8 (an argument, a file name): U+FFFD */
			mlw_buf_add(b, s + run, i - run);
			run = i + 1;
			mlw_buf_add(b, "\xEF\xBF\xBD", 3);
			continue;
		}
		if (c == 0x7F && json)
			continue;       /* DEL needs no escape in JSON */
		mlw_buf_add(b, s + run, i - run);
		run = i + 1;
		e[0] = '\\';
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		default:
			memcpy(e + 1, "u00", 3);
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			el = 6;
		}
		mlw_buf_add(b, e, el);
	}
	mlw_buf_add(b, s + run, n - run);
}

void
mlw_jw_str(struct mlw_buf *b, const char *s, size_t n)
{
	mlw_buf_reserve(b, n + 2);
	b->p[b->len++] = '"';
	put_text(b, s, n, 1);
	mlw_buf_addc(b, '"');
}

void
mlw_jw_cell(struct mlw_buf *b, const char *s, size_t n)
{
	put_text(b, s, n, 0);
}

int
mlw_jw_num(struct mlw_buf *b, double x)
{
	char t[MLW_NUM_MAX];

	if (x != x || x - x != 0) {
		mlw_buf_add(b, "null", 4);
		return -1;
	}
	mlw_buf_add(b, t, mlw_num_format(x, t));
	return 0;
}

void
mlw_jw_strs(struct mlw_buf *b, const struct mlw_strmap *m)
{
	size_t k;

	mlw_jw_open(b, '[');
	for (k = 0; k < m->n; k++) {
		mlw_jw_sep(b);
		mlw_jw_str(b, m->ent[k].s, m->ent[k].len);
	}
	mlw_jw_close(b, ']');
}

void
mlw_jw_nums(struct mlw_buf *b, const double *v, size_t n)
{
	size_t k;

	mlw_jw_open(b, '[');
	for (k = 0; k < n; k++) {
		mlw_jw_sep(b);
		mlw_jw_num(b, v[k]);
	}
	mlw_jw_close(b, ']');
}

void
mlw_jw_uints(struct mlw_buf *b, const uint64_t *v, size_t n)
{
	size_t k;

	mlw_jw_open(b, '[');
	for (k = 0; k < n; k++) {
		mlw_jw_sep(b);
		mlw_jw_uint(b, v[k]);
	}
	mlw_jw_close(b, ']');
}

void
mlw_jw_int(struct mlw_buf *b, long long v)
{
	char t[32];
	int n = snprintf(t, sizeof t, "%lld", v);

	mlw_buf_add(b, t, (size_t)n);
}

void
mlw_jw_uint(struct mlw_buf *b, uint64_t v)
{
	char t[32];
	int n = snprintf(t, sizeof t, "%llu", (unsigned long long)v);

	mlw_buf_add(b, t, (size_t)n);
}

void
mlw_jw_null(struct mlw_buf *b)
{
	mlw_buf_add(b, "null", 4);
}

void
mlw_jw_time(struct mlw_buf *b, int64_t ns)
{
	char t[MLW_TIME_MAX];
	size_t n = mlw_time_format(ns, t);

	mlw_buf_reserve(b, n + 2);
	b->p[b->len++] = '"';
	mlw_buf_add(b, t, n);
	b->p[b->len++] = '"';
}

void
mlw_jw_raw(struct mlw_buf *b, const struct mlw_json *doc, uint32_t i)
{
	mlw_buf_add(b, doc->src + doc->tok[i].start, doc->tok[i].len);
}

static int
omitted(const struct mlw_json *doc, uint32_t key, const char *const *omit,
    size_t nomit)
{
	size_t j;

	for (j = 0; j < nomit; j++)
		if (mlw_json_streq(doc, key, omit[j], strlen(omit[j])))
			return 1;
	return 0;
}

void
mlw_jw_copy_open(struct mlw_buf *b, const struct mlw_json *doc,
    const char *const *omit, size_t nomit)
{
	const struct mlw_jtok *tok = doc->tok;
	uint32_t i, end = tok[0].next;
	int any = 0;

	for (i = 1; i < end && nomit; i = tok[i + 1].next)
		if (omitted(doc, i, omit, nomit)) {
			any = 1;
			break;
		}
	if (!any) {
		/* the object's text up to its closing brace, trailing
		 * white space removed */
		size_t n = tok[0].len - 1;
		const char *s = doc->src + tok[0].start;

		while (n > 1 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
		    s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		mlw_buf_add(b, s, n);
		return;
	}
	mlw_buf_addc(b, '{');
	for (i = 1; i < end; i = tok[i + 1].next) {
		const struct mlw_jtok *v = &tok[i + 1];

		if (omitted(doc, i, omit, nomit))
			continue;
		mlw_jw_sep(b);
		mlw_buf_add(b, doc->src + tok[i].start,
		    v->start + v->len - tok[i].start);
	}
}
