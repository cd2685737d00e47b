/*
 * lees: a text, as source bytes and the structure parsed from them.
 *
 * A doc owns its bytes (mapped, read, or borrowed for the built-in text) and three tables over
 * them: sections (one per heading), the blocks of each section (paragraphs, headings, code
 * blocks, rules), and the runs of each block (byte ranges with a style).  Every position is a
 * byte offset into the source; nothing here knows of widths or terminals.
 *
 * Nothing is read in advance that the text's length would make slow: a text longer than the
 * whole-parse limit (1 MiB) is searched for sections only as far as a call needs (or
 * doc_index_step goes), and its sections are parsed when their blocks are first asked for.
 * Section pointers and titles stay valid until doc_free.  Block and run pointers of a section
 * stay valid until blocks of 16 other sections have been asked for (parses of recent sections
 * are cached); a block's index in its section never changes, so it is the lasting handle.
 * The calls that take a const doc still fill these caches: a doc is not for two threads.
 */
#ifndef LEES_DOC_H
#define LEES_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "lees/error.h"

enum doc_format {
    DOC_FORMAT_AUTO,     /* by file name (*.md …), else by content */
    DOC_FORMAT_MARKDOWN, /* CommonMark, parsed with md4c */
    DOC_FORMAT_TEXT,     /* lines kept; ATX headings still make sections */
};

enum doc_block_kind {
    DOC_BLOCK_PARA,    /* wrapped; soft breaks are spaces */
    DOC_BLOCK_HEADING, /* wrapped; starts a section */
    DOC_BLOCK_CODE,    /* lines kept and cut, never wrapped */
    DOC_BLOCK_RULE,    /* a thematic break */
};

enum doc_run_kind {
    DOC_RUN_TEXT,        /* the source bytes themselves */
    DOC_RUN_SPACE,       /* a soft line break (and its indentation), shown as one space */
    DOC_RUN_BREAK,       /* a hard line break */
    DOC_RUN_ENTITY,      /* an entity or character reference, shown decoded */
    DOC_RUN_REPLACEMENT, /* a NUL byte, shown as U+FFFD */
};

/* A byte range [start, end) of the source and how it is shown. */
struct doc_run {
    size_t start, end;
    uint8_t kind;   /* enum doc_run_kind */
    uint16_t style; /* enum style_bits */
};

enum doc_container_kind { DOC_QUOTE, DOC_BULLET, DOC_ORDERED };

/* A block quote or list item that holds a block; blocks carry their ancestry. */
struct doc_container {
    uint8_t kind;        /* enum doc_container_kind */
    uint8_t list_depth;  /* nesting among lists, for the bullet's shape */
    uint8_t show_marker; /* this block is the item's first: its first line gets the marker */
    char delim;          /* '.' or ')' for ordered lists */
    char task;           /* a task list item: ' ' to do, 'x' done; 0 for none */
    uint32_t number;     /* the item's number for ordered lists */
};

#define DOC_MAX_CONTAINERS 8

struct doc_block {
    size_t start, end;  /* source range covered by the runs */
    uint32_t first_run; /* index into its section's run table (doc_block_runs) */
    uint32_t nruns;
    uint32_t section;     /* the section that holds it */
    uint8_t kind;         /* enum doc_block_kind */
    uint8_t level;        /* heading level, 1–6 */
    uint8_t space_before; /* blank lines shown before it (not at a section's top) */
    uint8_t ncontainers;  /* outermost first */
    struct doc_container containers[DOC_MAX_CONTAINERS];
};

struct doc_section {
    size_t start, end; /* source range; sections tile the text */
    uint8_t level;     /* heading level, 0 for text before any heading */
    uint8_t continued; /* no heading of its own: a part of the section before it, cut off to
                          keep a long stretch without headings (a log) in small pieces */
    char *title;       /* shown form: controls in notation, white space collapsed; a part's
                          is that of the section it continues */
};

struct doc;

/* Open the file at PATH (a regular file is mapped, anything else read); 0 or -1 with ERR. */
int doc_open_file(const char *path, enum doc_format format, struct doc **out,
                  struct lees_error *err);

/*
 * Open the file at PATH again, as doc_open_file does with DOC's format, after it changed.  When
 * it is still DOC's file (a log) and only grew, its first bytes are taken to be DOC's, as a log
 * grows only at its end: the sections DOC has found carry over and the search for more goes on
 * from where DOC's had reached, so following a long log costs a look at what was added, not at
 * all of it.  DOC stays as it was (doc_free it after).  0, or -1 with ERR.
 */
int doc_reopen(const struct doc *doc, const char *path, struct doc **out, struct lees_error *err);
/*
 * A doc over LEN bytes at DATA, borrowed as by doc_open_memory, that begin with the bytes DOC
 * borrows, at the same place (a stream's, read further: they never move): DOC's sections carry
 * over and the search for more goes on from where DOC's had reached, as in doc_reopen, so each
 * snapshot of a long pipe costs a look at what was added.  Opened anew, in DOC's format, when
 * they cannot carry over.  DOC stays as it was.  0, or -1 with ERR.
 */
int doc_open_longer(const struct doc *doc, const char *data, size_t len, struct doc **out,
                    struct lees_error *err);
/* Read all of FD (standard input, a FIFO) and parse it; NAME is used in messages and the title. */
int doc_open_fd(int fd, const char *name, enum doc_format format, struct doc **out,
                struct lees_error *err);

/* Parse LEN bytes at DATA without copying them: DATA must outlive the doc (the built-in text). */
int doc_open_memory(const char *data, size_t len, const char *name, enum doc_format format,
                    struct doc **out, struct lees_error *err);

