#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "num.h"
#include "source.h"
#include "utf8.h"
#include "xalloc.h"


/* States of the record scanner. */
enum { S_START, S_PLAIN, S_QUOTED, S_QUOTE };

struct mlw_csv_reader {
	struct mlw_source src;
	uint64_t lineno;        /* LFs consumed in the current file */
	int bomcheck, first;
	char delim;
	uint64_t skip, toskip;  /* records to drop at the start of a file */
	struct mlw_csv_fields fields;
};

struct mlw_csv_reader *
mlw_csv_open(char *const *files, int n, char delim)
{
	struct mlw_csv_reader *r = mlw_xcalloc(1, sizeof *r);

	mlw_source_init(&r->src, files, n);
	r->delim = delim;
	return r;
}

void
mlw_csv_skip(struct mlw_csv_reader *r, uint64_t n)
{
	r->skip = n;
	r->toskip = n;
}

void
mlw_csv_close(struct mlw_csv_reader *r)
{
	if (r == NULL)
		return;
	mlw_source_free(&r->src);
	mlw_csv_fields_free(&r->fields);
	free(r);
}

void
mlw_csv_fields_free(struct mlw_csv_fields *f)
{
	free(f->f);
	free(f->off);
	mlw_buf_free(&f->data);
	memset(f, 0, sizeof *f);
}

int
mlw_csv_next(struct mlw_csv_reader *r, struct mlw_csv_rec *rec)
{
	for (;;) {
		size_t scan = 0, nl = 0, skipped = 0, len;
		int st = S_START, found = 0, skipping = 0;
		char *p;

		if (r->src.fd < 0) {
			if (!mlw_source_open(&r->src))
				return 0;
			r->lineno = 0;
			r->bomcheck = 1;
			r->first = 1;
			r->toskip = r->skip;
		}
		if (r->bomcheck) {
			/* wait for three bytes only while they could be
			 * a byte-order mark */
			while (r->src.end - r->src.start < 3 &&
			    memcmp(r->src.buf + r->src.start, "\xEF\xBB\xBF",
			    r->src.end - r->src.start) == 0 && mlw_source_fill(&r->src) > 0)
				;
			if (r->src.end - r->src.start >= 3 &&
			    memcmp(r->src.buf + r->src.start, "\xEF\xBB\xBF", 3) == 0)
				r->src.start += 3;
			r->bomcheck = 0;
		}
		for (;;) {
			size_t n = r->src.end - r->src.start;

			p = r->src.buf + r->src.start;
			for (; scan < n; scan++) {
				char c = p[scan];

				if (c == '\n') {
					if (st != S_QUOTED) {
						found = 1;
						break;
					}
					nl++;
				} else if (c == '"') {
					st = st == S_START ? S_QUOTED :
					    st == S_QUOTED ? S_QUOTE :
					    st == S_QUOTE ? S_QUOTED : st;
				} else if (c == r->delim && st != S_QUOTED) {
					st = S_START;
				} else if (st != S_QUOTED) {
					st = S_PLAIN;
				}
			}
			if (found)
				break;
			if (!skipping && scan > MLW_CSV_RECORD_MAX) {
				skipping = 1;
			}
			if (skipping) {
				/* copy what we have to the rejects file and
				 * forget it */
				mlw_rejects_write(p, scan);
				skipped += scan;
				r->src.start += scan;
				scan = 0;
			}
			if (mlw_source_fill(&r->src) == 0)
				break;
		}
		p = r->src.buf + r->src.start;
		rec->file = r->src.name;
		rec->lineno = r->lineno + 1;
		rec->first = r->first;
		rec->err = NULL;
		rec->blank = 0;
		rec->fields = &r->fields;
		r->lineno += nl + (found ? 1 : 0);
		if (!found && scan == 0 && !skipping) {
			/* end of this file */
			mlw_source_close(&r->src);
			continue;
		}
		r->src.start += scan + (found ? 1 : 0);
		if (r->toskip > 0) {
			/* --skip-lines: an over-long one is still rejected,
			 * since its bytes are already in the rejects file */
			r->toskip--;
			if (!skipping)
				continue;
		}
		if (skipping) {
			mlw_rejects_write(p, scan);
			mlw_rejects_write("\n", 1);
			r->first = 0;
			rec->raw = NULL;
			rec->rawlen = 0;
			snprintf(rec->errbuf, sizeof rec->errbuf,
			    "record longer than %u bytes (%zu bytes)%s",
			    MLW_CSV_RECORD_MAX, skipped + scan,
			    st == S_QUOTED ? ", and a quoted field is not "
			    "closed at the end of the file" : "");
			rec->err = rec->errbuf;
			return 1;
		}
		rec->raw = p;
		rec->rawlen = scan;
		len = scan;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len == 0) {
			/* an empty line: one empty field, which only the
			 * caller, knowing the header, can take or skip; it
			 * does not end the lines before a header */
			rec->blank = 1;
			mlw_csv_split(p, 0, r->delim, &r->fields, rec->errbuf,
			    sizeof rec->errbuf);
			return 1;
		}
		r->first = 0;
		if (len > MLW_CSV_RECORD_MAX) {
			snprintf(rec->errbuf, sizeof rec->errbuf,
			    "record longer than %u bytes (%zu bytes)",
			    MLW_CSV_RECORD_MAX, len);
			rec->err = rec->errbuf;
			return 1;
		}
		if (mlw_csv_split(p, len, r->delim, &r->fields, rec->errbuf,
		    sizeof rec->errbuf) < 0)
			rec->err = rec->errbuf;
		return 1;
	}
}

