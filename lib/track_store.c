#include "track_store.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "io.h"
#include "json.h"
#include "key.h"
#include "num.h"
#include "times.h"
#include "child.h"
#include "xalloc.h"

/* ---- appending ---- */

int
mlw_store_openx(const char *path, const char **why)
{
	struct stat st;
	int fd, fl;

	*why = NULL;
	/* O_NONBLOCK: opening a FIFO must not wait for a reader; it is
	 * refused below, before anything is written to it */
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NONBLOCK | O_NOCTTY,
	    0666);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	/* a regular file, or a character device that is not a terminal
	 * (/dev/null): what else is written to can block or drop records,
	 * and a store must read back */
	if (S_ISFIFO(st.st_mode))
		*why = "not a regular file (a FIFO)";
	else if (S_ISSOCK(st.st_mode))
		*why = "not a regular file (a socket)";
	else if (S_ISBLK(st.st_mode))
		*why = "not a regular file (a block device)";
	else if (S_ISCHR(st.st_mode) && isatty(fd))
		*why = "not a regular file (a terminal)";
	else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		*why = "not a regular file";
	if (*why != NULL || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;

		close(fd);
		errno = *why ? EINVAL : e;
		return -1;
	}
	return fd;
}

int
mlw_store_open(const char *path)
{
	const char *why;

	return mlw_store_openx(path, &why);
}

static int
lock(int fd, short type)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 0;
	while (fcntl(fd, F_SETLKW, &fl) < 0) {
		/* waiting for another writer: a SIGTERM or SIGINT caught
		 * (mlw_child_start) ends the wait */
		if (errno == EINTR && !mlw_child_received())
			continue;
		if (errno == EINTR)
			return -1;
		/* a file system without locks: O_APPEND alone still keeps
		 * each write whole on a local file system */
		if (errno == ENOLCK || errno == EOPNOTSUPP || errno == EINVAL)
			return 0;
		return -1;
	}
	return 0;
}

int
mlw_store_append(int fd, const char *p, size_t len)
{
	static struct mlw_buf b;
	struct stat st;
	const char *w = p;
	size_t n = len;
	int rc = 0, e = 0;

	if (lock(fd, F_WRLCK) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		char c;

		if (pread(fd, &c, 1, st.st_size - 1) == 1 && c != '\n') {
			b.len = 0;
			mlw_buf_addc(&b, '\n');
			mlw_buf_add(&b, p, len);
			w = b.p;
			n = b.len;
		}
	}
	while (n > 0) {
		ssize_t k = write(fd, w, n);

		if (k < 0) {
			if (errno == EINTR && !mlw_child_received())
				continue;
			rc = -1;
			e = errno;
			break;
		}
		w += k;
		n -= (size_t)k;
	}
	lock(fd, F_UNLCK);
	if (rc < 0)
		errno = e;
	return rc;
}

void
mlw_run_id_new(char out[MLW_RUN_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	static uint64_t counter;
	unsigned char r[MLW_RUN_ID_LEN / 2];
	size_t got = 0, i;
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd >= 0) {
		while (got < sizeof r) {
			ssize_t k = read(fd, r + got, sizeof r - got);

			if (k <= 0) {
				if (k < 0 && errno == EINTR)
					continue;
				break;
			}
			got += (size_t)k;
		}
		close(fd);
	}
	if (got < sizeof r) {
		/* splitmix64 over the time, the pid and a counter */
		struct timespec ts;
		uint64_t x;

		clock_gettime(CLOCK_REALTIME, &ts);
		x = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		x ^= (uint64_t)getpid() << 32;
		x += ++counter * UINT64_C(0x9E3779B97F4A7C15);
		for (i = 0; i < sizeof r; i++) {
			uint64_t z;

			if (i % 8 == 0) {
				x += UINT64_C(0x9E3779B97F4A7C15);
				z = x;
				z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
				z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
				z ^= z >> 31;
				memcpy(r + i, &z, 8);
			}
		}
	}
	for (i = 0; i < sizeof r; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[MLW_RUN_ID_LEN] = '\0';
}

void
mlw_trec_begin(struct mlw_buf *b, const char *kind, const char *run_id)
{
	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "mlw");
	mlw_jw_str(b, kind, strlen(kind));
	mlw_jw_key(b, "run_id");
	mlw_jw_str(b, run_id, strlen(run_id));
}

void
mlw_trec_end(struct mlw_buf *b)
{
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
}

/* ---- runs in memory ---- */

struct mlw_run *
mlw_runs_get(struct mlw_runs *rs, const char *id, size_t len)
{
	size_t i = mlw_strmap_add(&rs->ids, id, len);
	struct mlw_run *r;

	if (i < rs->n)
		return rs->run[i];
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 16;
		rs->run = mlw_xrealloc(rs->run, rs->cap * sizeof *rs->run);
	}
	r = mlw_xrealloc(NULL, sizeof *r);
	memset(r, 0, sizeof *r);
	r->run_id = mlw_xstrndup(id, len);
	r->git_dirty = -1;
	rs->run[rs->n++] = r;
	return r;
}

