#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "utf8.h"
#include "xalloc.h"

/* 1 for bytes that may appear unescaped in a string and need no check. */
static unsigned char plain[256];
static int plain_ready;

static void
plain_init(void)
{
	int c;

	for (c = 0x20; c < 0x80; c++)
		plain[c] = 1;
	plain['"'] = 0;
	plain['\\'] = 0;
	plain_ready = 1;
}

const char *
mlw_json_typename(int type)
{
	static const char *const names[] = {
		"null", "false", "true", "a number", "a string", "an array",
		"an object"
	};

	return type >= 0 && type <= MLW_JOBJ ? names[type] : "?";
}

static int
fail(struct mlw_json *doc, const unsigned char *p, const char *what)
{
	const unsigned char *s = (const unsigned char *)doc->src;
	size_t col = (size_t)(p - s) + 1;
	char found[32];

	doc->truncated = p >= s + doc->srclen;
	if (doc->truncated)
		snprintf(found, sizeof found, "end of line");
	else if (*p >= 0x21 && *p < 0x7f)
		snprintf(found, sizeof found, "'%c'", *p);
	else
		snprintf(found, sizeof found, "byte 0x%02X", *p);
	snprintf(doc->err, sizeof doc->err,
	    "invalid JSON at column %zu: %s, found %s", col, what, found);
	return -1;
}

static int
hexval(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	return -1;
}

/* Does the 8-byte word hold a byte that needs a look: '"', '\\', a
 * control byte or a non-ASCII byte? (The classic "has zero byte" trick.) */
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
static uint64_t
special_mask(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	/* bit 7 of a byte: a quote, a backslash, a control byte (below 0x20)
	 * or a non-ASCII byte; borrows may flag bytes above the first true
	 * one, never below it */
	return (((q - ONES) & ~q) | ((b - ONES) & ~b) |
	    ((w - ONES * 0x20) & ~w) | w) & HIGHS;
}

/* Index (in memory order) of the first flagged byte of m, m != 0. */
static size_t
first_byte(uint64_t m)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(m) >> 3;
#else
	unsigned char b[8];
	size_t n = 0;

	memcpy(b, &m, 8);
	while (!(b[n] & 0x80))
		n++;
	return n;
#endif
}

/* Scan a string starting at the opening quote; returns the position after
 * the closing quote, or NULL (error set). */
static const unsigned char *
scan_string(struct mlw_json *doc, const unsigned char *p,
    const unsigned char *end, uint8_t *esc)
{
	p++;
	for (;;) {
		while (end - p >= 8) {
			uint64_t w, m;

			memcpy(&w, p, 8);
			if ((m = special_mask(w)) != 0) {
				/* the lowest flag is exact: skip to it */
				p += first_byte(m);
				break;
			}
			p += 8;
		}
		while (p < end && plain[*p])
			p++;
		if (p >= end) {
			fail(doc, p, "unterminated string");
			return NULL;
		}
		if (*p == '"')
			return p + 1;
		if (*p == '\\') {
			*esc = 1;
			if (p + 1 >= end) {
				fail(doc, p + 1, "unterminated string");
				return NULL;
			}
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u':
				if (end - p < 6 || hexval(p[2]) < 0 ||
				    hexval(p[3]) < 0 || hexval(p[4]) < 0 ||
				    hexval(p[5]) < 0) {
					fail(doc, p, "expected four hex digits after \\u");
					return NULL;
				}
				p += 6;
				break;
			default:
				fail(doc, p + 1, "invalid escape in string");
				return NULL;
			}
		} else if (*p < 0x20) {
			fail(doc, p, "control character in string (must be escaped)");
			return NULL;
		} else {
			size_t n = mlw_utf8_len(p, end);

			if (n == 0) {
				fail(doc, p, "invalid UTF-8 in string");
				return NULL;
			}
			p += n;
		}
	}
}

static const unsigned char *
scan_number(struct mlw_json *doc, const unsigned char *p,
    const unsigned char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else {
		fail(doc, p, "expected a digit in number");
		return NULL;
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9') {
			fail(doc, p, "expected a digit after the decimal point");
			return NULL;
		}
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9') {
			fail(doc, p, "expected a digit in the exponent");
			return NULL;
		}
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* JSON's four whitespace bytes, by table: one load instead of four tests
 * for the common case of a byte that is not one */
