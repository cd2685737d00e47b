/*
 * lees: a text that is still coming in (standard input from a pipe), read without ever
 * waiting for it.
 *
 * The stream owns its bytes.  They lie in one reserved range of address space that grows in
 * place and never moves, so a doc opened over a prefix of them (stream_doc_new) stays valid
 * while more arrives: each such doc is a snapshot, and a later one agrees with it on every byte
 * offset it has.  Every doc made from a stream is to be freed before the stream.
 */
#ifndef LEES_STREAM_H
#define LEES_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "lees/doc.h"
#include "lees/error.h"

struct stream;

/* What a first screen takes of a stream: pages of text, little to parse. */
#define STREAM_FIRST ((size_t)16 << 10)

/* A stream over FD (not closed by the stream); NAME is used in messages and titles.  NULL with
 * ERR when no address space or memory can be had. */
struct stream *stream_new(int fd, const char *name, struct lees_error *err);

/* A stream over the file at PATH (a FIFO, `lees <(cmd)`, or a device), which the stream opens
 * and closes; NULL with ERR when it cannot be opened. */
struct stream *stream_open(const char *path, struct lees_error *err);

/* Release the stream and its bytes (and the file stream_open opened): every doc made from it
 * must be freed first. */
void stream_free(struct stream *s);

/* The descriptor, to wait on with poll(). */
int stream_fd(const struct stream *s);

/*
 * Read what has arrived, without waiting (more than WAIT_MS milliseconds for the first byte,
 * when WAIT_MS is not 0; -1 waits for ever), at most MAX bytes.  The number of bytes read
 * (0 when nothing came), or -1 with ERR (a read error, or no memory for more).
 */
long stream_read(struct stream *s, int wait_ms, size_t max, struct lees_error *err);

/* Whether the writer has closed its end: every byte is in. */
bool stream_ended(const struct stream *s);

/* The bytes read so far. */
size_t stream_len(const struct stream *s);

/* The bytes a snapshot takes: all of them once the stream has ended, else up to the end of the
 * last whole line (a line half written is not shown, nor a character cut in two). */
size_t stream_whole_len(const struct stream *s);

/*
 * A doc over the first stream_whole_len() bytes, in FORMAT (DOC_FORMAT_AUTO to look at them).
 * It borrows the stream's bytes: free it before the stream.  0, or -1 with ERR.
 */
int stream_doc_new(const struct stream *s, enum doc_format format, struct doc **out,
                   struct lees_error *err);

/*
 * A newer snapshot than PREV (a doc made from this stream, in the format it was found to be):
 * the sections PREV had found carry over (doc_open_longer), so that a long pipe does not cost
 * a scan from its top at each snapshot.  It borrows the stream's bytes.  0, or -1 with ERR.
 */
int stream_doc_after(const struct stream *s, const struct doc *prev, struct doc **out,
                     struct lees_error *err);

#endif
