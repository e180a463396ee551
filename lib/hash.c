#include "hash.h"

#include <string.h>

uint64_t
mlw_hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t
mlw_hash_u64(uint64_t h, uint64_t v)
{
	unsigned char c[8];
	int i;

	for (i = 0; i < 8; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	return mlw_hash_bytes(h, c, 8);
}

uint64_t
mlw_hash_str(uint64_t h, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	h = mlw_hash_u64(h, s ? n : UINT64_MAX);
	return mlw_hash_bytes(h, s ? s : "", n);
}

uint64_t
mlw_hash_double(uint64_t h, double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return mlw_hash_u64(h, u);
}

uint64_t
mlw_hash_mix(uint64_t h)
{
	/* MurmurHash3's fmix64 */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

uint64_t
mlw_hash64(const void *p, size_t n)
{
	return mlw_hash_mix(mlw_hash_bytes(MLW_HASH_INIT, p, n));
}
