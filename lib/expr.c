#include "expr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "jsonw.h"
#include "xalloc.h"

enum op {
	N_NUM, N_STR, N_BOOL, N_PATH, N_NEG, N_NOT, N_ADD, N_SUB, N_MUL, N_DIV,
	N_LT, N_LE, N_GT, N_GE, N_EQ, N_NE, N_AND, N_OR, N_ABS, N_MIN, N_MAX,
	N_MISSING, N_EXISTS
};

struct node {
	enum op op;
	double num;
	char *str;               /* N_STR: decoded literal */
	size_t len;
	struct mlw_path path;    /* N_PATH, N_MISSING, N_EXISTS */
	struct node **kid;
	size_t nkid;
};

struct mlw_expr {
	char *src;
	struct node *root;
	struct node *value;      /* left side of the first comparison */
};

/* ---------- parsing ---------- */

struct parser {
	const char *s, *p;
	char *err;
	size_t errlen;
	int failed;
	int depth;               /* nesting of (), !, - and calls */
};

/* Limits that keep parsing and evaluation off the end of the stack (found
 * by libFuzzer: 4000 nested '!' overflowed it). */
#define EXPR_MAX_LEN 4096
#define EXPR_MAX_DEPTH 256

static struct node *parse_or(struct parser *);

static void
skipws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static struct node *
fail(struct parser *ps, const char *expected)
{
	char found[40];

	if (ps->failed)
		return NULL;
	ps->failed = 1;
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
	if (*ps->p == '\0')
		snprintf(found, sizeof found, "end of expression");
	else if ((unsigned char)*ps->p < 0x21 || (unsigned char)*ps->p >= 0x7f)
		snprintf(found, sizeof found, "byte 0x%02X", (unsigned char)*ps->p);
	else {
		size_t n = 0;

		while (ps->p[n] && n < 12 && ps->p[n] != ' ')
			n++;
		snprintf(found, sizeof found, "'%.*s'", (int)n, ps->p);
	}
	snprintf(ps->err, ps->errlen, "column %zu: expected %s, found %s",
	    (size_t)(ps->p - ps->s) + 1, expected, found);
	return NULL;
}

static struct node *
mk(enum op op)
{
	struct node *n = mlw_xcalloc(1, sizeof *n);

	n->op = op;
	return n;
}

static void
addkid(struct node *n, struct node *k)
{
	struct node **nk = mlw_xrealloc(n->kid, (n->nkid + 1) * sizeof *nk);

	n->kid = nk;
	n->kid[n->nkid++] = k;
}

static void
freenode(struct node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkid; i++)
		freenode(n->kid[i]);
	free(n->kid);
	free(n->str);
	if (n->path.text)
		mlw_path_free(&n->path);
	free(n);
}

static struct node *
bin(enum op op, struct node *a, struct node *b)
{
	struct node *n;

	if (a == NULL || b == NULL) {
		freenode(a);
		freenode(b);
		return NULL;
	}
	n = mk(op);
	addkid(n, a);
	addkid(n, b);
	return n;
}

static int
isident(int c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (!first && c >= '0' && c <= '9');
}

/* Match a word operator (and, or, not) not followed by a name byte. */
static int
word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(ps->p, w, n) == 0 && !isident((unsigned char)ps->p[n], 0) &&
	    ps->p[n] != '.') {
		ps->p += n;
		return 1;
	}
	return 0;
}

static int
sym(struct parser *ps, const char *s)
{
	size_t n = strlen(s);

	skipws(ps);
	if (strncmp(ps->p, s, n) == 0) {
		ps->p += n;
		return 1;
	}
	return 0;
}

/* A path: name { "." name }, names of [A-Za-z0-9_] or "\." escapes. */
static struct node *
parse_path(struct parser *ps, enum op op)
{
	const char *start = ps->p;
	char *text;
	struct node *n;

	skipws(ps);
	start = ps->p;
	if (!isident((unsigned char)*ps->p, 1) && *ps->p != '\\')
		return fail(ps, "a field path");
	for (;;) {
		if (ps->p[0] == '\\' && ps->p[1] == '.')
			ps->p += 2;
		else if (isident((unsigned char)*ps->p, 0))
			ps->p++;
		else if (*ps->p == '.' && (isident((unsigned char)ps->p[1], 0) ||
		    ps->p[1] == '\\'))
			ps->p++;
		else
			break;
	}
	text = mlw_xstrndup(start, (size_t)(ps->p - start));
	n = mk(op);
	if (mlw_path_parse(&n->path, text) < 0) {
		free(text);
		freenode(n);
		ps->p = start;
		return fail(ps, "a field path");
	}
	free(text);
	return n;
}

