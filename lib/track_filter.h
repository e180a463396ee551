/* track_filter: filters in MLflow's search syntax (mlw-runs --where)
 * translated into the expression language of expr.h. */
#ifndef MLW_TRACK_FILTER_H
#define MLW_TRACK_FILTER_H

#include <stddef.h>

#include "buf.h"
#include "json.h"

/* A filter translated into the expression language of expr.h. Fields that
 * the expression language cannot name (keys with characters other than
 * letters, digits, _ and .) and LIKE tests are computed by mlw_filter_extend()
 * into a member "__mlw" of the record, and the expression names them
 * __mlw.a0, __mlw.a1 ... */
struct mlw_falias {
	int like;                /* 0: the field's value; 1 LIKE; 2 ILIKE */
	char *path;              /* the field, for mlw_path_parse() */
	char *pat;               /* the LIKE pattern */
};
struct mlw_filter {
	struct mlw_buf text;     /* the expression, NUL-terminated */
	struct mlw_falias *a;
	size_t n;
};

/* Translate a filter in MLflow's search syntax, or already in the
 * expression language, into f (zeroed by the caller): AND/OR/NOT (any
 * case) become && || !, a lone = becomes ==, <> becomes !=, the entity
 * prefixes metric(s)./param(s)./tag(s). become metrics. params. tags.,
 * attribute(s)./attr./run. are dropped, and the rest of such a name
 * (backquoted parts allowed) is one key, its dots escaped. FIELD LIKE
 * 'pattern' and ILIKE (% any run, _ one character; ILIKE ignores ASCII
 * case) become aliases. 0, or -1 with err set (IN, IS, a bad LIKE). */
int mlw_filter_translate(const char *src, struct mlw_filter *f, char *err,
    size_t errlen);
/* Free what f holds and zero it. */
void mlw_filter_free(struct mlw_filter *f);

/* Write to b (emptied first) the record of doc (an object at token 0) with
 * the member "__mlw" holding the aliases of f, to evaluate f->text on. */
void mlw_filter_extend(const struct mlw_filter *f, const struct mlw_json *doc,
    struct mlw_buf *b);

#endif
