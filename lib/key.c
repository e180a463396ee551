#include "key.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "json.h"
#include "jsonw.h"
#include "num.h"
#include "strmap.h"
#include "xalloc.h"

/* Largest exponent accepted in a number, so that the arithmetic on it
 * cannot overflow. */
#define EXP_MAX 999999999999999LL

static size_t max_keys = MLW_KEYS_DEFAULT;

/*
 * Append to b the canonical form of the JSON number text s (len bytes, of
 * valid JSON syntax): [-]DIGITSeEXP, with no leading or trailing zeros in
 * DIGITS, or "0" for zero (of either sign), so that two texts have the same
 * form exactly when they have the same value. -1 when the exponent is
 * beyond EXP_MAX.
 */
static int
canon(struct mlw_buf *b, const char *s, size_t len)
{
	const char *e = s + len;
	long long exp = 0, x = 0;
	int xneg = 0, frac = 0;
	size_t at = b->len, n = 0;
	char t[24];

	if (s < e && *s == '-') {
		mlw_buf_addc(b, '-');
		s++;
	}
	for (; s < e && ((*s >= '0' && *s <= '9') || *s == '.'); s++) {
		if (*s == '.') {
			frac = 1;
			continue;
		}
		exp -= frac;
		if (n || *s != '0') {
			mlw_buf_addc(b, *s);
			n++;
		}
	}
	if (s < e && (*s == 'e' || *s == 'E')) {
		s++;
		if (*s == '+' || *s == '-')
			xneg = *s++ == '-';
		for (; s < e; s++) {
			x = x * 10 + (*s - '0');
			if (x > EXP_MAX) {
				b->len = at;
				return -1;
			}
		}
	}
	if (n == 0) {
		b->len = at;
		mlw_buf_addc(b, '0');
		return 0;
	}
	for (; b->p[b->len - 1] == '0'; b->len--)
		exp++;
	exp += xneg ? -x : x;
	mlw_buf_add(b, t, (size_t)snprintf(t, sizeof t, "e%lld", exp));
	return 0;
}

static void
put_part(struct mlw_buf *b, int type, const char *p, size_t n)
{
	uint32_t l = (uint32_t)n;

	mlw_buf_addc(b, (char)type);
	if (type == MLW_KEY_STR || type == MLW_KEY_NUM) {
		mlw_buf_add(b, &l, sizeof l);
		if (n)
			mlw_buf_add(b, p, n);
	}
}

int
mlw_key_add(struct mlw_buf *b, const struct mlw_json *doc, long i,
    const char **why)
{
	const struct mlw_jtok *t;
	size_t at = b->len, start;
	uint32_t l = 0;

	if (mlw_json_missing(doc, i)) {
		put_part(b, MLW_KEY_MISSING, NULL, 0);
		goto check;
	}
	t = &doc->tok[i];
	switch (t->type) {
	case MLW_JTRUE:
		put_part(b, MLW_KEY_TRUE, NULL, 0);
		break;
	case MLW_JFALSE:
		put_part(b, MLW_KEY_FALSE, NULL, 0);
		break;
	case MLW_JSTR:
		mlw_buf_addc(b, MLW_KEY_STR);
		mlw_buf_reserve(b, sizeof l + t->len);
		start = b->len + sizeof l;
		l = (uint32_t)mlw_json_str(doc, (uint32_t)i, b->p + start,
		    t->len);
		memcpy(b->p + b->len, &l, sizeof l);
		b->len = start + l;
		break;
	case MLW_JNUM:
		mlw_buf_addc(b, MLW_KEY_NUM);
		mlw_buf_add(b, &l, sizeof l);   /* filled in below */
		start = b->len;
		if (canon(b, doc->src + t->start, t->len) < 0) {
			b->len = at;
			*why = "expected a number with an exponent below 1e15";
			return -1;
		}
		l = (uint32_t)(b->len - start);
		memcpy(b->p + start - sizeof l, &l, sizeof l);
		break;
	default:
		*why = "expected a string, number or boolean";
		return -1;
	}
check:
	if (b->len > MLW_KEY_MAX) {
		b->len = at;
		*why = "expected a value of at most 65536 bytes";
		return -1;
	}
	return 0;
}

int
mlw_key_make(struct mlw_buf *b, const struct mlw_json *doc,
    const struct mlw_path *paths, size_t n, size_t *bad, const char **why)
{
	size_t k;

	b->len = 0;
	mlw_buf_reserve(b, 1);  /* so that b->p is never NULL */
	for (k = 0; k < n; k++)
		if (mlw_key_add(b, doc, mlw_json_get(doc, 0, &paths[k]),
		    why) < 0) {
			*bad = k;
			return -1;
		}
	return 0;
}

