#include "csv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "num.h"

#define CHUNK (256u * 1024u)

/* States of the record scanner. */
enum { S_START, S_PLAIN, S_QUOTED, S_QUOTE };

struct mlw_csv_reader {
	char *const *files;
	int nfiles, next;
	int fd;
	const char *name;
	uint64_t lineno;        /* LFs consumed in the current file */
	int bomcheck, eof, first;
	char delim;

	char *buf;
	size_t cap, start, end; /* unread data is buf[start, end) */

	struct mlw_csv_fields fields;
};

struct mlw_csv_reader *
mlw_csv_open(char *const *files, int n, char delim)
{
	struct mlw_csv_reader *r = calloc(1, sizeof *r);

	if (r == NULL)
		mlw_fatal("out of memory");
	r->files = files;
	r->nfiles = n;
	r->fd = -1;
	r->delim = delim;
	r->cap = CHUNK * 2;
	r->buf = malloc(r->cap + 1);
	if (r->buf == NULL)
		mlw_fatal("out of memory");
	return r;
}

void
mlw_csv_close(struct mlw_csv_reader *r)
{
	if (r == NULL)
		return;
	if (r->fd > 0)
		close(r->fd);
	free(r->buf);
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

static int
open_next(struct mlw_csv_reader *r)
{
	for (;;) {
		const char *f;

		if (r->nfiles == 0 && r->next == 0)
			f = "-";
		else if (r->next < r->nfiles)
			f = r->files[r->next];
		else
			return 0;
		r->next++;
		if (r->nfiles == 0)
			r->nfiles = -1;
		if (strcmp(f, "-") == 0) {
			r->fd = 0;
			r->name = "stdin";
		} else {
			mlw_out_flush();
			r->fd = open(f, O_RDONLY);
			r->name = f;
			if (r->fd < 0) {
				mlw_warn("%s", f);
				mlw_diag_set_failed();
				continue;
			}
		}
		r->lineno = 0;
		r->bomcheck = 1;
		r->first = 1;
		r->eof = 0;
		r->start = r->end = 0;
		return 1;
	}
}

/* Read more bytes after buf[end]; the unread data moves to the front.
 * Returns the bytes read, 0 at the end of the file (or on an error, which
 * is reported and makes the exit status 2). */
static size_t
fill(struct mlw_csv_reader *r)
{
	struct pollfd pfd;
	ssize_t n;

	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < CHUNK) {
		char *nb = realloc(r->buf, r->cap * 2 + 1);

		if (nb == NULL)
			mlw_fatal("out of memory");
		r->buf = nb;
		r->cap *= 2;
	}
	pfd.fd = r->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == 0)
		mlw_out_flush();        /* about to wait for input */
	for (;;) {
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n >= 0)
			break;
		if (errno == EINTR || errno == EAGAIN)
			continue;
		mlw_warn("%s", r->name);
		mlw_diag_set_failed();
		n = 0;
		break;
	}
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return (size_t)n;
}

int
mlw_csv_next(struct mlw_csv_reader *r, struct mlw_csv_rec *rec)
{
	for (;;) {
		size_t scan = 0, nl = 0, skipped = 0, len;
		int st = S_START, found = 0, skipping = 0;
		char *p;

		if (r->fd < 0 && !open_next(r))
			return 0;
		if (r->bomcheck) {
			while (r->end - r->start < 3 && fill(r) > 0)
				;
			if (r->end - r->start >= 3 &&
			    memcmp(r->buf + r->start, "\xEF\xBB\xBF", 3) == 0)
				r->start += 3;
			r->bomcheck = 0;
		}
		for (;;) {
			size_t n = r->end - r->start;

			p = r->buf + r->start;
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
				r->start += scan;
				scan = 0;
			}
			if (fill(r) == 0)
				break;
		}
		p = r->buf + r->start;
		rec->file = r->name;
		rec->lineno = r->lineno + 1;
		rec->first = r->first;
		rec->err = NULL;
		rec->fields = &r->fields;
		r->lineno += nl + (found ? 1 : 0);
		if (!found && scan == 0 && !skipping) {
			/* end of this file */
			if (r->fd > 0)
				close(r->fd);
			r->fd = -1;
			continue;
		}
		r->start += scan + (found ? 1 : 0);
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
		if (len == 0)
			continue;               /* an empty line */
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
		struct mlw_csv_field *nf = realloc(out->f, ncap * sizeof *nf);
		size_t *no = realloc(out->off, ncap * sizeof *no);

		if (nf)
			out->f = nf;
		if (no)
			out->off = no;
		if (nf == NULL || no == NULL)
			mlw_fatal("out of memory");
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
	int q = n == 0 || (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0);

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

long
mlw_utf8_check(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		unsigned lo = 0x80, hi = 0xBF;
		size_t len, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			return (long)i;
		if (n - i < len)
			return (long)i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return (long)i;
		for (k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return (long)i;
		i += len;
	}
	return -1;
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