/* Release the doc, its tables and its bytes. */
void doc_free(struct doc *doc);

/* Whether the text was parsed whole when it was opened (up to the whole-parse limit): its
 * sections may then lay out otherwise than the same bytes parsed section by section. */
bool doc_whole(const struct doc *doc);
/* The source bytes (after a UTF-8 byte order mark, if any) and their length. */
const char *doc_bytes(const struct doc *doc, size_t *len);

/*
 * Copies N of those bytes, from OFF, into BUF: from the file when the text is mapped, so that
 * scattered reads (the state file's hash samples) do not fault its pages in one by one.
 * 0, or -1 when they lie past the end or the file cannot be read (it shrank).
 */
int doc_read_at(const struct doc *doc, size_t off, void *buf, size_t n);

/* The file a mapped text came from (the one it keeps open: a log rotated since is not the file
 * at its path any more), and its size when the text was opened; false for a text not mapped
 * from a file (an empty file is read, not mapped). */
bool doc_file_origin(const struct doc *doc, dev_t *dev, ino_t *ino, size_t *size);

/* The name it was opened by ("-" for standard input). */
const char *doc_name(const struct doc *doc);

/* The title: the first level-1 heading, else the name it was opened by (shown form). */
const char *doc_title(const struct doc *doc);

/* Whether the text looks like a binary file (NUL bytes, or mostly controls and invalid UTF-8). */
int doc_looks_binary(const struct doc *doc);

/* The format it was parsed as (never DOC_FORMAT_AUTO). */
enum doc_format doc_format_of(const struct doc *doc);

/* Texts up to LIMIT bytes are parsed whole when opened (1 MiB unless set); longer ones section
 * by section.  For tests and benchmarks; it applies to docs opened after the call. */
void doc_set_whole_limit(size_t limit);

/* The number of sections, at least 1.  Finds every section first: about 15 ms for 100 MB. */
size_t doc_section_count(const struct doc *doc);

/* Whether section I exists, looking for sections only as far as that needs. */
bool doc_section_exists(const struct doc *doc, size_t i);

/* How many sections have been found so far (all of them once doc_index_done): never looks for
 * more, so it costs nothing however long the text. */
size_t doc_sections_found(const struct doc *doc);

/* Look for sections in about BUDGET more bytes (when idle); true when every one is known. */
bool doc_index_step(const struct doc *doc, size_t budget);
bool doc_index_done(const struct doc *doc);

/*
 * For G before a long text has been looked through to its end: a doc of its last sections,
 * found by a scan from a place near its end (at most 1 MiB back) instead of from its top, so
 * the last page is shown at once.  Its last section is the text's last, and is laid out the
 * same, unless that place lies inside a fenced code block that is never closed, or that holds
 * fence lines of another kind: a scan from the top then shows otherwise.
 * It shares DOC's bytes, name and title (DOC must outlive it); its offsets count from *FROM.
 * NULL when DOC's sections are all known, or no heading starts in its last MiB.  doc_free it.
 */
struct doc *doc_tail_new(const struct doc *doc, size_t *from);

/* How many bytes from the start have been looked through for sections. */
size_t doc_index_progress(const struct doc *doc);

/* Section I, which must exist (doc_section_exists). */
const struct doc_section *doc_section(const struct doc *doc, size_t i);

/* The section that holds byte OFFSET (the last one for offsets past the end). */
size_t doc_section_at(const struct doc *doc, size_t offset);

/* The section that section S is a part of: S itself unless it is continued. */
size_t doc_section_head(const struct doc *doc, size_t s);

/* The first section after S and its parts: the next one with a heading of its own, or the
 * number of sections when there is none. */
size_t doc_section_after(const struct doc *doc, size_t s);

/* Whether section S (which exists) is a part, as doc_section(S)->continued says, without making
 * its title: for loops over tens of thousands of sections. */
bool doc_section_continued(const struct doc *doc, size_t s);

/* The bytes section S (which exists) spans, end minus start, without making its title: for
 * work measured out over tens of thousands of sections (counting pages and key terms). */
size_t doc_section_size(const struct doc *doc, size_t s);

/* The source bytes section S (which exists) spans, [*START, *END), without parsing it or making
 * its title: what a search looks at before it asks for the section's blocks. */
void doc_section_span(const struct doc *doc, size_t s, size_t *start, size_t *end);

/* The *N blocks of section S (which must exist), parsed on first use; NULL with *N 0 when out
 * of memory (doc_failed then says so). */
const struct doc_block *doc_section_blocks(const struct doc *doc, size_t s, size_t *n);

/* The runs of block B, B->nruns of them (valid as long as B is). */
const struct doc_run *doc_block_runs(const struct doc *doc, const struct doc_block *b);

/* Whether memory ran out finding or parsing sections, so that some text may not be shown. */
bool doc_failed(const struct doc *doc);

/* The index of the first of the N RUNS of a block that ends after byte FROM or starts at it (N
 * when none does): where walking the block from FROM begins. */
uint32_t doc_run_at(const struct doc_run *runs, uint32_t n, size_t from);

/* The runs of block B, B->nruns of them. */
const struct doc_run *doc_block_runs(const struct doc *doc, const struct doc_block *b);

/*
 * Decode the entity or character reference at S (N bytes, "&...;") into UTF-8 in OUT (at least
 * 8 bytes); returns its length, or 0 when it is not one lees knows (it is then shown as written).
 */
size_t doc_entity_decode(const char *s, size_t n, char *out);

#endif
