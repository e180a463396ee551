#include "track_filter.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "xalloc.h"

/* ---- MLflow filters into the expression language ---- */

static int
isname(int c)
{
	return isalnum(c) || c == '_';
}

static int
kw(const char *w, size_t n, const char *k)
{
	size_t i;

	if (n != strlen(k))
		return 0;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)w[i]) != k[i])
			return 0;
	return 1;
}

/* Append name (n bytes) to b escaped for mlw_path_parse(): a backslash
 * before every character that is not a letter, digit or _. */
static void
path_seg(struct mlw_buf *b, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isname((unsigned char)name[i]))
			mlw_buf_addc(b, '\\');
		mlw_buf_addc(b, name[i]);
	}
}

static size_t
add_alias(struct mlw_filter *f, int like, const char *path, size_t plen,
    const char *pat, size_t patlen)
{
	struct mlw_falias *a;

	f->a = mlw_xrealloc(f->a, (f->n + 1) * sizeof *f->a);
	a = &f->a[f->n];
	a->like = like;
	a->path = mlw_xstrndup(path, plen);
	a->pat = pat ? mlw_xstrndup(pat, patlen) : NULL;
	return f->n++;
}

/* Emit the field prefix.key (prefix NULL: key is a path as written): as an
 * expression path when it can be one, else as an alias. */
static void
emit_name(struct mlw_filter *f, const char *prefix, const char *key,
    size_t n, struct mlw_buf *path)
{
	struct mlw_buf *out = &f->text;
	size_t i, ok = 1;
	char nb[32];

	path->len = 0;
	if (prefix == NULL) {
		mlw_buf_add(path, key, n);
		mlw_buf_add(out, key, n);
		mlw_buf_addc(path, '\0');
		path->len--;
		return;
	}
	if (*prefix) {
		mlw_buf_adds(path, prefix);
		mlw_buf_addc(path, '.');
	}
	path_seg(path, key, n);
	mlw_buf_addc(path, '\0');
	path->len--;
	for (i = 0; i < n; i++)
		if (!isname((unsigned char)key[i]) && key[i] != '.')
			ok = 0;
	if (!ok || n == 0) {
		snprintf(nb, sizeof nb, "__mlw.a%zu", add_alias(f, 0, path->p,
		    path->len, NULL, 0));
		mlw_buf_adds(out, nb);
		return;
	}
	if (*prefix) {
		mlw_buf_adds(out, prefix);
		mlw_buf_addc(out, '.');
	}
	for (i = 0; i < n; i++) {
		if (key[i] == '.')
			mlw_buf_addc(out, '\\');
		mlw_buf_addc(out, key[i]);
	}
}

