#include "alert.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "expr.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "kvline.h"
#include "num.h"
#include "opt.h"
#include "strmap.h"
#include "times.h"
#include "xalloc.h"

/* "N" (evaluations) or a duration. */
static int
count_or_dur(const char *v, uint64_t *n, int64_t *ns)
{
	long long ll;

	*n = 0;
	*ns = 0;
	if (v[0] >= '0' && v[0] <= '9' && strspn(v, "0123456789") == strlen(v)) {
		if (mlw_int_strict(v, 0, INT64_MAX, &ll) < 0)
			return -1;
		*n = (uint64_t)ll;
		return 0;
	}
	return mlw_duration_parse(v, ns);
}

int
mlw_rule_set(struct mlw_rule *r, const char *key, const char *val, char *err,
    size_t errlen)
{
	char e[160];

	if (strcmp(key, "when") == 0 || strcmp(key, "clear") == 0) {
		struct mlw_expr *x = mlw_expr_compile(val, e, sizeof e);
		struct mlw_expr **slot = key[0] == 'w' ? &r->when : &r->clear;

		if (x == NULL) {
			snprintf(err, errlen, "%s: %s", key, e);
			return -1;
		}
		mlw_expr_free(*slot);
		*slot = x;
	} else if (strcmp(key, "for") == 0) {
		if (count_or_dur(val, &r->for_n, &r->for_ns) < 0) {
			snprintf(err, errlen, "for: expected a count of evaluations "
			    "or a duration like 2h, found '%s'", val);
			return -1;
		}
	} else if (strcmp(key, "keep_firing_for") == 0 ||
	    strcmp(key, "keep-firing-for") == 0) {
		if (count_or_dur(val, &r->keep_n, &r->keep_ns) < 0) {
			snprintf(err, errlen, "keep_firing_for: expected a count "
			    "of evaluations or a duration like 30m, found '%s'", val);
			return -1;
		}
	} else if (strcmp(key, "by") == 0) {
		size_t n, i;
		char **l = mlw_split_list(val, &n);

		if (l == NULL) {
			snprintf(err, errlen, "by: invalid list '%s'", val);
			return -1;
		}
		for (i = 0; i < r->nby; i++)
			mlw_path_free(&r->by[i]);
		free(r->by);
		r->by = mlw_xcalloc(n, sizeof *r->by);
		r->nby = n;
		for (i = 0; i < n; i++)
			if (mlw_path_parse(&r->by[i], l[i]) < 0) {
				snprintf(err, errlen, "by: %s, found '%s'",
				    MLW_PATH_EXPECTED, l[i]);
				mlw_free_list(l, n);
				return -1;
			}
		mlw_free_list(l, n);
	} else if (strcmp(key, "severity") == 0) {
		if (*val == '\0') {
			snprintf(err, errlen, "severity: empty");
			return -1;
		}
		free(r->severity);
		r->severity = mlw_xstrdup(val);
	} else if (strcmp(key, "label") == 0) {
		const char *eq = strchr(val, '=');
		size_t i;

		if (eq == NULL || eq == val) {
			snprintf(err, errlen, "label: expected NAME=VALUE, found "
			    "'%s'", val);
			return -1;
		}
		{
			char nm[256];
			size_t nl = (size_t)(eq - val);

			/* Prometheus' and Alertmanager's rule: an alert
			 * with another name is refused (HTTP 400) */
			snprintf(nm, sizeof nm, "%.*s", (int)nl, val);
			if (nl >= sizeof nm || !mlw_label_name_valid(nm)) {
				snprintf(err, errlen, "label: invalid name '%.*s' "
				    "(a label name is letters, digits and _, "
				    "not starting with a digit)", (int)nl, val);
				return -1;
			}
		}
		i = r->nlabel++;
		r->lkey = mlw_xrealloc(r->lkey, r->nlabel * sizeof *r->lkey);
		r->lval = mlw_xrealloc(r->lval, r->nlabel * sizeof *r->lval);
		r->lkey[i] = mlw_xstrndup(val, (size_t)(eq - val));
		r->lval[i] = mlw_xstrdup(eq + 1);
	} else if (strcmp(key, "summary") == 0) {
		if (mlw_template_check(val, e, sizeof e) < 0) {
			snprintf(err, errlen, "summary: %s", e);
			return -1;
		}
		free(r->summary);
		r->summary = mlw_xstrdup(val);
	} else {
		snprintf(err, errlen, "unknown attribute '%s' (expected when, "
		    "clear, for, keep_firing_for, by, severity, label or "
		    "summary)", key);
		return -1;
	}
	return 0;
}

