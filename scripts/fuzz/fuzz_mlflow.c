/* Fuzz target: the MLflow file-store reader (mlw-runs --mlflow DIR,
 * mlw_mlflow_read). The input is the text of up to eight files of a small
 * store, separated by the bytes "@@\n":
 *
 *   0  mlruns/0/meta.yaml                  an experiment
 *   1  mlruns/0/RUNA/meta.yaml             its run
 *   2  mlruns/0/RUNA/metrics/loss          a metric's history
 *   3  mlruns/0/RUNA/metrics/val/acc       a nested metric name
 *   4  mlruns/0/RUNA/params/lr             a parameter
 *   5  mlruns/0/RUNA/tags/mlflow.runName   a tag
 *   6  mlruns/1/meta.yaml                  a second experiment
 *   7  mlruns/1/RUNB/meta.yaml             and its run
 *
 * A file whose part is missing is removed, so that absent files are
 * fuzzed too. A problem is reported and skipped (or fatal: the harness
 * turns exit into a return; leak detection off, harness.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "track_mlflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RUNA "a1b2c3d4e5f60718293a4b5c6d7e8f90"
#define RUNB "a1b9d00d000000000000000000000002"

static const char *const dirs[] = {
	"mlruns", "mlruns/0", "mlruns/0/" RUNA, "mlruns/0/" RUNA "/metrics",
	"mlruns/0/" RUNA "/metrics/val", "mlruns/0/" RUNA "/params",
	"mlruns/0/" RUNA "/tags", "mlruns/1", "mlruns/1/" RUNB,
};
#define NDIRS (sizeof dirs / sizeof dirs[0])

static const char *const files[] = {
	"mlruns/0/meta.yaml",
	"mlruns/0/" RUNA "/meta.yaml",
	"mlruns/0/" RUNA "/metrics/loss",
	"mlruns/0/" RUNA "/metrics/val/acc",
	"mlruns/0/" RUNA "/params/lr",
	"mlruns/0/" RUNA "/tags/mlflow.runName",
	"mlruns/1/meta.yaml",
	"mlruns/1/" RUNB "/meta.yaml",
};
#define NFILES (sizeof files / sizeof files[0])

/* Remove the tree (the harness removes only plain files at the top). */
static void
cleanup(void)
{
	size_t i;

	for (i = 0; i < NFILES; i++)
		unlink(mlw_fuzz_path(0, files[i]));
	for (i = NDIRS; i-- > 0;)
		rmdir(mlw_fuzz_path(0, dirs[i]));
}

struct job {
	struct mlw_runs rs;
	int done;       /* mlw_mlflow_read returned (did not exit) */
};

static int
read_store(void *arg)
{
	struct job *j = arg;

	mlw_mlflow_read(&j->rs, mlw_fuzz_path(1, "mlruns"));
	j->done = 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const uint8_t *p = data, *end = data + size;
	struct job j;
	size_t i;

	if (!ready) {
		for (i = 0; i < NDIRS; i++)
			if (mkdir(mlw_fuzz_path(0, dirs[i]), 0755) < 0)
				abort();
		atexit(cleanup);
		ready = 1;
	}
	for (i = 0; i < NFILES; i++) {
		const uint8_t *sep = NULL, *q;

		if (p == NULL) {
			unlink(mlw_fuzz_path(0, files[i]));
			continue;
		}
		for (q = p; q + 3 <= end; q++)
			if (memcmp(q, "@@\n", 3) == 0) {
				sep = q;
				break;
			}
		mlw_fuzz_write(files[i], p, (size_t)((sep ? sep : end) - p));
		p = sep ? sep + 3 : NULL;
	}
	memset(&j, 0, sizeof j);
	mlw_fuzz_run(read_store, &j);
	if (j.done)     /* after exit, it leaks, as a process would */
		mlw_runs_free(&j.rs);
	return 0;
}