static struct node *
parse_string(struct parser *ps)
{
	char q = *ps->p++;
	size_t cap = strlen(ps->p) + 1, n = 0;
	char *buf = mlw_xmalloc(cap);
	struct node *nd;

	while (*ps->p && *ps->p != q) {
		char c = *ps->p++;

		if (c == '\\') {
			c = *ps->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '\\': case '\'': case '"': break;
			default:
				free(buf);
				ps->p -= 2;
				return fail(ps, "an escape (\\\\, \\', \\\", \\n, \\t)");
			}
		}
		buf[n++] = c;
	}
	if (*ps->p != q) {
		free(buf);
		return fail(ps, "a closing quote");
	}
	ps->p++;
	nd = mk(N_STR);
	nd->str = buf;
	nd->len = n;
	return nd;
}

static struct node *
parse_primary(struct parser *ps)
{
	static const struct { const char *name; enum op op; } fns[] = {
		{ "abs", N_ABS }, { "min", N_MIN }, { "max", N_MAX },
		{ "missing", N_MISSING }, { "exists", N_EXISTS },
	};
	size_t i;

	skipws(ps);
	if (*ps->p == '(') {
		struct node *n;

		ps->p++;
		n = parse_or(ps);
		if (n == NULL)
			return NULL;
		if (!sym(ps, ")")) {
			freenode(n);
			return fail(ps, "')'");
		}
		return n;
	}
	if ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.') {
		/* a JSON number (without the sign, which is unary minus) */
		const char *q = ps->p;
		struct node *n;

		if (*q == '0')
			q++;
		else
			while (*q >= '0' && *q <= '9')
				q++;
		if (q == ps->p)
			return fail(ps, "a number");
		if (*q == '.') {
			if (q[1] < '0' || q[1] > '9')
				return fail(ps, "a number");
			for (q++; *q >= '0' && *q <= '9'; q++)
				;
		}
		if (*q == 'e' || *q == 'E') {
			const char *x = q + 1;

			if (*x == '+' || *x == '-')
				x++;
			if (*x < '0' || *x > '9')
				return fail(ps, "a number");
			for (q = x; *q >= '0' && *q <= '9'; q++)
				;
		}
		if (isident((unsigned char)*q, 0) || *q == '.')
			return fail(ps, "a number");
		n = mk(N_NUM);
		n->num = strtod(ps->p, NULL);
		if (!isfinite(n->num)) {
			freenode(n);
			return fail(ps, "a finite number");
		}
		ps->p = q;
		return n;
	}
	if (*ps->p == '"' || *ps->p == '\'')
		return parse_string(ps);
	for (i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		size_t l = strlen(fns[i].name);
		const char *q = ps->p + l;

		if (strncmp(ps->p, fns[i].name, l) != 0)
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '(')
			continue;
		ps->p = q + 1;
		if (fns[i].op == N_MISSING || fns[i].op == N_EXISTS) {
			struct node *n = parse_path(ps, fns[i].op);

			if (n && !sym(ps, ")")) {
				freenode(n);
				return fail(ps, "')'");
			}
			return n;
		} else {
			struct node *n = mk(fns[i].op);

			for (;;) {
				struct node *k = parse_or(ps);

				if (k == NULL) {
					freenode(n);
					return NULL;
				}
				addkid(n, k);
				if (sym(ps, ","))
					continue;
				if (sym(ps, ")"))
					break;
				freenode(n);
				return fail(ps, "',' or ')'");
			}
			if (n->op == N_ABS && n->nkid != 1) {
				freenode(n);
				return fail(ps, "abs() of one value");
			}
			return n;
		}
	}
	if (word(ps, "true") || word(ps, "false")) {
		struct node *n = mk(N_BOOL);

		n->num = ps->p[-1] == 'e' && ps->p[-2] == 'u';
		return n;
	}
	if (isident((unsigned char)*ps->p, 1) || *ps->p == '\\')
		return parse_path(ps, N_PATH);
	return fail(ps, "a number, string, field or '('");
}

