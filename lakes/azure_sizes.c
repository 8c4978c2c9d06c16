/* azure_sizes.c - blob sizes remembered from listings, so that a suffix
 * read ("the last 64 KiB") becomes an absolute x-ms-range: Get Blob has
 * no suffix ranges. An open-addressing hash map, forgotten whole when it
 * grows past SIZES_MAX.
 */
#include <stdlib.h>
#include <string.h>

#include "lakewatch/util.h"
#include "azure_int.h"

#define SIZES_MAX 500000	/* remembered blob sizes before forgetting */

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Forget every size; m stays usable. */
void lw_az_sizes_clear(struct size_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* Double the table (or make the first one), moving every key over. */
static void sizes_grow(struct size_map *m)
{
	struct size_map old = *m;
	m->cap = old.cap ? old.cap * 2 : 1024;
	m->keys = lw_xcalloc(m->cap, sizeof(*m->keys));
	m->vals = lw_xcalloc(m->cap, sizeof(*m->vals));
	m->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i]) {
			size_t j = hash(old.keys[i]) & (m->cap - 1);
			while (m->keys[j])
				j = (j + 1) & (m->cap - 1);
			m->keys[j] = old.keys[i];
			m->vals[j] = old.vals[i];
			m->n++;
		}
	free(old.keys);
	free(old.vals);
}

/* Remember v as the size of blob k (copied: m owns its keys). */
void lw_az_sizes_put(struct size_map *m, const char *k, int64_t v)
{
	size_t i;
	if (m->n >= SIZES_MAX)
		lw_az_sizes_clear(m);
	if ((m->n + 1) * 2 > m->cap)
		sizes_grow(m);
	i = hash(k) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], k))
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i]) {
		m->keys[i] = lw_xstrdup(k);
		m->n++;
	}
	m->vals[i] = v;
}

/* The remembered size of blob k, or -1. */
int64_t lw_az_sizes_get(const struct size_map *m, const char *k)
{
	size_t i;
	if (!m->cap)
		return -1;
	i = hash(k) & (m->cap - 1);
	while (m->keys[i]) {
		if (!strcmp(m->keys[i], k))
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}
