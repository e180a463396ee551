/* Unit tests of lib/track_store.c and the run queries of lib/track_query.c:
 * run ids, prefixes, appending after a torn line, the last value of a
 * metric. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "track_query.h"
#include "track_store.h"

int
main(void)
{
	char id[MLW_RUN_ID_LEN + 1], id2[MLW_RUN_ID_LEN + 1], why[100];
	struct mlw_runs rs;
	struct mlw_tmetric m;
	struct mlw_point pt[3];
	char path[] = "/tmp/mlw-track-unit-XXXXXX";
	int fd;

	/* run ids */
	mlw_run_id_new(id);
	mlw_run_id_new(id2);
	ok(strlen(id) == 32 && strspn(id, "0123456789abcdef") == 32,
	    "a run id is 32 hex digits");
	ok(strcmp(id, id2) != 0, "two run ids differ");

	/* prefixes */
	memset(&rs, 0, sizeof rs);
	{
		static const char store[] =
		    "{\"mlw\":\"run_start\",\"run_id\":\"abc1\",\"run_name\":\"x\"}\n"
		    "{\"mlw\":\"run_start\",\"run_id\":\"abd2\",\"run_name\":\"y\"}\n"
		    "{\"mlw\":\"run_start\",\"run_id\":\"abd2ee\",\"run_name\":\"y\"}\n";

		fd = mkstemp(path);
		ok(fd >= 0 && write(fd, store, sizeof store - 1) ==
		    (ssize_t)(sizeof store - 1), "a store written");
		close(fd);
		ok(mlw_store_read(&rs, path) == 0 && rs.n == 3, "3 runs read");
		ok(mlw_runs_find(&rs, "abc", why, sizeof why) == 0,
		    "a unique prefix");
		ok(mlw_runs_find(&rs, "abd2", why, sizeof why) == 1,
		    "a whole id that is also a prefix of another");
		ok(mlw_runs_find(&rs, "ab", why, sizeof why) == -1 &&
		    strcmp(why, "run id prefix 'ab' is ambiguous: 3 runs "
		    "match") == 0, "an ambiguous prefix: %s", why);
		ok(mlw_runs_find(&rs, "x", why, sizeof why) == 0,
		    "a unique run name");
		ok(mlw_runs_find(&rs, "y", why, sizeof why) == -1 &&
		    strcmp(why, "run name 'y' is ambiguous: 2 runs have it") == 0,
		    "an ambiguous name: %s", why);
		ok(mlw_runs_find(&rs, "zz", why, sizeof why) == -1 &&
		    strcmp(why, "no run 'zz'") == 0, "no such run");
		ok(strcmp(mlw_run_status(rs.run[0], 0, 0), "RUNNING") == 0,
		    "no end record: RUNNING");
		mlw_runs_free(&rs);
	}

	/* appending after a torn line */
	fd = open(path, O_WRONLY | O_TRUNC);
	ok(fd >= 0 && write(fd, "{\"torn", 6) == 6, "a torn line");
	close(fd);
	fd = mlw_store_open(path);
	ok(mlw_store_append(fd, "{\"a\":1}\n", 8) == 0, "appended");
	close(fd);
	{
		size_t n;
		char *s = NULL;
		FILE *f = fopen(path, "r");
		char buf[64];

		n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
		buf[n] = '\0';
		if (f)
			fclose(f);
		ok(strcmp(buf, "{\"torn\n{\"a\":1}\n") == 0, "the torn line "
		    "was ended first");
		free(s);
	}
	unlink(path);

	/* the last value */
	memset(&m, 0, sizeof m);
	pt[0] = (struct mlw_point){ 5, 20, 3, 0 };
	pt[1] = (struct mlw_point){ 5, 10, 2, 1 };
	pt[2] = (struct mlw_point){ 4, 90, 1, 2 };
	m.pt = pt;
	m.n = 3;
	ok(mlw_metric_last(&m)->value == 3, "last: highest step, then latest "
	    "timestamp");
	pt[1].ts = 20;
	ok(mlw_metric_last(&m)->value == 2, "a tie: the last logged");

	return done_testing();
}