void
mlw_kvs_set(struct mlw_kvs *kv, const char *k, size_t klen, const char *v,
    size_t vlen)
{
	size_t n = kv->keys.n, i = mlw_strmap_add(&kv->keys, k, klen);

	if (kv->keys.n > n) {
		kv->val = mlw_xrealloc(kv->val, kv->keys.n * sizeof *kv->val);
		kv->val[i] = NULL;
	}
	free(kv->val[i]);
	kv->val[i] = mlw_xstrndup(v, vlen);
}

static void
kv_free(struct mlw_kvs *kv)
{
	size_t i;

	for (i = 0; i < kv->keys.n; i++)
		free(kv->val[i]);
	free(kv->val);
	mlw_strmap_free(&kv->keys);
}

void
mlw_run_add_point(struct mlw_runs *rs, struct mlw_run *r, const char *k,
    size_t klen, int64_t step, int64_t ts, double v)
{
	size_t had = r->mkeys.n, i = mlw_strmap_add(&r->mkeys, k, klen);
	struct mlw_tmetric *m;

	if (r->mkeys.n > had) {
		mlw_strmap_add(&rs->mnames, k, klen);
		r->metric = mlw_xrealloc(r->metric, r->mkeys.n * sizeof *r->metric);
		memset(&r->metric[i], 0, sizeof *r->metric);
		r->metric[i].key = mlw_xstrndup(k, klen);
	}
	m = &r->metric[i];
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 8;
		m->pt = mlw_xrealloc(m->pt, m->cap * sizeof *m->pt);
	}
	m->pt[m->n].step = step;
	m->pt[m->n].ts = ts;
	m->pt[m->n].value = v;
	m->pt[m->n].seq = rs->seq++;
	m->n++;
}

void
mlw_runs_free(struct mlw_runs *rs)
{
	size_t i, k;

	for (i = 0; i < rs->n; i++) {
		struct mlw_run *r = rs->run[i];

		free(r->run_id);
		free(r->experiment);
		free(r->run_name);
		free(r->status);
		free(r->host);
		free(r->user);
		free(r->cwd);
		free(r->git_commit);
		free(r->command);
		kv_free(&r->params);
		kv_free(&r->tags);
		for (k = 0; k < r->mkeys.n; k++) {
			free(r->metric[k].key);
			free(r->metric[k].pt);
		}
		free(r->metric);
		mlw_strmap_free(&r->mkeys);
		free(r);
	}
	free(rs->run);
	mlw_strmap_free(&rs->ids);
	mlw_strmap_free(&rs->mnames);
	memset(rs, 0, sizeof *rs);
}

/* ---- reading a store ---- */

/* A decoded string member, or NULL (absent, null); -2 in *bad when present
 * but not a string. */
static char *
str_member(const struct mlw_json *d, const char *name, const char **bad)
{
	long i = mlw_json_member(d, 0, name, strlen(name));
	size_t n;

	if (mlw_json_missing(d, i))
		return NULL;
	if (d->tok[i].type != MLW_JSTR) {
		*bad = name;
		return NULL;
	}
	return mlw_json_cstr(d, (uint32_t)i, &n);
}

static int
time_member(const struct mlw_json *d, const char *name, int64_t *ns,
    const char **bad)
{
	long i = mlw_json_member(d, 0, name, strlen(name));
	const char *why;

	if (mlw_json_missing(d, i))
		return 0;
	if (d->tok[i].type != MLW_JSTR || mlw_time_parse(d->src +
	    d->tok[i].start + 1, d->tok[i].len - 2, ns, &why) < 0) {
		*bad = name;
		return 0;
	}
	return 1;
}

static int
int_member(const struct mlw_json *d, const char *name, long long *v,
    const char **bad)
{
	long i = mlw_json_member(d, 0, name, strlen(name));
	double x;

	if (mlw_json_missing(d, i))
		return 0;
	if (d->tok[i].type != MLW_JNUM || mlw_json_num(d, (uint32_t)i, &x) < 0 ||
	    x != floor(x) || fabs(x) >= 9.2e18) {
		*bad = name;
		return 0;
	}
	*v = (long long)x;
	return 1;
}

static void
set_str(char **dst, char *s)
{
	if (s) {
		free(*dst);
		*dst = s;
	}
}

/* Check object member name as string params or tags (kv_member):
 * absent, or an object of strings, numbers, true or false; else its name
 * in *bad. */