static const unsigned char wstab[256] = {
	['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1
};
#define WS(c) (wstab[(unsigned char)(c)])

/* Room for one more token: the array starts at len/2 + 2, enough for
 * valid JSON, and grows when a bad line (say "[[[[") needs more. */
static struct mlw_jtok *
room(struct mlw_json *doc)
{
	if (doc->ntok == doc->cap) {
		uint32_t ncap = doc->cap * 2 + 16;
		struct mlw_jtok *nt = mlw_xrealloc(doc->tok, ncap * sizeof *nt);

		doc->tok = nt;
		doc->cap = ncap;
	}
	return doc->tok;
}

int
mlw_json_parse(struct mlw_json *doc, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	const unsigned char *p = s, *end = s + len, *q;
	uint32_t stack[MLW_JSON_DEPTH];
	int sp = 0;
	uint32_t need = (uint32_t)(len / 2 + 2), t, top;
	struct mlw_jtok *tok;

	if (!plain_ready)
		plain_init();
	doc->src = src;
	doc->srclen = len;
	doc->ntok = 0;
	doc->nnonfinite = 0;
	doc->err[0] = '\0';
	if (need > doc->cap) {
		struct mlw_jtok *nt = mlw_xrealloc(doc->tok, need * sizeof *nt);

		doc->tok = nt;
		doc->cap = need;
	}
	tok = doc->tok;

value:
	while (p < end && WS(*p))
		p++;
	if (p >= end)
		return fail(doc, p, "expected a value");
	tok = room(doc);
	t = doc->ntok++;
	tok[t].start = (uint32_t)(p - s);
	tok[t].esc = 0;
	tok[t].nonfinite = 0;
	switch (*p) {
	case '{':
		if (sp == MLW_JSON_DEPTH)
			return fail(doc, p, "nesting deeper than 256 levels");
		tok[t].type = MLW_JOBJ;
		stack[sp++] = t;
		p++;
		while (p < end && WS(*p))
			p++;
		if (p < end && *p == '}') {
			p++;
			sp--;
			tok[t].len = (uint32_t)(p - s) - tok[t].start;
			tok[t].next = doc->ntok;
			goto after;
		}
		goto key;
	case '[':
		if (sp == MLW_JSON_DEPTH)
			return fail(doc, p, "nesting deeper than 256 levels");
		tok[t].type = MLW_JARR;
		stack[sp++] = t;
		p++;
		while (p < end && WS(*p))
			p++;
		if (p < end && *p == ']') {
			p++;
			sp--;
			tok[t].len = (uint32_t)(p - s) - tok[t].start;
			tok[t].next = doc->ntok;
			goto after;
		}
		goto value;
	case '"':
		tok[t].type = MLW_JSTR;
		q = scan_string(doc, p, end, &tok[t].esc);
		if (q == NULL)
			return -1;
		break;
	case 't':
		if (end - p < 4 || memcmp(p, "true", 4) != 0)
			return fail(doc, p, "expected a value");
		tok[t].type = MLW_JTRUE;
		q = p + 4;
		break;
	case 'f':
		if (end - p < 5 || memcmp(p, "false", 5) != 0)
			return fail(doc, p, "expected a value");
		tok[t].type = MLW_JFALSE;
		q = p + 5;
		break;
	case 'n':
		if (end - p < 4 || memcmp(p, "null", 4) != 0)
			return fail(doc, p, "expected a value");
		tok[t].type = MLW_JNULL;
		q = p + 4;
		break;
	default:
		if (*p != '-' && (*p < '0' || *p > '9'))
			return fail(doc, p, "expected a value");
		tok[t].type = MLW_JNUM;
		q = scan_number(doc, p, end);
		if (q == NULL)
			return -1;
		break;
	}
	tok[t].len = (uint32_t)(q - p);
	tok[t].next = doc->ntok;
	p = q;

after:
	if (sp == 0)
		goto done;
	while (p < end && WS(*p))
		p++;
	top = stack[sp - 1];
	if (tok[top].type == MLW_JOBJ) {
		if (p < end && *p == ',') {
			p++;
			goto key;
		}
		if (p < end && *p == '}') {
			p++;
			sp--;
			tok[top].len = (uint32_t)(p - s) - tok[top].start;
			tok[top].next = doc->ntok;
			goto after;
		}
		return fail(doc, p, "expected ',' or '}' after an object member");
	}
	if (p < end && *p == ',') {
		p++;
		goto value;
	}
	if (p < end && *p == ']') {
		p++;
		sp--;
		tok[top].len = (uint32_t)(p - s) - tok[top].start;
		tok[top].next = doc->ntok;
		goto after;
	}
	return fail(doc, p, "expected ',' or ']' after an array element");

key:
	while (p < end && WS(*p))
		p++;
	if (p >= end || *p != '"')
		return fail(doc, p, "expected a member name in double quotes");
	tok = room(doc);
	t = doc->ntok++;
	tok[t].start = (uint32_t)(p - s);
	tok[t].type = MLW_JSTR;
	tok[t].esc = 0;
	tok[t].nonfinite = 0;
	q = scan_string(doc, p, end, &tok[t].esc);
	if (q == NULL)
		return -1;
	tok[t].len = (uint32_t)(q - p);
	tok[t].next = doc->ntok;
	p = q;
	while (p < end && WS(*p))
		p++;
	if (p >= end || *p != ':')
		return fail(doc, p, "expected ':' after a member name");
	p++;
	goto value;

done:
	while (p < end && WS(*p))
		p++;
	if (p != end)
		return fail(doc, p, "unexpected data after the value");
	return 0;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *const nfword[] = { "-Infinity", "Infinity", "-NaN",
	"NaN" };

/* Write s into out with each NaN, -NaN, Infinity and -Infinity that stands
 * where a value does (after : , or [ and before , } ] or the end, outside
 * strings) replaced by a 0 and spaces, of the same length, so that the
 * copy parses and its offsets are the line's. Text such as 1Infinity or
 * NaNx is left as it is: not JSON. Returns how many were replaced. */
static uint32_t
patch_nonfinite(const char *s, size_t n, char *out)
{
	size_t i = 0, j, k, l = 0;
	uint32_t any = 0;
	int in = 0;
	char prev = '\0';     /* the last byte outside blanks */

	memcpy(out, s, n);
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
			prev = '"';
			i++;
			continue;
		}
		if (blank(s[i])) {
			i++;
			continue;
		}
		for (k = 0; k < 4; k++) {
			l = strlen(nfword[k]);
			if (n - i >= l && memcmp(s + i, nfword[k], l) == 0)
				break;
		}
		if (k < 4 && (prev == ':' || prev == ',' || prev == '[')) {
			for (j = i + l; j < n && blank(s[j]); j++)
				;
			if (j == n || s[j] == ',' || s[j] == '}' ||
			    s[j] == ']') {
				out[i] = '0';
				memset(out + i + 1, ' ', l - 1);
				i += l;
				prev = '0';
				any++;
				continue;
			}
		}
		prev = s[i++];
	}
	return any;
}

