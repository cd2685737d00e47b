/*
 * lees: an array of fixed-size entries by section number, made a chunk of 256 entries at a
 * time when one of them is first asked for, so that the entry of the last of 50,000 sections
 * costs one chunk, not a zeroed array of every section before it (G on a long text).  Entries
 * start zeroed.  The table owns its chunks; a pointer to an entry stays valid until
 * table_free.
 */
#ifndef LEES_TABLE_H
#define LEES_TABLE_H

#include <stddef.h>

struct table {
    unsigned char **chunks; /* NULL where no entry of the chunk was made */
    size_t nchunks;
    size_t size; /* bytes in an entry */
};

/* An empty table of entries of SIZE bytes. */
void table_init(struct table *t, size_t size);

/* Entry I, or NULL when it was never made. */
void *table_get(const struct table *t, size_t i);

/* Entry I, made (zeroed) with its chunk when it was not; NULL when out of memory. */
void *table_make(struct table *t, size_t i);

/* Release the chunks, first calling RELEASE (when not NULL) on each entry made. */
void table_free(struct table *t, void (*release)(void *entry));

#endif