static void
kv_check(const struct mlw_json *d, const char *name, const char **bad)
{
	long o = mlw_json_member(d, 0, name, strlen(name));
	struct mlw_buf nb = { 0 };
	uint32_t i;

	if (mlw_json_missing(d, o))
		return;
	if (d->tok[o].type != MLW_JOBJ) {
		*bad = name;
		return;
	}
	for (i = (uint32_t)o + 1; i < d->tok[o].next; i = d->tok[i + 1].next)
		if (d->tok[i + 1].type != MLW_JSTR &&
		    mlw_key_category(&nb, d, (long)i + 1) < 0)
			*bad = name;
	mlw_buf_free(&nb);
}

/* The members of object member name as string params or tags. */
static void
kv_member(const struct mlw_json *d, const char *name, struct mlw_kvs *kv,
    const char **bad)
{
	long o = mlw_json_member(d, 0, name, strlen(name));
	uint32_t i;
	char *k, *v;

	if (mlw_json_missing(d, o))
		return;
	if (d->tok[o].type != MLW_JOBJ) {
		*bad = name;
		return;
	}
	for (i = (uint32_t)o + 1; i < d->tok[o].next; i = d->tok[i + 1].next) {
		const struct mlw_jtok *vt = &d->tok[i + 1];
		size_t kn, vn;
		struct mlw_buf nb = { 0 };

		k = mlw_json_cstr(d, i, &kn);
		if (vt->type == MLW_JSTR)
			v = mlw_json_cstr(d, i + 1, &vn);
		else if (mlw_key_category(&nb, d, (long)i + 1) == 0) {
			v = nb.p;
			vn = nb.len;
			nb.p = NULL;
		} else {
			free(k);
			*bad = name;
			continue;
		}
		mlw_kvs_set(kv, k, kn, v, vn);
		free(k);
		free(v);
		mlw_buf_free(&nb);
	}
}

/* One store record into rs; NULL, or the reason it is not one. */
static const char *
store_record(struct mlw_runs *rs, const struct mlw_json *d)
{
	static const char *const kinds[] = { "run_start", "metric", "param",
	    "tag", "run_end" };
	long ki = mlw_json_member(d, 0, "mlw", 3);
	long ii = mlw_json_member(d, 0, "run_id", 6);
	const char *bad = NULL;
	char idb[256];
	size_t idn, kind;
	struct mlw_run *r;

	if (mlw_json_missing(d, ki) || d->tok[ki].type != MLW_JSTR)
		return "not a store record (no \"mlw\" kind)";
	for (kind = 0; kind < 5; kind++)
		if (mlw_json_streq(d, (uint32_t)ki, kinds[kind],
		    strlen(kinds[kind])))
			break;
	if (kind == 5)
		return "unknown record kind (expected run_start, metric, "
		    "param, tag or run_end)";
	if (mlw_json_missing(d, ii) || d->tok[ii].type != MLW_JSTR ||
	    d->tok[ii].len > sizeof idb || d->tok[ii].len <= 2)
		return "run_id: expected a string";
	idn = mlw_json_str(d, (uint32_t)ii, idb, sizeof idb);
	/* the record is checked whole first, then applied: a rejected one
	 * changes nothing, not even the list of runs */
	switch (kind) {
	case 0: {               /* run_start */
		static const char *const strs[] = { "experiment", "run_name",
		    "host", "user", "cwd" };
		char *sv[5];
		int64_t start = 0;
		long long pid = 0;
		int has_start, has_pid;
		size_t j;
		long g;

		for (j = 0; j < 5; j++)
			sv[j] = str_member(d, strs[j], &bad);
		has_start = time_member(d, "start_time", &start, &bad);
		has_pid = int_member(d, "pid", &pid, &bad);
		kv_check(d, "params", &bad);
		kv_check(d, "tags", &bad);
		if (bad) {
			for (j = 0; j < 5; j++)
				free(sv[j]);
			break;
		}
		r = mlw_runs_get(rs, idb, idn);
		set_str(&r->experiment, sv[0]);
		set_str(&r->run_name, sv[1]);
		set_str(&r->host, sv[2]);
		set_str(&r->user, sv[3]);
		set_str(&r->cwd, sv[4]);
		if (has_start) {
			r->start = start;
			r->has_start = 1;
		}
		if (has_pid)
			r->pid = pid;
		g = mlw_json_member(d, 0, "git", 3);
		if (!mlw_json_missing(d, g) && d->tok[g].type == MLW_JOBJ) {
			long c = mlw_json_member(d, (uint32_t)g, "commit", 6);
			long y = mlw_json_member(d, (uint32_t)g, "dirty", 5);

			if (c >= 0 && d->tok[c].type == MLW_JSTR)
				set_str(&r->git_commit, mlw_xstrndup(d->src +
				    d->tok[c].start + 1, d->tok[c].len - 2));
			if (y >= 0 && (d->tok[y].type == MLW_JTRUE ||
			    d->tok[y].type == MLW_JFALSE))
				r->git_dirty = d->tok[y].type == MLW_JTRUE;
		}
		g = mlw_json_member(d, 0, "command", 7);
		if (!mlw_json_missing(d, g) && d->tok[g].type == MLW_JARR)
			set_str(&r->command, mlw_xstrndup(d->src + d->tok[g].start,
			    d->tok[g].len));
		kv_member(d, "params", &r->params, &bad);
		kv_member(d, "tags", &r->tags, &bad);
		break;
	}
	case 1: {               /* metric */
		long k = mlw_json_member(d, 0, "key", 3);
		long vi = mlw_json_member(d, 0, "value", 5);
		long long step = 0;
		int64_t ts = 0;
		double v = NAN;
		char *key;
		size_t kn;

		if (mlw_json_missing(d, k) || d->tok[k].type != MLW_JSTR)
			return "key: expected a string";
		if (vi < 0 || (d->tok[vi].type != MLW_JNUM &&
		    d->tok[vi].type != MLW_JNULL))
			return "value: expected a number or null";
		if (d->tok[vi].type == MLW_JNUM &&
		    mlw_json_num(d, (uint32_t)vi, &v) < 0)
			v = NAN;
		int_member(d, "step", &step, &bad);
		time_member(d, "timestamp", &ts, &bad);
		if (bad)
			break;
		r = mlw_runs_get(rs, idb, idn);
		key = mlw_json_cstr(d, (uint32_t)k, &kn);
		mlw_run_add_point(rs, r, key, kn, step, ts, v);
		free(key);
		break;
	}
	case 2: case 3: {       /* param, tag */
		char *key = str_member(d, "key", &bad);
		char *val = str_member(d, "value", &bad);

		if (key && val && !bad) {
			r = mlw_runs_get(rs, idb, idn);
			mlw_kvs_set(kind == 2 ? &r->params : &r->tags, key,
			    strlen(key), val, strlen(val));
		} else if (!bad)
			bad = key ? "value" : "key";
		free(key);
		free(val);
		break;
	}
	default: {              /* run_end */
		char *status = str_member(d, "status", &bad);
		int64_t end = 0;
		long long code = 0, sig = 0;
		int has_end, has_exit, has_sig;

		has_end = time_member(d, "end_time", &end, &bad);
		has_exit = int_member(d, "exit_code", &code, &bad);
		has_sig = int_member(d, "signal", &sig, &bad);
		if (status == NULL && !bad)
			bad = "status";
		if (bad) {
			free(status);
			break;
		}
		r = mlw_runs_get(rs, idb, idn);
		set_str(&r->status, status);
		if (has_end) {
			r->end = end;
			r->has_end = 1;
		}
		if (has_exit) {
			r->exit_code = code;
			r->has_exit = 1;
		}
		if (has_sig) {
			r->signal = sig;
			r->has_signal = 1;
		}
		break;
	}
	}
	if (bad) {
		static char why[96];

		snprintf(why, sizeof why, "%s: wrong type or value", bad);
		return why;
	}
	return NULL;
}