int
mlw_key_next(const char *key, size_t len, size_t *pos,
    struct mlw_keypart *part)
{
	size_t at = *pos;
	uint32_t l = 0;

	if (at >= len)
		return 0;
	part->type = (unsigned char)key[at++];
	part->p = key + at;
	part->len = 0;
	if (part->type == MLW_KEY_STR || part->type == MLW_KEY_NUM) {
		memcpy(&l, key + at, sizeof l);
		at += sizeof l;
		part->p = key + at;
		part->len = l;
		at += l;
	}
	*pos = at;
	return 1;
}

/* A canonical number as JSON number text: the shortest round-trip form of
 * its double when that has the same exact value, else its digits in full,
 * as JavaScript writes numbers (plain up to 21 digits, else d.ddde+N). */
static void
num_text(struct mlw_buf *b, const char *c, size_t len)
{
	static struct mlw_buf chk;      /* reused: no allocation per call */
	char tmp[MLW_NUM_MAX + 2], small[64], *z = small;
	const char *d, *ep;
	long long exp, k, pt, j;
	int neg;
	double x;

	if (len == 1) {         /* "0" */
		mlw_buf_addc(b, '0');
		return;
	}
	if (len >= sizeof small)
		z = mlw_xmalloc(len + 1);
	memcpy(z, c, len);
	z[len] = '\0';
	x = strtod(z, NULL);
	if (z != small)
		free(z);
	if (isfinite(x) && x != 0) {
		size_t n = mlw_num_format(x, tmp);

		chk.len = 0;
		if (canon(&chk, tmp, n) == 0 && chk.len == len &&
		    memcmp(chk.p, c, len) == 0) {
			mlw_buf_add(b, tmp, n);
			return;
		}
	}
	neg = c[0] == '-';
	d = c + neg;
	ep = memchr(d, 'e', len - (size_t)neg);
	k = ep - d;                     /* digits */
	{
		const char *q = ep + 1, *end = c + len;
		int xneg = q < end && *q == '-';

		for (exp = 0, q += xneg; q < end; q++)
			exp = exp * 10 + (*q - '0');
		if (xneg)
			exp = -exp;
	}
	pt = k + exp;                   /* digits before the point */
	if (neg)
		mlw_buf_addc(b, '-');
	if (exp >= 0 && pt <= 21) {
		mlw_buf_add(b, d, (size_t)k);
		for (j = 0; j < exp; j++)
			mlw_buf_addc(b, '0');
	} else if (pt > 0 && pt <= 21) {
		mlw_buf_add(b, d, (size_t)pt);
		mlw_buf_addc(b, '.');
		mlw_buf_add(b, d + pt, (size_t)(k - pt));
	} else if (pt > -6 && pt <= 0) {
		mlw_buf_adds(b, "0.");
		for (j = pt; j < 0; j++)
			mlw_buf_addc(b, '0');
		mlw_buf_add(b, d, (size_t)k);
	} else {
		char e[24];

		mlw_buf_addc(b, d[0]);
		if (k > 1) {
			mlw_buf_addc(b, '.');
			mlw_buf_add(b, d + 1, (size_t)(k - 1));
		}
		mlw_buf_add(b, e, (size_t)snprintf(e, sizeof e, "e%c%lld",
		    pt - 1 < 0 ? '-' : '+', pt - 1 < 0 ? 1 - pt : pt - 1));
	}
}

void
mlw_key_text(struct mlw_buf *b, const struct mlw_keypart *part)
{
	switch (part->type) {
	case MLW_KEY_STR:
		mlw_buf_add(b, part->p, part->len);
		break;
	case MLW_KEY_NUM:
		num_text(b, part->p, part->len);
		break;
	case MLW_KEY_TRUE:
		mlw_buf_adds(b, "true");
		break;
	case MLW_KEY_FALSE:
		mlw_buf_adds(b, "false");
		break;
	}
}

int
mlw_key_category(struct mlw_buf *b, const struct mlw_json *doc, long i)
{
	static struct mlw_buf tmp;
	const struct mlw_jtok *t = &doc->tok[i];
	struct mlw_keypart part;
	const char *why;
	size_t pos = 0;
	double d;

	b->len = 0;
	switch (t->type) {
	case MLW_JSTR:
		mlw_buf_reserve(b, t->len);
		b->len = mlw_json_str(doc, (uint32_t)i, b->p, t->len);
		return 0;
	case MLW_JNUM:
		tmp.len = 0;
		if (mlw_json_num(doc, (uint32_t)i, &d) < 0 ||
		    mlw_key_add(&tmp, doc, i, &why) < 0 ||
		    !mlw_key_next(tmp.p, tmp.len, &pos, &part))
			return -1;
		mlw_key_text(b, &part);
		return 0;
	case MLW_JTRUE:
		mlw_buf_adds(b, "true");
		return 0;
	case MLW_JFALSE:
		mlw_buf_adds(b, "false");
		return 0;
	default:
		return -1;
	}
}

