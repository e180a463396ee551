/* mlw-track: record a training run (params, tags, the metrics a command
 * prints as JSON lines, its status) in an append-only store. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "io.h"
#include "json.h"
#include "jw.h"
#include "num.h"
#include "opt.h"
#include "strmap.h"
#include "times.h"
#include "track.h"

static const char usage_text[] =
    "mlw-track [--store FILE] [--experiment NAME] [--run-name NAME]\n"
    "                 [--param K=V]... [--tag K=V]... [--param-fields NAMES]\n"
    "                 [--tag-fields NAMES]\n"
    "                 [-- COMMAND [ARG ...]]";

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

struct track {
	int fd;                  /* the store */
	const char *store;
	char id[MLW_RUN_ID_LEN + 1];
	struct mlw_buf rec;      /* the records of one line */
	struct mlw_buf one;      /* scratch */
	struct mlw_buf key;      /* a member name */
	struct mlw_json doc;
	struct mlw_strmap counters;
	int64_t *counter;        /* next step per metric */
	char **tag_fields, **param_fields;
	size_t ntag_fields, nparam_fields;
	int write_failed;
	const char *src;         /* name of the input in messages */
	struct mlw_msgkind badstep, nonfinite, notjson, longline, werr;
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * MLW_NS_PER_SEC + ts.tv_nsec;
}

/* Now, to the millisecond, as MLflow's timestamps. */
static int64_t
now_ms_ns(void)
{
	int64_t t = now_ns();

	return t - t % 1000000;
}

static void
store_write(struct track *t, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (mlw_store_append(t->fd, p, n) < 0) {
		mlw_msg(&t->werr, NULL, 0, "%s: write error: %s; records lost",
		    t->store, strerror(errno));
		t->write_failed = 1;
	}
}

/* K=V into a JSON member of b. */
static void
kv_pairs(struct mlw_buf *b, const char *name, char **kv, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	mlw_jw_key(b, name);
	mlw_jw_open(b, '{');
	for (i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');

		mlw_jw_sep(b);
		mlw_jw_str(b, kv[i], (size_t)(eq - kv[i]));
		mlw_buf_addc(b, ':');
		mlw_jw_str(b, eq + 1, strlen(eq + 1));
	}
	mlw_jw_close(b, '}');
}

/* The first line of a command's output, or NULL. */
static char *
cmd_line(const char *cmd)
{
	char buf[256];
	FILE *f = popen(cmd, "r");
	char *s = NULL;

	if (f == NULL)
		return NULL;
	if (fgets(buf, sizeof buf, f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		s = strdup(buf);
	}
	pclose(f);
	return s;
}

static void
git_info(struct mlw_buf *b)
{
	char *commit, *dirty;

	commit = cmd_line("git rev-parse --verify -q HEAD 2>/dev/null");
	if (commit == NULL || strspn(commit, "0123456789abcdef") != strlen(commit)
	    || *commit == '\0') {
		free(commit);
		return;
	}
	dirty = cmd_line("git status --porcelain --untracked-files=no "
	    "2>/dev/null");
	mlw_jw_key(b, "git");
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "commit");
	mlw_jw_str(b, commit, strlen(commit));
	mlw_jw_key(b, "dirty");
	mlw_buf_adds(b, dirty && *dirty ? "true" : "false");
	mlw_jw_close(b, '}');
	free(commit);
	free(dirty);
}

/* Replace the non-JSON tokens NaN, Infinity and -Infinity (as Python's
 * json module writes them) outside strings by a 0 padded with spaces, of
 * the same length, so the line parses and offsets stay. 1 if any. */
static int
patch_nonfinite(char *s, size_t n)
{
	static const char *const w[] = { "-Infinity", "Infinity", "NaN" };
	size_t i = 0, k;
	int in = 0, any = 0;

	while (i < n) {
		if (in) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in = 0;
			i++;
			continue;
		}
		if (s[i] == '"') {
			in = 1;
			i++;
			continue;
		}
		for (k = 0; k < 3; k++) {
			size_t l = strlen(w[k]);

			if (n - i >= l && memcmp(s + i, w[k], l) == 0) {
				s[i] = '0';
				memset(s + i + 1, ' ', l - 1);
				i += l;
				any = 1;
				break;
			}
		}
		if (k == 3)
			i++;
	}
	return any;
}

