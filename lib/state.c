#include "state.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "out.h"
#include "window.h"

/* ---------- writing ---------- */

static uint64_t emitted;

static void
header(struct mlw_buf *b, const char *tag, const char *program,
    uint64_t hash)
{
	char hex[17];

	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "mlw");
	mlw_jw_str(b, tag, strlen(tag));
	mlw_jw_key(b, "program");
	mlw_jw_str(b, program, strlen(program));
	mlw_jw_key(b, "version");
	mlw_jw_uint(b, MLW_STATE_VERSION);
	mlw_jw_key(b, "hash");
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)hash);
	mlw_jw_str(b, hex, 16);
}

void
mlw_state_begin(struct mlw_buf *b, const char *program, uint64_t hash,
    const struct mlw_wkey *k)
{
	header(b, "state", program, hash);
	mlw_wkey_write(b, k);
}

void
mlw_state_emit(struct mlw_buf *b)
{
	mlw_jw_close(b, '}');
	if (b->len > MLW_LINE_MAX)
		mlw_fatal("a state record would be %zu bytes, longer than the "
		    "%u bytes --merge can read", b->len, MLW_LINE_MAX);
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
	emitted++;
}

void
mlw_state_end(const char *program, uint64_t hash)
{
	struct mlw_buf b = { 0 };

	header(&b, "state_end", program, hash);
	mlw_jw_key(&b, "states");
	mlw_jw_uint(&b, emitted);
	mlw_jw_key(&b, "rejected");
	mlw_jw_uint(&b, mlw_rejected());
	mlw_jw_close(&b, '}');
	mlw_buf_addc(&b, '\n');
	mlw_out_write(b.p, b.len);
	mlw_buf_free(&b);
}

/* ---------- reading ---------- */

void
mlw_state_in_init(struct mlw_state_in *r, const char *program, uint64_t hash)
{
	memset(r, 0, sizeof *r);
	r->program = program;
	r->hash = hash;
}

long
mlw_state_member(const struct mlw_json *doc, const char *name)
{
	return mlw_json_member(doc, 0, name, strlen(name));
}

