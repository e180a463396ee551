#include "child.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "out.h"
#include "xalloc.h"

static const int fwd_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };
#define NFWD (sizeof fwd_signals / sizeof fwd_signals[0])

static volatile sig_atomic_t got_signal;  /* the first signal received */
static volatile pid_t child = -1;

static void
on_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (got_signal == 0)
		got_signal = sig;
	/* A signal from the terminal (Ctrl-C) reaches the whole foreground
	 * process group, COMMAND included: only one sent by a process to us
	 * alone is passed on, so COMMAND never gets it twice. */
	if (child > 0 && si != NULL && si->si_code == SI_USER &&
	    si->si_pid != child)
		kill(child, sig);
	else if (child > 0 && si == NULL)
		kill(child, sig);
}

/* In the child: run argv; never returns. */
static _Noreturn void
exec_child(char *const argv[], int out, int close_fd,
    const char *const env[], const sigset_t *mask)
{
	size_t i;
	int e;

	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (out != 1) {
		dup2(out, 1);
		close(out);
	}
	if (close_fd >= 0)
		close(close_fd);
	for (i = 0; env && env[i]; i += 2)
		setenv(env[i], env[i + 1], 1);
	execvp(argv[0], argv);
	e = errno;
	fprintf(stderr, "%s: %s: %s\n", mlw_prog(), argv[0], strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

void
mlw_child_start(struct mlw_child *w, char *const argv[], int close_fd,
    const char *const env[])
{
	struct sigaction sa;
	sigset_t block, old;
	size_t i;

	memset(w, 0, sizeof *w);
	w->pid = -1;
	/* signals: caught (and passed on to COMMAND) from here on */
	sigemptyset(&block);
	for (i = 0; i < NFWD; i++)
		sigaddset(&block, fwd_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (argv != NULL) {
		int fds[2];

		fflush(NULL);
		if (pipe(fds) < 0)
			mlw_fatal_errno("pipe");
		if ((w->pid = fork()) < 0)
			mlw_fatal_errno("fork");
		if (w->pid == 0) {
			close(fds[0]);
			exec_child(argv, fds[1], close_fd, env, &old);
		}
		child = w->pid;
		close(fds[1]);
		w->fd = fds[0];
	}
	/* a closed standard output is an EPIPE (mlw_child_pump), not the
	 * end: the lines read are logged, and the run ended */
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NFWD; i++) {
		struct sigaction prev;

		/* a signal ignored when we started (nohup, &) stays so */
		if (sigaction(fwd_signals[i], NULL, &prev) == 0 &&
		    prev.sa_handler == SIG_IGN)
			continue;
		sigaction(fwd_signals[i], &sa, NULL);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Write all of p to fd; 0, or -1 (errno set). A reader that does not
 * read (a full pipe) is waited for until a signal is caught (-1, EINTR):
 * poll() first, then at most PIPE_BUF bytes, so that no write blocks
 * for ever once a signal has come. */
static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		struct pollfd pf;
		ssize_t k;
		int r;

		pf.fd = fd;
		pf.events = POLLOUT;
		pf.revents = 0;
		while ((r = poll(&pf, 1, got_signal ? 0 : 200)) == 0 ||
		    (r < 0 && errno == EINTR)) {
			if (got_signal) {
				errno = EINTR;
				return -1;
			}
		}
		k = write(fd, p, n < PIPE_BUF ? n : PIPE_BUF);
		if (k < 0) {
			if (errno == EINTR && !got_signal)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

void
mlw_child_pump(struct mlw_child *w, mlw_child_line_fn *fn, void *arg)
{
	char buf[65536];
	struct mlw_buf line = { 0 };
	uint64_t lineno = 0;
	int passing = 1, skipping = 0, stop = 0, filter = w->pid < 0;

	for (;;) {
		ssize_t k = read(w->fd, buf, sizeof buf);
		char *p, *e;

		if (k < 0) {
			if (errno == EINTR) {
				if (filter && got_signal)
					break;
				continue;
			}
			mlw_warn("read error");
			break;
		}
		if (k == 0)
			break;
		if (passing && write_all(1, buf, (size_t)k) < 0) {
			if (errno != EPIPE && errno != EINTR) {
				w->out_err = errno;
				mlw_warn("standard output: write error");
			}
			passing = 0;
			/* as if COMMAND wrote to the closed pipe: it stops
			 * after the lines read so far are logged */
			if (!filter)
				stop = 1;
		}
		for (p = buf, e = buf + k; p < e;) {
			char *nl = memchr(p, '\n', (size_t)(e - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);

			if (!skipping) {
				if (line.len + n > MLW_LINE_MAX) {
					fn(arg, NULL, 0, ++lineno);
					line.len = 0;
					skipping = 1;
				} else
					mlw_buf_add(&line, p, n);
			}
			if (nl == NULL)
				break;
			if (!skipping)
				fn(arg, line.p, line.len, ++lineno);
			skipping = 0;
			line.len = 0;
			p = nl + 1;
		}
		if (stop || (filter && got_signal))
			break;
	}
	if (line.len && !skipping)
		fn(arg, line.p, line.len, ++lineno);
	mlw_buf_free(&line);
}

void
mlw_child_wait(struct mlw_child *w)
{
	int wstatus;

	if (w->pid > 0) {
		close(w->fd);
		while (waitpid(w->pid, &wstatus, 0) < 0)
			if (errno != EINTR)
				mlw_fatal_errno("waitpid");
		if (WIFSIGNALED(wstatus))
			w->sig = WTERMSIG(wstatus);
		else {
			w->exited = 1;
			w->code = WEXITSTATUS(wstatus);
		}
	} else if (got_signal)
		w->sig = got_signal;
	w->got = got_signal;
}

const char *
mlw_child_status(const struct mlw_child *w)
{
	if (w->sig || w->got)
		return "KILLED";
	return w->code ? "FAILED" : "FINISHED";
}

int
mlw_child_signal(const struct mlw_child *w)
{
	return w->sig ? w->sig : w->got;
}

int
mlw_child_received(void)
{
	return got_signal;
}

const char *
mlw_signame(int sig)
{
	switch (sig) {
	case SIGHUP: return "SIGHUP";
	case SIGINT: return "SIGINT";
	case SIGQUIT: return "SIGQUIT";
	case SIGILL: return "SIGILL";
	case SIGABRT: return "SIGABRT";
	case SIGFPE: return "SIGFPE";
	case SIGKILL: return "SIGKILL";
	case SIGSEGV: return "SIGSEGV";
	case SIGPIPE: return "SIGPIPE";
	case SIGALRM: return "SIGALRM";
	case SIGTERM: return "SIGTERM";
	case SIGUSR1: return "SIGUSR1";
	case SIGUSR2: return "SIGUSR2";
	case SIGBUS: return "SIGBUS";
	case SIGXCPU: return "SIGXCPU";
	default: return NULL;
	}
}

void
mlw_die_by(int sig)
{
	struct rlimit rl = { 0, 0 };
	struct sigaction sa;
	sigset_t set;

	fflush(NULL);
	setrlimit(RLIMIT_CORE, &rl);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

char **
mlw_child_words(const char *s)
{
	size_t n = 0, cap = 8, k;
	char **v = mlw_xmalloc(cap * sizeof *v),
	    *w = mlw_xmalloc(strlen(s) + 1);

	while (*s) {
		char q = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		k = 0;
		while (*s && (q || (*s != ' ' && *s != '\t'))) {
			if (!q && (*s == '\'' || *s == '"'))
				q = *s++;
			else if (q && *s == q) {
				q = 0;
				s++;
			} else
				w[k++] = *s++;
		}
		if (q) {
			free(w);
			free(v);
			return NULL;
		}
		if (n + 2 > cap)
			v = mlw_xrealloc(v, (cap *= 2) * sizeof *v);
		v[n++] = mlw_xstrndup(w, k);
	}
	free(w);
	if (n == 0) {
		free(v);
		return NULL;
	}
	v[n] = NULL;
	return v;
}

void
mlw_child_words_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int
mlw_child_run(char *const argv[], const char *const env[], const char *in,
    size_t len, int64_t timeout_ns, int *status)
{
	int pfd[2];
	pid_t pid;
	int64_t waited = 0;
	void (*old)(int);
	size_t off = 0, k;

	mlw_out_flush();
	if (pipe(pfd) < 0) {
		mlw_warn("%s: pipe", argv[0]);
		return -1;
	}
	if ((pid = fork()) < 0) {
		mlw_warn("%s: fork", argv[0]);
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(pfd[0], 0);
		close(pfd[0]);
		close(pfd[1]);
		dup2(2, 1);      /* its output must not mix with our records */
		for (k = 0; env && env[k]; k += 2)
			setenv(env[k], env[k + 1], 1);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s: %s\n", mlw_prog(), argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	old = signal(SIGPIPE, SIG_IGN);
	while (off < len) {
		ssize_t w = write(pfd[1], in + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(pfd[1]);
	signal(SIGPIPE, old);
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);

		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR) {
			mlw_warn("%s: waitpid", argv[0]);
			return -1;
		}
		if (waited >= timeout_ns) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return 1;
		}
		poll(NULL, 0, 10);
		waited += 10 * 1000000;
	}
}