int
mlw_json_parse_nonfinite(struct mlw_json *doc, const char *s, size_t len)
{
	uint32_t i;

	if (mlw_json_parse(doc, s, len) == 0)
		return 0;
	if (len == 0)           /* nothing to patch (and no scratch yet) */
		return -1;
	if (len > doc->scratchcap) {
		char *p = mlw_xrealloc(doc->scratch, len);

		doc->scratch = p;
		doc->scratchcap = len;
	}
	if (patch_nonfinite(s, len, doc->scratch) == 0)
		return -1;
	if (mlw_json_parse(doc, doc->scratch, len) < 0) {
		/* what else is wrong: at the same offsets, since the words
		 * were replaced by as many bytes */
		doc->src = s;
		return -1;
	}
	doc->src = s;
	for (i = 0; i < doc->ntok; i++) {
		struct mlw_jtok *t = &doc->tok[i];
		const char *w = s + t->start;

		if (t->type != MLW_JNUM || !(w[0] == 'N' || w[0] == 'I' ||
		    (w[0] == '-' && (w[1] == 'N' || w[1] == 'I'))))
			continue;
		t->type = MLW_JNULL;
		t->nonfinite = 1;
		t->len = (uint32_t)(w[0] == '-' ? (w[1] == 'N' ? 4 : 9) :
		    (w[0] == 'N' ? 3 : 8));
		doc->nnonfinite++;
	}
	return 0;
}

void
mlw_json_free(struct mlw_json *doc)
{
	free(doc->tok);
	free(doc->scratch);
	doc->tok = NULL;
	doc->scratch = NULL;
	doc->cap = doc->ntok = 0;
	doc->scratchcap = 0;
}

static unsigned
hex4(const char *p)
{
	return (unsigned)(hexval((unsigned char)p[0]) << 12 |
	    hexval((unsigned char)p[1]) << 8 | hexval((unsigned char)p[2]) << 4 |
	    hexval((unsigned char)p[3]));
}

