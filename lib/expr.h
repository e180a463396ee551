/* expr: the condition language of mlw-alert (and any later filter).
 *
 *   expr    := or
 *   or      := and { ("||" | "or") and }
 *   and     := not { ("&&" | "and") not }
 *   not     := ("!" | "not") not | cmp
 *   cmp     := sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ]
 *   sum     := product { ("+" | "-") product }
 *   product := unary { ("*" | "/") unary }
 *   unary   := "-" unary | primary
 *   primary := NUMBER | STRING | "true" | "false" | PATH
 *            | ("abs" | "min" | "max") "(" expr { "," expr } ")"
 *            | ("missing" | "exists") "(" PATH ")" | "(" expr ")"
 *
 * NUMBER is a JSON number; STRING is in double or single quotes with
 * backslash escapes; PATH is a dotted field path (names of letters, digits
 * and _, "\." for a dot inside a name). Evaluation touches nothing but the
 * record. A missing field or a value of the wrong type makes the whole
 * expression "undefined" (the record does not match), except inside
 * missing()/exists() and where && and || decide from their left side alone.
 */
#ifndef MLW_EXPR_H
#define MLW_EXPR_H

#include <stddef.h>

#include "json.h"
#include "jsonw.h"

struct mlw_expr;

/* Compile src. NULL on a syntax error, with err (room for errlen bytes) set
 * to "column N: expected X, found Y". */
struct mlw_expr *mlw_expr_compile(const char *src, char *err, size_t errlen);
void mlw_expr_free(struct mlw_expr *e);
const char *mlw_expr_source(const struct mlw_expr *e);

/* Evaluate as a condition over the object at token 0 of doc: 1 true,
 * 0 false, -1 undefined (a missing field, a wrong type, a non-boolean
 * result or a division by zero). */
int mlw_expr_test(const struct mlw_expr *e, const struct mlw_json *doc);

/* The first field of e (in reading order, outside missing() and exists())
 * that the record at token 0 of doc lacks or holds as null: its path as
 * written; or NULL when every field is there (a type or a division made
 * the condition undefined). For messages. */
const char *mlw_expr_absent(const struct mlw_expr *e,
    const struct mlw_json *doc);

/* The number an alert reports: the left side of the expression's first
 * comparison (for "psi > 0.2", psi). 0 and *v set, or -1 when there is no
 * comparison or it is not a number for this record. */
int mlw_expr_value(const struct mlw_expr *e, const struct mlw_json *doc,
    double *v);

/* The same left side as JSON (a number in shortest form, a string, true
 * or false) appended to b: 0, or -1 (nothing appended) when there is no
 * comparison or it is undefined for this record. */
int mlw_expr_value_json(const struct mlw_expr *e, const struct mlw_json *doc,
    struct mlw_buf *b);

/* The first comparison of e (in reading order) between a field whose path
 * text starts with prefix ("params.") and a number: that path as written,
 * or NULL. For warnings where such fields are always strings. */
const char *mlw_expr_number_compare(const struct mlw_expr *e,
    const char *prefix);

/* Append to b the template with each {path} replaced by that field of the
 * record (strings as they are, numbers in shortest form, a missing field as
 * nothing); {path:.3f} prints a number with 3 decimals, {path:.4g} with 4
 * significant digits (C locale); "{{" and "}}" are literal braces. */
void mlw_template(struct mlw_buf *b, const char *tmpl,
    const struct mlw_json *doc);
/* Check a template's braces: 0, or -1 with err set. */
int mlw_template_check(const char *tmpl, char *err, size_t errlen);

#endif