int
mlw_rule_check(const struct mlw_rule *r, char *err, size_t errlen)
{
	if (r->name == NULL || r->name[0] == '\0') {
		snprintf(err, errlen, "a rule needs a name");
		return -1;
	}
	size_t i, j;

	if (r->when == NULL) {
		snprintf(err, errlen, "rule %s has no 'when' condition", r->name);
		return -1;
	}
	/* every label name once: by fields, free labels, and the names
	 * the output itself uses */
	for (i = 0; i < r->nby + r->nlabel; i++) {
		const char *k = i < r->nby ? r->by[i].text : r->lkey[i - r->nby];

		if (strcmp(k, "alertname") == 0 || strcmp(k, "severity") == 0) {
			snprintf(err, errlen, "rule %s: the label name %s is "
			    "reserved", r->name, k);
			return -1;
		}
		for (j = 0; j < i; j++) {
			const char *k2 = j < r->nby ? r->by[j].text :
			    r->lkey[j - r->nby];

			if (strcmp(k, k2) == 0) {
				snprintf(err, errlen, "rule %s: label %s is given "
				    "twice (by and label names must differ)",
				    r->name, k);
				return -1;
			}
		}
	}
	return 0;
}

void
mlw_rule_free(struct mlw_rule *r)
{
	size_t i;

	free(r->name);
	mlw_expr_free(r->when);
	mlw_expr_free(r->clear);
	for (i = 0; i < r->nby; i++)
		mlw_path_free(&r->by[i]);
	free(r->by);
	free(r->severity);
	for (i = 0; i < r->nlabel; i++) {
		free(r->lkey[i]);
		free(r->lval[i]);
	}
	free(r->lkey);
	free(r->lval);
	free(r->summary);
	memset(r, 0, sizeof *r);
}

void
mlw_rule_defaults(struct mlw_rule *r)
{
	if (r->severity == NULL)
		r->severity = mlw_xstrdup("warning");
}

int
mlw_rules_parse(const char *text, const char *file, struct mlw_rule **rules,
    size_t *n, char *err, size_t errlen)
{
	const char *p = text;
	struct mlw_kvline kv = { 0 };
	unsigned line = 0;
	struct mlw_rule *cur = NULL;
	char e[200];

	while (mlw_kvline_next(&p, &kv, 0)) {
		char *k = kv.key, *v = kv.val;
		size_t i;

		line = kv.line;
		if (strcmp(k, "rule") == 0) {
			if (cur && mlw_rule_check(cur, e, sizeof e) < 0)
				goto bad;
			if (*v == '\0' || strcspn(v, " \t") != strlen(v)) {
				snprintf(e, sizeof e, "expected 'rule NAME' (one "
				    "word), found 'rule %s'", v);
				goto bad;
			}
			for (i = 0; i < *n; i++)
				if (strcmp((*rules)[i].name, v) == 0) {
					snprintf(e, sizeof e, "rule %s is defined "
					    "twice", v);
					goto bad;
				}
			*rules = mlw_xrealloc(*rules,
			    (*n + 1) * sizeof **rules);
			cur = &(*rules)[(*n)++];
			memset(cur, 0, sizeof *cur);
			cur->name = mlw_xstrdup(v);
			continue;
		}
		if (cur == NULL) {
			snprintf(e, sizeof e, "expected 'rule NAME' before '%s'", k);
			goto bad;
		}
		if (*v == '\0') {
			snprintf(e, sizeof e, "%s: no value", k);
			goto bad;
		}
		if (mlw_rule_set(cur, k, v, e, sizeof e) < 0)
			goto bad;
		continue;
bad:
		snprintf(err, errlen, "%s:%u: %s", file, line, e);
		mlw_kvline_free(&kv);
		return -1;
	}
	line = kv.line;
	mlw_kvline_free(&kv);
	if (cur && mlw_rule_check(cur, e, sizeof e) < 0) {
		snprintf(err, errlen, "%s:%u: %s", file, line, e);
		return -1;
	}
	if (*n == 0) {
		snprintf(err, errlen, "%s: no rules", file);
		return -1;
	}
	return 0;
}

