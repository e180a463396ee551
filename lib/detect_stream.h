/* detect_stream: mlw-detect's work: one change detector (detect.h) per
 * --by key over a field of a stream, its method options by name, and the
 * records of the changes it finds. */
#ifndef MLW_DETECT_STREAM_H
#define MLW_DETECT_STREAM_H

#include <getopt.h>
#include <stddef.h>

#include "detect.h"
#include "io.h"

/* getopt_long values of the method options: MLW_DET_OPT_BASE + i. */
#define MLW_DET_OPT_BASE 256
/* How many method options there are. */
#define MLW_DET_NOPTS 23
/* Write the method options' getopt_long entries (--mode, --delta, ...,
 * --seed) to out[0..MLW_DET_NOPTS); returns MLW_DET_NOPTS. */
size_t mlw_det_longopts(struct option *out);
/* Fill o with the defaults of method (its name, as River's) and then the
 * method options given (given[i] the text of option i, "" for a flag, or
 * NULL when not given). A usage error (exit 2) for an unknown method, an
 * option the method does not take, a bad value, or options that do not
 * fit together. */
void mlw_det_options(struct mlw_det_opts *o, const char *method,
    const char *const *given);

struct mlw_detect_opts {
	const char *field;       /* --field: the values fed */
	const char *method;      /* --method, as named (for the records) */
	struct mlw_det_opts det; /* from mlw_det_options */
	char **by;               /* --by paths' texts */
	size_t nby;
	int all;                 /* --all: pass every record through */
};

/* mlw-detect's work: feed each record's field to its key's detector and
 * write the record with change, method, index and statistic (and p_value
 * for kswin) added when the detector finds a change or enters its warning
 * zone, flushed at once; with all, every other record as it was. A record
 * whose field is missing or not a number is skipped (the first said at
 * once, all counted); a value beyond the detectors' range, a non-binary
 * value for an error method, and a key that is an object are rejected. */
void mlw_detect_run(const struct mlw_detect_opts *o, struct mlw_input *in);

#endif
