/* metrics_stream: mlw-metrics' work per window and segment: each labelled
 * record's label, prediction and score read and checked, counted (by the
 * accumulators of metrics.h) in the segment "all" and in its --by segment
 * (key.h), and the records of the metrics when a window closes, or the
 * states that merge exactly. */
#ifndef MLW_METRICS_STREAM_H
#define MLW_METRICS_STREAM_H

#include <stddef.h>

#include "io.h"

enum { MLW_TASK_BINARY, MLW_TASK_MULTICLASS, MLW_TASK_REGRESSION };
/* The tasks' names, by MLW_TASK_*, NULL-ended. */
extern const char *const mlw_task_names[];

struct mlw_metrics_opts {
	int task;                /* MLW_TASK_* */
	const char *label;       /* --label's path */
	const char *pred;        /* --pred, or NULL */
	const char *score;       /* --score, or NULL (binary only) */
	double threshold;        /* the score above which it predicts 1 */
	const char *positive;    /* --positive, or NULL */
	char **by;               /* --by paths' texts */
	size_t nby;
	int bins;                /* --auc-bins, 0 for the exact AUCs */
	int cbins;               /* --calibration-bins, 0 for none */
	int cstrat;              /* --calibration-strategy, MLW_CALIB_* */
	int detail;              /* --detail: the ROC and PR curves */
	int emit, merge;         /* --emit-state, --merge */
};

/* mlw-metrics' work over in (or, with merge, its states): per window one
 * record for "all" and one per --by segment in order of first appearance;
 * unlabelled records counted, a labelled record with a bad prediction,
 * score or segment value rejected; at the end, a word when no record had
 * the label, none was the --positive class, or no record had a --by
 * field. */
void mlw_metrics_run(const struct mlw_metrics_opts *o, struct mlw_input *in);

#endif