int
mlw_store_read(struct mlw_runs *rs, const char *path)
{
	static struct mlw_msgkind torn = { "torn lines", 0, 0 };
	struct mlw_json doc;
	size_t len, off = 0;
	uint64_t lineno = 0;
	char *buf = mlw_read_file(path, &len);

	if (buf == NULL) {
		mlw_warn("%s", path);
		mlw_diag_set_failed();
		return -1;
	}
	memset(&doc, 0, sizeof doc);
	while (off < len) {
		char *nl = memchr(buf + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - buf) : len, n = end - off;
		char *p = buf + off;
		const char *why;
		int bad;

		lineno++;
		off = nl ? end + 1 : len;
		if (lineno == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
			p += 3;
			n -= 3;
		}
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (strspn(p, " \t\r") >= n)
			continue;
		bad = mlw_json_parse(&doc, p, n) < 0;
		if (bad || doc.tok[0].type != MLW_JOBJ) {
			if (nl == NULL) {
				mlw_warnx("%s:%llu: torn last line (no line "
				    "feed; a writer was interrupted), ignored",
				    path, (unsigned long long)lineno);
				break;
			}
			/* a record cut short by a writer killed mid-line, which
			 * the next writer ended with a line feed */
			if (bad && doc.truncated && *p == '{') {
				mlw_msg(&torn, path, lineno, "torn line (a writer "
				    "was interrupted), ignored");
				continue;
			}
			if (bad)
				mlw_reject(path, lineno, p, n, "%s", doc.err);
			else
				mlw_reject(path, lineno, p, n, "expected an "
				    "object, found %s",
				    mlw_json_typename(doc.tok[0].type));
			continue;
		}
		if ((why = store_record(rs, &doc)) != NULL)
			mlw_reject(path, lineno, p, n, "%s", why);
	}
	mlw_json_free(&doc);
	free(buf);
	return 0;
}

