/* Fuzz target: the rules-file syntax of mlw-alert, and the alert state
 * machine driven by the parsed rules. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[300];
	struct mlw_rule *rules = NULL;
	size_t n = 0, i;

	memcpy(s, data, size);
	s[size] = '\0';
	if (mlw_rules_parse(s, "fuzz", &rules, &n, err, sizeof err) == 0) {
		for (i = 0; i < n; i++) {
			struct mlw_astate st;
			int k;

			memset(&st, 0, sizeof st);
			for (k = 0; k < 8; k++)
				mlw_alert_step(&rules[i], &st, k % 3 != 2, k % 2,
				    (int64_t)k * 1000000000, 2000000000);
		}
	}
	for (i = 0; i < n; i++)
		mlw_rule_free(&rules[i]);
	free(rules);
	free(s);
	return 0;
}
