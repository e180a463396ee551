/*
 * mlw-gen: write a deterministic, realistic prediction log as JSON Lines.
 *
 * Every number comes from a seeded splitmix64 generator and only +, -, *
 * and / (normals are sums of twelve uniforms), so the output is the same
 * byte for byte on every machine and libc.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "io.h"
#include "num.h"
#include "opt.h"
#include "times.h"

static const char usage_text[] =
    "mlw-gen [-n COUNT] [--seed N] [--start TIME] [--interval DUR]\n"
    "               [--drift-at INDEX] [--drift STRENGTH] [--reference]\n"
    "               [--shift concept|covariate|correlation] [--labels FILE]\n"
    "               [--models N]";

static uint64_t rng;

static uint64_t
next64(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double
uniform(void)
{
	return (double)(next64() >> 11) * (1.0 / 9007199254740992.0);
}

/* Approximately standard normal: Irwin-Hall with twelve terms. */
static double
normal(void)
{
	double s = 0;
	int i;

	for (i = 0; i < 12; i++)
		s += uniform();
	return s - 6;
}

static const char *
pick(const char *const *names, const double *w, int n)
{
	double u = uniform(), acc = 0;
	int i;

	for (i = 0; i < n - 1; i++) {
		acc += w[i];
		if (u < acc)
			return names[i];
	}
	return names[n - 1];
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "drift", required_argument, NULL, 'D' },
		{ "drift-at", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "interval", required_argument, NULL, 'i' },
		{ "labels", required_argument, NULL, 'L' },
		{ "models", required_argument, NULL, 'M' },
		{ "reference", no_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "shift", required_argument, NULL, 'C' },
		{ "start", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const countries[] = { "DE", "FR", "US", "IN", "BR" };
	static const double cw0[] = { 0.30, 0.20, 0.25, 0.15, 0.10 };
	static const double cw1[] = { 0.15, 0.10, 0.50, 0.15, 0.10 };
	static const char *const devices[] = { "mobile", "desktop", "tablet" };
	static const double dw0[] = { 0.55, 0.35, 0.10 };
	static const double dw1[] = { 0.75, 0.15, 0.10 };
	long long n = 1000, drift_at = -1, models = 0, ll;
	double drift = 1.0;
	int64_t t, interval = MLW_NS_PER_SEC;
	enum { SH_CONCEPT, SH_COVARIATE, SH_CORRELATION } shift = SH_CONCEPT;
	int reference = 0, ch;
	FILE *lf = NULL;
	const char *why;
	long long i;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	rng = 1;
	mlw_time_parse("2026-11-01T00:00:00Z", 20, &t, &why);
	while ((ch = getopt_long(argc, argv, "hi:n:rs:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			if (mlw_int_strict(optarg, 0, INT64_MAX, &drift_at) < 0)
				mlw_usage();
			break;
		case 'C':
			/* concept (the default): after drift-at the labels no
			 * longer follow the score, so quality drops unseen by
			 * the scores; covariate: the inputs crowd towards the
			 * decision boundary (age, tenure and the model's
			 * latent input spread 1 / (1 + drift) as widely) while
			 * the label still follows the score, so quality drops
			 * and the scores show it; correlation: age and tenure
			 * correlate +0.6 before drift-at and -0.6 after (the
			 * reference +0.6), every marginal the same, the label
			 * following the score: only a multivariate test sees it */
			if (strcmp(optarg, "covariate") == 0)
				shift = SH_COVARIATE;
			else if (strcmp(optarg, "concept") == 0)
				shift = SH_CONCEPT;
			else if (strcmp(optarg, "correlation") == 0)
				shift = SH_CORRELATION;
			else
				mlw_fatal("--shift: expected concept, covariate or "
				    "correlation, found '%s'", optarg);
			break;
		case 'D':
			if (mlw_num_strict(optarg, &drift) < 0)
				mlw_usage();
			break;
		case 'L':
			/* labels go to FILE, as if they arrived later: one a
			 * prediction, but for every 20th that is never labeled */
			if ((lf = fopen(optarg, "w")) == NULL)
				mlw_fatal_errno("%s", optarg);
			break;
		case 'M':
			/* record i is model m = i mod N + 1 ("m1" ... "mN"),
			 * whose ages are 2 (m - 1) mod 10 years older and whose
			 * drift starts (m - 1) (n - drift-at) / 2N records
			 * later, so that models differ and drift one by one */
			if (mlw_int_strict(optarg, 1, 100000, &models) < 0)
				mlw_fatal("--models: expected a whole number from "
				    "1 to 100000, found '%s'", optarg);
			break;
		case 'S':
			if (mlw_time_parse(optarg, strlen(optarg), &t, &why) < 0)
				mlw_fatal("--start: %s", why);
			break;
		case 'h':
			printf("usage: %s\n", usage_text);
			return 0;
		case 'i':
			if (mlw_duration_parse(optarg, &interval) < 0)
				mlw_usage();
			break;
		case 'n':
			if (mlw_int_strict(optarg, 0, INT64_MAX, &n) < 0)
				mlw_usage();
			break;
		case 'r':
			reference = 1;
			break;
		case 's':
			if (mlw_int_strict(optarg, 0, INT64_MAX, &ll) < 0)
				mlw_usage();
			rng = (uint64_t)ll * 0x9E3779B97F4A7C15ULL + 1;
			break;
		default:
			mlw_usage();
		}
	}
	for (i = 0; i < n; i++, t += interval) {
		long long m = models ? i % models : 0;
		long long at = drift_at + (models ? m * (n - drift_at) /
		    (2 * models) : 0);
		double d = drift_at >= 0 && i >= at ? drift : 0;
		int corr = shift == SH_CORRELATION;
		double sp = shift == SH_COVARIATE ? 1 / (1 + (d < 0 ? -d : d)) :
		    1;
		double za = normal();
		double age = 38 + 2 * (double)(m % 5) + 9 * sp * za +
		    (shift == SH_CONCEPT ? 8 * d : 0);
		char model[32];
		double income = 42000 + 9000 * normal() + (corr ? 0 :
		    3000 * d * normal());
		double tenure_f = corr ? 30 + 18 * ((d > 0 ? -0.6 : 0.6) * za +
		    0.8 * normal()) : 30 + 18 * sp * normal() -
		    (shift == SH_CONCEPT ? 10 * d : 0);
		long tenure = tenure_f < 0 ? 0 : (long)tenure_f;
		const char *country = pick(countries, d > 0 && !corr ? cw1 : cw0,
		    5);
		const char *device = pick(devices, d > 0 && !corr ? dw1 : dw0, 3);
		int premium = uniform() < 0.2;
		double z = 0.04 * (age - 38) - 0.03 * (tenure - 30) +
		    (premium ? -0.8 : 0.2) + 0.6 * sp * normal();
		double score = 0.5 + 0.5 * z / (1 + (z < 0 ? -z : z));
		/* after a concept drift the true relation changes: quality
		 * drops; after a covariate shift the label follows the
		 * score as before */
		double truth = d > 0 && shift == SH_CONCEPT ?
		    0.5 + 0.25 * normal() : score;
		int label = uniform() < truth;
		char ts[MLW_TIME_MAX];

		if (age < 18)
			age = 18;
		if (income < 0)
			income = 0;
		mlw_time_format(t, ts);
		if (models)
			snprintf(model, sizeof model, "m%lld", m + 1);
		else
			snprintf(model, sizeof model, "churn-v3");
		if (reference && models)
			printf("{\"model\":\"%s\",", model);
		if (reference)
			printf("%s\"features\":{\"age\":%.1f,\"income\":%.2f,"
			    "\"tenure\":%ld,\"country\":\"%s\",\"device\":\"%s\","
			    "\"premium\":%s},\"score\":%.4f,\"label\":%d}\n",
			    models ? "" : "{", age, income, tenure, country, device,
			    premium ? "true" : "false", score, label);
		else if (lf) {
			printf("{\"ts\":\"%s\",\"id\":\"p%07lld\",\"model\":"
			    "\"%s\",\"features\":{\"age\":%.1f,\"income\":"
			    "%.2f,\"tenure\":%ld,\"country\":\"%s\",\"device\":"
			    "\"%s\",\"premium\":%s},\"score\":%.4f,\"prediction\":"
			    "%d}\n", ts, i, model, age, income, tenure, country, device,
			    premium ? "true" : "false", score, score > 0.5);
			if (i % 20 != 19)
				fprintf(lf, "{\"id\":\"p%07lld\",\"label\":%d}\n",
				    i, label);
		} else
			printf("{\"ts\":\"%s\",\"id\":\"p%07lld\",\"model\":"
			    "\"%s\",\"features\":{\"age\":%.1f,\"income\":"
			    "%.2f,\"tenure\":%ld,\"country\":\"%s\",\"device\":"
			    "\"%s\",\"premium\":%s},\"score\":%.4f,\"prediction\":"
			    "%d,\"label\":%d}\n", ts, i, model, age, income, tenure,
			    country, device, premium ? "true" : "false", score,
			    score > 0.5, label);
	}
	if (lf && (fflush(lf) == EOF || ferror(lf) || fclose(lf) == EOF))
		mlw_fatal_errno("--labels: write error");
	mlw_out_close();
	return 0;
}