void
mlw_key_label(struct mlw_buf *b, const struct mlw_json *doc, long i)
{
	static struct mlw_buf tmp;
	struct mlw_keypart part;
	const char *why;
	size_t pos = 0, k, at = b->len;

	tmp.len = 0;
	if (mlw_key_add(&tmp, doc, i, &why) < 0) {
		mlw_jw_raw(b, doc, (uint32_t)i);
		return;
	}
	if (!mlw_key_next(tmp.p, tmp.len, &pos, &part))
		return;
	mlw_key_text(b, &part);
	for (k = at; k < b->len; k++)
		if (b->p[k] == '\0') {
			tmp.len = 0;
			mlw_buf_add(&tmp, b->p + k + 1, b->len - k - 1);
			b->len = k;
			mlw_buf_adds(b, "\xEF\xBF\xBD");
			mlw_buf_add(b, tmp.p, tmp.len);
			k += 2;
		}
}

void
mlw_key_json(struct mlw_buf *b, const struct mlw_keypart *part)
{
	switch (part->type) {
	case MLW_KEY_STR:
		mlw_jw_str(b, part->p, part->len);
		break;
	case MLW_KEY_MISSING:
		mlw_jw_null(b);
		break;
	default:
		mlw_key_text(b, part);
	}
}

/* Whether a string must be quoted in a display text to be read back: it is
 * empty, or holds a separator, a quote or a control character. */
static int
needs_quotes(const struct mlw_keypart *part)
{
	size_t i;

	if (part->len == 0)
		return 1;
	for (i = 0; i < part->len; i++) {
		unsigned char c = (unsigned char)part->p[i];

		if (c == ',' || c == '=' || c == '"' || c == '\\' || c < 0x20 ||
		    c == 0x7f)
			return 1;
	}
	return 0;
}

void
mlw_key_display(struct mlw_buf *b, const char *key, size_t len,
    char *const *names)
{
	struct mlw_keypart part;
	size_t pos = 0, k = 0;

	while (mlw_key_next(key, len, &pos, &part)) {
		if (k)
			mlw_buf_addc(b, ',');
		mlw_buf_adds(b, names[k++]);
		mlw_buf_addc(b, '=');
		if (part.type == MLW_KEY_STR && needs_quotes(&part))
			mlw_jw_str(b, part.p, part.len);
		else
			mlw_key_text(b, &part);
	}
}

void
mlw_key_json_array(struct mlw_buf *b, const char *key, size_t len)
{
	struct mlw_keypart part;
	size_t pos = 0;

	mlw_jw_open(b, '[');
	while (mlw_key_next(key, len, &pos, &part)) {
		mlw_jw_sep(b);
		mlw_key_json(b, &part);
	}
	mlw_jw_close(b, ']');
}

static int
label_char(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (!first && c >= '0' && c <= '9');
}

void
mlw_label_name(struct mlw_buf *b, const char *path)
{
	size_t i;

	for (i = 0; path[i]; i++)
		mlw_buf_addc(b, label_char(path[i], i == 0) ? path[i] : '_');
}

int
mlw_label_name_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!label_char(s[i], i == 0))
			return 0;
	return i > 0;
}

void
mlw_key_set_max(size_t n)
{
	max_keys = n ? n : MLW_KEYS_DEFAULT;
}

size_t
mlw_key_max(void)
{
	return max_keys;
}

long
mlw_key_index(struct mlw_strmap *map, const char *key, size_t len)
{
	long i = mlw_strmap_find(map, key, len);

	if (i >= 0)
		return i;
	if (map->n >= max_keys)
		return -1;
	return (long)mlw_strmap_add(map, key, len);
}

void
mlw_key_full(const char *file, unsigned long long line, const char *what,
    const char *key, size_t len, char *const *names)
{
	struct mlw_buf d = { 0 };

	mlw_key_display(&d, key, len, names);
	mlw_buf_addc(&d, '\0');
	if (file)
		mlw_fatal("%s:%llu: more than %zu %s (the limit of --max-keys): "
		    "%s did not fit", file, line, max_keys, what, d.p);
	mlw_fatal("more than %zu %s (the limit of --max-keys): %s did not fit",
	    max_keys, what, d.p);
}
