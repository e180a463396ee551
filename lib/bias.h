/* bias: mlw-bias's work per window: each group's confusion counts
 * (fair.h) and the record of each group and of their disparities. */
#ifndef MLW_BIAS_H
#define MLW_BIAS_H

#include "io.h"

struct mlw_bias_opts {
	const char *group;       /* --group: the sensitive feature's path */
	const char *label;       /* --label */
	const char *pred;        /* --pred, or NULL with score */
	const char *score;       /* --score, or NULL with pred */
	double threshold;        /* --threshold, for score */
	const char *positive;    /* --positive, or NULL: 1/true */
	const char *ref;         /* --reference-group, or NULL: the largest */
};

/* mlw-bias's work: count every record of in into its window's group
 * (values of the wrong type rejected; a record without group, label or
 * prediction skipped and counted), and when a window closes write one
 * record per group and one of the disparities against the reference
 * group, with a message when a rate is null. With seg (--by, seg.h), the
 * groups are counted within each segment, and a window writes those
 * records for every segment it saw, in the order it saw them, each naming
 * its segment (mlw_seg_members). */
struct mlw_seg;
void mlw_bias_run(const struct mlw_bias_opts *o, struct mlw_seg *seg,
    struct mlw_input *in);

#endif
