#include "check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "expr.h"
#include "json.h"
#include "jsonw.h"
#include "kvline.h"
#include "out.h"
#include "xalloc.h"

#define NOBS 10                 /* observed values kept per test */

enum { ST_PASSED, ST_FAILED, ST_WARNED };
static const char *const stname[] = { "passed", "failed", "warned" };

struct mlw_ctest {
	char *name, *suite;         /* suite: the tests file */
	unsigned line;
	struct mlw_expr *select, *expect;
	double mostly;
	int warn;                   /* severity warn */
	char *description;
	uint64_t matched, passed, failed, undefined;
	struct mlw_buf fobs, aobs;  /* observed values: failing, all */
	size_t nfobs, naobs;
	char *first;                /* the first failure, "FILE:LINE: why" */
	int status;
};

/* ---------------- the tests file ---------------- */

static void
test_free(struct mlw_ctest *t)
{
	free(t->name);
	mlw_expr_free(t->select);
	mlw_expr_free(t->expect);
	free(t->description);
	mlw_buf_free(&t->fobs);
	mlw_buf_free(&t->aobs);
	free(t->first);
}

void
mlw_check_free(struct mlw_ctest *tests, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		test_free(&tests[i]);
	free(tests);
}

static int
set_key(struct mlw_ctest *t, const char *k, const char *v, char *e,
    size_t elen)
{
	char ce[200];

	if (strcmp(k, "select") == 0 || strcmp(k, "expect") == 0) {
		struct mlw_expr **x = k[0] == 's' ? &t->select : &t->expect;

		if (*x) {
			snprintf(e, elen, "%s given twice", k);
			return -1;
		}
		if ((*x = mlw_expr_compile(v, ce, sizeof ce)) == NULL) {
			snprintf(e, elen, "%s: %s", k, ce);
			return -1;
		}
	} else if (strcmp(k, "mostly") == 0) {
		char *end;
		double m = strtod(v, &end);

		if (end == v || *end || !(m > 0 && m <= 1)) {
			snprintf(e, elen, "mostly: expected a share above 0 and "
			    "at most 1, found '%s'", v);
			return -1;
		}
		t->mostly = m;
	} else if (strcmp(k, "severity") == 0) {
		if (strcmp(v, "error") == 0)
			t->warn = 0;
		else if (strcmp(v, "warn") == 0 || strcmp(v, "warning") == 0)
			t->warn = 1;
		else {
			snprintf(e, elen, "severity: expected error or warn, "
			    "found '%s'", v);
			return -1;
		}
	} else if (strcmp(k, "description") == 0) {
		free(t->description);
		t->description = mlw_xstrdup(v);
	} else {
		snprintf(e, elen, "expected test, select, expect, mostly, "
		    "severity or description, found '%s'", k);
		return -1;
	}
	return 0;
}

int
mlw_check_parse(const char *text, const char *file, struct mlw_ctest **tests,
    size_t *n, char *err, size_t errlen)
{
	const char *p = text;
	struct mlw_kvline kv = { 0 };
	unsigned line;
	size_t first = *n, i;
	struct mlw_ctest *cur = NULL;
	char e[300];

	while (mlw_kvline_next(&p, &kv, 1)) {
		char *k = kv.key, *v = kv.val;

		line = kv.line;
		if (strcmp(k, "test") == 0) {
			if (cur && cur->expect == NULL) {
				snprintf(e, sizeof e, "test %s has no expect",
				    cur->name);
				line = cur->line;
				goto bad;
			}
			if (*v == '\0' || strcspn(v, " \t") != strlen(v)) {
				snprintf(e, sizeof e, "expected 'test NAME' (one "
				    "word), found 'test %s'", v);
				goto bad;
			}
			for (i = first; i < *n; i++)
				if (strcmp((*tests)[i].name, v) == 0) {
					snprintf(e, sizeof e, "test %s is defined "
					    "twice (line %u)", v, (*tests)[i].line);
					goto bad;
				}
			*tests = mlw_xrealloc(*tests, (*n + 1) * sizeof **tests);
			cur = &(*tests)[(*n)++];
			memset(cur, 0, sizeof *cur);
			cur->name = mlw_xstrdup(v);
			cur->suite = (char *)file;
			cur->line = line;
			cur->mostly = 1;
			continue;
		}
		if (cur == NULL) {
			snprintf(e, sizeof e, "expected 'test NAME' before '%s'", k);
			goto bad;
		}
		if (*v == '\0') {
			snprintf(e, sizeof e, "%s: no value", k);
			goto bad;
		}
		if (set_key(cur, k, v, e, sizeof e) < 0)
			goto bad;
		continue;
bad:
		snprintf(err, errlen, "%s:%u: %s", file, line, e);
		mlw_kvline_free(&kv);
		return -1;
	}
	mlw_kvline_free(&kv);
	if (cur && cur->expect == NULL) {
		snprintf(err, errlen, "%s:%u: test %s has no expect", file,
		    cur->line, cur->name);
		return -1;
	}
	if (*n == first) {
		snprintf(err, errlen, "%s: no tests", file);
		return -1;
	}
	return 0;
}

