/* json: a validating JSON parser for one record (one line) into a flat,
 * reusable token array, and lookup of fields by dotted path. */
#ifndef MLW_JSON_H
#define MLW_JSON_H

#include <stddef.h>
#include <stdint.h>

/* Deepest nesting of arrays and objects accepted. */
#define MLW_JSON_DEPTH 256

enum mlw_jtype {
	MLW_JNULL, MLW_JFALSE, MLW_JTRUE, MLW_JNUM, MLW_JSTR, MLW_JARR, MLW_JOBJ
};

/*
 * A value. Members of an object are a key token (a string) followed by the
 * value's token(s). next is the index just past this value and everything
 * inside it, so siblings are walked with i = tok[i].next.
 */
struct mlw_jtok {
	uint32_t start;      /* offset of the first byte (the quote of strings) */
	uint32_t len;        /* raw length in bytes, quotes included */
	uint32_t next;
	uint8_t type;        /* enum mlw_jtype */
	uint8_t esc;         /* strings: contains a backslash escape */
	uint8_t nonfinite;   /* a NaN or an infinity, read as a null (see
	                      * mlw_json_parse_nonfinite) */
};

struct mlw_json {
	const char *src;     /* the line parsed */
	size_t srclen;
	struct mlw_jtok *tok;
	uint32_t ntok, cap;
	uint32_t nnonfinite; /* tokens with nonfinite set */
	char *scratch;       /* a copy of the line, for the second parse */
	size_t scratchcap;
	char err[128];       /* after a failed parse: what was wrong and where */
	int truncated;       /* after a failed parse: the text ended where
	                      * more was needed (a prefix of valid JSON, as
	                      * a line cut short by a killed writer is) */
};

/* A parsed dotted path ("features.age", "a\.b" for a member named a.b). */
struct mlw_path {
	char *text;          /* as the user wrote it */
	size_t nseg;
	char **seg;          /* decoded member names */
	size_t *seglen;
};

/* A set of paths looked up together in one walk of a record. */
struct mlw_pathset {
	struct mlw_pnode {
		const char *name;
		size_t len;
		long leaf;           /* index of the path ending here, or -1 */
		long child, sibling; /* node indices, -1 for none */
	} *node;
	size_t nnode;
	size_t npath;
	long *alias;             /* path i is the same as path alias[i] */
};

/* Parse a whole line as one JSON value (RFC 8259: strict numbers, escapes,
 * UTF-8, no trailing data) into doc, reusing doc's token storage. Returns 0,
 * or -1 with doc->err describing the problem and its 1-based column. */
int mlw_json_parse(struct mlw_json *doc, const char *s, size_t len);
/* As mlw_json_parse, but a NaN, Infinity or -Infinity (and -NaN) where a
 * value stands, as Python's json.dumps writes non-finite floats, is read as
 * a null token (so a missing value) with nonfinite set, its start and len
 * those of the word; doc->nnonfinite counts them. A line with none parses
 * exactly as mlw_json_parse parses it (same tokens, same errors). */
int mlw_json_parse_nonfinite(struct mlw_json *doc, const char *s,
    size_t len);
void mlw_json_free(struct mlw_json *doc);

/* Index of the value at path p within the object at index obj, or -1 when
 * absent (a JSON null is returned as a token; see mlw_json_missing). The
 * last member of a name wins when keys repeat. */
long mlw_json_get(const struct mlw_json *doc, uint32_t obj,
    const struct mlw_path *p);
/* Index of the member named name (len bytes, decoded) in object obj, or -1. */
long mlw_json_member(const struct mlw_json *doc, uint32_t obj,
    const char *name, size_t len);
/* True when i < 0 or the token is null: "missing" in mlw(7), FIELD PATHS. */
int mlw_json_missing(const struct mlw_json *doc, long i);

/* Decode string token i into out: as much of it as fits in cap bytes
 * (strings are never longer decoded than raw, so t->len - 2 bytes always
 * hold it whole), never part of an escaped character. Returns the decoded
 * length. Lone surrogates in \u escapes decode to U+FFFD. */
size_t mlw_json_str(const struct mlw_json *doc, uint32_t i, char *out,
    size_t cap);
/* String token i decoded into a new C string (free it), its length in
 * *len: a NUL (\u0000), which would end a C string, becomes U+FFFD. */
char *mlw_json_cstr(const struct mlw_json *doc, uint32_t i, size_t *len);
/* Compare string token i with name (len bytes) after decoding. */
int mlw_json_streq(const struct mlw_json *doc, uint32_t i, const char *name,
    size_t len);
/* The double of number token i (as strtod); 0, or -1 on overflow. */
int mlw_json_num(const struct mlw_json *doc, uint32_t i, double *out);
const char *mlw_json_typename(int type);

/* Compile paths[0..n) into a set (the paths must outlive it). */
void mlw_pathset_init(struct mlw_pathset *s, const struct mlw_path *paths,
    size_t n);
void mlw_pathset_free(struct mlw_pathset *s);
/* For each path i of the set, out[i] = the token index of its value in the
 * object at token 0, or -1 when absent; as mlw_json_get() for each path
 * (the last of repeated names wins), in one walk of the record. */
void mlw_json_getset(const struct mlw_json *doc, const struct mlw_pathset *s,
    long *out);

/* Parse a dotted path; 0, or -1 for an empty path or segment. */
int mlw_path_parse(struct mlw_path *p, const char *text);
void mlw_path_free(struct mlw_path *p);
/* Write to out (room for 2*len bytes) the path text of a member name,
 * with dots, backslashes and commas escaped by a backslash so that the text
 * reads back as one segment, also inside a comma-separated list. */
size_t mlw_path_escape(const char *name, size_t len, char *out);

#endif
