/* Fuzz target: the reference-profile reader, mlw_psiref_load, over a
 * saved profile ({"mlw":"psi_profile",...} then one record per field) or
 * reference records, under the options chosen by the first byte. A
 * profile that loads is binned against a record, saved, and must load
 * again with the same fields and bins (else abort: mlw-psi --save-ref
 * would write a profile it cannot read). Bad input ends in mlw_fatal,
 * which the harness turns into a return (harness.h; leak detection off). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"
#include "psiref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct job {
	struct mlw_psiref p, again;
	struct mlw_psiref_opts o;
	int loaded;
};

static char *fields[] = { "f.x", "f.c" };
static char *cats[] = { "f.c" };

static int
load(void *arg)
{
	struct job *j = arg;

	mlw_psiref_load(&j->p, mlw_fuzz_path(1, "in"), &j->o);
	j->loaded = 1;
	return 0;
}

static int
reload(void *arg)
{
	struct job *j = arg;
	struct mlw_psiref_opts o;

	memset(&o, 0, sizeof o);
	o.bins = 10;
	o.binning = MLW_BINNING_QUANTILE;
	mlw_psiref_save(&j->p, mlw_fuzz_path(2, "saved"));
	mlw_psiref_load(&j->again, mlw_fuzz_path(2, "saved"), &o);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mlw_json doc;
	static const char rec[] =
	    "{\"f\":{\"x\":3.5,\"c\":\"a\"},\"x\":-1e300,\"c\":true,\"n\":null}";
	struct job j;
	int v = size ? data[0] % 5 : 0;
	size_t i;
	char why[128];

	memset(&j, 0, sizeof j);
	j.o.bins = 10;
	j.o.binning = MLW_BINNING_QUANTILE;
	switch (v) {
	case 1:
		j.o.fields = fields;
		j.o.nfields = 2;
		break;
	case 2:
		j.o.categorical = cats;
		j.o.ncategorical = 1;
		j.o.bins = 4;
		j.o.binning = MLW_BINNING_UNIFORM;
		j.o.bins_given = 1;
		break;
	case 3:
		j.o.keep_values = 1;
		j.o.keep_order = 1;
		break;
	case 4:
		j.o.bins = 2;
		j.o.bins_given = 1;
		break;
	}
	mlw_fuzz_write("in", size ? data + 1 : data, size ? size - 1 : 0);
	if (mlw_fuzz_run(load, &j) != 0 || !j.loaded)
		return 0;       /* rejected with a message: fine */
	if (doc.ntok == 0 && mlw_json_parse(&doc, rec, sizeof rec - 1) != 0)
		abort();
	for (i = 0; i < j.p.nf; i++)
		mlw_feature_bin(&j.p.f[i], &doc,
		    mlw_json_get(&doc, 0, &j.p.f[i].path), why);
	if (mlw_fuzz_run(reload, &j) != 0)
		abort();        /* a saved profile does not load again */
	if (j.again.nf != j.p.nf)
		abort();
	for (i = 0; i < j.p.nf; i++)
		if (j.again.f[i].nbins != j.p.f[i].nbins ||
		    j.again.f[i].ref_n != j.p.f[i].ref_n ||
		    memcmp(j.again.f[i].ref, j.p.f[i].ref,
		    j.p.f[i].nbins * sizeof *j.p.f[i].ref) != 0)
			abort();        /* ... or not as it was */
	mlw_psiref_free(&j.again);
	mlw_psiref_free(&j.p);
	return 0;
}
