/* alert: alerting rules, their per-key state machine (as Prometheus:
 * inactive -> pending -> firing -> resolved) and the state file that carries
 * it across runs. */
#ifndef MLW_ALERT_H
#define MLW_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "expr.h"
#include "json.h"
#include "strmap.h"

struct mlw_rule {
	char *name;
	struct mlw_expr *when, *clear;
	uint64_t for_n;          /* consecutive true evaluations (0: none) */
	int64_t for_ns;          /* or event time held (0: none) */
	uint64_t keep_n;         /* misses tolerated while firing */
	int64_t keep_ns;         /* or event time tolerated */
	struct mlw_path *by;
	size_t nby;
	char *severity;          /* default "warning" */
	char **lkey, **lval;     /* free labels */
	size_t nlabel;
	char *summary;           /* template or NULL */
	uint64_t undefined;      /* records the condition could not judge */
};

/* Set one attribute of a rule from its text (the same words serve the
 * command line and the rules file): when, clear, for, keep_firing_for, by,
 * severity, label (K=V), summary. 0, or -1 with err set. */
int mlw_rule_set(struct mlw_rule *r, const char *key, const char *val,
    char *err, size_t errlen);
/* Check a finished rule (a name and a condition). 0 or -1 with err. */
int mlw_rule_check(const struct mlw_rule *r, char *err, size_t errlen);
void mlw_rule_free(struct mlw_rule *r);
/* Give a checked rule the defaults of what it leaves unsaid: the severity
 * "warning". */
void mlw_rule_defaults(struct mlw_rule *r);

/* Parse a rules file's text (see mlw-alert(1)): appends to *rules. 0, or
 * -1 with err set to "FILE:LINE: message". */
int mlw_rules_parse(const char *text, const char *file,
    struct mlw_rule **rules, size_t *n, char *err, size_t errlen);

enum { MLW_INACTIVE, MLW_PENDING, MLW_FIRING };
enum { MLW_A_NONE, MLW_A_FIRE, MLW_A_RESOLVE, MLW_A_REPEAT };

struct mlw_astate {
	int state;
	uint64_t count;          /* consecutive true evaluations */
	int64_t since;           /* pending since */
	int64_t starts_at;       /* firing since */
	int64_t last_emit;       /* last firing record written */
	uint64_t miss;           /* consecutive resolving evaluations */
	int64_t miss_since;
};

/* Advance s for one evaluation at event time t: cond is the condition
 * (0/1), clear the clear condition (1 true, 0 false, -1 undefined; used only
 * when the rule has one), repeat_ns the --repeat interval (0: never).
 * Returns what to report: MLW_A_FIRE, MLW_A_RESOLVE, MLW_A_REPEAT or
 * MLW_A_NONE. */
int mlw_alert_step(const struct mlw_rule *r, struct mlw_astate *s, int cond,
    int clear, int64_t t, int64_t repeat_ns);

/* All alert instances: one state per rule and key (the rule's by values). */
struct mlw_alerts {
	struct mlw_strmap keys;  /* "rule\x1fv1\x1fv2..." -> index */
	struct mlw_ainst {
		size_t rule;
		char **val;      /* by values, as labels */
		struct mlw_astate st;
	} *inst;
	size_t cap;
};

/* The instance of rule ri (of rules) for label values val[0..nby). */
struct mlw_ainst *mlw_alerts_get(struct mlw_alerts *a, size_t ri,
    const struct mlw_rule *rules, char *const *val);
void mlw_alerts_free(struct mlw_alerts *a, const struct mlw_rule *rules);

/* Judging records: every rule on each record, as mlw-alert does on a
 * stream and on the inputs of a test file (alert_test.h), one code path
 * for both. */

/* What judging calls for each transition act (MLW_A_FIRE, MLW_A_RESOLVE,
 * MLW_A_REPEAT) of alert in, of rule r, caused by record doc at event
 * time t. */
typedef void mlw_alert_emit_fn(void *arg, const struct mlw_rule *r,
    const struct mlw_ainst *in, int act, const struct mlw_json *doc,
    int64_t t);

struct mlw_judge {
	struct mlw_rule *rules;  /* set by the caller, not owned */
	size_t nrules;
	struct mlw_alerts alerts;
	int64_t repeat;          /* --repeat, ns; 0 never */
	mlw_alert_emit_fn *emit;
	void *arg;               /* for emit */
	char **vals;             /* scratch: label values */
	size_t *off;             /* their offsets in lab */
	size_t valcap;
	struct mlw_buf lab;
};

/* The event time of record doc, before any clock: its top-level
 * window_end when that is an RFC 3339 string, else the field at tp (when
 * tp is not NULL and the field is not missing). 0 with *t set; 1 when the
 * record has neither (the caller's clock applies); -1 with why when tp's
 * field is there but not a time. */
int mlw_alert_time(const struct mlw_json *doc, const struct mlw_path *tp,
    int64_t *t, const char **why);

/* Judge record doc (line line of file, for messages) at event time t by
 * every rule of j, in order. A control record (a top-level member mlw) is
 * not judged. A rule whose when is undefined for the record counts it in
 * its undefined, the first said at once with file and line; otherwise the
 * alert of the record's key takes one mlw_alert_step and each transition
 * goes to j->emit. Returns the number of transitions. */
size_t mlw_judge_record(struct mlw_judge *j, const struct mlw_json *doc,
    const char *file, uint64_t line, int64_t t);
/* Free the alerts and the scratch of j (not its rules); j is then as
 * zeroed, its rules, repeat and emit kept. */
void mlw_judge_reset(struct mlw_judge *j);

/* Load a state file (absent: nothing to load). States of unknown rules are
 * dropped with a note. Exits 2 on a damaged file. */
void mlw_state_load(struct mlw_alerts *a, const char *path,
    const struct mlw_rule *rules, size_t nrules);
/* Save atomically (temporary file, fsync, rename, fsync of the directory);
 * 0, or -1 with errno (a message was printed). */
int mlw_state_save(const struct mlw_alerts *a, const char *path,
    const struct mlw_rule *rules);

#endif
