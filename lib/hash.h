/* hash: FNV-1a 64, the one hash of mlw: of what decides how records were
 * counted (the hashes states and saved profiles carry, so that they merge
 * only with their like), of keys in maps, and, with a finalizer that
 * spreads its bits, of the values sketches count. */
#ifndef MLW_HASH_H
#define MLW_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The FNV-1a 64 offset basis: the hash of nothing. */
#define MLW_HASH_INIT 0xcbf29ce484222325ull
/* h continued over the n bytes at p. */
uint64_t mlw_hash_bytes(uint64_t h, const void *p, size_t n);
/* A string with its length, so that ("ab","c") and ("a","bc") differ. */
uint64_t mlw_hash_str(uint64_t h, const char *s);
/* h continued over the 8 bytes of v, least significant first. */
uint64_t mlw_hash_u64(uint64_t h, uint64_t v);
/* The bits of d (so that 0.1 and 0.1000000000000001 differ). */
uint64_t mlw_hash_double(uint64_t h, double d);
/* MurmurHash3's 64-bit finalizer: every bit of h moves every bit of the
 * result, as HyperLogLog registers and open addressing want. */
uint64_t mlw_hash_mix(uint64_t h);
/* mlw_hash_mix of FNV-1a over the n bytes at p. */
uint64_t mlw_hash64(const void *p, size_t n);

#endif
