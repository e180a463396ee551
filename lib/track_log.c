#include "track_log.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "child.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "out.h"
#include "strmap.h"
#include "times.h"
#include "track_store.h"
#include "xalloc.h"

int64_t
mlw_track_log_now(void)
{
	struct timespec ts;
	int64_t t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = (int64_t)ts.tv_sec * MLW_NS_PER_SEC + ts.tv_nsec;
	return t - t % 1000000;
}

/* ---- run_start and run_end ---- */

static void
str_member(struct mlw_buf *b, const char *key, const char *s)
{
	mlw_jw_key(b, key);
	mlw_jw_str(b, s, strlen(s));
}

/* KEY=VALUE strings as an object member of b. */
static void
kv_pairs(struct mlw_buf *b, const char *name, char *const *kv, size_t n)
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
		s = mlw_xstrdup(buf);
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
	str_member(b, "commit", commit);
	mlw_jw_key(b, "dirty");
	mlw_buf_adds(b, dirty && *dirty ? "true" : "false");
	mlw_jw_close(b, '}');
	free(commit);
	free(dirty);
}

void
mlw_track_log_run_start(struct mlw_buf *b, const char *id,
    const struct mlw_tstart *s)
{
	char host[256], cwd[PATH_MAX];
	const char *user;
	size_t i;

	mlw_trec_begin(b, "run_start", id);
	str_member(b, "experiment", s->experiment);
	if (s->run_name)
		str_member(b, "run_name", s->run_name);
	mlw_jw_key(b, "start_time");
	mlw_jw_time(b, s->start);
	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		str_member(b, "host", host);
	}
	user = getenv("USER");
	if (user == NULL || *user == '\0') {
		struct passwd *pw = getpwuid(getuid());

		user = pw ? pw->pw_name : NULL;
	}
	if (user)
		str_member(b, "user", user);
	if (getcwd(cwd, sizeof cwd) != NULL)
		str_member(b, "cwd", cwd);
	mlw_jw_key(b, "pid");
	mlw_jw_int(b, (long long)getpid());
	git_info(b);
	if (s->argv) {
		mlw_jw_key(b, "command");
		mlw_jw_open(b, '[');
		for (i = 0; i < s->argc; i++) {
			mlw_jw_sep(b);
			mlw_jw_str(b, s->argv[i], strlen(s->argv[i]));
		}
		mlw_jw_close(b, ']');
	}
	kv_pairs(b, "params", s->params, s->nparams);
	kv_pairs(b, "tags", s->tags, s->ntags);
	mlw_trec_end(b);
}

void
mlw_track_log_run_end(struct mlw_buf *b, const char *id,
    const struct mlw_child *w, int64_t start, int64_t end)
{
	int sig = mlw_child_signal(w);

	mlw_trec_begin(b, "run_end", id);
	str_member(b, "status", mlw_child_status(w));
	mlw_jw_key(b, "end_time");
	mlw_jw_time(b, end);
	mlw_jw_key(b, "duration");
	mlw_jw_num(b, (double)(end - start) / 1e9);
	if (w->exited) {
		mlw_jw_key(b, "exit_code");
		mlw_jw_int(b, w->code);
	}
	if (sig) {
		mlw_jw_key(b, "signal");
		mlw_jw_int(b, sig);
		if (mlw_signame(sig))
			str_member(b, "signal_name", mlw_signame(sig));
	}
	mlw_trec_end(b);
}

/* ---- the lines of a command ---- */

void
mlw_track_log_init(struct mlw_track_log *t, int fd, const char *store,
    const char *id, const char *src, char *const *param_fields,
    size_t nparam_fields, char *const *tag_fields, size_t ntag_fields)
{
	memset(t, 0, sizeof *t);
	t->fd = fd;
	t->store = store;
	t->id = id;
	t->src = src;
	t->param_fields = param_fields;
	t->nparam_fields = nparam_fields;
	t->tag_fields = tag_fields;
	t->ntag_fields = ntag_fields;
	t->badstep.what = "lines with a bad step";
	t->nonfinite.what = "non-finite values";
	t->notjson.what = "lines that are not JSON";
	t->longline.what = "over-long lines";
	t->werr.what = "store write errors";
}