/* ---------------- judging ---------------- */

static void
observe(struct mlw_buf *b, size_t *nb, const struct mlw_expr *x,
    const struct mlw_json *doc)
{
	size_t len = b->len;

	if (*nb >= NOBS)
		return;
	if (*nb)
		mlw_buf_addc(b, ',');
	if (mlw_expr_value_json(x, doc, b) < 0) {
		b->len = len;
		return;
	}
	(*nb)++;
}

static void
judge(struct mlw_ctest *t, const struct mlw_json *doc,
    const struct mlw_line *ln)
{
	int r;

	if (t->select && mlw_expr_test(t->select, doc) != 1)
		return;
	t->matched++;
	r = mlw_expr_test(t->expect, doc);
	observe(&t->aobs, &t->naobs, t->expect, doc);
	if (r == 1) {
		t->passed++;
		return;
	}
	t->failed++;
	if (r < 0)
		t->undefined++;
	observe(&t->fobs, &t->nfobs, t->expect, doc);
	if (t->first == NULL) {
		struct mlw_buf b = { 0 };
		char head[64];
		const char *absent = r < 0 ? mlw_expr_absent(t->expect, doc) :
		    NULL;
		size_t len;

		snprintf(head, sizeof head, ":%llu: ",
		    (unsigned long long)ln->lineno);
		mlw_buf_adds(&b, ln->file);
		mlw_buf_adds(&b, head);
		if (absent) {
			mlw_buf_adds(&b, absent);
			mlw_buf_adds(&b, " is missing");
		} else if (r < 0)
			mlw_buf_adds(&b, "the expectation is undefined (a value "
			    "of the wrong type, or a division by zero)");
		else {
			len = b.len;
			mlw_buf_adds(&b, "observed ");
			if (mlw_expr_value_json(t->expect, doc, &b) < 0) {
				b.len = len;
				mlw_buf_adds(&b, "the expectation is false");
			}
		}
		mlw_buf_addc(&b, '\0');
		t->first = b.p;
	}
}

static void
decide(struct mlw_ctest *t, int empty_warn)
{
	int ok = t->matched > 0 &&
	    (double)t->passed / (double)t->matched >= t->mostly;

	if (ok)
		t->status = ST_PASSED;
	else if (t->warn || (t->matched == 0 && empty_warn))
		t->status = ST_WARNED;
	else
		t->status = ST_FAILED;
}

/* The one-line message of a test. */
static void
message(struct mlw_buf *b, const struct mlw_ctest *t)
{
	char s[200];

	if (t->matched == 0) {
		mlw_buf_adds(b, "no records for ");
		mlw_buf_adds(b, t->name);
		if (t->select) {
			mlw_buf_adds(b, " (select ");
			mlw_buf_adds(b, mlw_expr_source(t->select));
			mlw_buf_adds(b, ")");
		}
		return;
	}
	snprintf(s, sizeof s, "%llu of %llu records passed",
	    (unsigned long long)t->passed, (unsigned long long)t->matched);
	mlw_buf_adds(b, s);
	if (t->failed == 0)
		return;
	if (t->mostly < 1) {
		snprintf(s, sizeof s, " (%.4g%%, mostly %.4g)",
		    100.0 * (double)t->passed / (double)t->matched, t->mostly);
		mlw_buf_adds(b, s);
	}
	mlw_buf_adds(b, "; first failure ");
	mlw_buf_adds(b, t->first);
}