/* ---- queries ---- */

long
mlw_runs_find(const struct mlw_runs *rs, const char *arg, char *whyb,
    size_t whylen)
{
	size_t i, n = strlen(arg), hits = 0;
	long found = -1, byname = -1, names = 0;

	found = mlw_strmap_find(&rs->ids, arg, n);
	if (found >= 0)
		return found;
	for (i = 0; i < rs->n; i++) {
		if (n > 0 && strncmp(rs->run[i]->run_id, arg, n) == 0) {
			hits++;
			found = (long)i;
		}
		if (rs->run[i]->run_name && strcmp(rs->run[i]->run_name,
		    arg) == 0) {
			names++;
			byname = (long)i;
		}
	}
	if (hits == 1)
		return found;
	if (hits > 1) {
		snprintf(whyb, whylen, "run id prefix '%s' is ambiguous: %zu "
		    "runs match", arg, hits);
		return -1;
	}
	if (names == 1)
		return byname;
	if (names > 1)
		snprintf(whyb, whylen, "run name '%s' is ambiguous: %ld runs "
		    "have it", arg, names);
	else
		snprintf(whyb, whylen, "no run '%s'", arg);
	return -1;
}

const char *
mlw_run_status(const struct mlw_run *r, int64_t now, int64_t stale_ns)
{
	if (r->status)
		return r->status;
	if (stale_ns > 0 && r->has_start && now - r->start > stale_ns)
		return "UNFINISHED";
	return "RUNNING";
}

const struct mlw_point *
mlw_metric_last(const struct mlw_tmetric *m)
{
	const struct mlw_point *best = NULL;
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct mlw_point *p = &m->pt[i];

		if (best == NULL || p->step > best->step ||
		    (p->step == best->step && p->ts >= best->ts))
			best = p;
	}
	return best;
}

static void
kv_write(struct mlw_buf *b, const char *name, const struct mlw_kvs *kv)
{
	size_t i;

	if (kv->keys.n == 0)
		return;
	mlw_jw_key(b, name);
	mlw_jw_open(b, '{');
	for (i = 0; i < kv->keys.n; i++) {
		mlw_jw_sep(b);
		mlw_jw_str(b, kv->keys.ent[i].s, kv->keys.ent[i].len);
		mlw_buf_addc(b, ':');
		mlw_jw_str(b, kv->val[i], strlen(kv->val[i]));
	}
	mlw_jw_close(b, '}');
}

static void
str_write(struct mlw_buf *b, const char *key, const char *s)
{
	if (s == NULL)
		return;
	mlw_jw_key(b, key);
	mlw_jw_str(b, s, strlen(s));
}

static void
mkey(struct mlw_buf *b, const struct mlw_tmetric *m, const char *suffix)
{
	struct mlw_buf t = { 0 };

	mlw_buf_adds(&t, m->key);
	mlw_buf_adds(&t, suffix);
	mlw_jw_sep(b);
	mlw_jw_str(b, t.p, t.len);
	mlw_buf_addc(b, ':');
	mlw_buf_free(&t);
}

/* 1 when NAME.suffix, a statistic of metric m, is also the name of a
 * metric of any run of rs: the statistic is then left out, with one
 * message per name (the metric keeps the name, in every run's column). */
static int
stat_clash(const struct mlw_runs *rs, const struct mlw_tmetric *m,
    const char *suffix)
{
	static struct mlw_strmap told;
	struct mlw_buf t = { 0 };
	int clash;

	mlw_buf_adds(&t, m->key);
	mlw_buf_adds(&t, suffix);
	clash = mlw_strmap_find(&rs->mnames, t.p, t.len) >= 0;
	if (clash && mlw_strmap_find(&told, t.p, t.len) < 0) {
		mlw_strmap_add(&told, t.p, t.len);
		mlw_warnx("--all-stats: %.*s is a metric: the statistic %s "
		    "of metric %s left out", (int)t.len, t.p, suffix + 1,
		    m->key);
	}
	mlw_buf_free(&t);
	return clash;
}