static struct node *
parse_unary(struct parser *ps)
{
	skipws(ps);
	if (*ps->p == '-') {
		struct node *k, *n;

		ps->p++;
		if (++ps->depth > EXPR_MAX_DEPTH)
			return fail(ps, "an expression nested less deeply");
		k = parse_unary(ps);
		ps->depth--;
		if (k == NULL)
			return NULL;
		n = mk(N_NEG);
		addkid(n, k);
		return n;
	}
	return parse_primary(ps);
}

static struct node *
parse_product(struct parser *ps)
{
	struct node *n = parse_unary(ps);

	while (n) {
		if (sym(ps, "*"))
			n = bin(N_MUL, n, parse_unary(ps));
		else if (sym(ps, "/"))
			n = bin(N_DIV, n, parse_unary(ps));
		else
			break;
	}
	return n;
}

static struct node *
parse_sum(struct parser *ps)
{
	struct node *n = parse_product(ps);

	while (n) {
		if (sym(ps, "+"))
			n = bin(N_ADD, n, parse_product(ps));
		else if (sym(ps, "-"))
			n = bin(N_SUB, n, parse_product(ps));
		else
			break;
	}
	return n;
}

static struct node *
parse_cmp(struct parser *ps)
{
	static const struct { const char *s; enum op op; } ops[] = {
		{ "<=", N_LE }, { ">=", N_GE }, { "==", N_EQ }, { "!=", N_NE },
		{ "<", N_LT }, { ">", N_GT },
	};
	struct node *n = parse_sum(ps);
	size_t i;

	if (n == NULL)
		return NULL;
	skipws(ps);
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (sym(ps, ops[i].s))
			return bin(ops[i].op, n, parse_sum(ps));
	if (*ps->p == '=') {
		freenode(n);
		return fail(ps, "'==' for equality");
	}
	return n;
}

static struct node *
parse_not(struct parser *ps)
{
	skipws(ps);
	if ((*ps->p == '!' && ps->p[1] != '=') || word(ps, "not")) {
		struct node *k, *n;

		if (*ps->p == '!')
			ps->p++;
		if (++ps->depth > EXPR_MAX_DEPTH)
			return fail(ps, "an expression nested less deeply");
		k = parse_not(ps);
		ps->depth--;
		if (k == NULL)
			return NULL;
		n = mk(N_NOT);
		addkid(n, k);
		return n;
	}
	return parse_cmp(ps);
}

static struct node *
parse_and(struct parser *ps)
{
	struct node *n = parse_not(ps);

	while (n) {
		skipws(ps);
		if (sym(ps, "&&") || word(ps, "and"))
			n = bin(N_AND, n, parse_not(ps));
		else
			break;
	}
	return n;
}

static struct node *
parse_or(struct parser *ps)
{
	struct node *n;

	if (++ps->depth > EXPR_MAX_DEPTH)
		return fail(ps, "an expression nested less deeply");
	n = parse_and(ps);
	ps->depth--;

	while (n) {
		skipws(ps);
		if (sym(ps, "||") || word(ps, "or"))
			n = bin(N_OR, n, parse_and(ps));
		else
			break;
	}
	return n;
}

static struct node *
first_cmp(struct node *n)
{
	size_t i;

	if (n->op >= N_LT && n->op <= N_NE)
		return n->kid[0];
	for (i = 0; i < n->nkid; i++) {
		struct node *v = first_cmp(n->kid[i]);

		if (v)
			return v;
	}
	return NULL;
}

struct mlw_expr *
mlw_expr_compile(const char *src, char *err, size_t errlen)
{
	struct parser ps = { src, src, err, errlen, 0, 0 };
	struct node *root;
	struct mlw_expr *e;

	if (strlen(src) > EXPR_MAX_LEN) {
		snprintf(err, errlen, "expression longer than %d bytes",
		    EXPR_MAX_LEN);
		return NULL;
	}
	root = parse_or(&ps);

	if (root) {
		skipws(&ps);
		if (*ps.p != '\0') {
			freenode(root);
			root = fail(&ps, "an operator or the end");
		}
	}
	if (root == NULL)
		return NULL;
	e = mlw_xcalloc(1, sizeof *e);
	e->src = mlw_xstrdup(src);
	e->root = root;
	e->value = first_cmp(root);
	return e;
}

