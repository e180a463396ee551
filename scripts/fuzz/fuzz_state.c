/* Fuzz target: the alert state file reader (mlw-alert --state FILE,
 * mlw_state_load) against a fixed set of rules (with and without by
 * fields). A state that loads is saved and must load again with the same
 * instances (else abort: the next cron run would fail or lose alerts).
 * A damaged file ends in mlw_fatal, which the harness turns into a return
 * (harness.h; leak detection off). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rulestext[] =
    "rule drift\n  when psi > 0.2\n  by feature\n"
    "rule a\n  when x > 1\n"
    "rule two\n  when x > 1\n  by f.g,window_start\n";
static struct mlw_rule *rules;
static size_t nrules;

struct job {
	struct mlw_alerts a, again;
};

static int
load(void *arg)
{
	struct job *j = arg;

	mlw_state_load(&j->a, mlw_fuzz_path(1, "state"), rules, nrules);
	return 0;
}

static int
reload(void *arg)
{
	struct job *j = arg;

	if (mlw_state_save(&j->a, mlw_fuzz_path(2, "saved"), rules) < 0)
		abort();
	mlw_state_load(&j->again, mlw_fuzz_path(2, "saved"), rules, nrules);
	return 0;
}

/* Instances that mlw_state_save writes: the active ones. */
static size_t
active(const struct mlw_alerts *a)
{
	size_t i, n = 0;

	for (i = 0; i < a->keys.n; i++)
		if (a->inst[i].val && a->inst[i].st.state != MLW_INACTIVE)
			n++;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job j;
	char err[300];

	if (rules == NULL && mlw_rules_parse(rulestext, "rules", &rules,
	    &nrules, err, sizeof err) < 0)
		abort();
	memset(&j, 0, sizeof j);
	mlw_fuzz_write("state", data, size);
	if (mlw_fuzz_run(load, &j) != 0)
		return 0;       /* rejected with a message: fine */
	if (mlw_fuzz_run(reload, &j) != 0)
		abort();        /* a saved state does not load again */
	if (active(&j.again) != active(&j.a))
		abort();        /* ... or not with the same alerts */
	mlw_alerts_free(&j.again, rules);
	mlw_alerts_free(&j.a, rules);
	return 0;
}
