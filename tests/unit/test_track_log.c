/* Unit tests of lib/track_query.c (selecting, sorting, the best run), lib/track_log.c
 * (output lines into store records) and lib/child.c (status, names). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "json.h"
#include "track_query.h"
#include "track_log.h"
#include "track_store.h"
#include "child.h"

static const char store[] =
    "{\"mlw\":\"run_start\",\"run_id\":\"aa01\",\"run_name\":\"a\","
    "\"start_time\":\"2026-01-02T00:00:00Z\",\"params\":{\"lr\":\"0.1\"}}\n"
    "{\"mlw\":\"metric\",\"run_id\":\"aa01\",\"key\":\"loss\",\"value\":0.5,"
    "\"step\":0}\n"
    "{\"mlw\":\"metric\",\"run_id\":\"aa01\",\"key\":\"loss\",\"value\":0.2,"
    "\"step\":1}\n"
    "{\"mlw\":\"run_start\",\"run_id\":\"bb02\",\"run_name\":\"b\","
    "\"start_time\":\"2026-01-01T00:00:00Z\",\"params\":{\"lr\":\"0.2\"}}\n"
    "{\"mlw\":\"metric\",\"run_id\":\"bb02\",\"key\":\"loss\",\"value\":0.3,"
    "\"step\":0}\n"
    "{\"mlw\":\"metric\",\"run_id\":\"bb02\",\"key\":\"acc-x\",\"value\":0.9,"
    "\"step\":0}\n"
    "{\"mlw\":\"run_end\",\"run_id\":\"bb02\",\"status\":\"FAILED\"}\n"
    "{\"mlw\":\"run_start\",\"run_id\":\"cc03\",\"run_name\":\"c\"}\n";

/* The run names of the selected, in order, as "a,b". */
static const char *
names(const struct mlw_rsel *sel)
{
	static char buf[64];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sel->nsel; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, sel->sel[i]->run->run_name);
	}
	return buf;
}

/* Build the selection of rs with where (NULL: all), sorted by sort (NULL:
 * none), and return its names. */
static const char *
query(const struct mlw_runs *rs, const char *where, const char *sort)
{
	struct mlw_rwhere w;
	struct mlw_rsort s;
	struct mlw_rsel sel;
	static char err[256];
	const char *r;

	memset(&w, 0, sizeof w);
	memset(&sel, 0, sizeof sel);
	if (where && mlw_rwhere_compile(&w, where, err, sizeof err) < 0)
		return err;
	if (sort && mlw_rsort_parse(&s, sort) < 0)
		return "bad sort";
	mlw_rsel_build(&sel, rs, &w, 0, 0, 0);
	if (sort) {
		mlw_rsel_sort(&sel, &s);
		mlw_rsort_free(&s);
	}
	r = names(&sel);
	mlw_rsel_free(&sel);
	mlw_rwhere_free(&w);
	return r;
}