void
mlw_track_log_write(struct mlw_track_log *t, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (mlw_store_append(t->fd, p, n) < 0) {
		mlw_msg(&t->werr, NULL, 0, "%s: write error: %s; records lost",
		    t->store, strerror(errno));
		t->write_failed = 1;
	}
}

int
mlw_track_log_close(struct mlw_track_log *t)
{
	if (close(t->fd) < 0 && !t->write_failed) {
		mlw_warn("%s: close", t->store);
		t->write_failed = 1;
	}
	mlw_buf_free(&t->rec);
	mlw_buf_free(&t->one);
	mlw_buf_free(&t->key);
	mlw_json_free(&t->doc);
	mlw_strmap_free(&t->counters);
	free(t->counter);
	t->counter = NULL;
	return t->write_failed ? -1 : 0;
}

static int64_t *
counter_of(struct mlw_track_log *t, const char *k, size_t n)
{
	size_t had = t->counters.n, i = mlw_strmap_add(&t->counters, k, n);

	if (t->counters.n > had) {
		t->counter = mlw_xrealloc(t->counter, t->counters.n *
		    sizeof *t->counter);
		t->counter[i] = 0;
	}
	return &t->counter[i];
}

static int
in_list(char *const *l, size_t nl, const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < nl; i++)
		if (strlen(l[i]) == n && memcmp(l[i], k, n) == 0)
			return 1;
	return 0;
}

/* Begin a record of kind for member key: ... "key":KEY,"value": */
static void
rec_begin(struct mlw_track_log *t, const char *kind, const char *key, size_t kn)
{
	mlw_trec_begin(&t->one, kind, t->id);
	mlw_jw_key(&t->one, "key");
	mlw_jw_str(&t->one, key, kn);
	mlw_jw_key(&t->one, "value");
}

/* End the record and add it to those of the line. */
static void
rec_end(struct mlw_track_log *t)
{
	mlw_trec_end(&t->one);
	mlw_buf_add(&t->rec, t->one.p, t->one.len);
}

/* The step of the line: 1 with *step set, or 0 (none, or a bad one,
 * reported). */
static int
line_step(struct mlw_track_log *t, long si, uint64_t lineno, int64_t *step)
{
	const struct mlw_json *d = &t->doc;
	double x;

	if (mlw_json_missing(d, si) && (si < 0 || !d->tok[si].nonfinite))
		return 0;
	if (d->tok[si].type == MLW_JNUM && mlw_json_num(d, (uint32_t)si,
	    &x) == 0 && x == floor(x) && fabs(x) <= 9007199254740992.0) {
		*step = (int64_t)x;
		return 1;
	}
	mlw_msg(&t->badstep, t->src, lineno, "step: expected a whole number; "
	    "steps counted per metric instead");
	return 0;
}

/* Log the members of the object parsed in t->doc (NaN and infinities
 * read as nulls with nonfinite set). */
