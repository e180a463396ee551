/* mlw-track: record a training run (params, tags, the metrics a command
 * prints as JSON lines, its status) in an append-only store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt.h"
#include "track_log.h"
#include "track_store.h"
#include "xalloc.h"

static const char usage_text[] =
    "mlw-track [--store FILE] [--experiment NAME] [--run-name NAME]\n"
    "                 [--param K=V]... [--tag K=V]... [--param-fields NAMES]\n"
    "                 [--tag-fields NAMES]\n"
    "                 [-- COMMAND [ARG ...]]";

struct list {
	char **v;
	size_t n;
};

/* --param-fields, --tag-fields: a list of names, the last one wins. */
static void
fields_opt(struct list *l, const char *opt, const char *arg)
{
	char name[64];

	snprintf(name, sizeof name, "--%s", opt);
	l->v = mlw_list_opt(name, arg, l->v, &l->n);
}

/* --param, --tag: KEY=VALUE, added to the list. */
static void
kv_opt(struct list *l, const char *opt, char *arg)
{
	if (strchr(arg, '=') == NULL || *arg == '=')
		mlw_opt_error("--%s: expected KEY=VALUE, found '%s'", opt, arg);
	l->v = mlw_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = arg;
}

/* The value of an option, else of the environment variable env, else
 * dflt (an empty value counts as none). */
static const char *
or_env(const char *opt, const char *env, const char *dflt)
{
	if (opt == NULL)
		opt = getenv(env);
	return opt == NULL || *opt == '\0' ? dflt : opt;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "experiment", required_argument, NULL, 'e' },
		{ "param", required_argument, NULL, 'p' },
		{ "param-fields", required_argument, NULL, 'P' },
		{ "run-name", required_argument, NULL, 'n' },
		{ "store", required_argument, NULL, 's' },
		{ "tag", required_argument, NULL, 't' },
		{ "tag-fields", required_argument, NULL, 'T' },
		MLW_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct list params = { 0 }, tags = { 0 }, pfields = { 0 }, tfields = { 0 };
	struct mlw_tstart st;
	const char *store = NULL;
	int ch, filter, rc;

	argv[0] = mlw_opt_init(argv[0], usage_text);
	memset(&st, 0, sizeof st);
	while ((ch = getopt_long(argc, argv, "+e:hn:p:s:t:", longopts,
	    NULL)) != -1) {
		if (mlw_common_opt(ch, optarg))
			continue;
		switch (ch) {
		case 'P':
			fields_opt(&pfields, "param-fields", optarg);
			break;
		case 'T':
			fields_opt(&tfields, "tag-fields", optarg);
			break;
		case 'e':
			st.experiment = optarg;
			break;
		case 'n':
			st.run_name = optarg;
			break;
		case 'p':
			kv_opt(&params, "param", optarg);
			break;
		case 's':
			store = optarg;
			break;
		case 't':
			kv_opt(&tags, "tag", optarg);
			break;
		default:
			mlw_usage();
		}
	}
	argc -= optind;
	argv += optind;
	filter = argc == 0;
	store = or_env(store, "MLW_STORE", MLW_STORE_DEFAULT);
	st.experiment = or_env(st.experiment, "MLW_EXPERIMENT", "Default");
	if (st.run_name == NULL && !filter) {
		st.run_name = strrchr(argv[0], '/');
		st.run_name = st.run_name ? st.run_name + 1 : argv[0];
	}
	st.params = params.v;
	st.nparams = params.n;
	st.tags = tags.v;
	st.ntags = tags.n;
	rc = mlw_track_run(store, &st, filter ? NULL : argv, argc, pfields.v,
	    pfields.n, tfields.v, tfields.n);
	free(params.v);
	free(tags.v);
	mlw_free_list(tfields.v, tfields.n);
	mlw_free_list(pfields.v, pfields.n);
	return rc;
}
