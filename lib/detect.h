/* detect: online change detectors over a stream of numbers, one small state
 * machine each (Page-Hinkley, CUSUM, ADWIN, DDM, EDDM, HDDM-A, HDDM-W,
 * KSWIN). The update rules and defaults are those of River's drift module;
 * each rule is written out in lib/detect.c and in mlw-detect(1). */
#ifndef MLW_DETECT_H
#define MLW_DETECT_H

#include <stdint.h>

enum mlw_det_method {
	MLW_DET_PAGE_HINKLEY, MLW_DET_CUSUM, MLW_DET_ADWIN, MLW_DET_DDM,
	MLW_DET_EDDM, MLW_DET_HDDM_A, MLW_DET_HDDM_W, MLW_DET_KSWIN,
	MLW_DET_NMETHODS
};

/* The largest magnitude of a value the detectors take: beyond it, the
 * running sums and squares of River's update rules could overflow to
 * infinity and leave a detector dead for good (a mean of NaN compares
 * false forever). mlw-detect rejects such values. */
#define MLW_DET_MAX 1e100

/* What one update found. */
enum mlw_det_result { MLW_DET_NONE, MLW_DET_WARNING, MLW_DET_DRIFT };

/* Which direction of change Page-Hinkley and CUSUM look for. */
enum mlw_det_mode { MLW_DET_BOTH, MLW_DET_UP, MLW_DET_DOWN };

/* The options of every method; mlw_det_defaults() fills those of one
 * method with River's defaults. Where River gives two methods a parameter
 * of the same name (delta, alpha, warm_start) they share a member. */
struct mlw_det_opts {
	enum mlw_det_method method;
	int mode;                      /* page-hinkley, cusum: enum mlw_det_mode */
	double delta;                  /* page-hinkley 0.005; adwin 0.002 */
	double threshold;              /* page-hinkley: lambda, 50 */
	double alpha;                  /* page-hinkley: fading 1 - 0.0001;
	                                  eddm: warning level 0.95;
	                                  kswin: significance 0.005 */
	double beta;                   /* eddm: drift level 0.9 */
	long long min_instances;       /* page-hinkley 30 */
	long long warmup;              /* cusum 30 */
	double k, h;                   /* cusum 0.5, 5 (standard deviations) */
	long long clock;               /* adwin 32 */
	long long max_buckets;         /* adwin 5 */
	long long min_window_length;   /* adwin 5 */
	long long grace_period;        /* adwin 10 */
	long long warm_start;          /* ddm, eddm 30 */
	double warning_threshold;      /* ddm 2 */
	double drift_threshold;        /* ddm 3 */
	double drift_confidence;       /* hddm-a, hddm-w 0.001 */
	double warning_confidence;     /* hddm-a, hddm-w 0.005 */
	double lambda;                 /* hddm-w 0.05 */
	int two_sided;                 /* hddm-a, hddm-w: 0 */
	long long window_size;         /* kswin 100 */
	long long stat_size;           /* kswin 30 */
	uint64_t seed;                 /* kswin 0 */
};

struct mlw_det;

/* The method named name ("page-hinkley", "cusum", "adwin", "ddm", "eddm",
 * "hddm-a", "hddm-w", "kswin"): 0 and *m set, or -1. */
int mlw_det_method_parse(const char *name, enum mlw_det_method *m);
const char *mlw_det_method_name(enum mlw_det_method m);
/* True for the methods that read a stream of 0/1 errors (DDM, EDDM,
 * HDDM-A, HDDM-W); they are given only 0 and 1. */
int mlw_det_binary(enum mlw_det_method m);

/* Fill o with method m's defaults (every other member too, harmlessly). */
void mlw_det_defaults(struct mlw_det_opts *o, enum mlw_det_method m);
/* NULL when the options of o's method are valid, else a message naming the
 * bad option in command-line terms (e.g. "--beta must not exceed --alpha"). */
const char *mlw_det_check(const struct mlw_det_opts *o);

/* A detector with options o (checked by mlw_det_check()); exits 2 when out
 * of memory. All its memory is allocated here: updates allocate nothing. */
struct mlw_det *mlw_det_new(const struct mlw_det_opts *o);
/* Feed one value. Returns MLW_DET_DRIFT when a change is detected (and the
 * detector has then reset itself, as River's do before their next update),
 * MLW_DET_WARNING while a method with a warning zone is in it, or
 * MLW_DET_NONE. *stat receives the method's statistic after this value
 * (see mlw-detect(1): the Page-Hinkley or CUSUM sum, ADWIN's mean
 * difference at the cut, DDM's p+s, EDDM's level, the HDDM mean
 * difference, KSWIN's D); NaN when this value gave the method none. For
 * KSWIN, *p gets the p-value of this value's test (NaN while the window
 * is not full); other methods set it to NaN. stat and p may be NULL. */
enum mlw_det_result mlw_det_update(struct mlw_det *d, double x, double *stat,
    double *p);
/* Forget everything seen: as new. */
void mlw_det_reset(struct mlw_det *d);
void mlw_det_free(struct mlw_det *d);

#endif