void
mlw_run_summary(struct mlw_buf *b, const struct mlw_runs *rs,
    const struct mlw_run *r, int all_stats, int64_t now, int64_t stale_ns)
{
	const char *st = mlw_run_status(r, now, stale_ns);
	size_t i, k;

	mlw_jw_open(b, '{');
	str_write(b, "run_id", r->run_id);
	str_write(b, "experiment", r->experiment);
	str_write(b, "run_name", r->run_name);
	str_write(b, "status", st);
	if (r->has_start) {
		mlw_jw_key(b, "start_time");
		mlw_jw_time(b, r->start);
	}
	if (r->has_end) {
		mlw_jw_key(b, "end_time");
		mlw_jw_time(b, r->end);
	}
	if (r->has_start && r->has_end) {
		mlw_jw_key(b, "duration");
		mlw_jw_num(b, (double)(r->end - r->start) / 1e9);
	}
	if (r->has_exit) {
		mlw_jw_key(b, "exit_code");
		mlw_jw_int(b, r->exit_code);
	}
	if (r->has_signal) {
		mlw_jw_key(b, "signal");
		mlw_jw_int(b, r->signal);
	}
	str_write(b, "host", r->host);
	str_write(b, "user", r->user);
	str_write(b, "cwd", r->cwd);
	if (r->pid) {
		mlw_jw_key(b, "pid");
		mlw_jw_int(b, r->pid);
	}
	if (r->git_commit || r->git_dirty >= 0) {
		mlw_jw_key(b, "git");
		mlw_jw_open(b, '{');
		str_write(b, "commit", r->git_commit);
		if (r->git_dirty >= 0) {
			mlw_jw_key(b, "dirty");
			mlw_buf_adds(b, r->git_dirty ? "true" : "false");
		}
		mlw_jw_close(b, '}');
	}
	if (r->command) {
		mlw_jw_key(b, "command");
		mlw_buf_adds(b, r->command);
	}
	kv_write(b, "params", &r->params);
	kv_write(b, "tags", &r->tags);
	if (r->mkeys.n == 0)
		goto done;
	mlw_jw_key(b, "metrics");
	mlw_jw_open(b, '{');
	for (i = 0; i < r->mkeys.n; i++) {
		const struct mlw_tmetric *m = &r->metric[i];
		const struct mlw_point *last = mlw_metric_last(m);
		double lo = INFINITY, hi = -INFINITY;
		size_t nv = 0;

		mkey(b, m, "");
		mlw_jw_num(b, last->value);
		if (!all_stats)
			continue;
		for (k = 0; k < m->n; k++)
			if (!isnan(m->pt[k].value)) {
				nv++;
				if (m->pt[k].value < lo)
					lo = m->pt[k].value;
				if (m->pt[k].value > hi)
					hi = m->pt[k].value;
			}
		if (!stat_clash(rs, m, ".min")) {
			mkey(b, m, ".min");
			mlw_jw_num(b, nv ? lo : NAN);  /* null without values */
		}
		if (!stat_clash(rs, m, ".max")) {
			mkey(b, m, ".max");
			mlw_jw_num(b, nv ? hi : NAN);  /* null without values */
		}
		if (!stat_clash(rs, m, ".step")) {
			mkey(b, m, ".step");
			mlw_jw_int(b, last->step);
		}
		if (!stat_clash(rs, m, ".count")) {
			mkey(b, m, ".count");
			mlw_jw_uint(b, m->n);
		}
	}
	mlw_jw_close(b, '}');
done:
	mlw_jw_close(b, '}');
}

/* ---- MLflow filters into the expression language ---- */

static int
isname(int c)
{
	return isalnum(c) || c == '_';
}

static int
kw(const char *w, size_t n, const char *k)
{
	size_t i;

	if (n != strlen(k))
		return 0;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)w[i]) != k[i])
			return 0;
	return 1;
}

/* Append name (n bytes) to b escaped for mlw_path_parse(): a backslash
 * before every character that is not a letter, digit or _. */
static void
path_seg(struct mlw_buf *b, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isname((unsigned char)name[i]))
			mlw_buf_addc(b, '\\');
		mlw_buf_addc(b, name[i]);
	}
}

static size_t
add_alias(struct mlw_filter *f, int like, const char *path, size_t plen,
    const char *pat, size_t patlen)
{
	struct mlw_falias *a;

	f->a = mlw_xrealloc(f->a, (f->n + 1) * sizeof *f->a);
	a = &f->a[f->n];
	a->like = like;
	a->path = mlw_xstrndup(path, plen);
	a->pat = pat ? mlw_xstrndup(pat, patlen) : NULL;
	return f->n++;
}

/* Emit the field prefix.key (prefix NULL: key is a path as written): as an
 * expression path when it can be one, else as an alias. */
static void
emit_name(struct mlw_filter *f, const char *prefix, const char *key,
    size_t n, struct mlw_buf *path)
{
	struct mlw_buf *out = &f->text;
	size_t i, ok = 1;
	char nb[32];

	path->len = 0;
	if (prefix == NULL) {
		mlw_buf_add(path, key, n);
		mlw_buf_add(out, key, n);
		mlw_buf_addc(path, '\0');
		path->len--;
		return;
	}
	if (*prefix) {
		mlw_buf_adds(path, prefix);
		mlw_buf_addc(path, '.');
	}
	path_seg(path, key, n);
	mlw_buf_addc(path, '\0');
	path->len--;
	for (i = 0; i < n; i++)
		if (!isname((unsigned char)key[i]) && key[i] != '.')
			ok = 0;
	if (!ok || n == 0) {
		snprintf(nb, sizeof nb, "__mlw.a%zu", add_alias(f, 0, path->p,
		    path->len, NULL, 0));
		mlw_buf_adds(out, nb);
		return;
	}
	if (*prefix) {
		mlw_buf_adds(out, prefix);
		mlw_buf_addc(out, '.');
	}
	for (i = 0; i < n; i++) {
		if (key[i] == '.')
			mlw_buf_addc(out, '\\');
		mlw_buf_addc(out, key[i]);
	}
}

