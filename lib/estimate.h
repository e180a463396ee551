/* estimate: mlw-estimate's work: a model's quality estimated from its
 * scores before the labels arrive, by NannyML's confidence-based
 * performance estimation (CBPE): an isotonic calibrator and the sampling
 * errors and alert thresholds fitted on a labelled reference (or read from
 * a saved estimator), then per window and segment the expected confusion
 * counts and the metrics from them, beside the realized metrics of the
 * records that carry a label. */
#ifndef MLW_ESTIMATE_H
#define MLW_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"

/* Calibrated probabilities and raw scores are kept per distinct value for
 * the ROC AUCs up to this many values per class and window; beyond, they
 * are rounded to a grid (see mlw-estimate(1)). */
#define MLW_EST_EXACT 8192
#define MLW_EST_MAX_CLASSES 64

enum { MLW_CAL_AUTO, MLW_CAL_ALWAYS, MLW_CAL_NEVER };

struct mlw_est_opts {
	const char *ref;          /* --ref: the labelled reference, or NULL */
	const char *model;        /* --model: a saved estimator, or NULL */
	const char *save;         /* --save FILE: fit, save, exit */
	/* binary: score (and pred, or threshold); multiclass: classes[k]
	 * and scores[k], and pred */
	const char *score;
	char **classes, **scores;
	size_t nclasses;
	const char *pred;
	double threshold;
	const char *label;
	const char *positive;
	int calibrate;            /* MLW_CAL_* */
	uint64_t chunk;           /* --chunk: reference chunk size, 0 = n/10 */
	int emit, merge;
};

struct mlw_est;
struct mlw_seg;

/* Fit on o->ref, or load o->model (fatal when bad); with o->save, write
 * the estimator there (atomically) and return NULL. */
struct mlw_est *mlw_est_new(const struct mlw_est_opts *o, struct mlw_seg *seg);
/* The work per window and segment: one record per metric as each window
 * closes (or, with emit, the states; with merge, read states). */
void mlw_est_run(struct mlw_est *e, struct mlw_input *in);
void mlw_est_free(struct mlw_est *e);

#endif