static void
push_field(struct mlw_csv_fields *out, size_t off, int quoted)
{
	if (out->n == out->cap) {
		size_t ncap = out->cap ? out->cap * 2 : 64;
		struct mlw_csv_field *nf = mlw_xrealloc(out->f,
		    ncap * sizeof *nf);
		size_t *no = mlw_xrealloc(out->off, ncap * sizeof *no);

		if (nf)
			out->f = nf;
		if (no)
			out->off = no;
		out->cap = ncap;
	}
	out->off[out->n] = off;
	out->f[out->n].len = out->data.len - off;
	out->f[out->n].quoted = quoted;
	out->n++;
	mlw_buf_addc(&out->data, '\0');
}

int
mlw_csv_split(const char *s, size_t len, char delim,
    struct mlw_csv_fields *out, char *err, size_t errcap)
{
	size_t i = 0, k;

	out->n = 0;
	out->data.len = 0;
	mlw_buf_reserve(&out->data, len + 1);
	for (;;) {
		size_t off = out->data.len;
		int quoted = 0;

		if (i < len && s[i] == '"') {
			quoted = 1;
			i++;
			for (;;) {
				const char *q = memchr(s + i, '"', len - i);

				if (q == NULL) {
					snprintf(err, errcap, "field %zu: a quoted "
					    "field is not closed at the end of "
					    "the file", out->n + 1);
					return -1;
				}
				mlw_buf_add(&out->data, s + i, (size_t)(q - s) - i);
				i = (size_t)(q - s) + 1;
				if (i < len && s[i] == '"') {
					mlw_buf_addc(&out->data, '"');
					i++;
					continue;
				}
				break;
			}
			if (i < len && s[i] != delim) {
				snprintf(err, errcap, "field %zu: text after "
				    "the closing quote", out->n + 1);
				return -1;
			}
		} else {
			const char *d = memchr(s + i, delim, len - i);
			size_t e = d ? (size_t)(d - s) : len;

			mlw_buf_add(&out->data, s + i, e - i);
			i = e;
		}
		push_field(out, off, quoted);
		if (i < len) {          /* at a delimiter */
			i++;
			continue;
		}
		break;
	}
	for (k = 0; k < out->n; k++) {
		long bad;

		out->f[k].p = out->data.p + out->off[k];
		bad = mlw_utf8_check(out->f[k].p, out->f[k].len);
		if (bad >= 0) {
			snprintf(err, errcap, "field %zu: invalid UTF-8 "
			    "(byte 0x%02x)", k + 1,
			    (unsigned char)out->f[k].p[bad]);
			return -1;
		}
	}
	return 0;
}

void
mlw_csv_put(struct mlw_buf *b, const char *s, size_t n, char delim)
{
	size_t i;
	/* a leading { too: the reader takes a header that begins with an
	 * unquoted { for JSON Lines given by mistake */
	int q = n == 0 || s[0] == '{' ||
	    (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0);

	for (i = 0; i < n && !q; i++)
		if (s[i] == delim || s[i] == '"' || s[i] == '\n' ||
		    s[i] == '\r')
			q = 1;
	if (!q) {
		mlw_buf_add(b, s, n);
		return;
	}
	mlw_buf_reserve(b, n + 2);
	mlw_buf_addc(b, '"');
	for (;;) {
		const char *e = memchr(s, '"', n);
		size_t k = e ? (size_t)(e - s) + 1 : n;

		mlw_buf_add(b, s, k);
		if (e == NULL)
			break;
		mlw_buf_addc(b, '"');
		s += k;
		n -= k;
	}
	mlw_buf_addc(b, '"');
}

int
mlw_csv_is_number(const char *s, size_t n)
{
	size_t i = 0;
	double d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		i++;
		if (!(i < n && s[i] >= '0' && s[i] <= '9'))
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!(i < n && s[i] >= '0' && s[i] <= '9'))
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i != n)
		return 0;
	return mlw_num_parse(s, n, &d) == 0;
}

void
mlw_json_compact(struct mlw_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	mlw_buf_reserve(b, n);
	while (i < n) {
		char c = s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			i++;
			continue;
		}
		if (c == '"') {
			size_t j = i + 1;

			while (j < n && s[j] != '"')
				j += s[j] == '\\' ? 2 : 1;
			if (j >= n)
				j = n - 1;
			mlw_buf_add(b, s + i, j + 1 - i);
			i = j + 1;
			continue;
		}
		b->p[b->len++] = c;
		i++;
	}
}