static int
fire(struct mlw_astate *s, int64_t t)
{
	s->state = MLW_FIRING;
	s->starts_at = t;
	s->last_emit = t;
	s->miss = 0;
	return MLW_A_FIRE;
}

int
mlw_alert_step(const struct mlw_rule *r, struct mlw_astate *s, int cond,
    int clear, int64_t t, int64_t repeat_ns)
{
	switch (s->state) {
	case MLW_INACTIVE:
		if (!cond)
			return MLW_A_NONE;
		s->count = 1;
		s->since = t;
		if (r->for_n <= 1 && r->for_ns == 0)
			return fire(s, t);
		s->state = MLW_PENDING;
		return MLW_A_NONE;
	case MLW_PENDING:
		if (!cond) {
			s->state = MLW_INACTIVE;
			s->count = 0;
			return MLW_A_NONE;
		}
		s->count++;
		if ((r->for_n && s->count >= r->for_n) ||
		    (r->for_ns && t - s->since >= r->for_ns))
			return fire(s, t);
		return MLW_A_NONE;
	default: {
		int resolving = r->clear ? clear == 1 : !cond;

		if (!resolving) {
			s->miss = 0;
			if (repeat_ns && t - s->last_emit >= repeat_ns) {
				s->last_emit = t;
				return MLW_A_REPEAT;
			}
			return MLW_A_NONE;
		}
		if (s->miss++ == 0)
			s->miss_since = t;
		if (r->keep_ns ? t - s->miss_since >= r->keep_ns :
		    s->miss > r->keep_n) {
			s->state = MLW_INACTIVE;
			s->count = 0;
			s->miss = 0;
			return MLW_A_RESOLVE;
		}
		return MLW_A_NONE;
	}
	}
}

/* The map key of an instance. */
static void
instkey(struct mlw_buf *b, const struct mlw_rule *r, char *const *val)
{
	size_t i;

	b->len = 0;
	mlw_jw_str(b, r->name, strlen(r->name));  /* quoted: no name or */
	for (i = 0; i < r->nby; i++)              /* value holds a separator */
		mlw_jw_str(b, val[i], strlen(val[i]));
}

struct mlw_ainst *
mlw_alerts_get(struct mlw_alerts *a, size_t ri, const struct mlw_rule *rules,
    char *const *val)
{
	static struct mlw_buf kb;
	const struct mlw_rule *r = &rules[ri];
	size_t idx, i;
	struct mlw_ainst *in;

	instkey(&kb, r, val);
	if (mlw_strmap_find(&a->keys, kb.p, kb.len) < 0 &&
	    a->keys.n >= mlw_key_max()) {
		struct mlw_buf d = { 0 };

		for (i = 0; i < r->nby; i++) {
			mlw_buf_adds(&d, i ? "," : "");
			mlw_buf_adds(&d, r->by[i].text);
			mlw_buf_addc(&d, '=');
			mlw_buf_adds(&d, val[i]);
		}
		mlw_buf_addc(&d, '\0');
		mlw_fatal("more than %zu alerts (the limit of --max-keys): rule "
		    "%s, %s, did not fit", mlw_key_max(), r->name, d.p);
	}
	idx = mlw_strmap_add(&a->keys, kb.p, kb.len);
	if (idx < a->keys.n - 1 || (a->cap > idx && a->inst[idx].val))
		return &a->inst[idx];
	if (idx >= a->cap) {
		size_t ncap = a->cap ? a->cap * 2 : 16;

		a->inst = mlw_xrealloc(a->inst, ncap * sizeof *a->inst);
		memset(a->inst + a->cap, 0, (ncap - a->cap) * sizeof *a->inst);
		a->cap = ncap;
	}
	in = &a->inst[idx];
	in->rule = ri;
	in->val = mlw_xcalloc(r->nby + 1, sizeof *in->val);
	for (i = 0; i < r->nby; i++)
		in->val[i] = mlw_xstrdup(val[i]);
	memset(&in->st, 0, sizeof in->st);
	return in;
}

