/* lees: the text compiled into the binary (texts/handen-in-elkaar.md), opened with no argument. */
#ifndef LEES_BUILTIN_H
#define LEES_BUILTIN_H

#include <stddef.h>

extern const char builtin_name[];
extern const char builtin_text[]; /* builtin_len bytes, then a NUL */
extern const size_t builtin_len;

#endif