static void
obs_array(struct mlw_buf *b, const struct mlw_ctest *t)
{
	const struct mlw_buf *o = t->nfobs ? &t->fobs : &t->aobs;

	mlw_buf_addc(b, '[');
	mlw_buf_add(b, o->p, o->len);
	mlw_buf_addc(b, ']');
}

/* ---------------- output ---------------- */

struct sum {
	size_t tests, passed, failed, warned;
};

static double
percent(const struct sum *s)
{
	return s->tests ? 100.0 * (double)s->passed / (double)s->tests : NAN;
}

static void
out_buf(struct mlw_buf *b)
{
	mlw_out_write(b->p, b->len);
	b->len = 0;
}

static void
str(struct mlw_buf *b, const char *k, const char *v)
{
	mlw_jw_key(b, k);
	if (v)
		mlw_jw_str(b, v, strlen(v));
	else
		mlw_jw_null(b);
}

static void
u64(struct mlw_buf *b, const char *k, uint64_t v)
{
	mlw_jw_key(b, k);
	mlw_jw_uint(b, v);
}

static void
write_records(struct mlw_ctest *ts, size_t n, const struct sum *s)
{
	struct mlw_buf b = { 0 }, m = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		struct mlw_ctest *t = &ts[i];

		mlw_jw_open(&b, '{');
		str(&b, "test", t->name);
		str(&b, "suite", t->suite);
		str(&b, "status", stname[t->status]);
		str(&b, "severity", t->warn ? "warn" : "error");
		str(&b, "select", t->select ? mlw_expr_source(t->select) : NULL);
		str(&b, "expect", mlw_expr_source(t->expect));
		mlw_jw_key(&b, "mostly");
		mlw_jw_num(&b, t->mostly);
		u64(&b, "matched", t->matched);
		u64(&b, "passed", t->passed);
		u64(&b, "failed", t->failed);
		u64(&b, "undefined", t->undefined);
		mlw_jw_key(&b, "pass_share");
		if (t->matched)
			mlw_jw_num(&b, (double)t->passed / (double)t->matched);
		else
			mlw_jw_null(&b);
		mlw_jw_key(&b, "observed");
		obs_array(&b, t);
		m.len = 0;
		message(&m, t);
		mlw_jw_key(&b, "message");
		mlw_jw_str(&b, m.p, m.len);
		if (t->description)
			str(&b, "description", t->description);
		mlw_jw_close(&b, '}');
		mlw_buf_addc(&b, '\n');
		out_buf(&b);
	}
	mlw_jw_open(&b, '{');
	str(&b, "summary", "mlw-check");
	u64(&b, "tests", s->tests);
	u64(&b, "passed", s->passed);
	u64(&b, "failed", s->failed);
	u64(&b, "warned", s->warned);
	mlw_jw_key(&b, "success_percent");
	mlw_jw_num(&b, percent(s));
	mlw_jw_key(&b, "success");
	mlw_buf_adds(&b, s->failed ? "false" : "true");
	mlw_jw_close(&b, '}');
	mlw_buf_addc(&b, '\n');
	out_buf(&b);
	mlw_buf_free(&b);
	mlw_buf_free(&m);
}

static void
summary_line(struct mlw_buf *b, const struct sum *s)
{
	char line[200];

	snprintf(line, sizeof line, "%zu passed, %zu failed, %zu warned "
	    "(%.4g%% successful)\n", s->passed, s->failed, s->warned,
	    s->tests ? percent(s) : 0.0);
	mlw_buf_adds(b, line);
}