void
mlw_alerts_free(struct mlw_alerts *a, const struct mlw_rule *rules)
{
	size_t i, k;

	for (i = 0; i < a->keys.n; i++) {
		if (a->inst[i].val == NULL)
			continue;
		for (k = 0; k < rules[a->inst[i].rule].nby; k++)
			free(a->inst[i].val[k]);
		free(a->inst[i].val);
	}
	free(a->inst);
	mlw_strmap_free(&a->keys);
	memset(a, 0, sizeof *a);
}

/* ---------- judging records ---------- */

int
mlw_alert_time(const struct mlw_json *doc, const struct mlw_path *tp,
    int64_t *t, const char **why)
{
	long i = mlw_json_member(doc, 0, "window_end", 10);

	if (i >= 0 && doc->tok[i].type == MLW_JSTR &&
	    mlw_time_token(doc, i, MLW_NS_PER_SEC, t, why) == 0)
		return 0;
	if (tp && !mlw_json_missing(doc, i = mlw_json_get(doc, 0, tp)))
		return mlw_time_token(doc, i, MLW_NS_PER_SEC, t, why);
	return 1;
}

/* The first record rule r cannot judge, said with what is wrong. */
static void
undefined_first(const struct mlw_rule *r, const char *file, uint64_t line,
    const struct mlw_json *doc)
{
	const char *f = mlw_expr_absent(r->when, doc);

	if (f)
		mlw_warnx("%s:%llu: rule %s: no %s in the record, so it cannot "
		    "be judged (records like this are counted)", file,
		    (unsigned long long)line, r->name, f);
	else
		mlw_warnx("%s:%llu: rule %s: a field of another type (or a "
		    "division by zero), so the record cannot be judged "
		    "(records like this are counted)", file,
		    (unsigned long long)line, r->name);
}

size_t
mlw_judge_record(struct mlw_judge *j, const struct mlw_json *doc,
    const char *file, uint64_t line, int64_t t)
{
	size_t i, k, n = 0;

	if (mlw_json_member(doc, 0, "mlw", 3) >= 0)
		return 0;       /* a control record */
	for (i = 0; i < j->nrules; i++) {
		struct mlw_rule *r = &j->rules[i];
		struct mlw_ainst *inst;
		int cond = mlw_expr_test(r->when, doc), clr = -1, act;

		if (cond < 0) {
			/* said at once (a misspelled field would otherwise
			 * be silent until the end) */
			if (r->undefined++ == 0)
				undefined_first(r, file, line, doc);
			continue;
		}
		if (r->clear)
			clr = mlw_expr_test(r->clear, doc);
		if (r->nby > j->valcap) {
			j->valcap = r->nby;
			j->vals = mlw_xrealloc(j->vals, j->valcap * sizeof *j->vals);
			j->off = mlw_xrealloc(j->off, j->valcap * sizeof *j->off);
		}
		/* the by values, in a buffer reused record after record */
		j->lab.len = 0;
		for (k = 0; k < r->nby; k++) {
			j->off[k] = j->lab.len;
			mlw_key_label(&j->lab, doc, mlw_json_get(doc, 0,
			    &r->by[k]));
			mlw_buf_addc(&j->lab, '\0');
		}
		for (k = 0; k < r->nby; k++)
			j->vals[k] = j->lab.p + j->off[k];
		inst = mlw_alerts_get(&j->alerts, i, j->rules, j->vals);
		act = mlw_alert_step(r, &inst->st, cond, clr, t, j->repeat);
		if (act != MLW_A_NONE) {
			j->emit(j->arg, r, inst, act, doc, t);
			n++;
		}
	}
	return n;
}

void
mlw_judge_reset(struct mlw_judge *j)
{
	mlw_alerts_free(&j->alerts, j->rules);
	free(j->vals);
	free(j->off);
	mlw_buf_free(&j->lab);
	j->vals = NULL;
	j->off = NULL;
	j->valcap = 0;
}

/* ---------- the state file ---------- */