int
mlw_filter_translate(const char *src, struct mlw_filter *f, char *err,
    size_t errlen)
{
	const char *p = src;
	struct mlw_buf key = { 0 }, path = { 0 }, lastpath = { 0 };
	size_t name_start = 0, name_end = (size_t)-1;
	struct mlw_buf *out = &f->text;
	int rc = -1, not_like = 0;

	out->len = 0;
	while (*p) {
		const char *s = p;

		if (*p == '\'' || *p == '"') {          /* strings verbatim */
			char q = *p++;

			while (*p && *p != q) {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (*p)
				p++;
			mlw_buf_add(out, s, (size_t)(p - s));
		} else if (*p == '=' && p[1] == '=') {
			mlw_buf_adds(out, "==");
			p += 2;
		} else if (*p == '=') {
			mlw_buf_adds(out, "==");
			p++;
		} else if ((*p == '!' || *p == '<' || *p == '>') && p[1] == '=') {
			mlw_buf_add(out, p, 2);
			p += 2;
		} else if (*p == '<' && p[1] == '>') {
			mlw_buf_adds(out, "!=");
			p += 2;
		} else if (isname((unsigned char)*p) || *p == '`' ||
		    (*p == '\\' && p[1] == '.')) {
			/* a name: parts of [A-Za-z0-9_], "\." and `...` */
			const char *dot = NULL, *prefix;
			int quoted = 0;
			size_t n, plen, start = out->len;
			char *sep;

			key.len = 0;
			while (*p) {
				if (*p == '`') {
					const char *e = strchr(p + 1, '`');

					if (e == NULL) {
						snprintf(err, errlen, "column "
						    "%zu: expected a closing "
						    "backquote", (size_t)(p -
						    src) + 1);
						goto out;
					}
					mlw_buf_add(&key, p + 1,
					    (size_t)(e - p - 1));
					quoted = 1;
					p = e + 1;
				} else if (*p == '\\' && p[1] == '.') {
					mlw_buf_addc(&key, '.');
					quoted = 1;
					p += 2;
				} else if (*p == '.' && dot == NULL && !quoted) {
					dot = p;
					mlw_buf_addc(&key, '\x01');
					p++;
				} else if (isname((unsigned char)*p) ||
				    *p == '.')
					mlw_buf_addc(&key, *p++);
				else
					break;
			}
			mlw_buf_addc(&key, '\0');
			n = strlen(key.p);
			sep = strchr(key.p, '\x01');
			plen = sep ? (size_t)(sep - key.p) : n;
			if (plen == n) {        /* no entity prefix */
				const char *w = key.p;
				int like = kw(w, n, "like") ? 1 :
				    kw(w, n, "ilike") ? 2 : 0;

				if (kw(w, n, "and"))
					mlw_buf_adds(out, "&&");
				else if (kw(w, n, "or"))
					mlw_buf_adds(out, "||");
				else if (kw(w, n, "not")) {
					const char *q = p, *e;

					while (*q == ' ' || *q == '\t')
						q++;
					for (e = q; isname((unsigned char)*e);
					    e++)
						;
					if (kw(q, (size_t)(e - q), "like") ||
					    kw(q, (size_t)(e - q), "ilike"))
						not_like = 1;
					else
						mlw_buf_adds(out, "!");
				} else if (like) {
					const char *q;
					struct mlw_buf pat = { 0 };
					char nb[48];
					size_t k;

					for (k = name_end; k < out->len &&
					    (out->p[k] == ' ' || out->p[k] ==
					    '\t'); k++)
						;
					if (name_end == (size_t)-1 ||
					    k != out->len) {
						snprintf(err, errlen, "column "
						    "%zu: expected a field "
						    "before %.*s", (size_t)(s -
						    src) + 1, (int)n, w);
						goto out;
					}
					while (*p == ' ' || *p == '\t')
						p++;
					if (*p != '\'' && *p != '"') {
						snprintf(err, errlen, "column "
						    "%zu: expected a quoted "
						    "pattern after %.*s",
						    (size_t)(p - src) + 1,
						    (int)n, w);
						goto out;
					}
					for (q = p + 1; *q && *q != *p; q++) {
						if (*q == '\\' && q[1])
							q++;
						mlw_buf_addc(&pat, *q);
					}
					if (*q != *p) {
						mlw_buf_free(&pat);
						snprintf(err, errlen, "column "
						    "%zu: expected a closing "
						    "quote", (size_t)(q - src) +
						    1);
						goto out;
					}
					p = q + 1;
					out->len = name_start;
					snprintf(nb, sizeof nb, "__mlw.a%zu == "
					    "%s", add_alias(f, like,
					    lastpath.p, lastpath.len, pat.p ?
					    pat.p : "", pat.len), not_like ?
					    "false" : "true");
					mlw_buf_adds(out, nb);
					not_like = 0;
					mlw_buf_free(&pat);
					name_end = (size_t)-1;
				} else if (kw(w, n, "in") || kw(w, n, "is")) {
					snprintf(err, errlen, "column %zu: "
					    "%.*s is not supported (use ==, "
					    "!=, <, <=, >, >=, LIKE, ILIKE)",
					    (size_t)(s - src) + 1, (int)n, w);
					goto out;
				} else if (quoted) {
					emit_name(f, "", w, n, &path);
					goto named;
				} else {
					emit_name(f, NULL, s, (size_t)(p - s),
					    &path);
					goto named;
				}
				continue;
			}
			if (kw(key.p, plen, "metrics") || kw(key.p, plen,
			    "metric"))
				prefix = "metrics";
			else if (kw(key.p, plen, "params") || kw(key.p, plen,
			    "param"))
				prefix = "params";
			else if (kw(key.p, plen, "tags") || kw(key.p, plen, "tag"))
				prefix = "tags";
			else if (kw(key.p, plen, "attributes") || kw(key.p, plen,
			    "attribute") || kw(key.p, plen, "attr") ||
			    kw(key.p, plen, "run"))
				prefix = "";
			else {
				/* another path (git.commit): as written */
				emit_name(f, NULL, s, (size_t)(p - s), &path);
				goto named;
			}
			emit_name(f, prefix, key.p + plen + 1, n - plen - 1,
			    &path);
named:
			name_start = start;
			name_end = out->len;
			lastpath.len = 0;
			mlw_buf_add(&lastpath, path.p, path.len);
			continue;
		} else
			mlw_buf_addc(out, *p++);
	}
	mlw_buf_addc(out, '\0');
	out->len--;
	rc = 0;
out:
	mlw_buf_free(&key);
	mlw_buf_free(&path);
	mlw_buf_free(&lastpath);
	return rc;
}

void
mlw_filter_free(struct mlw_filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->a[i].path);
		free(f->a[i].pat);
	}
	free(f->a);
	mlw_buf_free(&f->text);
	memset(f, 0, sizeof *f);
}