int
mlw_filter_translate(const char *src, struct mlw_filter *f, char *err,
    size_t errlen)
{
	const char *p = src;
	struct mlw_buf key = { 0 }, path = { 0 }, lastpath = { 0 };
	size_t name_start = 0, name_end = (size_t)-1;
	struct mlw_buf *out = &f->text;
	int rc = -1, not_like = 0;

	out->len = 0;
	while (*p) {
		const char *s = p;

		if (*p == '\'' || *p == '"') {          /* strings verbatim */
			char q = *p++;

			while (*p && *p != q) {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (*p)
				p++;
			mlw_buf_add(out, s, (size_t)(p - s));
		} else if (*p == '=' && p[1] == '=') {
			mlw_buf_adds(out, "==");
			p += 2;
		} else if (*p == '=') {
			mlw_buf_adds(out, "==");
			p++;
		} else if ((*p == '!' || *p == '<' || *p == '>') && p[1] == '=') {
			mlw_buf_add(out, p, 2);
			p += 2;
		} else if (*p == '<' && p[1] == '>') {
			mlw_buf_adds(out, "!=");
			p += 2;
		} else if (isname((unsigned char)*p) || *p == '`' ||
		    (*p == '\\' && p[1] == '.')) {
			/* a name: parts of [A-Za-z0-9_], "\." and `...` */
			const char *dot = NULL, *prefix;
			int quoted = 0;
			size_t n, plen, start = out->len;
			char *sep;

			key.len = 0;
			while (*p) {
				if (*p == '`') {
					const char *e = strchr(p + 1, '`');

					if (e == NULL) {
						snprintf(err, errlen, "column "
						    "%zu: expected a closing "
						    "backquote", (size_t)(p -
						    src) + 1);
						goto out;
					}
					mlw_buf_add(&key, p + 1,
					    (size_t)(e - p - 1));
					quoted = 1;
					p = e + 1;
				} else if (*p == '\\' && p[1] == '.') {
					mlw_buf_addc(&key, '.');
					quoted = 1;
					p += 2;
				} else if (*p == '.' && dot == NULL && !quoted) {
					dot = p;
					mlw_buf_addc(&key, '\x01');
					p++;
				} else if (isname((unsigned char)*p) ||
				    *p == '.')
					mlw_buf_addc(&key, *p++);
				else
					break;
			}
			mlw_buf_addc(&key, '\0');
			n = strlen(key.p);
			sep = strchr(key.p, '\x01');
			plen = sep ? (size_t)(sep - key.p) : n;
			if (plen == n) {        /* no entity prefix */
				const char *w = key.p;
				int like = kw(w, n, "like") ? 1 :
				    kw(w, n, "ilike") ? 2 : 0;

				if (kw(w, n, "and"))
					mlw_buf_adds(out, "&&");
				else if (kw(w, n, "or"))
					mlw_buf_adds(out, "||");
				else if (kw(w, n, "not")) {
					const char *q = p, *e;

					while (*q == ' ' || *q == '\t')
						q++;
					for (e = q; isname((unsigned char)*e);
					    e++)
						;
					if (kw(q, (size_t)(e - q), "like") ||
					    kw(q, (size_t)(e - q), "ilike"))
						not_like = 1;
					else
						mlw_buf_adds(out, "!");
				} else if (like) {
					const char *q;
					struct mlw_buf pat = { 0 };
					char nb[48];
					size_t k;

					for (k = name_end; k < out->len &&
					    (out->p[k] == ' ' || out->p[k] ==
					    '\t'); k++)
						;
					if (name_end == (size_t)-1 ||
					    k != out->len) {
						snprintf(err, errlen, "column "
						    "%zu: expected a field "
						    "before %.*s", (size_t)(s -
						    src) + 1, (int)n, w);
						goto out;
					}
					while (*p == ' ' || *p == '\t')
						p++;
					if (*p != '\'' && *p != '"') {
						snprintf(err, errlen, "column "
						    "%zu: expected a quoted "
						    "pattern after %.*s",
						    (size_t)(p - src) + 1,
						    (int)n, w);
						goto out;
					}
					for (q = p + 1; *q && *q != *p; q++) {
						if (*q == '\\' && q[1])
							q++;
						mlw_buf_addc(&pat, *q);
					}
					if (*q != *p) {
						mlw_buf_free(&pat);
						snprintf(err, errlen, "column "
						    "%zu: expected a closing "
						    "quote", (size_t)(q - src) +
						    1);
						goto out;
					}
					p = q + 1;
					out->len = name_start;
					snprintf(nb, sizeof nb, "__mlw.a%zu == "
					    "%s", add_alias(f, like,
					    lastpath.p, lastpath.len, pat.p ?
					    pat.p : "", pat.len), not_like ?
					    "false" : "true");
					mlw_buf_adds(out, nb);
					not_like = 0;
					mlw_buf_free(&pat);
					name_end = (size_t)-1;
				} else if (kw(w, n, "in") || kw(w, n, "is")) {
					snprintf(err, errlen, "column %zu: "
					    "%.*s is not supported (use ==, "
					    "!=, <, <=, >, >=, LIKE, ILIKE)",
					    (size_t)(s - src) + 1, (int)n, w);
					goto out;
				} else if (quoted) {
					emit_name(f, "", w, n, &path);
					goto named;
				} else {
					emit_name(f, NULL, s, (size_t)(p - s),
					    &path);
					goto named;
				}
				continue;
			}
			if (kw(key.p, plen, "metrics") || kw(key.p, plen,
			    "metric"))
				prefix = "metrics";
			else if (kw(key.p, plen, "params") || kw(key.p, plen,
			    "param"))
				prefix = "params";
			else if (kw(key.p, plen, "tags") || kw(key.p, plen, "tag"))
				prefix = "tags";
			else if (kw(key.p, plen, "attributes") || kw(key.p, plen,
			    "attribute") || kw(key.p, plen, "attr") ||
			    kw(key.p, plen, "run"))
				prefix = "";
			else {
				/* another path (git.commit): as written */
				emit_name(f, NULL, s, (size_t)(p - s), &path);
				goto named;
			}
			emit_name(f, prefix, key.p + plen + 1, n - plen - 1,
			    &path);
named:
			name_start = start;
			name_end = out->len;
			lastpath.len = 0;
			mlw_buf_add(&lastpath, path.p, path.len);
			continue;
		} else
			mlw_buf_addc(out, *p++);
	}
	mlw_buf_addc(out, '\0');
	out->len--;
	rc = 0;
out:
	mlw_buf_free(&key);
	mlw_buf_free(&path);
	mlw_buf_free(&lastpath);
	return rc;
}

void
mlw_filter_free(struct mlw_filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->a[i].path);
		free(f->a[i].pat);
	}
	free(f->a);
	mlw_buf_free(&f->text);
	memset(f, 0, sizeof *f);
}