static void
pad(struct mlw_buf *b, const char *s, size_t w)
{
	size_t n = strlen(s);

	mlw_buf_adds(b, s);
	while (n++ < w)
		mlw_buf_addc(b, ' ');
}

static void
write_table(struct mlw_ctest *ts, size_t n, const struct sum *s)
{
	struct mlw_buf b = { 0 }, m = { 0 };
	size_t i, wn = 4, wc = 6;
	char cnt[64];

	for (i = 0; i < n; i++) {
		if (strlen(ts[i].name) > wn)
			wn = strlen(ts[i].name);
		snprintf(cnt, sizeof cnt, "%llu/%llu",
		    (unsigned long long)ts[i].passed,
		    (unsigned long long)ts[i].matched);
		if (strlen(cnt) > wc)
			wc = strlen(cnt);
	}
	pad(&b, "status", 8);
	pad(&b, "test", wn + 2);
	pad(&b, "passed", wc + 2);
	mlw_buf_adds(&b, "message\n");
	for (i = 0; i < n; i++) {
		struct mlw_ctest *t = &ts[i];

		pad(&b, t->status == ST_FAILED ? "FAILED" : stname[t->status],
		    8);
		pad(&b, t->name, wn + 2);
		snprintf(cnt, sizeof cnt, "%llu/%llu",
		    (unsigned long long)t->passed,
		    (unsigned long long)t->matched);
		pad(&b, cnt, wc + 2);
		m.len = 0;
		message(&m, t);
		mlw_buf_add(&b, m.p, m.len);
		mlw_buf_addc(&b, '\n');
	}
	summary_line(&b, s);
	out_buf(&b);
	mlw_buf_free(&b);
	mlw_buf_free(&m);
}

/* A YAML single-quoted scalar. */
static void
yaml_str(struct mlw_buf *b, const char *s, size_t n)
{
	size_t i;

	mlw_buf_addc(b, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '\'')
			mlw_buf_addc(b, '\'');
		mlw_buf_addc(b, s[i]);
	}
	mlw_buf_addc(b, '\'');
}

static void
write_tap(struct mlw_ctest *ts, size_t n, const struct sum *s)
{
	struct mlw_buf b = { 0 }, m = { 0 };
	char line[80];
	size_t i;

	snprintf(line, sizeof line, "TAP version 13\n1..%zu\n", n);
	mlw_buf_adds(&b, line);
	for (i = 0; i < n; i++) {
		struct mlw_ctest *t = &ts[i];

		snprintf(line, sizeof line, "%s %zu - ", t->status == ST_PASSED ?
		    "ok" : "not ok", i + 1);
		mlw_buf_adds(&b, line);
		mlw_buf_adds(&b, t->name);
		m.len = 0;
		message(&m, t);
		if (t->status == ST_WARNED) {
			/* TAP's TODO: reported, not counted as a failure */
			mlw_buf_adds(&b, " # TODO warn: ");
			mlw_buf_add(&b, m.p, m.len);
		}
		mlw_buf_addc(&b, '\n');
		if (t->status != ST_PASSED) {
			mlw_buf_adds(&b, "  ---\n  message: ");
			yaml_str(&b, m.p, m.len);
			mlw_buf_adds(&b, "\n  severity: ");
			mlw_buf_adds(&b, t->warn ? "warn" : "error");
			mlw_buf_adds(&b, "\n  expect: ");
			yaml_str(&b, mlw_expr_source(t->expect),
			    strlen(mlw_expr_source(t->expect)));
			if (t->select) {
				mlw_buf_adds(&b, "\n  select: ");
				yaml_str(&b, mlw_expr_source(t->select),
				    strlen(mlw_expr_source(t->select)));
			}
			snprintf(line, sizeof line, "\n  matched: %llu\n"
			    "  passed: %llu\n  observed: ",
			    (unsigned long long)t->matched,
			    (unsigned long long)t->passed);
			mlw_buf_adds(&b, line);
			obs_array(&b, t);
			mlw_buf_adds(&b, "\n  ...\n");
		}
	}
	mlw_buf_adds(&b, "# ");
	summary_line(&b, s);
	out_buf(&b);
	mlw_buf_free(&b);
	mlw_buf_free(&m);
}