static void
log_members(struct mlw_track_log *t, uint64_t lineno)
{
	struct mlw_json *d = &t->doc;
	long si = mlw_json_member(d, 0, "step", 4);
	int64_t step = 0, ts = mlw_track_log_now();
	int has_step = line_step(t, si, lineno, &step);
	uint32_t i;

	t->rec.len = 0;
	for (i = 1; i < d->tok[0].next; i = d->tok[i + 1].next) {
		const struct mlw_jtok *vt = &d->tok[i + 1];
		char *key;
		size_t kn;
		double v;

		mlw_buf_reserve(&t->key, d->tok[i].len + 1);
		key = t->key.p;
		kn = mlw_json_str(d, i, key, d->tok[i].len);
		key[kn] = '\0';
		if ((vt->type == MLW_JNUM || vt->type == MLW_JSTR ||
		    vt->nonfinite) && in_list(t->param_fields,
		    t->nparam_fields, key, kn)) {
			if (vt->nonfinite || (vt->type == MLW_JNUM &&
			    mlw_json_num(d, i + 1, &v) < 0)) {
				mlw_msg(&t->nonfinite, t->src, lineno,
				    "%s: value is not a finite number; param "
				    "not logged", key);
				continue;
			}
			rec_begin(t, "param", key, kn);
			if (vt->type == MLW_JSTR)
				mlw_jw_raw(&t->one, d, i + 1);
			else
				mlw_jw_str(&t->one, d->src + vt->start,
				    vt->len);
			rec_end(t);
		} else if (vt->type == MLW_JNUM || vt->nonfinite) {
			int64_t *c;

			if ((long)i == si - 1)
				continue;       /* the step itself */
			rec_begin(t, "metric", key, kn);
			if (vt->nonfinite || mlw_json_num(d, i + 1, &v) < 0 ||
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
			rec_end(t);
		} else if (vt->type == MLW_JSTR && in_list(t->tag_fields,
		    t->ntag_fields, key, kn)) {
			rec_begin(t, "tag", key, kn);
			mlw_jw_raw(&t->one, d, i + 1);
			rec_end(t);
		}
	}
	mlw_track_log_write(t, t->rec.p, t->rec.len);
}

void
mlw_track_log_line(void *arg, char *line, size_t n, uint64_t lineno)
{
	struct mlw_track_log *t = arg;
	struct mlw_json *d = &t->doc;

	if (line == NULL) {
		mlw_msg(&t->longline, t->src, lineno, "line longer than %u "
		    "bytes; not logged", MLW_LINE_MAX);
		return;
	}
	while (n && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	if (n == 0 || *line != '{')
		return;
	if (mlw_json_parse_nonfinite(d, line, n) < 0) {
		mlw_msg(&t->notjson, t->src, lineno, "%s; line not logged",
		    d->err);
		return;
	}
	if (d->tok[0].type == MLW_JOBJ)
		log_members(t, lineno);
}

int
mlw_track_run(const char *store, struct mlw_tstart *st, char *const *argv,
    int argc, char *const *pfields, size_t npfields, char *const *tfields,
    size_t ntfields)
{
	struct mlw_track_log t;
	struct mlw_child w;
	struct mlw_buf b = { 0 };
	const char *env[5], *why;
	char id[MLW_RUN_ID_LEN + 1];
	int fd, filter = argv == NULL, failed, rc;

	if ((fd = mlw_store_openx(store, &why)) < 0) {
		if (why)
			mlw_fatal("%s: %s", store, why);
		mlw_fatal_errno("%s", store);
	}

	/* the run starts */
	mlw_run_id_new(id);
	st->start = mlw_track_log_now();
	st->argv = argv;
	st->argc = (size_t)argc;
	mlw_track_log_run_start(&b, id, st);
	if (mlw_store_append(fd, b.p, b.len) < 0)
		mlw_fatal_errno("%s: write error", store);

	/* the command runs, its output logged */
	mlw_track_log_init(&t, fd, store, id, filter ? "stdin" : "output",
	    pfields, npfields, tfields, ntfields);
	env[0] = "MLW_RUN_ID";
	env[1] = id;
	env[2] = "MLW_STORE";
	env[3] = store;
	env[4] = NULL;
	mlw_child_start(&w, argv, fd, env);
	mlw_child_pump(&w, mlw_track_log_line, &t);
	mlw_child_wait(&w);

	/* the run ends */
	mlw_track_log_run_end(&b, id, &w, st->start, mlw_track_log_now());
	mlw_track_log_write(&t, b.p, b.len);
	failed = mlw_track_log_close(&t) < 0 || w.out_err;

	mlw_buf_free(&b);
	fflush(NULL);
	rc = mlw_finish();
	if (w.sig)
		mlw_die_by(w.sig);
	if (filter) {
		if (failed)
			return MLW_EXIT_FATAL;
		if (mlw_child_received())
			mlw_die_by(mlw_child_received());
		return rc;
	}
	return failed && w.code == 0 ? MLW_EXIT_FATAL : w.code;
}
