#include "alert_stream.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "buf.h"
#include "child.h"
#include "diag.h"
#include "expr.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "num.h"
#include "opt.h"
#include "out.h"
#include "times.h"
#include "xalloc.h"

struct ctx {
	struct mlw_rule *rules;
	size_t nrules;
	struct mlw_judge j;      /* the alerts, and judging records */
	const struct mlw_alert_opts *o;
	struct mlw_buf out, rec;
};

static int64_t
wallclock(const struct ctx *c)
{
	struct timespec ts;

	if (c->o->has_now)
		return c->o->now;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * MLW_NS_PER_SEC + ts.tv_nsec;
}

static void
labels_json(struct mlw_buf *b, const struct mlw_rule *r,
    const struct mlw_ainst *in, int am)
{
	size_t k;

	mlw_jw_open(b, '{');
	if (am) {
		mlw_jw_key(b, "alertname");
		mlw_jw_str(b, r->name, strlen(r->name));
		mlw_jw_key(b, "severity");
		mlw_jw_str(b, r->severity, strlen(r->severity));
	}
	for (k = 0; k < r->nby; k++) {
		if (am) {
			/* Alertmanager refuses a name that is not
			 * [a-zA-Z_][a-zA-Z0-9_]*: features.country is sent as
			 * features_country */
			static struct mlw_buf nm;

			nm.len = 0;
			mlw_label_name(&nm, r->by[k].text);
			mlw_jw_sep(b);
			mlw_jw_str(b, nm.p, nm.len);
			mlw_buf_addc(b, ':');
		} else
			mlw_jw_key(b, r->by[k].text);
		mlw_jw_str(b, in->val[k], strlen(in->val[k]));
	}
	for (k = 0; k < r->nlabel; k++) {
		mlw_jw_key(b, r->lkey[k]);
		mlw_jw_str(b, r->lval[k], strlen(r->lval[k]));
	}
	mlw_jw_close(b, '}');
}

/* Run --exec with the alert record on standard input, MLW_ALERT,
 * MLW_STATUS and MLW_SEVERITY in its environment. */
static void
run_exec(struct ctx *c, const struct mlw_rule *r, const char *status,
    const char *rec, size_t len)
{
	const char *env[7];
	char *const *argv = c->o->execv;
	int st = 0, rc;

	env[0] = "MLW_ALERT";
	env[1] = r->name;
	env[2] = "MLW_STATUS";
	env[3] = status;
	env[4] = "MLW_SEVERITY";
	env[5] = r->severity;
	env[6] = NULL;
	rc = mlw_child_run(argv, env, rec, len, c->o->exec_timeout, &st);
	if (rc > 0)
		mlw_warnx("--exec: %s did not finish within the --exec-timeout "
		    "for alert %s (%s), killed", argv[0], r->name, status);
	else if (rc == 0 && WIFEXITED(st) && WEXITSTATUS(st) != 0)
		mlw_warnx("--exec: %s exited with status %d for alert %s (%s)",
		    argv[0], WEXITSTATUS(st), r->name, status);
	else if (rc == 0 && WIFSIGNALED(st))
		mlw_warnx("--exec: %s was killed by signal %d for alert %s (%s)",
		    argv[0], WTERMSIG(st), r->name, status);
}

/* The alert record of a transition, on standard output (mlw_judge's
 * emit). */
