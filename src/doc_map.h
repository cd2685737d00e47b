/* doc_map.h: file mappings that survive the file being truncated (see doc_map.c). */
#ifndef LEES_DOC_MAP_H
#define LEES_DOC_MAP_H

#include <stddef.h>

/* Map SIZE bytes of FD read-only, guarded against truncation; NULL (errno set) on failure. */
void *doc_map(int fd, size_t size);

/* Unmap what doc_map mapped. */
void doc_unmap(void *p, size_t size);

/* Whether a mapped file was found cut short since the start. */
int doc_map_truncated(void);

#endif