void
mlw_expr_free(struct mlw_expr *e)
{
	if (e == NULL)
		return;
	freenode(e->root);
	free(e->src);
	free(e);
}

static const char *
number_compare(const struct node *n, const char *prefix)
{
	size_t i, pl = strlen(prefix);
	const char *r;

	if (n->op >= N_LT && n->op <= N_NE && n->nkid == 2)
		for (i = 0; i < 2; i++) {
			const struct node *a = n->kid[i], *b = n->kid[1 - i];

			if (a->op == N_PATH && b->op == N_NUM &&
			    strncmp(a->path.text, prefix, pl) == 0)
				return a->path.text;
		}
	for (i = 0; i < n->nkid; i++)
		if ((r = number_compare(n->kid[i], prefix)) != NULL)
			return r;
	return NULL;
}

const char *
mlw_expr_number_compare(const struct mlw_expr *e, const char *prefix)
{
	return number_compare(e->root, prefix);
}

const char *
mlw_expr_source(const struct mlw_expr *e)
{
	return e->src;
}

/* ---------- evaluation ---------- */

enum { V_UNDEF, V_NUM, V_STR, V_BOOL };

struct val {
	int kind;
	double num;              /* V_NUM, V_BOOL (0/1) */
	const struct mlw_json *doc;
	long tok;                /* V_STR from the record, else -1 */
	const char *s;           /* V_STR literal */
	size_t len;
};

static struct val
undef(void)
{
	struct val v;

	memset(&v, 0, sizeof v);
	v.kind = V_UNDEF;
	v.tok = -1;
	return v;
}

static struct val
numv(double d)
{
	struct val v = undef();

	if (!isfinite(d))
		return v;
	v.kind = V_NUM;
	v.num = d;
	return v;
}

static struct val
boolv(int b)
{
	struct val v = undef();

	v.kind = V_BOOL;
	v.num = b;
	return v;
}

/* Compare two strings, either from the record or literals. */
static int
strcmp_val(const struct val *a, const struct val *b)
{
	char sa[256], sb[256];
	char *pa = sa, *pb = sb;
	size_t la, lb;
	int r;

	if (a->tok >= 0) {
		size_t raw = a->doc->tok[a->tok].len;

		if (raw > sizeof sa)
			pa = mlw_xmalloc(raw);
		la = mlw_json_str(a->doc, (uint32_t)a->tok, pa, raw);
	} else {
		pa = (char *)a->s;
		la = a->len;
	}
	if (b->tok >= 0) {
		size_t raw = b->doc->tok[b->tok].len;

		if (raw > sizeof sb)
			pb = mlw_xmalloc(raw);
		lb = mlw_json_str(b->doc, (uint32_t)b->tok, pb, raw);
	} else {
		pb = (char *)b->s;
		lb = b->len;
	}
	r = memcmp(pa, pb, la < lb ? la : lb);
	if (r == 0)
		r = (la > lb) - (la < lb);
	if (a->tok >= 0 && pa != sa)
		free(pa);
	if (b->tok >= 0 && pb != sb)
		free(pb);
	return r;
}