size_t
mlw_json_str(const struct mlw_json *doc, uint32_t i, char *out, size_t cap)
{
	const struct mlw_jtok *t = &doc->tok[i];
	const char *p = doc->src + t->start + 1;
	const char *end = doc->src + t->start + t->len - 1;
	size_t n = 0;

	if (!t->esc) {
		size_t len = (size_t)(end - p);

		if (len > cap)
			len = cap;
		memcpy(out, p, len);
		return len;
	}
	while (p < end) {
		char u[4];
		size_t k = 1;

		if (*p != '\\') {
			if (n == cap)
				break;
			out[n++] = *p++;
			continue;
		}
		switch (p[1]) {
		case 'b': u[0] = '\b'; break;
		case 'f': u[0] = '\f'; break;
		case 'n': u[0] = '\n'; break;
		case 'r': u[0] = '\r'; break;
		case 't': u[0] = '\t'; break;
		case 'u': {
			unsigned cp = hex4(p + 2);

			if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 12 &&
			    p[6] == '\\' && p[7] == 'u') {
				unsigned lo = hex4(p + 8);

				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) +
					    (lo - 0xDC00);
					p += 6;
				}
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD;
			k = mlw_utf8_put(u, cp);
			p += 4;
			break;
		}
		default: u[0] = p[1]; break;
		}
		if (n + k > cap)
			break;          /* no room for the whole character */
		memcpy(out + n, u, k);
		n += k;
		p += 2;
	}
	return n;
}

char *
mlw_json_cstr(const struct mlw_json *doc, uint32_t i, size_t *len)
{
	size_t cap = doc->tok[i].len, n, z = 0, k, j;
	char *s = mlw_xmalloc(cap + 1), *t;

	n = mlw_json_str(doc, i, s, cap);
	for (k = 0; k < n; k++)
		z += s[k] == '\0';
	if (z == 0) {
		s[n] = '\0';
		*len = n;
		return s;
	}
	/* each NUL becomes U+FFFD, 3 bytes */
	t = mlw_xmalloc(n + 2 * z + 1);
	for (k = j = 0; k < n; k++)
		if (s[k])
			t[j++] = s[k];
		else {
			memcpy(t + j, "\xEF\xBF\xBD", 3);
			j += 3;
		}
	t[j] = '\0';
	free(s);
	*len = j;
	return t;
}

int
mlw_json_streq(const struct mlw_json *doc, uint32_t i, const char *name,
    size_t len)
{
	const struct mlw_jtok *t = &doc->tok[i];
	char small[256], *buf;
	size_t n;
	int eq;

	if (!t->esc)
		return t->len - 2 == len &&
		    memcmp(doc->src + t->start + 1, name, len) == 0;
	if (t->len - 2 < len)
		return 0;
	buf = t->len <= sizeof small ? small : mlw_xmalloc(t->len);
	n = mlw_json_str(doc, i, buf, t->len);
	eq = n == len && memcmp(buf, name, len) == 0;
	if (buf != small)
		free(buf);
	return eq;
}

long
mlw_json_member(const struct mlw_json *doc, uint32_t obj, const char *name,
    size_t len)
{
	const struct mlw_jtok *tok = doc->tok;
	uint32_t i = obj + 1, end = tok[obj].next;
	long found = -1;

	if (tok[obj].type != MLW_JOBJ)
		return -1;
	while (i < end) {
		const struct mlw_jtok *k = &tok[i];

		if (k->esc ? mlw_json_streq(doc, i, name, len) :
		    (k->len - 2 == len &&
		    memcmp(doc->src + k->start + 1, name, len) == 0))
			found = (long)i + 1;
		i = tok[i + 1].next;
	}
	return found;
}

long
mlw_json_get(const struct mlw_json *doc, uint32_t obj, const struct mlw_path *p)
{
	long cur = obj;
	size_t i;

	for (i = 0; i < p->nseg && cur >= 0; i++)
		cur = mlw_json_member(doc, (uint32_t)cur, p->seg[i], p->seglen[i]);
	return cur;
}

int
mlw_json_missing(const struct mlw_json *doc, long i)
{
	return i < 0 || doc->tok[i].type == MLW_JNULL;
}

int
mlw_json_num(const struct mlw_json *doc, uint32_t i, double *out)
{
	return mlw_num_parse(doc->src + doc->tok[i].start, doc->tok[i].len, out);
}

