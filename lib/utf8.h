/* utf8: what valid UTF-8 is (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), in one place for the JSON reader, the JSON
 * writer and the CSV reader. */
#ifndef MLW_UTF8_H
#define MLW_UTF8_H

#include <stddef.h>

/* Length (2 to 4) of the valid UTF-8 sequence at p, whose lead byte is
 * 0x80 or above, in the bytes before end; 0 if it is not valid. */
static inline size_t
mlw_utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

/* Offset of the first byte of s (n bytes) that is not part of valid
 * UTF-8, or -1. */
static inline long
mlw_utf8_check(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + n;
	size_t i = 0, k;

	while (i < n) {
		if (s[i] < 0x80)
			i++;
		else if ((k = mlw_utf8_len(s + i, end)) != 0)
			i += k;
		else
			return (long)i;
	}
	return -1;
}

/* The number of characters in s (n bytes of UTF-8), for lining up
 * columns: the bytes that do not continue a character. */
static inline size_t
mlw_utf8_width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
}

/* Write code point cp (at most U+10FFFF, not a surrogate) to out as
 * UTF-8; returns the number of bytes (1 to 4). */
static inline size_t
mlw_utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

#endif
