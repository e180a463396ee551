/* mlw-alert: alerting rules over records, firing once and resolving once,
 * with state kept across runs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "diag.h"
#include "expr.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "num.h"
#include "opt.h"
#include "times.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-alert (--name NAME --when EXPR [--for N|DUR] [--keep-firing-for N|DUR]\n"
    "                 [--clear EXPR] [--by PATHS] [--severity S] [--label K=V]...\n"
    "                 [--summary TEMPLATE] | --rules FILE) [--state FILE]\n"
    "                 [--format records|alertmanager] [--exec CMD]\n"
    "                 [--exec-timeout DUR] [--repeat DUR] [--pass] [--time FIELD]\n"
    "                 [--now TIME] [--max-keys N] [--strict] [--rejects FILE]\n"
    "                 [FILE ...]";

extern char **environ;

struct ctx {
	struct mlw_rule *rules;
	size_t nrules;
	struct mlw_alerts alerts;
	int alertmanager;
	char **execv;            /* --exec words, NULL-terminated */
	int64_t exec_timeout;
	int64_t repeat;
	int64_t now;             /* --now, or 0 for the wall clock */
	int has_now;
	struct mlw_buf out, rec;
	char **vals;             /* scratch: label values */
	size_t *off;             /* their offsets in lab */
	size_t valcap;
	struct mlw_buf lab;
};

