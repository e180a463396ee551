/* Fuzz target: the JSON parser, string decoding, numbers, path lookups
 * (one at a time and as a set, which must agree), the window reader and
 * the record copier, whose output must parse again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonw.h"
#include "window.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"a", "a.b", "features.age", "t", "window_start", "x.y.z", "a\\.b",
	"mlw", "s", "n.m",
};
#define NP (sizeof paths / sizeof paths[0])

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mlw_json doc, again, lenient;
	static struct mlw_path p[NP];
	static struct mlw_pathset set;
	static int ready;
	static struct mlw_buf b;
	long got[NP];
	char *line, *tmp;
	uint32_t i;
	size_t k;

	if (!ready) {
		for (k = 0; k < NP; k++)
			mlw_path_parse(&p[k], paths[k]);
		mlw_pathset_init(&set, p, NP);
		ready = 1;
	}
	if (size > (1u << 20))
		return 0;
	line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	/* the lenient parser: on JSON, the very same tokens; its nulls from
	 * NaN or an infinity lie within the line */
	if (mlw_json_parse_nonfinite(&lenient, line, size) == 0) {
		for (i = 0; i < lenient.ntok; i++)
			if (lenient.tok[i].start + lenient.tok[i].len > size)
				abort();
	}
	if (mlw_json_parse(&doc, line, size) == 0) {
		if (mlw_json_parse_nonfinite(&lenient, line, size) != 0 ||
		    lenient.nnonfinite != 0 || lenient.ntok != doc.ntok)
			abort();        /* the two parsers disagree on JSON */
		for (i = 0; i < doc.ntok; i++)
			if (lenient.tok[i].start != doc.tok[i].start ||
			    lenient.tok[i].len != doc.tok[i].len ||
			    lenient.tok[i].type != doc.tok[i].type)
				abort();
		tmp = malloc(size + 1);
		for (i = 0; i < doc.ntok; i++) {
			double d;

			if (doc.tok[i].type == MLW_JSTR) {
				mlw_json_str(&doc, i, tmp, size);
				mlw_json_streq(&doc, i, "a", 1);
			} else if (doc.tok[i].type == MLW_JNUM)
				mlw_json_num(&doc, i, &d);
		}
		free(tmp);
		if (doc.tok[0].type == MLW_JOBJ) {
			struct mlw_wkey key;
			const char *why;
			static const char *const omit[] = { "window_start", "a" };

			mlw_json_getset(&doc, &set, got);
			for (k = 0; k < NP; k++)
				if (got[k] != mlw_json_get(&doc, 0, &p[k]))
					abort();        /* the two lookups disagree */
			mlw_wkey_get(&doc, &key, &why);
			b.len = 0;
			mlw_jw_copy_open(&b, &doc, omit, 2);
			mlw_jw_key(&b, "z");
			mlw_jw_num(&b, 1.5);
			mlw_jw_close(&b, '}');
			if (mlw_json_parse(&again, b.p, b.len) != 0)
				abort();        /* the copy is not JSON */
		}
	}
	free(line);
	return 0;
}