static const char *const statenames[] = { "inactive", "pending", "firing" };

static _Noreturn void
bad_state(const char *path, uint64_t line, const char *what)
{
	mlw_fatal("%s:%llu: invalid state file: %s (remove it to start afresh)",
	    path, (unsigned long long)line, what);
}

static int64_t
get_time(const struct mlw_json *doc, const char *name, const char *path,
    uint64_t line)
{
	long t = mlw_json_member(doc, 0, name, strlen(name));
	int64_t ns;
	const char *why;

	if (t < 0 || doc->tok[t].type == MLW_JNULL)
		return 0;
	if (doc->tok[t].type != MLW_JSTR || mlw_time_parse(doc->src +
	    doc->tok[t].start + 1, doc->tok[t].len - 2, &ns, &why) < 0)
		bad_state(path, line, name);
	return ns;
}

static uint64_t
get_count(const struct mlw_json *doc, const char *name, const char *path,
    uint64_t line)
{
	long t = mlw_json_member(doc, 0, name, strlen(name));
	double d;

	if (t < 0)
		return 0;
	if (doc->tok[t].type != MLW_JNUM || mlw_json_num(doc, (uint32_t)t, &d) < 0
	    || d < 0 || d > 9e15)
		bad_state(path, line, name);
	return (uint64_t)d;
}

void
mlw_state_load(struct mlw_alerts *a, const char *path,
    const struct mlw_rule *rules, size_t nrules)
{
	size_t len;
	char *text = mlw_read_file(path, &len), *p;
	struct mlw_json doc;
	uint64_t line = 0;
	static struct mlw_msgkind unknown = { "states of unknown rules", 0, 0 };

	if (text == NULL) {
		if (errno == ENOENT)
			return;
		mlw_fatal_errno("%s", path);
	}
	if (strlen(text) != len) {
		/* a NUL byte would end the text early: never a silent reset */
		char *nul = text + strlen(text);
		uint64_t at = 1;

		for (p = text; p < nul; p++)
			at += *p == '\n';
		bad_state(path, at, "contains a NUL byte");
	}
	memset(&doc, 0, sizeof doc);
	for (p = text; *p;) {
		char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		long t, lab;
		size_t ri, k;
		char **val;
		struct mlw_ainst *in;

		line++;
		if (mlw_json_parse(&doc, p, l) < 0 || doc.tok[0].type != MLW_JOBJ)
			bad_state(path, line, "not a JSON object");
		p += l + (eol != NULL);
		if (line == 1) {
			t = mlw_json_member(&doc, 0, "mlw", 3);
			if (t < 0 || !mlw_json_streq(&doc, (uint32_t)t,
			    "alert_state", 11))
				bad_state(path, line, "not an mlw-alert state file");
			t = mlw_json_member(&doc, 0, "version", 7);
			if (t < 0 || doc.tok[t].len != 1 ||
			    doc.src[doc.tok[t].start] != '1')
				bad_state(path, line, "not version 1");
			continue;
		}
		t = mlw_json_member(&doc, 0, "rule", 4);
		lab = mlw_json_member(&doc, 0, "labels", 6);
		if (t < 0 || doc.tok[t].type != MLW_JSTR || lab < 0 ||
		    doc.tok[lab].type != MLW_JOBJ)
			bad_state(path, line, "expected rule and labels");
		for (ri = 0; ri < nrules; ri++)
			if (mlw_json_streq(&doc, (uint32_t)t, rules[ri].name,
			    strlen(rules[ri].name)))
				break;
		if (ri == nrules) {
			mlw_msg(&unknown, path, line, "state of a rule that is no "
			    "longer defined, dropped");
			continue;
		}
		val = mlw_xcalloc(rules[ri].nby + 1, sizeof *val);
		for (k = 0; k < rules[ri].nby; k++) {
			const char *name = rules[ri].by[k].text;
			long v = mlw_json_member(&doc, (uint32_t)lab, name,
			    strlen(name));

			if (v < 0 || doc.tok[v].type != MLW_JSTR ||
			    doc.tok[lab].next - (uint32_t)lab - 1 !=
			    2 * rules[ri].nby)
				break;
			val[k] = mlw_xcalloc(1, doc.tok[v].len);
			mlw_json_str(&doc, (uint32_t)v, val[k], doc.tok[v].len);
		}
		if (k < rules[ri].nby || (rules[ri].nby == 0 &&
		    doc.tok[lab].next != (uint32_t)lab + 1)) {
			/* the rule's by fields changed since: start afresh */
			static struct mlw_msgkind changed = {
				"states whose by fields changed", 0, 0 };

			mlw_msg(&changed, path, line, "state of rule %s has other "
			    "by fields than the rule now; dropped", rules[ri].name);
			while (k-- > 0)
				free(val[k]);
			free(val);
			continue;
		}
		in = mlw_alerts_get(a, ri, rules, val);
		for (k = 0; k < rules[ri].nby; k++)
			free(val[k]);
		free(val);
		t = mlw_json_member(&doc, 0, "state", 5);
		if (t >= 0 && mlw_json_streq(&doc, (uint32_t)t, "pending", 7))
			in->st.state = MLW_PENDING;
		else if (t >= 0 && mlw_json_streq(&doc, (uint32_t)t, "firing", 6))
			in->st.state = MLW_FIRING;
		else
			bad_state(path, line, "state must be pending or firing");
		in->st.count = get_count(&doc, "count", path, line);
		in->st.miss = get_count(&doc, "miss", path, line);
		in->st.since = get_time(&doc, "since", path, line);
		in->st.starts_at = get_time(&doc, "starts_at", path, line);
		in->st.last_emit = get_time(&doc, "last_emit", path, line);
		in->st.miss_since = get_time(&doc, "miss_since", path, line);
	}
	mlw_json_free(&doc);
	free(text);
}

