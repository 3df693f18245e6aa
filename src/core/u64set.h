/* A set of non-zero 64-bit keys (person ids, hashes), open addressing. */
#ifndef LIEN_CORE_U64SET_H
#define LIEN_CORE_U64SET_H

#include <stddef.h>
#include <stdint.h>

struct u64set {
	uint64_t *slots;
	size_t cap, n;
};

/* 1 if added, 0 if it was there, -1 on memory. key must not be 0. */
int u64set_add(struct u64set *s, uint64_t key);
int u64set_has(const struct u64set *s, uint64_t key);
void u64set_free(struct u64set *s);

#endif
