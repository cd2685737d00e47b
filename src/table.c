/*
 * table.c: entries by section number in chunks made on demand (see table.h).  Layout lines and
 * key-term counts are kept by section; a flat array grown to the last section asked for zeroed
 * a megabyte for G on a text of 50,000 sections.
 */
#include <stdlib.h>
#include <string.h>

#include "lees/table.h"

/* Entries in a chunk: 4 KiB of 16-byte layout entries, one page to zero for a first screen. */
#define TABLE_CHUNK 256

/* An empty table (see table.h). */
void table_init(struct table *t, size_t size)
{
    t->chunks = NULL;
    t->nchunks = 0;
    t->size = size;
}

/* Entry I, or NULL. */
void *table_get(const struct table *t, size_t i)
{
    size_t c = i / TABLE_CHUNK;

    if (c >= t->nchunks || t->chunks[c] == NULL)
        return NULL;
    return t->chunks[c] + i % TABLE_CHUNK * t->size;
}

/* Entry I, made if need be. */
void *table_make(struct table *t, size_t i)
{
    size_t c = i / TABLE_CHUNK;

    if (c >= t->nchunks) {
        size_t n = t->nchunks ? t->nchunks : 16;
        unsigned char **v;
        while (n <= c)
            n *= 2;
        v = realloc(t->chunks, n * sizeof *v);
        if (v == NULL)
            return NULL;
        memset(v + t->nchunks, 0, (n - t->nchunks) * sizeof *v);
        t->chunks = v;
        t->nchunks = n;
    }
    if (t->chunks[c] == NULL && (t->chunks[c] = calloc(TABLE_CHUNK, t->size)) == NULL)
        return NULL;
    return t->chunks[c] + i % TABLE_CHUNK * t->size;
}

/* Release the table. */
void table_free(struct table *t, void (*release)(void *entry))
{
    for (size_t c = 0; c < t->nchunks; c++) {
        for (size_t i = 0; release != NULL && t->chunks[c] != NULL && i < TABLE_CHUNK; i++)
            release(t->chunks[c] + i * t->size);
        free(t->chunks[c]);
    }
    free(t->chunks);
    t->chunks = NULL;
    t->nchunks = 0;
}
