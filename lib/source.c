#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "out.h"
#include "xalloc.h"

/* Bytes asked of each read. */
#define CHUNK (256u * 1024u)

void
mlw_source_init(struct mlw_source *s, char *const *files, int n)
{
	memset(s, 0, sizeof *s);
	s->files = files;
	s->nfiles = n;
	s->fd = -1;
	s->cap = CHUNK * 2;
	s->buf = mlw_xmalloc(s->cap + 1);
}

void
mlw_source_free(struct mlw_source *s)
{
	mlw_source_close(s);
	free(s->buf);
	s->buf = NULL;
}

int
mlw_source_open(struct mlw_source *s)
{
	if (s->fd >= 0)
		return 1;
	for (;;) {
		const char *f;

		if (s->nfiles == 0 && s->next == 0)
			f = "-";
		else if (s->next < s->nfiles)
			f = s->files[s->next];
		else
			return 0;
		s->next++;
		if (s->nfiles == 0)
			s->nfiles = -1;         /* stdin used once */
		if (strcmp(f, "-") == 0) {
			s->fd = 0;
			s->name = "stdin";
		} else {
			mlw_out_flush();        /* open() of a FIFO may wait */
			s->fd = open(f, O_RDONLY);
			s->name = f;
			if (s->fd < 0) {
				mlw_warn("%s", f);
				mlw_diag_set_failed();
				continue;
			}
		}
		s->eof = 0;
		s->start = s->end = 0;
		return 1;
	}
}

void
mlw_source_close(struct mlw_source *s)
{
	if (s->fd > 0)
		close(s->fd);
	s->fd = -1;
}

void
mlw_source_set_idle(struct mlw_source *s, int64_t idle_ns,
    void (*cb)(void *), void *arg)
{
	s->idle_ns = idle_ns;
	s->idle_cb = cb;
	s->idle_arg = arg;
}

/* Wait until the file is readable, flushing stdout first when it is not
 * readable right now, and running the idle callback on timeouts. */
static void
wait_readable(struct mlw_source *s)
{
	struct pollfd pfd;
	int r;

	pfd.fd = s->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	r = poll(&pfd, 1, 0);
	if (r != 0)
		return;                 /* ready, or poll unsupported: just read */
	mlw_out_flush();
	for (;;) {
		int timeout = -1;

		if (s->idle_ns > 0 && s->idle_cb) {
			int64_t ms = (s->idle_ns + 999999) / 1000000;

			timeout = ms > 86400000 ? 86400000 : (int)ms;
		}
		r = poll(&pfd, 1, timeout);
		if (r > 0)
			return;
		if (r < 0 && errno != EINTR)
			return;
		if (r == 0 && s->idle_cb) {
			s->idle_cb(s->idle_arg);
			mlw_out_flush();
		}
	}
}

size_t
mlw_source_fill(struct mlw_source *s)
{
	ssize_t r;

	if (s->eof)
		return 0;
	if (s->start > 0 && s->start == s->end)
		s->start = s->end = 0;
	if (s->cap - s->end < CHUNK) {
		if (s->start > 0) {
			memmove(s->buf, s->buf + s->start, s->end - s->start);
			s->end -= s->start;
			s->start = 0;
		}
		if (s->cap - s->end < CHUNK) {
			s->cap *= 2;
			s->buf = mlw_xrealloc(s->buf, s->cap + 1);
		}
	}
	for (;;) {
		wait_readable(s);
		r = read(s->fd, s->buf + s->end, s->cap - s->end);
		if (r >= 0)
			break;
		if (errno == EINTR || errno == EAGAIN)
			continue;
		mlw_warn("%s", s->name);
		mlw_diag_set_failed();
		r = 0;
		break;
	}
	if (r == 0)
		s->eof = 1;
	s->end += (size_t)r;
	return (size_t)r;
}
