/* Fuzz target: mlw-alert's test files (lib/alert_test.c): the parser, and
 * for a test whose rules are all inline (a rules line would read another
 * file), loading the rules and running every case through the alert state
 * machine, as mlw-alert --test does. Run under the harness, since judging
 * may end in mlw_fatal (--max-keys). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert_test.h"
#include "buf.h"
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run(void *arg)
{
	const char *s = arg;
	char err[600];
	struct mlw_atest *t = mlw_atest_parse(s, "fuzz.test", err, sizeof err);
	struct mlw_buf out = { 0 };
	unsigned num = 0, passed = 0, failed = 0;

	if (t == NULL)
		return 0;
	if (mlw_atest_rules_path(t) == NULL &&
	    mlw_atest_load(t, err, sizeof err) == 0)
		mlw_atest_run(t, &out, &num, &passed, &failed);
	if (num != passed + failed)
		abort();
	mlw_buf_free(&out);
	mlw_atest_free(t);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	mlw_fuzz_run(run, s);
	free(s);
	return 0;
}
