#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "json.h"
#include "out.h"
#include "source.h"
#include "xalloc.h"

struct mlw_input {
	struct mlw_source src;
	uint64_t lineno;
	int bomcheck;           /* at the start of a file */
	struct mlw_input *live; /* the next reader not yet freed */
};

static struct mlw_input *live;  /* readers not yet freed, for mlw_io_reset */

struct mlw_input *
mlw_input_new(char *const *files, int n)
{
	struct mlw_input *in = mlw_xcalloc(1, sizeof *in);

	mlw_source_init(&in->src, files, n);
	mlw_out_setup();
	in->live = live;
	live = in;
	return in;
}

void
mlw_input_set_idle(struct mlw_input *in, int64_t idle_ns,
    void (*cb)(void *), void *arg)
{
	mlw_source_set_idle(&in->src, idle_ns, cb, arg);
}

void
mlw_input_free(struct mlw_input *in)
{
	struct mlw_input **pp;

	if (in == NULL)
		return;
	for (pp = &live; *pp; pp = &(*pp)->live)
		if (*pp == in) {
			*pp = in->live;
			break;
		}
	mlw_source_free(&in->src);
	free(in);
}

/* Skip the rest of an over-long line, copying it to the rejects file. */
static void
skip_long(struct mlw_input *in)
{
	uint64_t total = 0;
	char *nl;

	for (;;) {
		size_t n = in->src.end - in->src.start;

		nl = memchr(in->src.buf + in->src.start, '\n', n);
		if (nl) {
			size_t k = (size_t)(nl - (in->src.buf + in->src.start));

			mlw_rejects_write(in->src.buf + in->src.start, k + 1);
			total += k;
			in->src.start += k + 1;
			break;
		}
		mlw_rejects_write(in->src.buf + in->src.start, n);
		total += n;
		in->src.start = in->src.end = 0;
		if (mlw_source_fill(&in->src) == 0) {
			mlw_rejects_write("\n", 1);
			break;
		}
	}
	mlw_reject(in->src.name, in->lineno, NULL, 0,
	    "line longer than %u bytes (%llu bytes), skipped", MLW_LINE_MAX,
	    (unsigned long long)total);
}

int
mlw_input_next(struct mlw_input *in, struct mlw_line *ln)
{
	for (;;) {
		char *p, *nl;
		size_t n, len, raw;
		size_t scanned = 0;

		if (in->src.fd < 0) {
			if (!mlw_source_open(&in->src))
				return 0;
			in->lineno = 0;
			in->bomcheck = 1;
		}
		/* find a complete line, reading more as needed */
		for (;;) {
			p = in->src.buf + in->src.start;
			n = in->src.end - in->src.start;
			nl = n > scanned ? memchr(p + scanned, '\n', n - scanned) : NULL;
			if (nl)
				break;
			scanned = n;
			if (n > MLW_LINE_MAX + 1)
				break;
			if (in->src.eof || mlw_source_fill(&in->src) == 0) {
				in->src.eof = 1;
				break;
			}
		}
		p = in->src.buf + in->src.start;
		n = in->src.end - in->src.start;
		if (!nl && n == 0) {            /* end of this file */
			mlw_source_close(&in->src);
			continue;
		}
		in->lineno++;
		if (!nl && n > MLW_LINE_MAX + 1) {
			skip_long(in);
			continue;
		}
		raw = nl ? (size_t)(nl - p) : n;
		in->src.start += nl ? raw + 1 : raw;
		len = raw;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (in->bomcheck) {
			in->bomcheck = 0;
			if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
				p += 3;
				len -= 3;
				raw -= 3;
			}
		}
		if (len > MLW_LINE_MAX) {
			mlw_reject(in->src.name, in->lineno, p, raw,
			    "line longer than %u bytes (%zu bytes), skipped",
			    MLW_LINE_MAX, len);
			continue;
		}
		p[raw] = '\0';     /* overwrites the LF; buffer has +1 spare */
		{
			size_t i = 0;

			while (i < len && (p[i] == ' ' || p[i] == '\t' ||
			    p[i] == '\r'))
				i++;
			if (i == len)
				continue;       /* blank line */
		}
		ln->p = p;
		ln->len = len;
		ln->rawlen = raw;
		ln->file = in->src.name;
		ln->lineno = in->lineno;
		return 1;
	}
}

int
mlw_record_parse(struct mlw_json *doc, const struct mlw_line *ln)
{
	if (mlw_json_parse_nonfinite(doc, ln->p, ln->len) < 0) {
		mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen, "%s", doc->err);
		return -1;
	}
	if (doc->tok[0].type != MLW_JOBJ) {
		mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
		    "expected an object, found %s",
		    mlw_json_typename(doc->tok[0].type));
		return -1;
	}
	if (doc->nnonfinite) {
		if (mlw_strict()) {
			mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
			    "NaN or Infinity is not JSON (without --strict, "
			    "read as a missing value)");
			return -1;
		}
		mlw_note_nonfinite(ln->file, ln->lineno, doc->nnonfinite);
	}
	return 0;
}

int
mlw_record_next(struct mlw_input *in, struct mlw_line *ln,
    struct mlw_json *doc)
{
	while (mlw_input_next(in, ln))
		if (mlw_record_parse(doc, ln) == 0)
			return 1;
	return 0;
}

int
mlw_write_atomic(const char *path, const void *p, size_t len)
{
	size_t n = strlen(path) + 32, off = 0;
	char *tmp = mlw_xmalloc(n), *dir, *slash;
	int fd, e;

	snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)   /* a stale one */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		e = errno;
		free(tmp);
		errno = e;
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, (const char *)p + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		off += (size_t)w;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	/* make the rename itself durable */
	dir = mlw_xmalloc(strlen(path) + 2);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if ((fd = open(dir, O_RDONLY)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
	free(tmp);
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = e;
	return -1;
}

char *
mlw_read_file(const char *path, size_t *lenp)
{
	int fd = open(path, O_RDONLY);
	size_t cap = 65536, len = 0;
	char *b;

	if (fd < 0)
		return NULL;
	b = mlw_xmalloc(cap + 1);
	for (;;) {
		ssize_t r;

		if (len == cap) {
			b = mlw_xrealloc(b, cap * 2 + 1);
			cap *= 2;
		}
		r = read(fd, b + len, cap - len);
		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(b);
			close(fd);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	b[len] = '\0';
	if (lenp)
		*lenp = len;
	return b;
}

int
mlw_io_reset(void)
{
	while (live)
		mlw_input_free(live);
	return mlw_out_reset();
}