static int64_t
wallclock(const struct ctx *c)
{
	struct timespec ts;

	if (c->has_now)
		return c->now;
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

/* Run --exec with the alert record on standard input. */
static void
run_exec(struct ctx *c, const struct mlw_rule *r, const char *status,
    const char *rec, size_t len)
{
	int pfd[2], st = 0;
	pid_t pid;
	int64_t waited = 0;
	void (*old)(int);

	mlw_out_flush();
	if (pipe(pfd) < 0) {
		mlw_warn("--exec: pipe");
		return;
	}
	pid = fork();
	if (pid < 0) {
		mlw_warn("--exec: fork");
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		dup2(pfd[0], 0);
		close(pfd[0]);
		close(pfd[1]);
		dup2(2, 1);      /* its output must not mix with our records */
		setenv("MLW_ALERT", r->name, 1);
		setenv("MLW_STATUS", status, 1);
		setenv("MLW_SEVERITY", r->severity, 1);
		execvp(c->execv[0], c->execv);
		fprintf(stderr, "%s: --exec: %s: %s\n", mlw_prog(), c->execv[0],
		    strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	old = signal(SIGPIPE, SIG_IGN);
	{
		size_t off = 0;

		while (off < len) {
			ssize_t w = write(pfd[1], rec + off, len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	close(pfd[1]);
	signal(SIGPIPE, old);
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			mlw_warn("--exec: waitpid");
			return;
		}
		if (waited >= c->exec_timeout) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			mlw_warnx("--exec: %s did not finish within the "
			    "--exec-timeout for alert %s (%s), killed",
			    c->execv[0], r->name, status);
			return;
		}
		poll(NULL, 0, 10);
		waited += 10 * 1000000;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		mlw_warnx("--exec: %s exited with status %d for alert %s (%s)",
		    c->execv[0], WEXITSTATUS(st), r->name, status);
	else if (WIFSIGNALED(st))
		mlw_warnx("--exec: %s was killed by signal %d for alert %s (%s)",
		    c->execv[0], WTERMSIG(st), r->name, status);
}

/* The first record rule r cannot judge, said with what is wrong. */
static void
undefined_first(const struct mlw_rule *r, const struct mlw_line *ln,
    const struct mlw_json *doc)
{
	const char *f = mlw_expr_absent(r->when, doc);

	if (f)
		mlw_warnx("%s:%llu: rule %s: no %s in the record, so it cannot "
		    "be judged (records like this are counted)", ln->file,
		    (unsigned long long)ln->lineno, r->name, f);
	else
		mlw_warnx("%s:%llu: rule %s: a field of another type (or a "
		    "division by zero), so the record cannot be judged "
		    "(records like this are counted)", ln->file,
		    (unsigned long long)ln->lineno, r->name);
}

static void
emit(struct ctx *c, const struct mlw_rule *r, const struct mlw_ainst *in,
    int act, const struct mlw_json *doc, int64_t t)
{
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
	if (c->execv)
		run_exec(c, r, status, b->p, b->len);
	if (c->alertmanager) {
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

/* Event time: window_end, else --time FIELD, else the wall clock. Returns
 * 0, or -1 with why when --time's field is there but not a time. */
static int
event_time(const struct ctx *c, const struct mlw_json *doc,
    const struct mlw_path *tp, int64_t *t, const char **why)
{
	long i = mlw_json_member(doc, 0, "window_end", 10);
	const struct mlw_jtok *k;

	if (i >= 0 && doc->tok[i].type == MLW_JSTR && !doc->tok[i].esc &&
	    mlw_time_parse(doc->src + doc->tok[i].start + 1,
	    doc->tok[i].len - 2, t, why) == 0)
		return 0;
	if (tp && !mlw_json_missing(doc, i = mlw_json_get(doc, 0, tp))) {
		k = &doc->tok[i];
		if (k->type == MLW_JSTR && !k->esc)
			return mlw_time_parse(doc->src + k->start + 1, k->len - 2,
			    t, why);
		if (k->type == MLW_JNUM)
			return mlw_time_from_number(doc->src + k->start, k->len,
			    MLW_NS_PER_SEC, t, why);
		*why = "expected an RFC 3339 string or a number of seconds";
		return -1;
	}
	*t = wallclock(c);
	return 0;
}

/* Split --exec's words on blanks; single or double quotes group. */
static char **
split_words(const char *s)
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

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "clear", required_argument, NULL, 'c' },
		{ "exec", required_argument, NULL, 'e' },
		{ "exec-timeout", required_argument, NULL, 'E' },
		{ "for", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		MLW_MAX_KEYS_OPTION,
		{ "keep-firing-for", required_argument, NULL, 'k' },
		{ "label", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'n' },
		{ "now", required_argument, NULL, 'N' },
		{ "pass", no_argument, NULL, 'p' },
		{ "repeat", required_argument, NULL, 'P' },
		{ "rules", required_argument, NULL, 'r' },
		{ "severity", required_argument, NULL, 's' },
		{ "state", required_argument, NULL, 'S' },
		{ "summary", required_argument, NULL, 'm' },
		{ "time", required_argument, NULL, 't' },
		{ "when", required_argument, NULL, 'w' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const attr[128] = {
		['b'] = "by", ['c'] = "clear", ['f'] = "for",
		['k'] = "keep_firing_for", ['l'] = "label", ['m'] = "summary",
		['s'] = "severity", ['w'] = "when",
	};
	struct ctx c;
	struct mlw_rule cli;
	const char *rulesfile = NULL, *statefile = NULL, *timefield = NULL;
	struct mlw_path timepath;
	int pass = 0, ch, cli_used = 0, lockfd = -1;
	const char **cli_k = NULL;
	char **cli_v = NULL;
	size_t ncli = 0;
	char err[256];
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;
	size_t i, k;
	const char *why;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&c, 0, sizeof c);
	memset(&cli, 0, sizeof cli);
	memset(&doc, 0, sizeof doc);
	c.exec_timeout = 10 * MLW_NS_PER_SEC;
	while ((ch = getopt_long(argc, argv, "b:c:e:f:hk:l:m:n:pr:s:t:w:",
	    longopts, NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'E':
			if (mlw_duration_parse(optarg, &c.exec_timeout) < 0 ||
			    c.exec_timeout == 0)
				mlw_opt_error("--exec-timeout: expected a duration "
				    "like 10s, found '%s'", optarg);
			break;
		case 'F':
			if (strcmp(optarg, "alertmanager") == 0)
				c.alertmanager = 1;
			else if (strcmp(optarg, "records") != 0)
				mlw_opt_error("--format: expected records or "
				    "alertmanager, found '%s'", optarg);
			break;
		case 'N':
			if (mlw_time_parse(optarg, strlen(optarg), &c.now,
			    &why) < 0)
				mlw_opt_error("--now: %s, found '%s'", why, optarg);
			c.has_now = 1;
			break;
		case 'P':
			if (mlw_duration_parse(optarg, &c.repeat) < 0 ||
			    c.repeat == 0)
				mlw_opt_error("--repeat: expected a duration like 4h, "
				    "found '%s'", optarg);
			break;
		case 'S':
			statefile = optarg;
			break;
		case 'b': case 'c': case 'f': case 'k': case 'l': case 'm':
		case 's': case 'w':
			/* applied once the rule's name is known */
			cli_used = 1;
			cli_k = mlw_xrealloc(cli_k, (ncli + 1) * sizeof *cli_k);
			cli_v = mlw_xrealloc(cli_v, (ncli + 1) * sizeof *cli_v);
			cli_k[ncli] = attr[ch];
			cli_v[ncli++] = optarg;
			break;
		case 'e':
			if ((c.execv = split_words(optarg)) == NULL)
				mlw_opt_error("--exec: expected a command, found "
				    "'%s'", optarg);
			break;
		case 'n':
			free(cli.name);
			cli.name = mlw_xstrdup(optarg);
			cli_used = 1;
			break;
		case 'p':
			pass = 1;
			break;
		case 'r':
			rulesfile = optarg;
			break;
		case 't':
			timefield = optarg;
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (rulesfile) {
		size_t tlen;
		char *text = mlw_read_file(rulesfile, &tlen);

		if (text == NULL)
			mlw_fatal_errno("%s", rulesfile);
		if (strlen(text) != tlen)
			mlw_fatal("%s: contains a NUL byte", rulesfile);
		if (mlw_rules_parse(text, rulesfile, &c.rules, &c.nrules, err,
		    sizeof err) < 0)
			mlw_fatal("%s", err);
		free(text);
	}
	for (i = 0; i < ncli; i++)
		if (mlw_rule_set(&cli, cli_k[i], cli_v[i], err, sizeof err) < 0)
			bad_rule(cli.name, err);
	free(cli_k);
	free(cli_v);
	if (cli_used) {
		if (mlw_rule_check(&cli, err, sizeof err) < 0)
			bad_rule(NULL, err);
		for (i = 0; i < c.nrules; i++)
			if (strcmp(c.rules[i].name, cli.name) == 0)
				bad_rule(cli.name, "defined twice");
		c.rules = mlw_xrealloc(c.rules,
		    (c.nrules + 1) * sizeof *c.rules);
		c.rules[c.nrules++] = cli;
	}
	if (c.nrules == 0)
		mlw_opt_error("no rule: give --name and --when, or --rules FILE");
	for (i = 0; i < c.nrules; i++) {
		if (c.rules[i].severity == NULL)
			c.rules[i].severity = mlw_xstrdup("warning");
		if (c.alertmanager)
			am_names_check(&c.rules[i]);
	}
	if (timefield)
		mlw_path_opt(&timepath, "--time", timefield);
	if (statefile) {
		/* one run per state file at a time: overlapping cron runs
		 * wait for each other instead of losing updates */
		size_t n = strlen(statefile) + 6;
		char *lp = mlw_xmalloc(n);
		struct flock fl;

		snprintf(lp, n, "%s.lock", statefile);
		lockfd = open(lp, O_RDWR | O_CREAT, 0644);
		if (lockfd < 0)
			mlw_fatal_errno("%s", lp);
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		while (fcntl(lockfd, F_SETLKW, &fl) < 0)
			if (errno != EINTR)
				mlw_fatal_errno("%s: lock", lp);
		free(lp);
		mlw_state_load(&c.alerts, statefile, c.rules, c.nrules);
	}

	in = mlw_input_new(argv, argc);
	while (mlw_input_next(in, &ln)) {
		int64_t t;
		int emitted = 0;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (event_time(&c, &doc, timefield ? &timepath : NULL, &t,
		    &why) < 0) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s: %s",
			    timefield, why);
			continue;
		}
		if (pass) {
			mlw_out_write(ln.p, ln.len);
			mlw_out_write("\n", 1);
		}
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;       /* a control record */
		for (i = 0; i < c.nrules; i++) {
			struct mlw_rule *r = &c.rules[i];
			struct mlw_ainst *inst;
			int cond = mlw_expr_test(r->when, &doc), clr = -1, act;

			if (cond < 0) {
				/* said at once (a misspelled field would
				 * otherwise be silent until the end) */
				if (r->undefined++ == 0)
					undefined_first(r, &ln, &doc);
				continue;
			}
			if (r->clear)
				clr = mlw_expr_test(r->clear, &doc);
			if (r->nby > c.valcap) {
				c.valcap = r->nby;
				c.vals = mlw_xrealloc(c.vals,
				    c.valcap * sizeof *c.vals);
				c.off = mlw_xrealloc(c.off,
				    c.valcap * sizeof *c.off);
			}
			/* the by values, in a buffer reused record after record */
			c.lab.len = 0;
			for (k = 0; k < r->nby; k++) {
				c.off[k] = c.lab.len;
				mlw_key_label(&c.lab, &doc,
				    mlw_json_get(&doc, 0, &r->by[k]));
				mlw_buf_addc(&c.lab, '\0');
			}
			for (k = 0; k < r->nby; k++)
				c.vals[k] = c.lab.p + c.off[k];
			inst = mlw_alerts_get(&c.alerts, i, c.rules, c.vals);
			act = mlw_alert_step(r, &inst->st, cond, clr, t, c.repeat);
			if (act != MLW_A_NONE) {
				emit(&c, r, inst, act, &doc, t);
				emitted = 1;
			}
		}
		if (emitted) {
			mlw_out_flush();
			if (statefile && mlw_state_save(&c.alerts, statefile,
			    c.rules) < 0)
				mlw_diag_set_failed();
		}
	}
	if (statefile && mlw_state_save(&c.alerts, statefile, c.rules) < 0)
		mlw_diag_set_failed();
	for (i = 0; i < c.nrules; i++)
		if (c.rules[i].undefined)
			mlw_warnx("rule %s: %llu record%s could not be judged "
			    "(a field missing or of another type)",
			    c.rules[i].name,
			    (unsigned long long)c.rules[i].undefined,
			    c.rules[i].undefined == 1 ? "" : "s");

	mlw_input_free(in);
	mlw_json_free(&doc);
	mlw_alerts_free(&c.alerts, c.rules);
	for (i = 0; i < c.nrules; i++)
		mlw_rule_free(&c.rules[i]);
	free(c.rules);
	free(c.vals);
	free(c.off);
	mlw_buf_free(&c.lab);
	mlw_buf_free(&c.out);
	mlw_buf_free(&c.rec);
	if (c.execv) {
		for (i = 0; c.execv[i]; i++)
			free(c.execv[i]);
		free(c.execv);
	}
	if (timefield)
		mlw_path_free(&timepath);
	if (lockfd >= 0)
		close(lockfd);
	return mlw_finish();
}