/* XML 1.0 character data or attribute text: the five entities, and the
 * control characters XML cannot hold as U+FFFD. */
static void
xml(struct mlw_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': mlw_buf_adds(b, "&amp;"); break;
		case '<': mlw_buf_adds(b, "&lt;"); break;
		case '>': mlw_buf_adds(b, "&gt;"); break;
		case '"': mlw_buf_adds(b, "&quot;"); break;
		case '\'': mlw_buf_adds(b, "&apos;"); break;
		case '\n': mlw_buf_adds(b, "&#10;"); break;
		case '\t': mlw_buf_adds(b, "&#9;"); break;
		default:
			if (c < 0x20)
				mlw_buf_adds(b, "\xef\xbf\xbd");
			else
				mlw_buf_addc(b, (char)c);
		}
	}
}

static void
xmls(struct mlw_buf *b, const char *s)
{
	xml(b, s, strlen(s));
}

static void
write_junit(struct mlw_ctest *ts, size_t n, const struct sum *s)
{
	struct mlw_buf b = { 0 }, m = { 0 };
	char line[200];
	size_t i, j;

	mlw_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	snprintf(line, sizeof line, "<testsuites name=\"mlw-check\" "
	    "tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
	    s->tests, s->failed);
	mlw_buf_adds(&b, line);
	for (i = 0; i < n; i = j) {
		size_t nt = 0, nf = 0;

		for (j = i; j < n && ts[j].suite == ts[i].suite; j++) {
			nt++;
			nf += ts[j].status == ST_FAILED;
		}
		mlw_buf_adds(&b, "  <testsuite name=\"");
		xmls(&b, ts[i].suite);
		snprintf(line, sizeof line, "\" tests=\"%zu\" failures=\"%zu\" "
		    "errors=\"0\" skipped=\"0\">\n", nt, nf);
		mlw_buf_adds(&b, line);
		for (j = i; j < n && ts[j].suite == ts[i].suite; j++) {
			struct mlw_ctest *t = &ts[j];

			mlw_buf_adds(&b, "    <testcase name=\"");
			xmls(&b, t->name);
			mlw_buf_adds(&b, "\" classname=\"");
			xmls(&b, t->suite);
			mlw_buf_adds(&b, "\"");
			if (t->status == ST_PASSED) {
				mlw_buf_adds(&b, "/>\n");
				continue;
			}
			m.len = 0;
			message(&m, t);
			if (t->status == ST_FAILED) {
				mlw_buf_adds(&b, ">\n      <failure message=\"");
				xml(&b, m.p, m.len);
				mlw_buf_adds(&b, "\" type=\"error\">");
			} else
				mlw_buf_adds(&b, ">\n      <system-out>warning: ");
			mlw_buf_adds(&b, "expect ");
			xmls(&b, mlw_expr_source(t->expect));
			if (t->select) {
				mlw_buf_adds(&b, " (select ");
				xmls(&b, mlw_expr_source(t->select));
				mlw_buf_adds(&b, ")");
			}
			mlw_buf_adds(&b, ": ");
			xml(&b, m.p, m.len);
			mlw_buf_adds(&b, t->status == ST_FAILED ? "</failure>\n" :
			    "</system-out>\n");
			mlw_buf_adds(&b, "    </testcase>\n");
		}
		mlw_buf_adds(&b, "  </testsuite>\n");
	}
	mlw_buf_adds(&b, "</testsuites>\n");
	out_buf(&b);
	mlw_buf_free(&b);
	mlw_buf_free(&m);
}