int
mlw_state_save(const struct mlw_alerts *a, const char *path,
    const struct mlw_rule *rules)
{
	struct mlw_buf b = { 0 };
	size_t i, k;

	mlw_buf_adds(&b, "{\"mlw\":\"alert_state\",\"version\":1}\n");
	for (i = 0; i < a->keys.n; i++) {
		const struct mlw_ainst *in = &a->inst[i];
		const struct mlw_rule *r = &rules[in->rule];

		if (in->val == NULL || in->st.state == MLW_INACTIVE)
			continue;
		mlw_jw_open(&b, '{');
		mlw_jw_key(&b, "rule");
		mlw_jw_str(&b, r->name, strlen(r->name));
		mlw_jw_key(&b, "labels");
		mlw_jw_open(&b, '{');
		for (k = 0; k < r->nby; k++) {
			mlw_jw_key(&b, r->by[k].text);
			mlw_jw_str(&b, in->val[k], strlen(in->val[k]));
		}
		mlw_jw_close(&b, '}');
		mlw_jw_key(&b, "state");
		mlw_jw_str(&b, statenames[in->st.state],
		    strlen(statenames[in->st.state]));
		mlw_jw_key(&b, "count");
		mlw_jw_uint(&b, in->st.count);
		mlw_jw_key(&b, "since");
		mlw_jw_time(&b, in->st.since);
		if (in->st.state == MLW_FIRING) {
			mlw_jw_key(&b, "starts_at");
			mlw_jw_time(&b, in->st.starts_at);
			mlw_jw_key(&b, "last_emit");
			mlw_jw_time(&b, in->st.last_emit);
			mlw_jw_key(&b, "miss");
			mlw_jw_uint(&b, in->st.miss);
			if (in->st.miss) {
				mlw_jw_key(&b, "miss_since");
				mlw_jw_time(&b, in->st.miss_since);
			}
		}
		mlw_jw_close(&b, '}');
		mlw_buf_addc(&b, '\n');
	}
	if (mlw_write_atomic(path, b.p, b.len) == 0) {
		mlw_buf_free(&b);
		return 0;
	}
	{
		/* a full disk fails every save of the run: say so ten times */
		static struct mlw_msgkind failed = {
			"failed state writes", 0, 0 };
		int e = errno;

		mlw_msg(&failed, NULL, 0, "%s: cannot write state: %s", path,
		    strerror(e));
		errno = e;
	}
	mlw_buf_free(&b);
	return -1;
}