static void
emit(void *arg, const struct mlw_rule *r, const struct mlw_ainst *in,
    int act, const struct mlw_json *doc, int64_t t)
{
	struct ctx *c = arg;
	struct mlw_buf *b = &c->out, *s = &c->rec;
	const char *status = act == MLW_A_RESOLVE ? "resolved" : "firing";
	long ws = mlw_json_member(doc, 0, "window_start", 12);
	long we = mlw_json_member(doc, 0, "window_end", 10);
	double v;
	int hasv = mlw_expr_value(r->when, doc, &v) == 0;

	s->len = 0;
	if (r->summary)
		mlw_template(s, r->summary, doc);
	/* the alert record, always built: for --exec and the records format */
	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "alert");
	mlw_jw_str(b, r->name, strlen(r->name));
	mlw_jw_key(b, "status");
	mlw_jw_str(b, status, strlen(status));
	mlw_jw_key(b, "severity");
	mlw_jw_str(b, r->severity, strlen(r->severity));
	mlw_jw_key(b, "labels");
	labels_json(b, r, in, 0);
	mlw_jw_key(b, "value");
	if (hasv)
		mlw_jw_num(b, v);
	else
		mlw_jw_null(b);
	if (r->summary) {
		mlw_jw_key(b, "summary");
		mlw_jw_str(b, s->p, s->len);
	}
	mlw_jw_key(b, "starts_at");
	mlw_jw_time(b, in->st.starts_at);
	if (act == MLW_A_RESOLVE) {
		mlw_jw_key(b, "ends_at");
		mlw_jw_time(b, t);
	}
	if (ws >= 0 && we >= 0) {
		mlw_jw_key(b, "window_start");
		mlw_jw_raw(b, doc, (uint32_t)ws);
		mlw_jw_key(b, "window_end");
		mlw_jw_raw(b, doc, (uint32_t)we);
	}
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	if (c->o->execv)
		run_exec(c, r, status, b->p, b->len);
	if (c->o->alertmanager) {
		b->len = 0;
		mlw_jw_open(b, '[');
		mlw_jw_open(b, '{');
		mlw_jw_key(b, "labels");
		labels_json(b, r, in, 1);
		mlw_jw_key(b, "annotations");
		mlw_jw_open(b, '{');
		if (r->summary) {
			mlw_jw_key(b, "summary");
			mlw_jw_str(b, s->p, s->len);
		}
		if (hasv) {
			char nb[MLW_NUM_MAX];
			size_t n = mlw_num_format(v, nb);

			mlw_jw_key(b, "value");
			mlw_jw_str(b, nb, n);
		}
		mlw_jw_close(b, '}');
		mlw_jw_key(b, "startsAt");
		mlw_jw_time(b, in->st.starts_at);
		if (act == MLW_A_RESOLVE) {
			mlw_jw_key(b, "endsAt");
			mlw_jw_time(b, t);
		}
		mlw_jw_close(b, '}');
		mlw_jw_close(b, ']');
		mlw_buf_addc(b, '\n');
	}
	mlw_out_write(b->p, b->len);
}

static void
bad_rule(const char *name, const char *err)
{
	if (name)
		mlw_opt_error("rule %s: %s", name, err);
	mlw_opt_error("%s", err);
}

/* With --format alertmanager, the label names a rule sends must be
 * distinct once the paths of by are made into label names: a by of a.b
 * and a label a_b would make one label of two (fatal, at start-up). */
static void
am_names_check(const struct mlw_rule *r)
{
	struct mlw_buf a = { 0 }, b = { 0 };
	size_t n = r->nby + r->nlabel, i, j;
	char e[512];

	for (i = 0; i < n; i++) {
		a.len = 0;
		mlw_label_name(&a, i < r->nby ? r->by[i].text :
		    r->lkey[i - r->nby]);
		mlw_buf_addc(&a, '\0');
		for (j = 0; j < i; j++) {
			b.len = 0;
			mlw_label_name(&b, j < r->nby ? r->by[j].text :
			    r->lkey[j - r->nby]);
			mlw_buf_addc(&b, '\0');
			if (strcmp(a.p, b.p) == 0) {
				snprintf(e, sizeof e, "%s and %s are both sent "
				    "to Alertmanager as the label %s",
				    j < r->nby ? r->by[j].text :
				    r->lkey[j - r->nby], i < r->nby ?
				    r->by[i].text : r->lkey[i - r->nby], a.p);
				bad_rule(r->name, e);
			}
		}
	}
	mlw_buf_free(&a);
	mlw_buf_free(&b);
}