static struct val
eval(const struct node *n, const struct mlw_json *doc)
{
	struct val a, b;
	size_t i;
	long t;

	switch (n->op) {
	case N_NUM:
		return numv(n->num);
	case N_BOOL:
		return boolv(n->num != 0);
	case N_STR:
		a = undef();
		a.kind = V_STR;
		a.s = n->str;
		a.len = n->len;
		return a;
	case N_PATH:
		t = mlw_json_get(doc, 0, &n->path);
		if (mlw_json_missing(doc, t))
			return undef();
		switch (doc->tok[t].type) {
		case MLW_JNUM: {
			double d;

			if (mlw_json_num(doc, (uint32_t)t, &d) < 0)
				return undef();
			return numv(d);
		}
		case MLW_JTRUE:
			return boolv(1);
		case MLW_JFALSE:
			return boolv(0);
		case MLW_JSTR:
			a = undef();
			a.kind = V_STR;
			a.doc = doc;
			a.tok = t;
			return a;
		default:
			return undef();
		}
	case N_MISSING:
	case N_EXISTS:
		t = mlw_json_get(doc, 0, &n->path);
		return boolv(mlw_json_missing(doc, t) == (n->op == N_MISSING));
	case N_NEG:
		a = eval(n->kid[0], doc);
		return a.kind == V_NUM ? numv(-a.num) : undef();
	case N_NOT:
		a = eval(n->kid[0], doc);
		return a.kind == V_BOOL ? boolv(a.num == 0) : undef();
	case N_AND:
	case N_OR:
		a = eval(n->kid[0], doc);
		if (a.kind == V_BOOL && (a.num != 0) == (n->op == N_OR))
			return a;               /* decided by the left side */
		b = eval(n->kid[1], doc);
		if (a.kind != V_BOOL || b.kind != V_BOOL)
			return undef();
		return b;
	case N_ADD: case N_SUB: case N_MUL: case N_DIV:
		a = eval(n->kid[0], doc);
		b = eval(n->kid[1], doc);
		if (a.kind != V_NUM || b.kind != V_NUM)
			return undef();
		switch (n->op) {
		case N_ADD: return numv(a.num + b.num);
		case N_SUB: return numv(a.num - b.num);
		case N_MUL: return numv(a.num * b.num);
		default: return b.num == 0 ? undef() : numv(a.num / b.num);
		}
	case N_LT: case N_LE: case N_GT: case N_GE: case N_EQ: case N_NE: {
		int c;

		a = eval(n->kid[0], doc);
		b = eval(n->kid[1], doc);
		if (a.kind == V_UNDEF || a.kind != b.kind)
			return undef();
		if (a.kind == V_STR)
			c = strcmp_val(&a, &b);
		else if (a.kind == V_BOOL && n->op != N_EQ && n->op != N_NE)
			return undef();
		else
			c = (a.num > b.num) - (a.num < b.num);
		switch (n->op) {
		case N_LT: return boolv(c < 0);
		case N_LE: return boolv(c <= 0);
		case N_GT: return boolv(c > 0);
		case N_GE: return boolv(c >= 0);
		case N_EQ: return boolv(c == 0);
		default: return boolv(c != 0);
		}
	}
	case N_ABS:
		a = eval(n->kid[0], doc);
		return a.kind == V_NUM ? numv(fabs(a.num)) : undef();
	case N_MIN:
	case N_MAX:
		a = eval(n->kid[0], doc);
		if (a.kind != V_NUM)
			return undef();
		for (i = 1; i < n->nkid; i++) {
			b = eval(n->kid[i], doc);
			if (b.kind != V_NUM)
				return undef();
			if (n->op == N_MIN ? b.num < a.num : b.num > a.num)
				a = b;
		}
		return a;
	}
	return undef();
}

int
mlw_expr_test(const struct mlw_expr *e, const struct mlw_json *doc)
{
	struct val v = eval(e->root, doc);

	if (v.kind != V_BOOL)
		return -1;
	return v.num != 0;
}

static const char *
absent(const struct node *n, const struct mlw_json *doc)
{
	const char *p;
	size_t i;

	if (n->op == N_PATH &&
	    mlw_json_missing(doc, mlw_json_get(doc, 0, &n->path)))
		return n->path.text;
	if (n->op == N_MISSING || n->op == N_EXISTS)
		return NULL;
	for (i = 0; i < n->nkid; i++)
		if ((p = absent(n->kid[i], doc)) != NULL)
			return p;
	return NULL;
}

const char *
mlw_expr_absent(const struct mlw_expr *e, const struct mlw_json *doc)
{
	return absent(e->root, doc);
}

int
mlw_expr_value(const struct mlw_expr *e, const struct mlw_json *doc,
    double *out)
{
	struct val v;

	if (e->value == NULL)
		return -1;
	v = eval(e->value, doc);
	if (v.kind != V_NUM)
		return -1;
	*out = v.num;
	return 0;
}

int
mlw_expr_value_json(const struct mlw_expr *e, const struct mlw_json *doc,
    struct mlw_buf *b)
{
	struct val v;

	if (e->value == NULL)
		return -1;
	v = eval(e->value, doc);
	switch (v.kind) {
	case V_NUM:
		mlw_jw_num(b, v.num);
		return 0;
	case V_BOOL:
		mlw_buf_adds(b, v.num != 0 ? "true" : "false");
		return 0;
	case V_STR:
		if (v.doc)
			mlw_jw_raw(b, v.doc, (uint32_t)v.tok);
		else
			mlw_jw_str(b, v.s, v.len);
		return 0;
	default:
		return -1;
	}
}