int
mlw_check_run(const struct mlw_check_opts *o, struct mlw_input *in)
{
	struct mlw_ctest *ts = NULL;
	struct mlw_line ln;
	struct mlw_json doc;
	struct sum s = { 0, 0, 0, 0 };
	size_t n = 0, i;
	char err[400];

	for (i = 0; i < o->ntests; i++) {
		size_t len;
		char *text = mlw_read_file(o->tests[i], &len);

		if (text == NULL)
			mlw_fatal_errno("%s", o->tests[i]);
		if (strlen(text) != len)
			mlw_fatal("%s: a NUL byte: not a tests file",
			    o->tests[i]);
		if (mlw_check_parse(text, o->tests[i], &ts, &n, err,
		    sizeof err) < 0)
			mlw_fatal("%s", err);
		free(text);
	}
	memset(&doc, 0, sizeof doc);
	while (mlw_record_next(in, &ln, &doc)) {
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;     /* window closes, state records */
		for (i = 0; i < n; i++)
			judge(&ts[i], &doc, &ln);
	}
	mlw_json_free(&doc);
	for (i = 0; i < n; i++) {
		decide(&ts[i], o->empty_warn);
		s.tests++;
		s.passed += ts[i].status == ST_PASSED;
		s.failed += ts[i].status == ST_FAILED;
		s.warned += ts[i].status == ST_WARNED;
	}
	switch (o->format) {
	case MLW_CHECK_TABLE:
		write_table(ts, n, &s);
		break;
	case MLW_CHECK_TAP:
		write_tap(ts, n, &s);
		break;
	case MLW_CHECK_JUNIT:
		write_junit(ts, n, &s);
		break;
	default:
		write_records(ts, n, &s);
	}
	mlw_check_free(ts, n);
	return s.failed > 0;
}

/* ---------------- --suggest ---------------- */

/* A number as a test writes it: six significant digits. */
static void
bound(struct mlw_buf *b, double x)
{
	char s[40];

	snprintf(s, sizeof s, "%.6g", x == 0 ? 0 : x);
	mlw_buf_adds(b, s);
}

/* A test name from a field path: blanks and '#' become '_'. */
static void
tname(struct mlw_buf *b, const char *f, size_t n, const char *what)
{
	size_t i;

	mlw_buf_adds(b, "test ");
	for (i = 0; i < n; i++)
		mlw_buf_addc(b, f[i] == ' ' || f[i] == '\t' || f[i] == '#' ?
		    '_' : f[i]);
	mlw_buf_addc(b, '-');
	mlw_buf_adds(b, what);
	mlw_buf_addc(b, '\n');
}

/* 'select feature == "PATH" and exists(missing_share)', the path as an
 * expr string. */
static void
tselect(struct mlw_buf *b, const char *f, size_t n)
{
	size_t i;

	mlw_buf_adds(b, "    select  feature == \"");
	for (i = 0; i < n; i++) {
		if (f[i] == '"' || f[i] == '\\')
			mlw_buf_addc(b, '\\');
		mlw_buf_addc(b, f[i]);
	}
	/* the profile's records, not mlw-drift's of the same feature */
	mlw_buf_adds(b, "\" and exists(missing_share)\n");
}

static int
num_member(const struct mlw_json *doc, const char *k, double *x)
{
	long t = mlw_json_member(doc, 0, k, strlen(k));

	return t >= 0 && doc->tok[t].type == MLW_JNUM &&
	    mlw_json_num(doc, (uint32_t)t, x) == 0 && isfinite(*x) ? 0 : -1;
}