int
mlw_path_parse(struct mlw_path *p, const char *text)
{
	size_t n = strlen(text), i, k = 0, nseg = 1;
	char *buf;

	memset(p, 0, sizeof *p);
	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (text[i] == '\\' && i + 1 < n)
			i++;
		else if (text[i] == '.')
			nseg++;
	}
	p->text = mlw_xstrdup(text);
	buf = mlw_xmalloc(n + 1);
	p->seg = mlw_xcalloc(nseg, sizeof *p->seg);
	p->seglen = mlw_xcalloc(nseg, sizeof *p->seglen);
	p->nseg = 0;
	p->seg[0] = buf;
	for (i = 0; i <= n; i++) {
		if (i == n || text[i] == '.') {
			size_t len = (size_t)(buf + k - p->seg[p->nseg]);

			if (len == 0) {
				mlw_path_free(p);
				return -1;
			}
			p->seglen[p->nseg++] = len;
			if (i < n)
				p->seg[p->nseg] = buf + k;
			continue;
		}
		if (text[i] == '\\' && i + 1 < n)
			i++;
		buf[k++] = text[i];
	}
	return 0;
}

void
mlw_path_free(struct mlw_path *p)
{
	if (p->seg)
		free(p->seg[0]);
	free(p->seg);
	free(p->seglen);
	free(p->text);
	memset(p, 0, sizeof *p);
}

size_t
mlw_path_escape(const char *name, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (name[i] == '.' || name[i] == '\\' || name[i] == ',')
			out[n++] = '\\';
		out[n++] = name[i];
	}
	return n;
}

void
mlw_pathset_init(struct mlw_pathset *s, const struct mlw_path *paths, size_t n)
{
	size_t i, j, cap = 1;

	for (i = 0; i < n; i++)
		cap += paths[i].nseg;
	s->node = mlw_xcalloc(cap, sizeof *s->node);
	s->alias = mlw_xcalloc(n ? n : 1, sizeof *s->alias);
	s->nnode = 1;
	s->npath = n;
	s->node[0].leaf = -1;
	s->node[0].child = s->node[0].sibling = -1;
	for (i = 0; i < n; i++) {
		long cur = 0;

		for (j = 0; j < paths[i].nseg; j++) {
			long c;

			for (c = s->node[cur].child; c >= 0; c = s->node[c].sibling)
				if (s->node[c].len == paths[i].seglen[j] &&
				    memcmp(s->node[c].name, paths[i].seg[j],
				    s->node[c].len) == 0)
					break;
			if (c < 0) {
				struct mlw_pnode *nd = &s->node[s->nnode];

				nd->name = paths[i].seg[j];
				nd->len = paths[i].seglen[j];
				nd->leaf = -1;
				nd->child = -1;
				nd->sibling = s->node[cur].child;
				c = (long)s->nnode++;
				s->node[cur].child = c;
			}
			cur = c;
		}
		if (s->node[cur].leaf < 0)
			s->node[cur].leaf = (long)i;
		s->alias[i] = s->node[cur].leaf;
	}
}

void
mlw_pathset_free(struct mlw_pathset *s)
{
	free(s->node);
	free(s->alias);
	memset(s, 0, sizeof *s);
}

static void
set_clear(const struct mlw_pathset *s, long nd, long *out)
{
	long c;

	for (c = s->node[nd].child; c >= 0; c = s->node[c].sibling) {
		if (s->node[c].leaf >= 0)
			out[s->node[c].leaf] = -1;
		set_clear(s, c, out);
	}
}

static void
set_walk(const struct mlw_json *doc, uint32_t obj,
    const struct mlw_pathset *s, long nd, long *out)
{
	const struct mlw_jtok *tok = doc->tok;
	uint32_t i, end = tok[obj].next;

	for (i = obj + 1; i < end; i = tok[i + 1].next) {
		const struct mlw_jtok *k = &tok[i];
		const char *kp = doc->src + k->start + 1;
		size_t klen = k->len - 2;
		long c;

		for (c = s->node[nd].child; c >= 0; c = s->node[c].sibling) {
			const struct mlw_pnode *n = &s->node[c];

			if (k->esc ? !mlw_json_streq(doc, i, n->name, n->len) :
			    (n->len != klen || (klen && kp[0] != n->name[0]) ||
			    memcmp(kp, n->name, klen) != 0))
				continue;
			if (n->leaf >= 0)
				out[n->leaf] = (long)i + 1;
			if (n->child >= 0) {
				set_clear(s, c, out);
				if (tok[i + 1].type == MLW_JOBJ)
					set_walk(doc, i + 1, s, c, out);
			}
			break;
		}
	}
}

void
mlw_json_getset(const struct mlw_json *doc, const struct mlw_pathset *s,
    long *out)
{
	size_t i;

	for (i = 0; i < s->npath; i++)
		out[i] = -1;
	if (doc->tok[0].type == MLW_JOBJ)
		set_walk(doc, 0, s, 0, out);
	for (i = 0; i < s->npath; i++)
		if (s->alias[i] != (long)i)
			out[i] = out[s->alias[i]];
}