/* The rules: those of the rules file, then the command line's. */
static void
load_rules(struct ctx *c, const struct mlw_alert_opts *o)
{
	struct mlw_rule cli;
	char err[256];
	size_t i;

	memset(&cli, 0, sizeof cli);
	if (o->rules_file) {
		size_t tlen;
		char *text = mlw_read_file(o->rules_file, &tlen);

		if (text == NULL)
			mlw_fatal_errno("%s", o->rules_file);
		if (strlen(text) != tlen)
			mlw_fatal("%s: contains a NUL byte", o->rules_file);
		if (mlw_rules_parse(text, o->rules_file, &c->rules, &c->nrules,
		    err, sizeof err) < 0)
			mlw_fatal("%s", err);
		free(text);
	}
	if (o->cli_name)
		cli.name = mlw_xstrdup(o->cli_name);
	for (i = 0; i < o->ncli; i++)
		if (mlw_rule_set(&cli, o->cli_keys[i], o->cli_vals[i], err,
		    sizeof err) < 0)
			bad_rule(cli.name, err);
	if (o->cli_name || o->ncli) {
		if (mlw_rule_check(&cli, err, sizeof err) < 0)
			bad_rule(NULL, err);
		for (i = 0; i < c->nrules; i++)
			if (strcmp(c->rules[i].name, cli.name) == 0)
				bad_rule(cli.name, "defined twice");
		c->rules = mlw_xrealloc(c->rules,
		    (c->nrules + 1) * sizeof *c->rules);
		c->rules[c->nrules++] = cli;
	}
	if (c->nrules == 0)
		mlw_opt_error("no rule: give --name and --when, or --rules FILE");
	for (i = 0; i < c->nrules; i++) {
		mlw_rule_defaults(&c->rules[i]);
		if (o->alertmanager)
			am_names_check(&c->rules[i]);
	}
}

/* One run per state file at a time: overlapping cron runs wait for each
 * other instead of losing updates. The descriptor of the lock. */
static int
lock_state(const char *statefile)
{
	size_t n = strlen(statefile) + 6;
	char *lp = mlw_xmalloc(n);
	struct flock fl;
	int fd;

	snprintf(lp, n, "%s.lock", statefile);
	if ((fd = open(lp, O_RDWR | O_CREAT, 0644)) < 0)
		mlw_fatal_errno("%s", lp);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &fl) < 0)
		if (errno != EINTR)
			mlw_fatal_errno("%s: lock", lp);
	free(lp);
	return fd;
}

void
mlw_alert_run(const struct mlw_alert_opts *o, struct mlw_input *in)
{
	struct ctx c;
	struct mlw_path tp;
	struct mlw_line ln;
	struct mlw_json doc;
	const char *why;
	int lockfd = -1;
	int64_t t;
	size_t i;

	memset(&c, 0, sizeof c);
	memset(&doc, 0, sizeof doc);
	c.o = o;
	load_rules(&c, o);
	c.j.rules = c.rules;
	c.j.nrules = c.nrules;
	c.j.repeat = o->repeat;
	c.j.emit = emit;
	c.j.arg = &c;
	if (o->time && mlw_path_parse(&tp, o->time) < 0)
		mlw_fatal("--time: invalid path");
	if (o->state) {
		lockfd = lock_state(o->state);
		mlw_state_load(&c.j.alerts, o->state, c.rules, c.nrules);
	}
	while (mlw_record_next(in, &ln, &doc)) {
		int rc = mlw_alert_time(&doc, o->time ? &tp : NULL, &t, &why);

		if (rc < 0) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s: %s",
			    o->time, why);
			continue;
		}
		if (rc > 0)
			t = wallclock(&c);
		if (o->pass) {
			mlw_out_write(ln.p, ln.len);
			mlw_out_write("\n", 1);
		}
		if (mlw_judge_record(&c.j, &doc, ln.file, ln.lineno, t)) {
			mlw_out_flush();
			if (o->state && mlw_state_save(&c.j.alerts, o->state,
			    c.rules) < 0)
				mlw_diag_set_failed();
		}
	}
	if (o->state && mlw_state_save(&c.j.alerts, o->state, c.rules) < 0)
		mlw_diag_set_failed();
	for (i = 0; i < c.nrules; i++)
		if (c.rules[i].undefined)
			mlw_warnx("rule %s: %llu record%s could not be judged "
			    "(a field missing or of another type)",
			    c.rules[i].name,
			    (unsigned long long)c.rules[i].undefined,
			    c.rules[i].undefined == 1 ? "" : "s");
	mlw_json_free(&doc);
	mlw_judge_reset(&c.j);
	for (i = 0; i < c.nrules; i++)
		mlw_rule_free(&c.rules[i]);
	free(c.rules);
	mlw_buf_free(&c.out);
	mlw_buf_free(&c.rec);
	if (o->time)
		mlw_path_free(&tp);
	if (lockfd >= 0)
		close(lockfd);
}