void
mlw_check_suggest(const char *path)
{
	size_t len, nf = 0;
	char *text = mlw_read_file(path, &len), *p, *q;
	struct mlw_json doc;
	struct mlw_buf b = { 0 };
	unsigned line = 0;
	double records = 0;

	if (text == NULL)
		mlw_fatal_errno("%s", path);
	memset(&doc, 0, sizeof doc);
	for (p = text; p < text + len; p = q + 1) {
		char fbuf[1024];
		long t, ty;
		size_t fl;
		double ms, lo, hi, w;
		int numeric;

		if ((q = memchr(p, '\n', (size_t)(text + len - p))) == NULL)
			q = text + len;
		line++;
		if (q == p)
			continue;
		if (mlw_json_parse(&doc, p, (size_t)(q - p)) < 0)
			mlw_fatal("%s:%u: %s", path, line, doc.err);
		if (line == 1) {
			t = mlw_json_member(&doc, 0, "mlw", 3);
			if (t < 0 || !mlw_json_streq(&doc, (uint32_t)t,
			    "psi_profile", 11) ||
			    mlw_json_member(&doc, 0, "profile_version", 15) < 0)
				mlw_fatal("%s:1: not a profile saved by "
				    "mlw-profile --save", path);
			(void)num_member(&doc, "records", &records);
			mlw_buf_adds(&b, "# Tests suggested by mlw-check --suggest "
			    "from ");
			mlw_buf_adds(&b, path);
			mlw_buf_adds(&b, " (");
			bound(&b, records);
			mlw_buf_adds(&b, " records).\n# Check a batch with\n"
			    "#   mlw-profile --ref ");
			mlw_buf_adds(&b, path);
			mlw_buf_adds(&b, " batch.jsonl | mlw-check --tests "
			    "THIS_FILE\n# Margins: a missing share up to the "
			    "reference's plus the larger of\n# it and 0.01; the "
			    "reference's range widened by a tenth of its width\n"
			    "# each way; at most 1% of the values outside the "
			    "reference's range;\n# no new category, no type "
			    "mismatch. Edit to taste.\n");
			continue;
		}
		if (mlw_json_member(&doc, 0, "psi_segment", 11) >= 0)
			break;        /* the segments: the whole is enough */
		t = mlw_json_member(&doc, 0, "feature", 7);
		ty = mlw_json_member(&doc, 0, "type", 4);
		if (t < 0 || doc.tok[t].type != MLW_JSTR || ty < 0 ||
		    doc.tok[ty].type != MLW_JSTR)
			mlw_fatal("%s:%u: expected a field of a saved profile "
			    "(feature, type)", path, line);
		fl = mlw_json_str(&doc, (uint32_t)t, fbuf, sizeof fbuf);
		if (fl >= sizeof fbuf)
			mlw_fatal("%s:%u: feature: a path longer than %zu bytes",
			    path, line, sizeof fbuf - 1);
		numeric = mlw_json_streq(&doc, (uint32_t)ty, "numeric", 7);
		nf++;
		mlw_buf_addc(&b, '\n');
		if (num_member(&doc, "missing_share", &ms) == 0) {
			tname(&b, fbuf, fl, "missing");
			tselect(&b, fbuf, fl);
			mlw_buf_adds(&b, "    expect  missing_share <= ");
			bound(&b, fmin(1, ms + fmax(ms, 0.01)));
			mlw_buf_addc(&b, '\n');
		}
		tname(&b, fbuf, fl, "type");
		tselect(&b, fbuf, fl);
		mlw_buf_adds(&b, "    expect  type_mismatch == 0\n");
		if (numeric && num_member(&doc, "min", &lo) == 0 &&
		    num_member(&doc, "max", &hi) == 0) {
			w = hi - lo;
			if (w == 0)
				w = lo != 0 ? fabs(lo) : 1;
			tname(&b, fbuf, fl, "min");
			tselect(&b, fbuf, fl);
			mlw_buf_adds(&b, "    expect  min >= ");
			bound(&b, lo - w / 10);
			mlw_buf_addc(&b, '\n');
			tname(&b, fbuf, fl, "max");
			tselect(&b, fbuf, fl);
			mlw_buf_adds(&b, "    expect  max <= ");
			bound(&b, hi + w / 10);
			mlw_buf_addc(&b, '\n');
			tname(&b, fbuf, fl, "in-range");
			tselect(&b, fbuf, fl);
			mlw_buf_adds(&b, "    expect  out_of_range_share <= 0.01\n");
		} else if (!numeric) {
			tname(&b, fbuf, fl, "categories");
			tselect(&b, fbuf, fl);
			mlw_buf_adds(&b, "    expect  new_categories == 0\n");
		}
	}
	mlw_json_free(&doc);
	free(text);
	if (line == 0)
		mlw_fatal("%s: empty: not a profile saved by mlw-profile --save",
		    path);
	if (nf == 0)
		mlw_fatal("%s: no fields to suggest tests for", path);
	out_buf(&b);
	mlw_buf_free(&b);
}
