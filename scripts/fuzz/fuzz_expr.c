/* Fuzz target: the expression language and summary templates: compile
 * the first line, evaluate it and render it as a template over the record
 * on the second line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "json.h"
#include "jsonw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mlw_json doc;
	static struct mlw_buf b;
	char *s = malloc(size + 1), *nl, err[200];
	const char *rec = "{\"psi\":0.3,\"f\":\"age\",\"b\":true,\"o\":{\"x\":-2}}";
	struct mlw_expr *e;
	double v;

	memcpy(s, data, size);
	s[size] = '\0';
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		rec = nl + 1;
	}
	if (mlw_json_parse(&doc, rec, strlen(rec)) != 0 ||
	    doc.tok[0].type != MLW_JOBJ)
		mlw_json_parse(&doc, "{}", 2);
	if ((e = mlw_expr_compile(s, err, sizeof err)) != NULL) {
		mlw_expr_test(e, &doc);
		mlw_expr_value(e, &doc, &v);
		mlw_expr_free(e);
	}
	if (mlw_template_check(s, err, sizeof err) == 0) {
		b.len = 0;
		mlw_template(&b, s, &doc);
	}
	free(s);
	return 0;
}