int
main(void)
{
	char path[] = "/tmp/mlw-test-runs-XXXXXX";
	struct mlw_runs rs;
	struct mlw_rsel sel;
	struct mlw_rwhere w;
	struct mlw_rsort s;
	struct mlw_ritem *it;
	struct mlw_track_log t;
	struct mlw_child wr;
	char err[256], why[256], line[128];
	int fd, rc;

	fd = mkstemp(path);
	ok(fd >= 0 && write(fd, store, sizeof store - 1) ==
	    (ssize_t)(sizeof store - 1), "a store written");
	close(fd);
	memset(&rs, 0, sizeof rs);
	ok(mlw_store_read(&rs, path) == 0 && rs.n == 3, "3 runs read");

	/* selecting */
	ok(strcmp(query(&rs, NULL, NULL), "a,b,c") == 0, "no filter: all, in "
	    "store order");
	ok(strcmp(query(&rs, "metrics.loss < 0.4", NULL), "a,b") == 0,
	    "a metric filter");
	ok(strcmp(query(&rs, "params.lr = '0.2'", NULL), "b") == 0,
	    "MLflow's = on a param");
	ok(strcmp(query(&rs, "metric.`acc-x` > 0.5", NULL), "b") == 0,
	    "a key the expression language cannot name, through an alias");
	ok(strcmp(query(&rs, "run_name LIKE 'a%' OR status = 'FAILED'",
	    NULL), "a,b") == 0, "LIKE and OR");

	memset(&w, 0, sizeof w);
	rc = mlw_rwhere_compile(&w, "x IN (1)", err, sizeof err);
	ok(rc == -1, "IN does not translate: -1 (%s)", err);
	mlw_rwhere_free(&w);
	memset(&w, 0, sizeof w);
	rc = mlw_rwhere_compile(&w, "a = = b", err, sizeof err);
	ok(rc == -2 && strcmp(w.flt.text.p, "a == == b") == 0,
	    "a translation that does not compile: -2, the translation kept");
	mlw_rwhere_free(&w);

	/* sorting */
	ok(strcmp(query(&rs, NULL, "metrics.loss"), "a,b,c") == 0,
	    "ascending, missing last");
	ok(strcmp(query(&rs, NULL, "-metrics.loss"), "b,a,c") == 0,
	    "descending, missing still last");
	ok(strcmp(query(&rs, NULL, "start_time DESC"), "a,b,c") == 0,
	    "MLflow's DESC; times compared as times");
	ok(strcmp(query(&rs, NULL, "start_time asc"), "b,a,c") == 0,
	    "asc in any case");
	ok(strcmp(query(&rs, NULL, "metrics.`acc-x`"), "b,a,c") == 0,
	    "a backquoted key");
	ok(mlw_rsort_parse(&s, "metrics.`loss") < 0, "an unclosed backquote "
	    "is not a sort");
	ok(mlw_rsort_parse(&s, "a LIKE 'x' OR b LIKE 'y'") < 0, "two fields "
	    "are not a sort");

	/* finding and the best */
	memset(&sel, 0, sizeof sel);
	mlw_rsel_build(&sel, &rs, NULL, 1, 0, 0);
	it = mlw_rsel_find(&sel, "bb", why, sizeof why);
	ok(it != NULL && strcmp(it->run->run_id, "bb02") == 0, "found by "
	    "prefix");
	ok(mlw_rsel_find(&sel, "zz", why, sizeof why) == NULL &&
	    strcmp(why, "no run 'zz'") == 0, "not found: %s", why);
	it = mlw_rsel_find(&sel, "a", why, sizeof why);
	ok(it != NULL && strstr(it->text.p, "\"loss.min\":0.2") != NULL,
	    "all_stats: the summary has loss.min");
	it = mlw_rsel_best(&sel, "loss", -1);
	ok(it != NULL && strcmp(it->run->run_name, "a") == 0, "best --min: "
	    "the lowest last value");
	it = mlw_rsel_best(&sel, "loss", 1);
	ok(it != NULL && strcmp(it->run->run_name, "b") == 0, "best --max");
	ok(mlw_rsel_best(&sel, "nope", 1) == NULL, "no run has the metric");
	mlw_rsel_free(&sel);
	mlw_runs_free(&rs);

	/* logging lines */
	fd = mlw_store_open(path);
	ok(fd >= 0 && ftruncate(fd, 0) == 0, "the store emptied");
	{
		static char *pf[] = { "lr" }, *tf[] = { "opt" };

		mlw_track_log_init(&t, fd, path, "dd04", "test", pf, 1, tf, 1);
	}
	strcpy(line, " {\"step\": 3, \"loss\": NaN, \"lr\": 0.5, "
	    "\"opt\": \"sgd\", \"n\": \"x\"}\r");
	mlw_track_log_line(&t, line, strlen(line), 1);
	ok(strncmp(line, " {\"step\": 3, \"loss\": NaN", 24) == 0,
	    "the line is given back as it was");
	strcpy(line, "{\"loss\": 1}");
	mlw_track_log_line(&t, line, strlen(line), 2);
	strcpy(line, "not an object");
	mlw_track_log_line(&t, line, strlen(line), 3);
	ok(mlw_track_log_close(&t) == 0, "closed");
	memset(&rs, 0, sizeof rs);
	ok(mlw_store_read(&rs, path) == 0 && rs.n == 1, "one run logged");
	if (rs.n == 1) {
		const struct mlw_run *r = rs.run[0];
		const struct mlw_tmetric *m = r->mkeys.n == 1 ? &r->metric[0] :
		    NULL;

		ok(m && strcmp(m->key, "loss") == 0 && m->n == 2,
		    "one metric, two points");
		ok(m && m->pt[0].step == 3 && m->pt[0].value != m->pt[0].value,
		    "NaN logged as null at the line's step");
		ok(m && m->pt[1].step == 4 && m->pt[1].value == 1,
		    "without a step: the next one of the metric");
		ok(r->params.keys.n == 1 && strcmp(r->params.val[0], "0.5") == 0,
		    "a number in --param-fields is a param, as text");
		ok(r->tags.keys.n == 1 && strcmp(r->tags.val[0], "sgd") == 0,
		    "a string in --tag-fields is a tag");
	}
	mlw_runs_free(&rs);
	unlink(path);

	/* run status */
	memset(&wr, 0, sizeof wr);
	wr.exited = 1;
	ok(strcmp(mlw_child_status(&wr), "FINISHED") == 0, "exit 0: FINISHED");
	wr.code = 3;
	ok(strcmp(mlw_child_status(&wr), "FAILED") == 0, "exit 3: FAILED");
	wr.got = SIGINT;
	ok(strcmp(mlw_child_status(&wr), "KILLED") == 0 &&
	    mlw_child_signal(&wr) == SIGINT, "a signal received: KILLED");
	wr.sig = SIGTERM;
	ok(mlw_child_signal(&wr) == SIGTERM, "the command's signal first");
	ok(strcmp(mlw_signame(SIGTERM), "SIGTERM") == 0 &&
	    mlw_signame(0) == NULL, "signal names");

	return done_testing();
}
