#include "core/u64set.h"

#include <stdlib.h>

/* Fibonacci hashing spreads sequential ids over the table. */
static size_t slot_of(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) % cap);
}

int u64set_add(struct u64set *s, uint64_t key)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint64_t *slots = calloc(cap, sizeof *slots);
		if (!slots)
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i])
				for (size_t h = slot_of(s->slots[i], cap);; h = (h + 1) % cap)
					if (!slots[h]) {
						slots[h] = s->slots[i];
						break;
					}
		free(s->slots);
		s->slots = slots;
		s->cap = cap;
	}
	for (size_t h = slot_of(key, s->cap);; h = (h + 1) % s->cap) {
		if (s->slots[h] == key)
			return 0;
		if (!s->slots[h]) {
			s->slots[h] = key;
			s->n++;
			return 1;
		}
	}
}

int u64set_has(const struct u64set *s, uint64_t key)
{
	if (!s->cap)
		return 0;
	for (size_t h = slot_of(key, s->cap);; h = (h + 1) % s->cap) {
		if (s->slots[h] == key)
			return 1;
		if (!s->slots[h])
			return 0;
	}
}

void u64set_free(struct u64set *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->n = 0;
}
