/* alert_stream: mlw-alert's work: the rules (alert.h) of a rules file and
 * of the command line, judged on every record, their transitions written
 * as alert records (or Alertmanager's JSON) and passed to --exec, and the
 * state kept in a locked state file across runs. */
#ifndef MLW_ALERT_STREAM_H
#define MLW_ALERT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "io.h"

struct mlw_alert_opts {
	const char *rules_file;  /* --rules, or NULL */
	const char *cli_name;    /* --name, or NULL */
	const char *const *cli_keys;     /* the command-line rule's other */
	char *const *cli_vals;           /* attributes, in the order given */
	size_t ncli;
	const char *state;       /* --state FILE, or NULL */
	const char *time;        /* --time's path, or NULL */
	int pass;                /* --pass: every input record written too */
	int alertmanager;        /* --format alertmanager */
	char **execv;            /* --exec's words, or NULL */
	int64_t exec_timeout;    /* ns */
	int64_t repeat;          /* --repeat, ns; 0 never */
	int64_t now;             /* --now, when has_now */
	int has_now;
};

/* mlw-alert's work: read the rules (a bad rule or none is a usage error,
 * a bad rules file fatal), lock and load the state file, then judge every
 * record of in at its event time (window_end, else --time's field, else
 * the clock) by every rule, writing the records of alerts that fire,
 * repeat and resolve (flushed, the state saved after each), and at the
 * end the state and the count of records a rule could not judge. */
void mlw_alert_run(const struct mlw_alert_opts *o, struct mlw_input *in);

#endif
