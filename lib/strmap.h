/* strmap: a hash map from byte strings to dense indices 0, 1, 2 ... in
 * insertion order (categories, field names). */
#ifndef MLW_STRMAP_H
#define MLW_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct mlw_strmap {
	struct mlw_strent { char *s; size_t len; uint64_t hash; } *ent;
	size_t n, cap;           /* entries, in insertion order */
	uint32_t *slot;          /* open addressing: entry index + 1, 0 empty */
	size_t nslot;
};

/* Index of s, or -1 when absent. */
long mlw_strmap_find(const struct mlw_strmap *m, const char *s, size_t len);
/* Index of s, added at the end when absent. */
size_t mlw_strmap_add(struct mlw_strmap *m, const char *s, size_t len);
void mlw_strmap_free(struct mlw_strmap *m);

#endif