/* SQL LIKE: % any run of characters, _ one character (a byte); icase
 * folds ASCII letters. */
static int
like_match(const char *s, size_t n, const char *p, int icase)
{
	for (; *p; p++) {
		if (*p == '%') {
			size_t k;

			while (p[1] == '%')
				p++;
			if (p[1] == '\0')
				return 1;
			for (k = 0; k <= n; k++)
				if (like_match(s + k, n - k, p + 1, icase))
					return 1;
			return 0;
		}
		if (n == 0)
			return 0;
		if (*p != '_' && (icase ? tolower((unsigned char)*p) !=
		    tolower((unsigned char)*s) : *p != *s))
			return 0;
		s++;
		n--;
	}
	return n == 0;
}

void
mlw_filter_extend(const struct mlw_filter *f, const struct mlw_json *doc,
    struct mlw_buf *b)
{
	struct mlw_buf cat = { 0 };
	size_t i;
	char nb[32];

	b->len = 0;
	mlw_buf_add(b, doc->src, doc->srclen - 1);     /* without its } */
	if (b->len > 1)
		mlw_buf_addc(b, ',');
	mlw_buf_adds(b, "\"__mlw\":{");
	for (i = 0; i < f->n; i++) {
		struct mlw_path p;
		long t = -1;

		if (mlw_path_parse(&p, f->a[i].path) == 0) {
			t = mlw_json_get(doc, 0, &p);
			mlw_path_free(&p);
		}
		snprintf(nb, sizeof nb, "%s\"a%zu\":", i ? "," : "", i);
		mlw_buf_adds(b, nb);
		if (mlw_json_missing(doc, t))
			mlw_buf_adds(b, "null");
		else if (f->a[i].like == 0)
			mlw_jw_raw(b, doc, (uint32_t)t);
		else if (mlw_key_category(&cat, doc, t) < 0)
			mlw_buf_adds(b, "null");
		else
			mlw_buf_adds(b, like_match(cat.p, cat.len, f->a[i].pat,
			    f->a[i].like == 2) ? "true" : "false");
	}
	mlw_buf_adds(b, "}}");
	mlw_buf_free(&cat);
}
