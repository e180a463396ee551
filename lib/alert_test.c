#include "alert_test.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "buf.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "kvline.h"
#include "num.h"
#include "out.h"
#include "times.h"
#include "xalloc.h"

struct arec {                    /* an input record */
	uint32_t step, seq;      /* seq: order of writing, within a step */
	unsigned line;
	char *json;
};

struct aexp {                    /* an expect line */
	uint32_t step;
	unsigned line;
	int none;                /* expect STEP none */
	char *alert;
	int resolved;
	size_t nlab;
	char **lk, **lv;
};

struct acase {
	char *name;
	unsigned line;
	struct arec *rec;
	size_t nrec;
	struct aexp *exp;
	size_t nexp;
	uint32_t nsteps;
	uint32_t next_input;     /* the step of an input line without one */
};

struct mlw_atest {
	char *file;
	char *rules_path;        /* the rules line's path, or NULL */
	unsigned rules_line;
	char *inline_rules;      /* the file with every other line blanked */
	int has_inline;
	int64_t interval, start, repeat;
	struct acase *cases;
	size_t ncases;
	struct mlw_rule *rules;
	size_t nrules;
};

/* What an alert record of a case says, as compared. */
struct alab {
	const char *k, *v;
};

struct agot {
	size_t rule;
	int resolved;
	size_t lab, nlab;        /* in the labels of the step */
	int matched;
};

struct runctx {
	struct agot *got;
	size_t ngot, gotcap;
	struct alab *lab;
	size_t nlab, labcap;
};

static int
bad(char *err, size_t errlen, const char *file, unsigned line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
bad(char *err, size_t errlen, const char *file, unsigned line,
    const char *fmt, ...)
{
	char m[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "%s:%u: %s", file, line, m);
	else
		snprintf(err, errlen, "%s: %s", file, m);
	return -1;
}

/* The end of the JSON value that starts at s (an object or array, by its
 * brackets, strings skipped), or NULL when the line ends first. */
static const char *
json_end(const char *s)
{
	int depth = 0;

	for (; *s; s++) {
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++)
				if (*s == '\\' && s[1])
					s++;
			if (*s == '\0')
				return NULL;
		} else if (*s == '{' || *s == '[')
			depth++;
		else if ((*s == '}' || *s == ']') && --depth == 0)
			return s + 1;
	}
	return NULL;
}