static int64_t *
counter_of(struct track *t, const char *k, size_t n)
{
	size_t had = t->counters.n, i = mlw_strmap_add(&t->counters, k, n);

	if (t->counters.n > had) {
		t->counter = realloc(t->counter, t->counters.n *
		    sizeof *t->counter);
		if (t->counter == NULL)
			mlw_fatal("out of memory");
		t->counter[i] = 0;
	}
	return &t->counter[i];
}

static int
in_list(char **l, size_t nl, const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < nl; i++)
		if (strlen(l[i]) == n && memcmp(l[i], k, n) == 0)
			return 1;
	return 0;
}

/* Log the members of one output line that is a JSON object. */
static void
log_line(struct track *t, char *line, size_t n, uint64_t lineno)
{
	struct mlw_json *d = &t->doc;
	char *orig = NULL;
	long si;
	uint32_t i;
	int64_t step = 0, ts = now_ms_ns();
	int has_step = 0;
	char *key;

	while (n && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	if (n == 0 || *line != '{')
		return;
	if (mlw_json_parse(d, line, n) < 0) {
		orig = malloc(n);
		if (orig == NULL)
			mlw_fatal("out of memory");
		memcpy(orig, line, n);
		if (!patch_nonfinite(line, n) || mlw_json_parse(d, line, n) < 0) {
			mlw_msg(&t->notjson, t->src, lineno, "%s; line not "
			    "logged", d->err);
			memcpy(line, orig, n);
			free(orig);
			return;
		}
	}
	if (d->tok[0].type != MLW_JOBJ)
		goto done;
	si = mlw_json_member(d, 0, "step", 4);
	if (!mlw_json_missing(d, si)) {
		double x;

		if (d->tok[si].type == MLW_JNUM && mlw_json_num(d, (uint32_t)si,
		    &x) == 0 && x == floor(x) && fabs(x) <= 9007199254740992.0) {
			step = (int64_t)x;
			has_step = 1;
		} else
			mlw_msg(&t->badstep, t->src, lineno, "step: expected a "
			    "whole number; steps counted per metric instead");
	}
	t->rec.len = 0;
	for (i = 1; i < d->tok[0].next; i = d->tok[i + 1].next) {
		const struct mlw_jtok *vt = &d->tok[i + 1];
		size_t kn;
		double v;

		mlw_buf_reserve(&t->key, d->tok[i].len + 1);
		key = t->key.p;
		kn = mlw_json_str(d, i, key, d->tok[i].len);
		key[kn] = '\0';
		if ((vt->type == MLW_JNUM || vt->type == MLW_JSTR) &&
		    in_list(t->param_fields, t->nparam_fields, key, kn)) {
			mlw_trec_begin(&t->one, "param", t->id);
			mlw_jw_key(&t->one, "key");
			mlw_jw_str(&t->one, key, kn);
			mlw_jw_key(&t->one, "value");
			if (vt->type == MLW_JSTR)
				mlw_jw_raw(&t->one, d, i + 1);
			else
				mlw_jw_str(&t->one, d->src + vt->start,
				    vt->len);
			mlw_trec_end(&t->one);
			mlw_buf_add(&t->rec, t->one.p, t->one.len);
		} else if (vt->type == MLW_JNUM) {
			int64_t *c;

			if ((long)i == si - 1)
				continue;       /* the step itself */
			mlw_trec_begin(&t->one, "metric", t->id);
			mlw_jw_key(&t->one, "key");
			mlw_jw_str(&t->one, key, kn);
			mlw_jw_key(&t->one, "value");
			if ((orig && line[vt->start] == '0' && vt->len == 1 &&
			    orig[vt->start] != '0') ||
			    mlw_json_num(d, i + 1, &v) < 0 ||
			    mlw_jw_num(&t->one, v) < 0) {
				if (t->one.p[t->one.len - 1] != 'l')
					mlw_jw_null(&t->one);
				mlw_msg(&t->nonfinite, t->src, lineno,
				    "%s: value is not a finite number; logged "
				    "as null", key);
			}
			c = counter_of(t, key, kn);
			mlw_jw_key(&t->one, "step");
			if (has_step) {
				mlw_jw_int(&t->one, step);
				*c = step + 1;
			} else
				mlw_jw_int(&t->one, (*c)++);
			mlw_jw_key(&t->one, "timestamp");
			mlw_jw_time(&t->one, ts);
			mlw_trec_end(&t->one);
			mlw_buf_add(&t->rec, t->one.p, t->one.len);
		} else if (vt->type == MLW_JSTR && in_list(t->tag_fields,
		    t->ntag_fields, key, kn)) {
			mlw_trec_begin(&t->one, "tag", t->id);
			mlw_jw_key(&t->one, "key");
			mlw_jw_str(&t->one, key, kn);
			mlw_jw_key(&t->one, "value");
			mlw_jw_raw(&t->one, d, i + 1);
			mlw_trec_end(&t->one);
			mlw_buf_add(&t->rec, t->one.p, t->one.len);
		}
	}
	store_write(t, t->rec.p, t->rec.len);
done:
	if (orig) {
		memcpy(line, orig, n);
		free(orig);
	}
}

/* Write all of p to fd; 0, or -1 (errno set). */
static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Pass fd through to standard output and log its lines until end of
 * input (or a signal in filter mode). */
static void
pump(struct track *t, int fd, int filter)
{
	char buf[65536];
	struct mlw_buf line = { 0 };
	uint64_t lineno = 0;
	int passing = 1, skipping = 0;

	for (;;) {
		ssize_t k = read(fd, buf, sizeof buf);
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
			if (errno != EPIPE)
				mlw_warn("standard output: write error");
			passing = 0;
			if (!filter) {
				/* as if COMMAND wrote to the closed pipe */
				break;
			}
		}
		for (p = buf, e = buf + k; p < e;) {
			char *nl = memchr(p, '\n', (size_t)(e - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);

			if (!skipping) {
				if (line.len + n > MLW_LINE_MAX) {
					lineno++;
					mlw_msg(&t->longline, t->src, lineno,
					    "line longer than %u bytes; not "
					    "logged", MLW_LINE_MAX);
					line.len = 0;
					skipping = 1;
				} else
					mlw_buf_add(&line, p, n);
			}
			if (nl == NULL)
				break;
			if (!skipping) {
				lineno++;
				log_line(t, line.p, line.len, lineno);
			}
			skipping = 0;
			line.len = 0;
			p = nl + 1;
		}
		if (filter && got_signal)
			break;
	}
	if (line.len && !skipping)
		log_line(t, line.p, line.len, ++lineno);
	mlw_buf_free(&line);
}

static const char *
signame(int sig)
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

/* End as a process killed by sig would, so our parent sees what it would
 * have seen of COMMAND: no core dump, the same signal. */
static _Noreturn void
die_by(int sig)
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

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "experiment", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "param", required_argument, NULL, 'p' },
		{ "param-fields", required_argument, NULL, 'P' },
		{ "run-name", required_argument, NULL, 'n' },
		{ "store", required_argument, NULL, 's' },
		{ "tag", required_argument, NULL, 't' },
		{ "tag-fields", required_argument, NULL, 'T' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct track t;
	const char *experiment = NULL, *run_name = NULL, *status;
	char **params = NULL, **tags = NULL;
	size_t nparams = 0, ntags = 0, i;
	struct mlw_buf b = { 0 };
	struct sigaction sa;
	sigset_t block, old;
	int64_t start, end;
	int ch, filter, fds[2], wstatus = 0, code = 0, sig = 0;
	char host[256], cwd[PATH_MAX];
	const char *user;

	argv[0] = mlw_diag_init(argv[0]);
	memset(&t, 0, sizeof t);
	t.badstep.what = "lines with a bad step";
	t.nonfinite.what = "non-finite values";
	t.notjson.what = "lines that are not JSON";
	t.longline.what = "over-long lines";
	t.werr.what = "store write errors";
	while ((ch = getopt_long(argc, argv, "+e:hn:p:s:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'P':
			mlw_free_list(t.param_fields, t.nparam_fields);
			t.param_fields = mlw_split_list(optarg, &t.nparam_fields);
			if (t.param_fields == NULL) {
				mlw_warnx("--param-fields: invalid list '%s'",
				    optarg);
				mlw_usage_error(usage_text);
			}
			break;
		case 'T':
			mlw_free_list(t.tag_fields, t.ntag_fields);
			t.tag_fields = mlw_split_list(optarg, &t.ntag_fields);
			if (t.tag_fields == NULL) {
				mlw_warnx("--tag-fields: invalid list '%s'",
				    optarg);
				mlw_usage_error(usage_text);
			}
			break;
		case 'V':
			mlw_version();
		case 'e':
			experiment = optarg;
			break;
		case 'h':
			printf("usage: %s\n", usage_text);
			mlw_out_close();
			return 0;
		case 'n':
			run_name = optarg;
			break;
		case 'p':
		case 't':
			if (strchr(optarg, '=') == NULL || *optarg == '=') {
				mlw_warnx("--%s: expected KEY=VALUE, found '%s'",
				    ch == 'p' ? "param" : "tag", optarg);
				mlw_usage_error(usage_text);
			}
			if (ch == 'p') {
				params = realloc(params, (nparams + 1) *
				    sizeof *params);
				if (params == NULL)
					mlw_fatal("out of memory");
				params[nparams++] = optarg;
			} else {
				tags = realloc(tags, (ntags + 1) * sizeof *tags);
				if (tags == NULL)
					mlw_fatal("out of memory");
				tags[ntags++] = optarg;
			}
			break;
		case 's':
			t.store = optarg;
			break;
		default:
			mlw_usage_error(usage_text);
		}
	}
	argc -= optind;
	argv += optind;
	filter = argc == 0;
	t.src = filter ? "stdin" : "output";
	if (t.store == NULL)
		t.store = getenv("MLW_STORE");
	if (t.store == NULL || *t.store == '\0')
		t.store = MLW_STORE_DEFAULT;
	if (experiment == NULL)
		experiment = getenv("MLW_EXPERIMENT");
	if (experiment == NULL || *experiment == '\0')
		experiment = "Default";
	if (run_name == NULL && !filter) {
		run_name = strrchr(argv[0], '/');
		run_name = run_name ? run_name + 1 : argv[0];
	}
	if ((t.fd = mlw_store_open(t.store)) < 0)
		mlw_fatal_errno("%s", t.store);

	/* the run starts */
	mlw_run_id_new(t.id);
	start = now_ms_ns();
	mlw_trec_begin(&b, "run_start", t.id);
	mlw_jw_key(&b, "experiment");
	mlw_jw_str(&b, experiment, strlen(experiment));
	if (run_name) {
		mlw_jw_key(&b, "run_name");
		mlw_jw_str(&b, run_name, strlen(run_name));
	}
	mlw_jw_key(&b, "start_time");
	mlw_jw_time(&b, start);
	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		mlw_jw_key(&b, "host");
		mlw_jw_str(&b, host, strlen(host));
	}
	user = getenv("USER");
	if (user == NULL || *user == '\0') {
		struct passwd *pw = getpwuid(getuid());

		user = pw ? pw->pw_name : NULL;
	}
	if (user) {
		mlw_jw_key(&b, "user");
		mlw_jw_str(&b, user, strlen(user));
	}
	if (getcwd(cwd, sizeof cwd) != NULL) {
		mlw_jw_key(&b, "cwd");
		mlw_jw_str(&b, cwd, strlen(cwd));
	}
	mlw_jw_key(&b, "pid");
	mlw_jw_int(&b, (long long)getpid());
	git_info(&b);
	if (!filter) {
		mlw_jw_key(&b, "command");
		mlw_jw_open(&b, '[');
		for (i = 0; i < (size_t)argc; i++) {
			mlw_jw_sep(&b);
			mlw_jw_str(&b, argv[i], strlen(argv[i]));
		}
		mlw_jw_close(&b, ']');
	}
	kv_pairs(&b, "params", params, nparams);
	kv_pairs(&b, "tags", tags, ntags);
	mlw_trec_end(&b);
	if (mlw_store_append(t.fd, b.p, b.len) < 0)
		mlw_fatal_errno("%s: write error", t.store);

	/* signals: caught (and passed on to COMMAND) from here on */
	sigemptyset(&block);
	for (i = 0; i < NFWD; i++)
		sigaddset(&block, fwd_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (filter) {
		fds[0] = 0;
	} else {
		pid_t pid;

		fflush(NULL);
		if (pipe(fds) < 0)
			mlw_fatal_errno("pipe");
		if ((pid = fork()) < 0)
			mlw_fatal_errno("fork");
		if (pid == 0) {
			int e;

			signal(SIGPIPE, SIG_DFL);
			sigprocmask(SIG_SETMASK, &old, NULL);
			close(fds[0]);
			if (fds[1] != 1) {
				dup2(fds[1], 1);
				close(fds[1]);
			}
			close(t.fd);
			setenv("MLW_RUN_ID", t.id, 1);
			setenv("MLW_STORE", t.store, 1);
			execvp(argv[0], argv);
			e = errno;
			fprintf(stderr, "%s: %s: %s\n", mlw_prog(), argv[0],
			    strerror(e));
			_exit(e == ENOENT ? 127 : 126);
		}
		child = pid;
		close(fds[1]);
		signal(SIGPIPE, SIG_IGN);
	}
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

	pump(&t, fds[0], filter);

	if (!filter) {
		close(fds[0]);
		while (waitpid(child, &wstatus, 0) < 0)
			if (errno != EINTR)
				mlw_fatal_errno("waitpid");
		if (WIFSIGNALED(wstatus))
			sig = WTERMSIG(wstatus);
		else
			code = WEXITSTATUS(wstatus);
	} else if (got_signal)
		sig = got_signal;
	if (sig || got_signal)
		status = "KILLED";
	else
		status = code ? "FAILED" : "FINISHED";
	end = now_ms_ns();
	mlw_trec_begin(&b, "run_end", t.id);
	mlw_jw_key(&b, "status");
	mlw_jw_str(&b, status, strlen(status));
	mlw_jw_key(&b, "end_time");
	mlw_jw_time(&b, end);
	mlw_jw_key(&b, "duration");
	mlw_jw_num(&b, (double)(end - start) / 1e9);
	if (!filter && !WIFSIGNALED(wstatus)) {
		mlw_jw_key(&b, "exit_code");
		mlw_jw_int(&b, code);
	}
	if (sig || got_signal) {
		int s = sig ? sig : got_signal;

		mlw_jw_key(&b, "signal");
		mlw_jw_int(&b, s);
		if (signame(s)) {
			mlw_jw_key(&b, "signal_name");
			mlw_jw_str(&b, signame(s), strlen(signame(s)));
		}
	}
	mlw_trec_end(&b);
	store_write(&t, b.p, b.len);
	if (close(t.fd) < 0 && !t.write_failed) {
		mlw_warn("%s: close", t.store);
		t.write_failed = 1;
	}

	mlw_buf_free(&b);
	mlw_buf_free(&t.rec);
	mlw_buf_free(&t.one);
	mlw_buf_free(&t.key);
	mlw_json_free(&t.doc);
	mlw_strmap_free(&t.counters);
	free(t.counter);
	free(params);
	free(tags);
	mlw_free_list(t.tag_fields, t.ntag_fields);
	mlw_free_list(t.param_fields, t.nparam_fields);
	fflush(NULL);
	{
		int rc = mlw_finish();

		if (sig)
			die_by(sig);
		if (filter)
			return t.write_failed ? MLW_EXIT_FATAL :
			    got_signal ? (die_by(got_signal), 0) : rc;
		if (t.write_failed && code == 0)
			return MLW_EXIT_FATAL;
		return code;
	}
}
