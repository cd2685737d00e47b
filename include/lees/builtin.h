/*
 * lees: the texts compiled into the binary: the interview (texts/handen-in-elkaar.md), opened
 * with no argument, and its key terms (texts/handen-in-elkaar.terms).  Each is its bytes, then a
 * NUL not counted in its length.
 */
#ifndef LEES_BUILTIN_H
#define LEES_BUILTIN_H

#include <stddef.h>

extern const char builtin_text_name[];
extern const char builtin_text[];
extern const size_t builtin_text_len;

extern const char builtin_terms_name[];
extern const char builtin_terms[];
extern const size_t builtin_terms_len;

#endif