/* ---------- templates ---------- */

/* Split "path:.3f" into the path text and a format: *prec (0..17) and
 * *conv ('f' or 'g'); conv is 0 without a format. -1 for a bad format. */
static int
tmpl_field(const char *s, size_t n, char **name, int *prec, char *conv)
{
	const char *colon = memchr(s, ':', n);

	*conv = 0;
	*prec = 0;
	if (colon) {
		const char *f = colon + 1, *end = s + n;
		int p = 0;

		if (f >= end || *f++ != '.')
			return -1;
		if (f >= end || *f < '0' || *f > '9')
			return -1;
		/* found by libFuzzer: a long precision overflowed int */
		while (f < end && *f >= '0' && *f <= '9')
			if ((p = p * 10 + (*f++ - '0')) > 17)
				return -1;
		if (f + 1 != end || (*f != 'f' && *f != 'g') || p > 17)
			return -1;
		*prec = p;
		*conv = *f;
		n = (size_t)(colon - s);
	}
	*name = mlw_xstrndup(s, n);
	return 0;
}

int
mlw_template_check(const char *t, char *err, size_t errlen)
{
	const char *p;

	for (p = t; *p; p++) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			p++;
			continue;
		}
		if (*p == '}') {
			snprintf(err, errlen, "column %zu: '}' without '{' (write "
			    "}} for a brace)", (size_t)(p - t) + 1);
			return -1;
		}
		if (*p == '{') {
			const char *q = strchr(p, '}');
			struct mlw_path path;
			char *name, conv;
			int prec;

			if (q == NULL || q == p + 1) {
				snprintf(err, errlen, "column %zu: expected "
				    "{field} (write {{ for a brace)",
				    (size_t)(p - t) + 1);
				return -1;
			}
			if (tmpl_field(p + 1, (size_t)(q - p - 1), &name, &prec,
			    &conv) < 0) {
				snprintf(err, errlen, "column %zu: expected a "
				    "format like {field:.3f} or {field:.4g}",
				    (size_t)(p - t) + 1);
				return -1;
			}
			if (mlw_path_parse(&path, name) < 0) {
				free(name);
				snprintf(err, errlen, "column %zu: invalid field "
				    "path", (size_t)(p - t) + 2);
				return -1;
			}
			mlw_path_free(&path);
			free(name);
			p = q;
		}
	}
	return 0;
}

void
mlw_template(struct mlw_buf *b, const char *t, const struct mlw_json *doc)
{
	const char *p;

	for (p = t; *p; p++) {
		const char *q;
		struct mlw_path path;
		char *name, conv;
		int prec;
		long i;

		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			mlw_buf_addc(b, *p++);
			continue;
		}
		if (*p != '{' || (q = strchr(p, '}')) == NULL) {
			mlw_buf_addc(b, *p);
			continue;
		}
		if (tmpl_field(p + 1, (size_t)(q - p - 1), &name, &prec,
		    &conv) < 0) {
			mlw_buf_addc(b, *p);
			continue;
		}
		if (mlw_path_parse(&path, name) == 0) {
			i = mlw_json_get(doc, 0, &path);
			if (!mlw_json_missing(doc, i)) {
				const struct mlw_jtok *tk = &doc->tok[i];

				if (tk->type == MLW_JSTR) {
					mlw_buf_reserve(b, tk->len);
					b->len += mlw_json_str(doc, (uint32_t)i,
					    b->p + b->len, tk->len);
				} else if (tk->type == MLW_JNUM) {
					double d;

					if (mlw_json_num(doc, (uint32_t)i, &d) < 0)
						;
					else if (conv) {
						char f[64];
						int k = snprintf(f, sizeof f,
						    conv == 'f' ? "%.*f" : "%.*g",
						    prec, d);

						if (k > 0 && (size_t)k < sizeof f)
							mlw_buf_add(b, f, (size_t)k);
					} else
						mlw_jw_num(b, d);
				} else
					mlw_jw_raw(b, doc, (uint32_t)i);
			}
			mlw_path_free(&path);
		}
		free(name);
		p = q;
	}
}