/* SQL LIKE: % any run of characters, _ one character (a byte); icase
 * folds ASCII letters. */
static int
like_match(const char *s, size_t n, const char *p, int icase)
{
	for (; *p; p++) {
		if (*p == '%') {
			size_t k;

			while (p[1] == '%')
				p++;
			if (p[1] == '\0')
				return 1;
			for (k = 0; k <= n; k++)
				if (like_match(s + k, n - k, p + 1, icase))
					return 1;
			return 0;
		}
		if (n == 0)
			return 0;
		if (*p != '_' && (icase ? tolower((unsigned char)*p) !=
		    tolower((unsigned char)*s) : *p != *s))
			return 0;
		s++;
		n--;
	}
	return n == 0;
}

void
mlw_filter_extend(const struct mlw_filter *f, const struct mlw_json *doc,
    struct mlw_buf *b)
{
	struct mlw_buf cat = { 0 };
	size_t i;
	char nb[32];

	b->len = 0;
	mlw_buf_add(b, doc->src, doc->srclen - 1);     /* without its } */
	if (b->len > 1)
		mlw_buf_addc(b, ',');
	mlw_buf_adds(b, "\"__mlw\":{");
	for (i = 0; i < f->n; i++) {
		struct mlw_path p;
		long t = -1;

		if (mlw_path_parse(&p, f->a[i].path) == 0) {
			t = mlw_json_get(doc, 0, &p);
			mlw_path_free(&p);
		}
		snprintf(nb, sizeof nb, "%s\"a%zu\":", i ? "," : "", i);
		mlw_buf_adds(b, nb);
		if (mlw_json_missing(doc, t))
			mlw_buf_adds(b, "null");
		else if (f->a[i].like == 0)
			mlw_jw_raw(b, doc, (uint32_t)t);
		else if (mlw_key_category(&cat, doc, t) < 0)
			mlw_buf_adds(b, "null");
		else
			mlw_buf_adds(b, like_match(cat.p, cat.len, f->a[i].pat,
			    f->a[i].like == 2) ? "true" : "false");
	}
	mlw_buf_adds(b, "}}");
	mlw_buf_free(&cat);
}
