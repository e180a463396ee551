/* key: the identity of a group of records (a segment, a group, an alert's
 * instance, a join key) made from the values at a list of paths, framed by
 * type and length so that two different lists of values never make the same
 * key, and the texts that show it. */
#ifndef MLW_KEY_H
#define MLW_KEY_H

#include <stddef.h>

#include "json.h"
#include "jsonw.h"
#include "strmap.h"

/* Longest key, in bytes (the values framed: about their length plus 5 bytes
 * each); a longer one is an error that names its path. */
#define MLW_KEY_MAX 65536
/* Most distinct keys a table holds unless --max-keys says otherwise. */
#define MLW_KEYS_DEFAULT 100000

/* The kinds of value a key part holds. */
enum mlw_keytype {
	MLW_KEY_MISSING = 'm', MLW_KEY_FALSE = 'f', MLW_KEY_TRUE = 't',
	MLW_KEY_NUM = 'n', MLW_KEY_STR = 's'
};

/* One value of a key. For a number, p holds its exact decimal value in the
 * canonical form [-]DIGITSeEXP (no leading or trailing zeros in DIGITS; "0"
 * for zero); for a string, its decoded bytes (a NUL included). */
struct mlw_keypart {
	int type;            /* enum mlw_keytype */
	const char *p;
	size_t len;
};

/* Append to b the key part of the value at token i of doc (i < 0 or a
 * null: missing). Strings are decoded; numbers are compared by exact value,
 * so 7, 7.0 and 70e-1 are one key and 2^53 and 2^53 + 1 are two; true,
 * false, a string and a number are never equal. Returns 0, or -1 with *why
 * set (and b as it was) when the value cannot be part of a key: an object,
 * an array, a number whose exponent is beyond 1e15, or a key that would be
 * longer than MLW_KEY_MAX. */
int mlw_key_add(struct mlw_buf *b, const struct mlw_json *doc, long i,
    const char **why);
/* Empty b and make the key of doc's values at paths[0..n): 0, or -1 with
 * *bad the index of the path whose value could not be part of it and *why
 * the reason. */
int mlw_key_make(struct mlw_buf *b, const struct mlw_json *doc,
    const struct mlw_path *paths, size_t n, size_t *bad, const char **why);

/* The part of key (len bytes) at *pos: 1 with *part filled and *pos moved
 * past it, or 0 at the end of the key. */
int mlw_key_next(const char *key, size_t len, size_t *pos,
    struct mlw_keypart *part);

/* Append the text of a value, as a label shows it: a string as it is, a
 * number as JSON writes it (its shortest round-trip form when that has the
 * same exact value, else all its digits), true or false; nothing for a
 * missing value. */
void mlw_key_text(struct mlw_buf *b, const struct mlw_keypart *part);
/* Append the text of the value at token i of doc as a label: a scalar as
 * mlw_key_text writes it, an object or an array as its JSON text, nothing
 * for a missing value; a NUL in a string is written as U+FFFD, so that the
 * text is a C string. */
void mlw_key_label(struct mlw_buf *b, const struct mlw_json *doc, long i);
/* Write to b (emptied first) the category text of the scalar at token i, a
 * value as a category of a field is counted: a string decoded, a number as
 * mlw_key_text writes it (-0 as 0, the same class), true or false. Returns
 * 0, or -1 for null, arrays, objects and numbers beyond the doubles. */
int mlw_key_category(struct mlw_buf *b, const struct mlw_json *doc, long i);
/* Append a value as JSON: a string (escaped), a number (as mlw_key_text),
 * true, false or null. */
void mlw_key_json(struct mlw_buf *b, const struct mlw_keypart *part);
/* Append the display text of key: path=value for each part, joined by
 * commas, names[k] the text of path k, values as mlw_key_text, but a string
 * that is empty or holds a comma, an equals sign, a quote, a backslash or a
 * control character written as a JSON string ("", "1,b=2"), so that it is
 * told from a missing value and from the next part. */
void mlw_key_display(struct mlw_buf *b, const char *key, size_t len,
    char *const *names);
/* Append the key's values as a JSON array, each as mlw_key_json. */
void mlw_key_json_array(struct mlw_buf *b, const char *key, size_t len);

/* Append to b the Prometheus and Alertmanager label name for a path's text
 * (label names are [a-zA-Z_][a-zA-Z0-9_]*): every other byte, and a digit
 * in the first place, becomes _, so features.country is features_country. */
void mlw_label_name(struct mlw_buf *b, const char *path);
/* 1 when s is a valid label name as it is, else 0. */
int mlw_label_name_valid(const char *s);

/* Set the most distinct keys one table may hold (--max-keys); 0 restores
 * MLW_KEYS_DEFAULT. */
void mlw_key_set_max(size_t n);
size_t mlw_key_max(void);
/* The index of key in map, added when new: the index, or -1 (nothing
 * added) when it is new and map holds mlw_key_max() keys already. */
long mlw_key_index(struct mlw_strmap *map, const char *key, size_t len);
/* Exit 2 with "FILE:LINE: more than N WHAT (the limit of --max-keys): KEY
 * did not fit", KEY the key's display text (names as mlw_key_display). */
_Noreturn void mlw_key_full(const char *file, unsigned long long line,
    const char *what, const char *key, size_t len, char *const *names);

#endif