static int
is_name(const char *s)
{
	size_t i;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
	    *s == '_'))
		return 0;
	for (i = 1; s[i]; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* A step: a count of steps, or a duration after the start that is a
 * multiple of the interval. 0, or -1 with m set. */
static int
parse_step(const char *kw, const char *w, int64_t interval, uint32_t *step,
    char *m, size_t mlen)
{
	long long n;
	int64_t d;

	if (*w >= '0' && *w <= '9' && strspn(w, "0123456789") == strlen(w)) {
		if (mlw_int_strict(w, 0, MLW_ATEST_MAX_STEPS - 1, &n) < 0) {
			snprintf(m, mlen, "%s: step %s is past the last step a "
			    "case may have (%d)", kw, w, MLW_ATEST_MAX_STEPS - 1);
			return -1;
		}
		*step = (uint32_t)n;
		return 0;
	}
	if (mlw_duration_parse(w, &d) < 0) {
		snprintf(m, mlen, "%s: expected a step (a count of intervals, "
		    "or a duration like 2h), found '%s'", kw, w);
		return -1;
	}
	if (d % interval != 0) {
		snprintf(m, mlen, "%s: %s is not a whole number of intervals",
		    kw, w);
		return -1;
	}
	if (d / interval > MLW_ATEST_MAX_STEPS - 1) {
		snprintf(m, mlen, "%s: step %s is past the last step a case "
		    "may have (%d)", kw, w, MLW_ATEST_MAX_STEPS - 1);
		return -1;
	}
	*step = (uint32_t)(d / interval);
	return 0;
}

static int
add_rec(struct acase *c, uint32_t step, unsigned line, char *json,
    char *m, size_t mlen)
{
	if (c->nrec >= MLW_ATEST_MAX_RECORDS) {
		free(json);
		snprintf(m, mlen, "more than %d input records in case %s",
		    MLW_ATEST_MAX_RECORDS, c->name);
		return -1;
	}
	if ((c->nrec & (c->nrec - 1)) == 0)   /* 0, 1, 2, 4 ... */
		c->rec = mlw_xrealloc(c->rec, (c->nrec ? 2 * c->nrec : 1) *
		    sizeof *c->rec);
	c->rec[c->nrec].step = step;
	c->rec[c->nrec].seq = (uint32_t)c->nrec;
	c->rec[c->nrec].line = line;
	c->rec[c->nrec].json = json;
	c->nrec++;
	return 0;
}

/* input [STEP] JSON */
static int
parse_input(struct mlw_atest *t, struct acase *c, char *v, unsigned line,
    struct mlw_json *doc, char *m, size_t mlen)
{
	uint32_t step = c->next_input;

	if (*v >= '0' && *v <= '9') {    /* a step, as counts and durations
	                                  * start */
		char *w = v;

		v += strcspn(v, " \t");
		if (*v)
			*v++ = '\0';
		v += strspn(v, " \t");
		if (parse_step("input", w, t->interval, &step, m, mlen) < 0)
			return -1;
	}
	if (mlw_json_parse(doc, v, strlen(v)) < 0) {
		snprintf(m, mlen, "input: %s", doc->err);
		return -1;
	}
	if (doc->tok[0].type != MLW_JOBJ) {
		snprintf(m, mlen, "input: expected a JSON object, found %s",
		    mlw_json_typename(doc->tok[0].type));
		return -1;
	}
	c->next_input = step + 1;
	return add_rec(c, step, line, mlw_xstrdup(v), m, mlen);
}

/* One value of a series: "_", a number, true, false or null; or
 * expanded as promtool does: "a+bxN", "a-bxN" (N + 1 values), "axN" (as
 * a+0xN) and "_xN" (N steps without a record). Adds the records. */
static int
series_value(struct acase *c, const char *w, const char *base, size_t blen,
    int empty, const char *field, unsigned line, uint32_t *step, char *m,
    size_t mlen)
{
	const char *x = strrchr(w, 'x');
	long long n = 0, i;
	double a = 0, b = 0;
	char lit[8] = "", *tmp;
	int gap = 0;

	if (x) {
		if (mlw_int_strict(x + 1, 0, MLW_ATEST_MAX_STEPS, &n) < 0)
			goto bad;
		tmp = mlw_xstrndup(w, (size_t)(x - w));
		if (strcmp(tmp, "_") == 0) {
			gap = 1;
		} else {
			size_t k, len = strlen(tmp);

			/* the sign of b: not the first byte, not an
			 * exponent's */
			for (k = 1; k < len; k++)
				if ((tmp[k] == '+' || tmp[k] == '-') &&
				    tmp[k - 1] != 'e' && tmp[k - 1] != 'E')
					break;
			if (k < len) {
				int neg = tmp[k] == '-';

				tmp[k] = '\0';
				if (mlw_num_strict(tmp + k + 1, &b) < 0 ||
				    tmp[k + 1] == '-' || tmp[k + 1] == '+') {
					free(tmp);
					goto bad;
				}
				if (neg)
					b = -b;
			}
			if (mlw_num_strict(tmp, &a) < 0) {
				free(tmp);
				goto bad;
			}
			n++;             /* a, a+b, ... a+N*b */
		}
		free(tmp);
	} else if (strcmp(w, "_") == 0) {
		gap = 1;
		n = 1;
	} else if (strcmp(w, "true") == 0 || strcmp(w, "false") == 0 ||
	    strcmp(w, "null") == 0) {
		snprintf(lit, sizeof lit, "%s", w);
		n = 1;
	} else if (mlw_num_strict(w, &a) == 0) {
		n = 1;
	} else
		goto bad;
	if (*step + (uint64_t)n > MLW_ATEST_MAX_STEPS) {
		snprintf(m, mlen, "series: more than %d steps",
		    MLW_ATEST_MAX_STEPS);
		return -1;
	}
	for (i = 0; i < n; i++, (*step)++) {
		struct mlw_buf r = { 0 };
		char nb[MLW_NUM_MAX];
		double y = a + (double)i * b;

		if (gap)
			continue;
		if (!lit[0] && (y != y || y - y != 0)) {
			snprintf(m, mlen, "series: '%s' gives a value too large "
			    "to be a number", w);
			return -1;
		}
		mlw_buf_add(&r, base, blen - 1);     /* without its '}' */
		if (!empty)
			mlw_buf_addc(&r, ',');
		mlw_jw_str(&r, field, strlen(field));
		mlw_buf_addc(&r, ':');
		if (lit[0])
			mlw_buf_adds(&r, lit);
		else
			mlw_buf_add(&r, nb, mlw_num_format(y, nb));
		mlw_buf_addc(&r, '}');
		mlw_buf_addc(&r, '\0');
		if (add_rec(c, *step, line, r.p, m, mlen) < 0)
			return -1;
	}
	return 0;
bad:
	snprintf(m, mlen, "series: expected a number, _, true, false, null "
	    "or an expansion like 1+1x10, found '%s'", w);
	return -1;
}

/* series BASE FIELD VALUE... */
static int
parse_series(struct acase *c, char *v, unsigned line, struct mlw_json *doc,
    char *m, size_t mlen)
{
	const char *e = *v == '{' ? json_end(v) : NULL;
	char *base, *field, *w;
	uint32_t step = 0;
	size_t blen;
	int empty;

	if (e == NULL) {
		snprintf(m, mlen, "series: expected a JSON object, then a "
		    "field name and values");
		return -1;
	}
	blen = (size_t)(e - v);
	if (mlw_json_parse(doc, v, blen) < 0) {
		snprintf(m, mlen, "series: %s", doc->err);
		return -1;
	}
	if (doc->tok[0].type != MLW_JOBJ) {
		snprintf(m, mlen, "series: expected a JSON object, found %s",
		    mlw_json_typename(doc->tok[0].type));
		return -1;
	}
	empty = doc->tok[0].next == 1;
	/* the closing brace last, with no blank before it to keep */
	base = mlw_xstrndup(v, blen);
	{
		size_t k = blen - 1;

		while (k > 0 && strchr(" \t", base[k - 1]))
			k--;
		base[k] = '}';
		blen = k + 1;
	}
	v = (char *)e;
	v += strspn(v, " \t");
	field = v;
	v += strcspn(v, " \t");
	if (*v)
		*v++ = '\0';
	if (!is_name(field)) {
		free(base);
		snprintf(m, mlen, "series: expected a field name (letters, "
		    "digits and _, not starting with a digit), found '%s'",
		    field);
		return -1;
	}
	if (mlw_json_member(doc, 0, field, strlen(field)) >= 0) {
		free(base);
		snprintf(m, mlen, "series: %s is in the record already", field);
		return -1;
	}
	v += strspn(v, " \t");
	if (*v == '\0') {
		free(base);
		snprintf(m, mlen, "series: no values");
		return -1;
	}
	while (*v) {
		w = v;
		v += strcspn(v, " \t");
		if (*v)
			*v++ = '\0';
		v += strspn(v, " \t");
		if (series_value(c, w, base, blen, empty, field, line, &step, m,
		    mlen) < 0) {
			free(base);
			return -1;
		}
	}
	free(base);
	return 0;
}

/* A label value of an expect line: a word, or a JSON string. Moves *pv
 * past it. */
static char *
label_value(char **pv, struct mlw_json *doc)
{
	char *v = *pv, *s;
	size_t n;

	if (*v == '"') {
		char *q;

		for (q = v + 1; *q && *q != '"'; q++)
			if (*q == '\\' && q[1])
				q++;
		if (*q != '"' || mlw_json_parse(doc, v, (size_t)(q + 1 - v)) < 0)
			return NULL;
		s = mlw_json_cstr(doc, 0, &n);
		*pv = q + 1;
		if (**pv && !strchr(" \t", **pv)) {
			free(s);
			return NULL;
		}
		return s;
	}
	n = strcspn(v, " \t");
	*pv = v + n;
	return mlw_xstrndup(v, n);
}

static void
free_exp(struct aexp *e)
{
	size_t i;

	free(e->alert);
	for (i = 0; i < e->nlab; i++) {
		free(e->lk[i]);
		free(e->lv[i]);
	}
	free(e->lk);
	free(e->lv);
}

/* expect STEP none | expect STEP ALERT firing|resolved [LABEL=VALUE...] */
static int
parse_expect(struct mlw_atest *t, struct acase *c, char *v, unsigned line,
    struct mlw_json *doc, char *m, size_t mlen)
{
	struct aexp e;
	char *w;
	size_t i;

	memset(&e, 0, sizeof e);
	e.line = line;
	w = v;
	v += strcspn(v, " \t");
	if (*v)
		*v++ = '\0';
	v += strspn(v, " \t");
	if (parse_step("expect", w, t->interval, &e.step, m, mlen) < 0)
		return -1;
	w = v;
	v += strcspn(v, " \t");
	if (*v)
		*v++ = '\0';
	v += strspn(v, " \t");
	if (strcmp(w, "none") == 0 && *v == '\0') {
		e.none = 1;
	} else {
		char *st = v;

		if (*w == '\0' || *st == '\0')
			goto usage;
		v += strcspn(v, " \t");
		if (*v)
			*v++ = '\0';
		v += strspn(v, " \t");
		if (strcmp(st, "firing") == 0)
			e.resolved = 0;
		else if (strcmp(st, "resolved") == 0)
			e.resolved = 1;
		else {
			snprintf(m, mlen, "expect: expected firing or resolved, "
			    "found '%s'", st);
			return -1;
		}
		e.alert = mlw_xstrdup(w);
		while (*v) {
			char *eq = v + strcspn(v, "= \t"), *val;

			if (*eq != '=' || eq == v) {
				free_exp(&e);
				snprintf(m, mlen, "expect: expected LABEL=VALUE, "
				    "found '%.*s'", (int)strcspn(v, " \t"), v);
				return -1;
			}
			*eq = '\0';
			for (i = 0; i < e.nlab; i++)
				if (strcmp(e.lk[i], v) == 0) {
					snprintf(m, mlen, "expect: label %s is "
					    "given twice", v);
					free_exp(&e);
					return -1;
				}
			w = eq + 1;
			if ((val = label_value(&w, doc)) == NULL) {
				snprintf(m, mlen, "expect: label %s: expected a "
				    "word or a JSON string", v);
				free_exp(&e);
				return -1;
			}
			e.lk = mlw_xrealloc(e.lk, (e.nlab + 1) * sizeof *e.lk);
			e.lv = mlw_xrealloc(e.lv, (e.nlab + 1) * sizeof *e.lv);
			e.lk[e.nlab] = mlw_xstrdup(v);
			e.lv[e.nlab++] = val;
			v = w + strspn(w, " \t");
		}
	}
	c->exp = mlw_xrealloc(c->exp, (c->nexp + 1) * sizeof *c->exp);
	c->exp[c->nexp++] = e;
	return 0;
usage:
	snprintf(m, mlen, "expected 'expect STEP none' or 'expect STEP ALERT "
	    "firing|resolved [LABEL=VALUE ...]'");
	return -1;
}

static int
cmp_rec(const void *a, const void *b)
{
	const struct arec *x = a, *y = b;

	if (x->step != y->step)
		return x->step < y->step ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
cmp_exp(const void *a, const void *b)
{
	const struct aexp *x = a, *y = b;

	if (x->step != y->step)
		return x->step < y->step ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* A case is read whole: its steps, its order, what it may expect. */
static int
finish_case(struct mlw_atest *t, struct acase *c, char *err, size_t errlen)
{
	size_t i;

	if (c->nrec == 0)
		return bad(err, errlen, t->file, c->line, "case %s has no input "
		    "records", c->name);
	qsort(c->rec, c->nrec, sizeof *c->rec, cmp_rec);
	if (c->nexp)
		qsort(c->exp, c->nexp, sizeof *c->exp, cmp_exp);
	c->nsteps = c->rec[c->nrec - 1].step + 1;
	/* start + step * interval must be a time */
	if ((int64_t)(c->nsteps - 1) > (MLW_TIME_LIMIT - 1) / t->interval ||
	    !mlw_time_in_range(t->start + (int64_t)(c->nsteps - 1) *
	    t->interval))
		return bad(err, errlen, t->file, c->line, "case %s: step %u is "
		    "past the last time there is (year 2115)", c->name,
		    c->nsteps - 1);
	for (i = 0; i < c->nexp; i++) {
		if (c->exp[i].step >= c->nsteps)
			return bad(err, errlen, t->file, c->exp[i].line,
			    "expect: step %u is after the last input record of "
			    "case %s (step %u)", c->exp[i].step, c->name,
			    c->nsteps - 1);
		if (i > 0 && c->exp[i].step == c->exp[i - 1].step &&
		    (c->exp[i].none || c->exp[i - 1].none))
			return bad(err, errlen, t->file, c->exp[i].line,
			    "expect: step %u expects none and an alert",
			    c->exp[i].step);
	}
	return 0;
}

static void
free_case(struct acase *c)
{
	size_t i;

	free(c->name);
	for (i = 0; i < c->nrec; i++)
		free(c->rec[i].json);
	free(c->rec);
	for (i = 0; i < c->nexp; i++)
		free_exp(&c->exp[i]);
	free(c->exp);
}

void
mlw_atest_free(struct mlw_atest *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncases; i++)
		free_case(&t->cases[i]);
	free(t->cases);
	for (i = 0; i < t->nrules; i++)
		mlw_rule_free(&t->rules[i]);
	free(t->rules);
	free(t->file);
	free(t->rules_path);
	free(t->inline_rules);
	free(t);
}

static int
is_setting(const char *k)
{
	return strcmp(k, "rules") == 0 || strcmp(k, "interval") == 0 ||
	    strcmp(k, "start") == 0 || strcmp(k, "repeat") == 0;
}

struct mlw_atest *
mlw_atest_parse(const char *text, const char *file, char *err, size_t errlen)
{
	struct mlw_atest *t = mlw_xcalloc(1, sizeof *t);
	struct mlw_buf ir = { 0 };       /* the inline rules */
	struct mlw_json doc;
	const char *p = text;
	struct mlw_kvline kv = { 0 };
	unsigned line = 0, irlines = 0;
	int inrules = 0, seen_interval = 0, seen_start = 0, seen_repeat = 0;
	struct acase *c = NULL;
	char m[300];

	memset(&doc, 0, sizeof doc);
	t->file = mlw_xstrdup(file);
	t->interval = 60 * MLW_NS_PER_SEC;
	while (mlw_kvline_next(&p, &kv, 0)) {
		char *k = kv.key, *v = kv.val;

		line = kv.line;
		if (strcmp(k, "case") == 0) {
			size_t i;

			inrules = 0;
			if (c && finish_case(t, c, err, errlen) < 0)
				goto fail;
			if (*v == '\0' || strcspn(v, " \t#") != strlen(v)) {
				snprintf(m, sizeof m, "expected 'case NAME' (one "
				    "word, without #), found 'case %s'", v);
				goto bad;
			}
			for (i = 0; i < t->ncases; i++)
				if (strcmp(t->cases[i].name, v) == 0) {
					snprintf(m, sizeof m, "case %s is defined "
					    "twice", v);
					goto bad;
				}
			t->cases = mlw_xrealloc(t->cases, (t->ncases + 1) *
			    sizeof *t->cases);
			c = &t->cases[t->ncases++];
			memset(c, 0, sizeof *c);
			c->name = mlw_xstrdup(v);
			c->line = line;
			goto next;
		}
		if (c == NULL && is_setting(k)) {
			int64_t d;

			inrules = 0;
			if (*v == '\0') {
				snprintf(m, sizeof m, "%s: no value", k);
				goto bad;
			}
			if (strcmp(k, "rules") == 0) {
				if (t->rules_path) {
					snprintf(m, sizeof m, "rules is given "
					    "twice");
					goto bad;
				}
				t->rules_path = mlw_xstrdup(v);
				t->rules_line = line;
			} else if (strcmp(k, "start") == 0) {
				const char *why;

				if (seen_start++) {
					snprintf(m, sizeof m, "start is given "
					    "twice");
					goto bad;
				}
				if (mlw_time_parse(v, strlen(v), &t->start,
				    &why) < 0) {
					snprintf(m, sizeof m, "start: %s, found "
					    "'%s'", why, v);
					goto bad;
				}
				if (!mlw_time_in_range(t->start)) {
					snprintf(m, sizeof m, "start: %s is not "
					    "within the years 1824 to 2115", v);
					goto bad;
				}
			} else {
				int rep = k[0] == 'r';

				if (rep ? seen_repeat++ : seen_interval++) {
					snprintf(m, sizeof m, "%s is given twice",
					    k);
					goto bad;
				}
				if (mlw_duration_parse(v, &d) < 0 || d <= 0 ||
				    d > MLW_DURATION_LIMIT) {
					snprintf(m, sizeof m, "%s: expected a "
					    "duration like 1m, found '%s'", k, v);
					goto bad;
				}
				*(rep ? &t->repeat : &t->interval) = d;
			}
			goto next;
		}
		if (c == NULL && (strcmp(k, "rule") == 0 || inrules)) {
			/* the rules parser reads these lines, in place */
			inrules = 1;
			t->has_inline = 1;
			/* the lines that are not rules stay as blank
			 * lines, so that its messages name the right line */
			for (; irlines < line - 1; irlines++)
				mlw_buf_addc(&ir, '\n');
			mlw_buf_add(&ir, kv.raw, kv.rawlen);
			mlw_buf_addc(&ir, '\n');
			irlines++;
			goto next;
		}
		if (c == NULL) {
			if (strcmp(k, "input") == 0 || strcmp(k, "series") == 0 ||
			    strcmp(k, "expect") == 0)
				snprintf(m, sizeof m, "%s before the first case",
				    k);
			else
				snprintf(m, sizeof m, "expected rules, interval, "
				    "start, repeat, rule or case, found '%s'", k);
			goto bad;
		}
		if (is_setting(k) || strcmp(k, "rule") == 0) {
			snprintf(m, sizeof m, "%s must come before the first "
			    "case", k);
			goto bad;
		}
		if (strcmp(k, "input") == 0) {
			if (*v == '\0') {
				snprintf(m, sizeof m, "input: no record");
				goto bad;
			}
			if (parse_input(t, c, v, line, &doc, m, sizeof m) < 0)
				goto bad;
		} else if (strcmp(k, "series") == 0) {
			if (parse_series(c, v, line, &doc, m, sizeof m) < 0)
				goto bad;
		} else if (strcmp(k, "expect") == 0) {
			if (parse_expect(t, c, v, line, &doc, m, sizeof m) < 0)
				goto bad;
		} else {
			snprintf(m, sizeof m, "expected input, series, expect or "
			    "case, found '%s'", k);
			goto bad;
		}
next:
		continue;
bad:
		bad(err, errlen, file, line, "%s", m);
fail:
		mlw_kvline_free(&kv);
		mlw_buf_free(&ir);
		mlw_json_free(&doc);
		mlw_atest_free(t);
		return NULL;
	}
	mlw_kvline_free(&kv);
	mlw_json_free(&doc);
	if (c && finish_case(t, c, err, errlen) < 0) {
		mlw_buf_free(&ir);
		mlw_atest_free(t);
		return NULL;
	}
	if (t->ncases == 0) {
		bad(err, errlen, file, 0, "no cases");
		mlw_buf_free(&ir);
		mlw_atest_free(t);
		return NULL;
	}
	if (!t->has_inline && t->rules_path == NULL) {
		bad(err, errlen, file, 0, "no rules: give 'rules FILE' or "
		    "rules inline before the first case");
		mlw_buf_free(&ir);
		mlw_atest_free(t);
		return NULL;
	}
	mlw_buf_addc(&ir, '\0');
	t->inline_rules = ir.p;
	return t;
}

const char *
mlw_atest_rules_path(const struct mlw_atest *t)
{
	return t->rules_path;
}

int
mlw_atest_load(struct mlw_atest *t, char *err, size_t errlen)
{
	size_t i, j, r;

	if (t->rules_path) {
		const char *slash = strrchr(t->file, '/');
		char *path, *text;
		size_t len;
		int e;

		if (t->rules_path[0] == '/' || slash == NULL)
			path = mlw_xstrdup(t->rules_path);
		else {
			size_t d = (size_t)(slash - t->file) + 1;

			path = mlw_xmalloc(d + strlen(t->rules_path) + 1);
			memcpy(path, t->file, d);
			strcpy(path + d, t->rules_path);
		}
		if ((text = mlw_read_file(path, &len)) == NULL) {
			e = errno;
			bad(err, errlen, t->file, t->rules_line, "rules: %s: %s",
			    path, strerror(e));
			free(path);
			return -1;
		}
		if (strlen(text) != len) {
			bad(err, errlen, t->file, t->rules_line, "rules: %s: "
			    "contains a NUL byte", path);
			free(text);
			free(path);
			return -1;
		}
		if (mlw_rules_parse(text, path, &t->rules, &t->nrules, err,
		    errlen) < 0) {
			free(text);
			free(path);
			return -1;
		}
		free(text);
		free(path);
	}
	if (t->has_inline && mlw_rules_parse(t->inline_rules, t->file,
	    &t->rules, &t->nrules, err, errlen) < 0)
		return -1;
	for (r = 0; r < t->nrules; r++)
		mlw_rule_defaults(&t->rules[r]);
	for (i = 0; i < t->ncases; i++)
		for (j = 0; j < t->cases[i].nexp; j++) {
			const struct aexp *e = &t->cases[i].exp[j];

			if (e->none)
				continue;
			for (r = 0; r < t->nrules; r++)
				if (strcmp(t->rules[r].name, e->alert) == 0)
					break;
			if (r == t->nrules)
				return bad(err, errlen, t->file, e->line,
				    "expect: no rule %s", e->alert);
		}
	return 0;
}

/* ---------- running ---------- */

/* mlw_judge's emit: what an alert record would say, kept for the step. */
static void
collect(void *arg, const struct mlw_rule *r, const struct mlw_ainst *in,
    int act, const struct mlw_json *doc, int64_t t)
{
	struct runctx *x = arg;
	struct agot *g;
	size_t k;

	(void)doc;
	(void)t;
	if (x->ngot == x->gotcap) {
		x->gotcap = x->gotcap ? 2 * x->gotcap : 8;
		x->got = mlw_xrealloc(x->got, x->gotcap * sizeof *x->got);
	}
	g = &x->got[x->ngot++];
	g->rule = in->rule;
	g->resolved = act == MLW_A_RESOLVE;
	g->lab = x->nlab;
	g->nlab = r->nby + r->nlabel;
	g->matched = 0;
	if (x->nlab + g->nlab > x->labcap) {
		x->labcap = 2 * (x->nlab + g->nlab);
		x->lab = mlw_xrealloc(x->lab, x->labcap * sizeof *x->lab);
	}
	for (k = 0; k < r->nby; k++) {
		x->lab[x->nlab].k = r->by[k].text;
		x->lab[x->nlab++].v = in->val[k];
	}
	for (k = 0; k < r->nlabel; k++) {
		x->lab[x->nlab].k = r->lkey[k];
		x->lab[x->nlab++].v = r->lval[k];
	}
}

static int
same(const struct mlw_atest *t, const struct runctx *x, const struct agot *g,
    const struct aexp *e)
{
	size_t i, j;

	if (e->none || g->resolved != e->resolved || g->nlab != e->nlab ||
	    strcmp(t->rules[g->rule].name, e->alert) != 0)
		return 0;
	for (i = 0; i < e->nlab; i++) {
		for (j = 0; j < g->nlab; j++)
			if (strcmp(x->lab[g->lab + j].k, e->lk[i]) == 0)
				break;
		if (j == g->nlab || strcmp(x->lab[g->lab + j].v, e->lv[i]) != 0)
			return 0;
	}
	return 1;
}

/* A label value as the expect line would write it: a word as it is,
 * anything else as a JSON string. */
static void
put_value(struct mlw_buf *b, const char *v)
{
	const char *s;

	for (s = v; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || strchr("_.:/+-@%", *s)))
			break;
	if (*s || s == v)
		mlw_jw_str(b, v, strlen(v));
	else
		mlw_buf_adds(b, v);
}

/* "drift firing {feature=age,team=ml}" */
static void
put_alert(struct mlw_buf *b, const char *name, int resolved, size_t n,
    const char *const *k, const char *const *v, const struct alab *lab)
{
	size_t i;

	mlw_buf_adds(b, name);
	mlw_buf_adds(b, resolved ? " resolved {" : " firing {");
	for (i = 0; i < n; i++) {
		if (i)
			mlw_buf_addc(b, ',');
		mlw_buf_adds(b, lab ? lab[i].k : k[i]);
		mlw_buf_addc(b, '=');
		put_value(b, lab ? lab[i].v : v[i]);
	}
	mlw_buf_addc(b, '}');
}

static void
put_exp(struct mlw_buf *b, const struct aexp *e)
{
	put_alert(b, e->alert, e->resolved, e->nlab,
	    (const char *const *)e->lk, (const char *const *)e->lv, NULL);
}

static void
put_got(struct mlw_buf *b, const struct mlw_atest *t,
    const struct runctx *x, const struct agot *g)
{
	put_alert(b, t->rules[g->rule].name, g->resolved, g->nlab, NULL, NULL,
	    x->lab ? x->lab + g->lab : NULL);
}

/* The report of a case that fails at step s: the expects e[0..ne) of the
 * step, and what was written. */
static void
report_diff(struct mlw_buf *out, const struct mlw_atest *t,
    const struct acase *c, const struct runctx *x, uint32_t s,
    const struct aexp *e, size_t ne, const unsigned char *ematched)
{
	char tb[MLW_TIME_MAX];
	size_t i, n;

	mlw_time_format(t->start + (int64_t)s * t->interval, tb);
	mlw_buf_adds(out, t->file);
	mlw_buf_adds(out, ": ");
	mlw_buf_adds(out, c->name);
	mlw_buf_printf(out, ": at step %u (%s) expected ", s, tb);
	for (i = n = 0; i < ne; i++)
		if (!e[i].none) {
			mlw_buf_adds(out, n++ ? ", " : "");
			put_exp(out, &e[i]);
		}
	if (n == 0)
		mlw_buf_adds(out, "none");
	mlw_buf_adds(out, ", got ");
	for (i = 0; i < x->ngot; i++) {
		mlw_buf_adds(out, i ? ", " : "");
		put_got(out, t, x, &x->got[i]);
	}
	if (x->ngot == 0)
		mlw_buf_adds(out, "none");
	mlw_buf_addc(out, '\n');
	for (i = 0; i < ne; i++)
		if (!e[i].none && !ematched[i]) {
			mlw_buf_adds(out, "#   - ");
			put_exp(out, &e[i]);
			mlw_buf_printf(out, "   expected (%s:%u), not written\n",
			    t->file, e[i].line);
		}
	for (i = 0; i < x->ngot; i++)
		if (!x->got[i].matched) {
			mlw_buf_adds(out, "#   + ");
			put_got(out, t, x, &x->got[i]);
			mlw_buf_adds(out, "   written, not expected\n");
		}
}

/* Run case c: 1 passed, 0 failed (the rest of the "not ok" line and its
 * diff appended to out). */
static int
run_case(struct mlw_atest *t, const struct acase *c, struct mlw_judge *j,
    struct runctx *x, struct mlw_json *doc, struct mlw_buf *out)
{
	size_t ri = 0, ei = 0, i, k, ne;
	uint32_t s;
	unsigned char *em = NULL;
	int ok = 1;

	for (i = 0; i < t->nrules; i++)
		t->rules[i].undefined = 0;
	for (s = 0; s < c->nsteps && ok; s++) {
		int64_t st = t->start + (int64_t)s * t->interval;

		x->ngot = 0;
		x->nlab = 0;
		for (; ri < c->nrec && c->rec[ri].step == s; ri++) {
			const char *why;
			int64_t et;

			/* validated when read */
			if (mlw_json_parse(doc, c->rec[ri].json,
			    strlen(c->rec[ri].json)) < 0)
				continue;
			if (mlw_alert_time(doc, NULL, &et, &why) != 0)
				et = st;
			mlw_judge_record(j, doc, t->file, c->rec[ri].line, et);
		}
		for (ne = 0; ei + ne < c->nexp && c->exp[ei + ne].step == s;)
			ne++;
		em = mlw_xrealloc(em, ne + 1);
		memset(em, 0, ne + 1);
		for (i = 0; i < ne; i++)
			for (k = 0; k < x->ngot && !c->exp[ei + i].none; k++)
				if (!x->got[k].matched &&
				    same(t, x, &x->got[k], &c->exp[ei + i])) {
					x->got[k].matched = 1;
					em[i] = 1;
					break;
				}
		for (i = 0; i < ne; i++)
			if (!c->exp[ei + i].none && !em[i])
				ok = 0;
		for (k = 0; k < x->ngot; k++)
			if (!x->got[k].matched)
				ok = 0;
		if (!ok)
			report_diff(out, t, c, x, s, ne ? c->exp + ei : NULL,
			    ne, em);
		ei += ne;
	}
	free(em);
	mlw_judge_reset(j);
	return ok;
}

void
mlw_atest_run(struct mlw_atest *t, struct mlw_buf *out, unsigned *num,
    unsigned *passed, unsigned *failed)
{
	struct mlw_judge j;
	struct runctx x;
	struct mlw_json doc;
	size_t i;

	memset(&j, 0, sizeof j);
	memset(&x, 0, sizeof x);
	memset(&doc, 0, sizeof doc);
	j.rules = t->rules;
	j.nrules = t->nrules;
	j.repeat = t->repeat;
	j.emit = collect;
	j.arg = &x;
	for (i = 0; i < t->ncases; i++) {
		struct mlw_buf line = { 0 };
		int ok = run_case(t, &t->cases[i], &j, &x, &doc, &line);

		++*num;
		if (ok) {
			++*passed;
			mlw_buf_printf(out, "ok %u - %s: %s\n", *num, t->file,
			    t->cases[i].name);
		} else {
			++*failed;
			mlw_buf_printf(out, "not ok %u - ", *num);
			mlw_buf_add(out, line.p, line.len);
		}
		mlw_buf_free(&line);
	}
	mlw_json_free(&doc);
	free(x.got);
	free(x.lab);
}

int
mlw_alert_test(char *const *files, int n)
{
	unsigned num = 0, passed = 0, failed = 0;
	struct mlw_buf out = { 0 };
	char err[512];
	int i;

	for (i = 0; i < n; i++) {
		size_t len;
		char *text = mlw_read_file(files[i], &len);
		struct mlw_atest *t;

		if (text == NULL) {
			mlw_warn("%s", files[i]);
			mlw_diag_set_failed();
			continue;
		}
		if (strlen(text) != len) {
			mlw_warnx("%s: contains a NUL byte", files[i]);
			mlw_diag_set_failed();
			free(text);
			continue;
		}
		t = mlw_atest_parse(text, files[i], err, sizeof err);
		free(text);
		if (t == NULL || mlw_atest_load(t, err, sizeof err) < 0) {
			mlw_warnx("%s", err);
			mlw_diag_set_failed();
			mlw_atest_free(t);
			continue;
		}
		out.len = 0;
		mlw_atest_run(t, &out, &num, &passed, &failed);
		mlw_out_write(out.p, out.len);
		mlw_out_flush();
		mlw_atest_free(t);
	}
	mlw_buf_free(&out);
	{
		char s[80];
		int l = snprintf(s, sizeof s, "1..%u\n# %u passed, %u failed\n",
		    num, passed, failed);

		mlw_out_write(s, (size_t)l);
	}
	return failed ? 1 : 0;
}
