#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "out.h"
#include "xalloc.h"

#define CHUNK (256u * 1024u)

struct mlw_input {
	char *const *files;
	int nfiles, next;       /* operands, and the next one to open */
	int fd;                 /* current fd, -1 when none */
	const char *name;       /* current file's name for messages */
	uint64_t lineno;
	int bomcheck;           /* at the start of a file */
	int eof;

	char *buf;
	size_t cap, start, end; /* unread data is buf[start, end) */

	int64_t idle_ns;
	void (*idle_cb)(void *);
	void *idle_arg;

	struct mlw_input *live; /* the next reader not yet freed */
};

static struct mlw_input *live;  /* readers not yet freed, for mlw_io_reset */

struct mlw_input *
mlw_input_new(char *const *files, int n)
{
	struct mlw_input *in = mlw_xcalloc(1, sizeof *in);

	in->files = files;
	in->nfiles = n;
	in->fd = -1;
	in->cap = CHUNK * 2;
	in->buf = mlw_xmalloc(in->cap + 1);
	mlw_out_setup();
	in->live = live;
	live = in;
	return in;
}

void
mlw_input_set_idle(struct mlw_input *in, int64_t idle_ns,
    void (*cb)(void *), void *arg)
{
	in->idle_ns = idle_ns;
	in->idle_cb = cb;
	in->idle_arg = arg;
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
	if (in->fd > 0)
		close(in->fd);
	free(in->buf);
	free(in);
}

/* Open the next operand; 0 when there is none left. */
static int
open_next(struct mlw_input *in)
{
	for (;;) {
		const char *f;

		if (in->nfiles == 0 && in->next == 0)
			f = "-";
		else if (in->next < in->nfiles)
			f = in->files[in->next];
		else
			return 0;
		in->next++;
		if (in->nfiles == 0)
			in->nfiles = -1;       /* stdin used once */
		if (strcmp(f, "-") == 0) {
			in->fd = 0;
			in->name = "stdin";
		} else {
			mlw_out_flush();        /* open() of a FIFO may wait */
			in->fd = open(f, O_RDONLY);
			in->name = f;
			if (in->fd < 0) {
				mlw_warn("%s", f);
				mlw_diag_set_failed();
				continue;
			}
		}
		in->lineno = 0;
		in->bomcheck = 1;
		in->eof = 0;
		in->start = in->end = 0;
		return 1;
	}
}

/* Wait until in->fd is readable, flushing stdout first when it is not
 * readable right now, and running the idle callback on timeouts. */
static void
wait_readable(struct mlw_input *in)
{
	struct pollfd pfd;
	int r;

	pfd.fd = in->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	r = poll(&pfd, 1, 0);
	if (r != 0)
		return;                 /* ready, or poll unsupported: just read */
	mlw_out_flush();
	for (;;) {
		int timeout = -1;

		if (in->idle_ns > 0 && in->idle_cb) {
			int64_t ms = (in->idle_ns + 999999) / 1000000;
			timeout = ms > 86400000 ? 86400000 : (int)ms;
		}
		r = poll(&pfd, 1, timeout);
		if (r > 0)
			return;
		if (r < 0 && errno != EINTR)
			return;
		if (r == 0 && in->idle_cb) {
			in->idle_cb(in->idle_arg);
			mlw_out_flush();
		}
	}
}

/* Read more bytes into the buffer; returns bytes read, 0 at EOF. */
static size_t
fill(struct mlw_input *in)
{
	ssize_t r;

	if (in->start > 0 && in->start == in->end)
		in->start = in->end = 0;
	if (in->cap - in->end < CHUNK) {
		if (in->start > 0) {
			memmove(in->buf, in->buf + in->start, in->end - in->start);
			in->end -= in->start;
			in->start = 0;
		}
		if (in->cap - in->end < CHUNK) {
			size_t ncap = in->cap * 2;
			char *nb = mlw_xrealloc(in->buf, ncap + 1);

			in->buf = nb;
			in->cap = ncap;
		}
	}
	for (;;) {
		wait_readable(in);
		r = read(in->fd, in->buf + in->end, in->cap - in->end);
		if (r >= 0)
			break;
		if (errno == EINTR || errno == EAGAIN)
			continue;
		mlw_warn("%s", in->name);
		mlw_diag_set_failed();
		return 0;
	}
	in->end += (size_t)r;
	return (size_t)r;
}

static void
close_current(struct mlw_input *in)
{
	if (in->fd > 0)
		close(in->fd);
	in->fd = -1;
}

/* Skip the rest of an over-long line, copying it to the rejects file. */
static void
skip_long(struct mlw_input *in)
{
	uint64_t total = 0;
	char *nl;

	for (;;) {
		size_t n = in->end - in->start;

		nl = memchr(in->buf + in->start, '\n', n);
		if (nl) {
			size_t k = (size_t)(nl - (in->buf + in->start));

			mlw_rejects_write(in->buf + in->start, k + 1);
			total += k;
			in->start += k + 1;
			break;
		}
		mlw_rejects_write(in->buf + in->start, n);
		total += n;
		in->start = in->end = 0;
		if (fill(in) == 0) {
			mlw_rejects_write("\n", 1);
			break;
		}
	}
	mlw_reject(in->name, in->lineno, NULL, 0,
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

		if (in->fd < 0 && !open_next(in))
			return 0;
		/* find a complete line, reading more as needed */
		for (;;) {
			p = in->buf + in->start;
			n = in->end - in->start;
			nl = n > scanned ? memchr(p + scanned, '\n', n - scanned) : NULL;
			if (nl)
				break;
			scanned = n;
			if (n > MLW_LINE_MAX + 1)
				break;
			if (in->eof || fill(in) == 0) {
				in->eof = 1;
				break;
			}
		}
		p = in->buf + in->start;
		n = in->end - in->start;
		if (!nl && n == 0) {            /* end of this file */
			close_current(in);
			continue;
		}
		in->lineno++;
		if (!nl && n > MLW_LINE_MAX + 1) {
			skip_long(in);
			continue;
		}
		raw = nl ? (size_t)(nl - p) : n;
		in->start += nl ? raw + 1 : raw;
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
			mlw_reject(in->name, in->lineno, p, raw,
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
		ln->file = in->name;
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
	char *tmp = malloc(n), *dir, *slash;
	int fd, e;

	if (tmp == NULL) {
		errno = ENOMEM;
		return -1;
	}
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
	if ((dir = strdup(path)) != NULL) {
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
	}
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
	b = malloc(cap + 1);
	if (b == NULL) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (len == cap) {
			char *nb = realloc(b, cap * 2 + 1);

			if (nb == NULL) {
				free(b);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			b = nb;
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