static int
whole(const struct mlw_json *doc, long i, uint64_t max, uint64_t *v)
{
	const char *p;
	uint32_t n, j;
	uint64_t x = 0;

	if (i < 0 || doc->tok[i].type != MLW_JNUM)
		return -1;
	p = doc->src + doc->tok[i].start;
	n = doc->tok[i].len;
	for (j = 0; j < n; j++) {
		unsigned d = (unsigned char)p[j] - '0';

		if (d > 9 || x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int
mlw_state_u64(const struct mlw_json *doc, long i, uint64_t *v)
{
	return whole(doc, i, MLW_STATE_COUNT_MAX, v);
}

int
mlw_state_word(const struct mlw_json *doc, long i, uint64_t *v)
{
	return whole(doc, i, UINT64_MAX, v);
}

int
mlw_state_u64s(const struct mlw_json *doc, long i, uint64_t *out, size_t n)
{
	uint32_t j;
	size_t k = 0;

	if (i < 0 || doc->tok[i].type != MLW_JARR)
		return -1;
	for (j = (uint32_t)i + 1; j < doc->tok[i].next; j = doc->tok[j].next) {
		if (k == n || mlw_state_u64(doc, (long)j, &out[k]) < 0)
			return -1;
		k++;
	}
	return k == n ? 0 : -1;
}

void
mlw_state_reject(struct mlw_state_in *r, const struct mlw_line *ln,
    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->bad++;
	mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen, "%s", msg);
}

/* 1 for a state, 0 for a trailer, -1 rejected. */
static int
classify(struct mlw_state_in *r, const struct mlw_line *ln,
    const struct mlw_json *doc, struct mlw_wkey *key)
{
	long m = mlw_state_member(doc, "mlw");
	long p = mlw_state_member(doc, "program");
	long v = mlw_state_member(doc, "version");
	long h = mlw_state_member(doc, "hash");
	int trailer;
	uint64_t ver, n;
	char hex[17];
	const char *why;

	if (m < 0 || doc->tok[m].type != MLW_JSTR ||
	    !((trailer = mlw_json_streq(doc, (uint32_t)m, "state_end", 9)) ||
	    mlw_json_streq(doc, (uint32_t)m, "state", 5))) {
		mlw_state_reject(r, ln, "not a state record (written by %s "
		    "--emit-state)", r->program);
		return -1;
	}
	if (p < 0 || doc->tok[p].type != MLW_JSTR ||
	    !mlw_json_streq(doc, (uint32_t)p, r->program, strlen(r->program))) {
		mlw_state_reject(r, ln, "a state of %.*s, not of %s",
		    p < 0 ? 7 : (int)doc->tok[p].len,
		    p < 0 ? "unknown" : doc->src + doc->tok[p].start,
		    r->program);
		return -1;
	}
	if (mlw_state_u64(doc, v, &ver) < 0 || ver != MLW_STATE_VERSION) {
		mlw_state_reject(r, ln, "state version %.*s; this %s reads "
		    "version %d", v < 0 ? 7 : (int)doc->tok[v].len,
		    v < 0 ? "missing" : doc->src + doc->tok[v].start,
		    r->program, MLW_STATE_VERSION);
		return -1;
	}
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)r->hash);
	if (h < 0 || doc->tok[h].type != MLW_JSTR ||
	    !mlw_json_streq(doc, (uint32_t)h, hex, 16)) {
		mlw_state_reject(r, ln, "state made with another reference or "
		    "other options (hash %.*s, this run's is \"%s\")",
		    h < 0 ? 9 : (int)doc->tok[h].len,
		    h < 0 ? "(missing)" : doc->src + doc->tok[h].start, hex);
		return -1;
	}
	if (trailer) {
		if (mlw_state_u64(doc, mlw_state_member(doc, "states"), &n) < 0) {
			mlw_state_reject(r, ln, "state_end: states: expected a "
			    "count");
			return -1;
		}
		r->announced += n;
		if (mlw_state_u64(doc, mlw_state_member(doc, "rejected"),
		    &n) == 0)
			r->shard_rejects += n;
		r->ntrailers++;
		return 0;
	}
	if (mlw_wkey_read(doc, key, &why) < 0) {
		mlw_state_reject(r, ln, "%s", why);
		return -1;
	}
	return 1;
}

int
mlw_state_next(struct mlw_state_in *r, struct mlw_input *in,
    struct mlw_line *ln, struct mlw_json *doc, struct mlw_wkey *key)
{
	while (mlw_input_next(in, ln)) {
		if (mlw_record_parse(doc, ln) < 0) {
			r->bad++;
			continue;
		}
		if (classify(r, ln, doc, key) == 1) {
			r->nstates++;
			return 1;
		}
	}
	return 0;
}

void
mlw_state_in_check(const struct mlw_state_in *r)
{
	if (r->bad)
		mlw_fatal("%llu state record%s rejected: the merged results "
		    "would not be exact; nothing written",
		    (unsigned long long)r->bad, r->bad == 1 ? "" : "s");
	if (r->ntrailers == 0)
		mlw_fatal("no state_end record: the states are truncated or "
		    "not from %s --emit-state; nothing written", r->program);
	if (r->nstates != r->announced)
		mlw_fatal("read %llu state records but the state_end records "
		    "announce %llu: a state file is truncated or missing; "
		    "nothing written", (unsigned long long)r->nstates,
		    (unsigned long long)r->announced);
	if (r->shard_rejects)
		mlw_warnx("the runs that made these states rejected %llu input "
		    "record%s (see their messages)",
		    (unsigned long long)r->shard_rejects,
		    r->shard_rejects == 1 ? "" : "s");
}
