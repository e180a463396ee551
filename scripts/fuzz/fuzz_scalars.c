/* Fuzz target: RFC 3339 times (parse, format, parse again must agree),
 * epoch numbers, durations, field paths and comma lists, number
 * formatting round trips. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "num.h"
#include "opt.h"
#include "times.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), buf[MLW_TIME_MAX], nb[MLW_NUM_MAX];
	int64_t ns, ns2;
	const char *why;
	struct mlw_path p;
	char **l;
	size_t n;
	double d;

	memcpy(s, data, size);
	s[size] = '\0';
	if (mlw_time_parse(s, size, &ns, &why) == 0) {
		size_t m = mlw_time_format(ns, buf);

		if (mlw_time_parse(buf, m, &ns2, &why) != 0 || ns2 != ns)
			abort();        /* format does not read back */
	}
	mlw_time_from_number(s, size, MLW_NS_PER_SEC, &ns, &why);
	mlw_time_from_number(s, size, 1000000, &ns, &why);
	mlw_duration_parse(s, &ns);
	if (mlw_path_parse(&p, s) == 0)
		mlw_path_free(&p);
	if ((l = mlw_split_list(s, &n)) != NULL)
		mlw_free_list(l, n);
	if (mlw_num_strict(s, &d) == 0 && isfinite(d)) {
		mlw_num_format(d, nb);
		if (strtod(nb, NULL) != d && !(d == 0 && strtod(nb, NULL) == 0))
			abort();        /* shortest form does not round-trip */
	}
	free(s);
	return 0;
}
