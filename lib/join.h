/* join: delayed labels attached to predictions by key (mlw-join): the
 * labels held in memory by key (key.h), the predictions streamed. */
#ifndef MLW_JOIN_H
#define MLW_JOIN_H

#include "io.h"

struct mlw_join_opts {
	const char *key;         /* --key: the path of the key on both sides */
	const char *labels;      /* --labels FILE ("-": standard input) */
	const char *field;       /* --label-field: the label's path there */
	const char *as;          /* --as: the member the label becomes */
	const char *unmatched;   /* --unmatched FILE, or NULL */
};

/* mlw-join's work: read the labels (an unreadable labels file is fatal
 * before anything is written; a record without its key or label is
 * rejected; of keys given twice the last wins, counted), then write every
 * record of in with its label as member o->as at the end (the record's
 * own members kept byte for byte, an old o->as left out), or as it was
 * when no label has its key (counted, and appended to the unmatched
 * file). Keys are strings or numbers compared by exact value; the string
 * "1" never matches the number 1, which is said when nothing matched for
 * that reason. */
void mlw_join_run(const struct mlw_join_opts *o, struct mlw_input *in);

#endif
