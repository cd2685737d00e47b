/*
 * test_doc.c: parsing into blocks, runs and sections: both kinds of heading, emphasis, plain
 * text, the section table, titles, offsets, and awkward input.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "lees/glyph.h"
#include "lees/style.h"
#include "unit.h"

static const char *section_title(const struct doc *doc, size_t i)
{
    return doc_section(doc, i)->title;
}

static void test_atx_and_setext_headings(void **state)
{
    static const char text[] = "# Title\n\nIntro.\n\n## One\n\nText.\n\nTwo\n---\n\nMore.\n\n"
                               "### Three ###\n";
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);

    (void)state;
    assert_int_equal(doc_section_count(doc), 4);
    assert_string_equal(doc_title(doc), "Title");
    assert_string_equal(section_title(doc, 0), "Title");
    assert_string_equal(section_title(doc, 1), "One");
    assert_string_equal(section_title(doc, 2), "Two");
    assert_string_equal(section_title(doc, 3), "Three");
    assert_int_equal(doc_section(doc, 0)->level, 1);
    assert_int_equal(doc_section(doc, 1)->level, 2);
    assert_int_equal(doc_section(doc, 2)->level, 2);
    assert_int_equal(doc_section(doc, 3)->level, 3);
    doc_free(doc);
}

static void test_sections_tile_the_text(void **state)
{
    static const char text[] = "Before any heading.\n\n## A\n\nText a.\n\n## B\n\nText b.\n";
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    size_t n = doc_section_count(doc);

    (void)state;
    assert_int_equal(n, 3);
    assert_int_equal(doc_section(doc, 0)->start, 0);
    assert_int_equal(doc_section(doc, 0)->level, 0);
    for (size_t i = 1; i < n; i++)
        assert_int_equal(doc_section(doc, i)->start, doc_section(doc, i - 1)->end);
    assert_int_equal(doc_section(doc, n - 1)->end, sizeof text - 1);
    /* A section starts at its heading's line, "## " included. */
    assert_int_equal(doc_section(doc, 1)->start, (size_t)(strstr(text, "## A") - text));
    assert_int_equal(doc_section_at(doc, (size_t)(strstr(text, "Text b") - text)), 2);
    assert_int_equal(doc_section_at(doc, (size_t)(strstr(text, "## B") - text)), 2);
    assert_int_equal(doc_section_at(doc, 0), 0);
    assert_int_equal(doc_section_at(doc, 100000), 2);
    /* Without a level-1 heading, the text and what stands before any heading take its name. */
    assert_string_equal(doc_title(doc), "test.md");
    assert_string_equal(section_title(doc, 0), "test.md");
    doc_free(doc);
}

/* Found by fuzzing: an empty heading right after a paragraph took the paragraph's line. */
static void test_empty_heading_after_paragraph(void **state)
{
    static const char text[] = "para # h\n# \nnext\n";
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);

    (void)state;
    assert_int_equal(doc_section_count(doc), 2);
    assert_int_equal(test_block(doc, 0)->section, 0);
    assert_true(doc_section(doc, 1)->start >= test_block(doc, 0)->end);
    assert_int_equal(doc_section_at(doc, 0), 0);
    doc_free(doc);
}

/* Found by fuzzing: a text without any run made doc_block_runs offset a null pointer. */
static void test_blocks_without_runs(void **state)
{
    struct doc *doc = doc_of("---\n\n#\n\n***\n", DOC_FORMAT_MARKDOWN);

    (void)state;
    assert_int_equal(test_block_count(doc), 3);
    for (size_t i = 0; i < test_block_count(doc); i++) {
        const struct doc_block *b = test_block(doc, i);
        assert_int_equal(b->nruns, 0);
        doc_block_runs(doc, b);
    }
    doc_free(doc);
}

static void test_emphasis_runs(void **state)
{
    static const char text[] = "plain *em* **strong** ***both*** `code`\n";
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    const struct doc_block *b = test_block(doc, 0);
    const struct doc_run *r = doc_block_runs(doc, b);
    unsigned found = 0;

    (void)state;
    assert_int_equal(test_block_count(doc), 1);
    for (uint32_t i = 0; i < b->nruns; i++) {
        const char *s = text + r[i].start;
        size_t n = r[i].end - r[i].start;
        if (n == 2 && memcmp(s, "em", 2) == 0) {
            assert_int_equal(r[i].style, STYLE_EMPHASIS);
            found |= 1;
        } else if (n == 6 && memcmp(s, "strong", 6) == 0) {
            assert_int_equal(r[i].style, STYLE_STRONG);
            found |= 2;
        } else if (n == 4 && memcmp(s, "both", 4) == 0) {
            assert_int_equal(r[i].style, STYLE_EMPHASIS | STYLE_STRONG);
            found |= 4;
        } else if (n == 4 && memcmp(s, "code", 4) == 0) {
            assert_int_equal(r[i].style, STYLE_CODE);
            found |= 8;
        }
    }
    assert_int_equal(found, 15);
    doc_free(doc);
}

static void test_runs_are_source_ranges(void **state)
{
    static const char text[] = "# Kop\n\nEen *lange*\nregel met &amp; en een\\\nbreuk.\n\n"
                               "> citaat\n\n- een\n- twee\n";
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    size_t prev_end = 0;

    (void)state;
    for (size_t i = 0; i < test_block_count(doc); i++) {
        const struct doc_block *b = test_block(doc, i);
        const struct doc_run *r = doc_block_runs(doc, b);
        for (uint32_t j = 0; j < b->nruns; j++) {
            assert_true(r[j].start >= prev_end); /* ordered, disjoint */
            assert_true(r[j].end >= r[j].start);
            assert_true(r[j].end <= sizeof text - 1);
            if (r[j].kind == DOC_RUN_ENTITY)
                assert_memory_equal(text + r[j].start, "&amp;", 5);
            if (r[j].kind == DOC_RUN_BREAK)
                assert_memory_equal(text + r[j].start, "\\\n", 2);
            prev_end = r[j].end;
        }
    }
    doc_free(doc);
}

static void test_containers(void **state)
{
    static const char text[] = "> quoted\n\n3. three\n4. four\n";
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    const struct doc_block *q = test_block(doc, 0), *l = test_block(doc, 2);

    (void)state;
    assert_int_equal(test_block_count(doc), 3);
    assert_int_equal(q->ncontainers, 1);
    assert_int_equal(q->containers[0].kind, DOC_QUOTE);
    assert_int_equal(l->ncontainers, 1);
    assert_int_equal(l->containers[0].kind, DOC_ORDERED);
    assert_int_equal(l->containers[0].number, 4);
    assert_int_equal(l->space_before, 0); /* tight */
    doc_free(doc);
}

/* A Markdown table is shown as its source lines, kept like code, not run together into one
 * paragraph; the text around it is parsed as before. */
static void test_table_lines(void **state)
{
    static const char text[] = "# T\n\nVoor de tabel.\n\n"
                               "| Toets | Doet |\n|-------|------|\n| q     | stop |\n"
                               "| g     | *top* \\| eerste |\n\nNa de tabel.\n";
    struct doc *doc = doc_of(text, DOC_FORMAT_MARKDOWN);
    const struct doc_block *b;
    const struct doc_run *r;
    size_t n, lines = 0;

    (void)state;
    b = doc_section_blocks(doc, 0, &n);
    assert_int_equal(n, 4); /* heading, paragraph, table, paragraph */
    assert_int_equal(b[2].kind, DOC_BLOCK_CODE);
    r = doc_block_runs(doc, &b[2]);
    for (uint32_t i = 0; i < b[2].nruns; i++) {
        if (r[i].kind == DOC_RUN_TEXT) {
            assert_int_equal(text[r[i].start], '|'); /* each line whole, pipes and all */
            assert_int_equal(text[r[i].end], '\n');
            lines++;
        }
    }
    assert_int_equal(lines, 4);
    assert_memory_equal(text + r[0].start, "| Toets | Doet |", 16);
    assert_int_equal(b[3].kind, DOC_BLOCK_PARA);
    assert_memory_equal(text + doc_block_runs(doc, &b[3])[0].start, "Na de tabel.", 12);
    doc_free(doc);
}

/* Plain text: lines kept, no markup; an ATX line standing alone between blank lines is a
 * section's heading, shown with its #s; the comments of a script or a configuration file,
 * followed by their code or by more comments, are lines like any other. */
static void test_plain_text(void **state)
{
    static const char text[] = "Line one\r\nLine *two*\r\n\r\n# Not in Markdown but a section\r\n"
                               "\r\ntail\r\n";
    static const char script[] = "#!/bin/sh\n# Build the thing\nset -e\n\n# Step one\necho one\n"
                                 "\n# DHOME=/home\n# DSHELL=/bin/sh\n\n# Default: x\nx=1\n";
    struct doc *doc = doc_of(text, DOC_FORMAT_TEXT);
    struct doc *none = doc_of("just text\n\nmore text\n", DOC_FORMAT_TEXT);
    struct doc *code = doc_of(script, DOC_FORMAT_TEXT);
    const struct doc_run *r;
    const struct doc_block *h;
    size_t n;

    (void)state;
    assert_int_equal(doc_format_of(doc), DOC_FORMAT_TEXT);
    assert_int_equal(doc_section_count(doc), 2);
    assert_string_equal(section_title(doc, 1), "Not in Markdown but a section");
    h = doc_section_blocks(doc, 1, &n);
    assert_int_equal(h->kind, DOC_BLOCK_HEADING);
    r = doc_block_runs(doc, h);
    assert_memory_equal(text + r[0].start, "# Not in", 8); /* shown as it is */
    assert_int_equal(doc_section_count(code), 1);
    doc_free(code);
    r = doc_block_runs(doc, test_block(doc, 0));
    assert_int_equal(r[0].kind, DOC_RUN_TEXT);
    assert_int_equal(r[0].end - r[0].start, 8); /* the CR is not text */
    assert_int_equal(r[1].kind, DOC_RUN_BREAK);
    assert_int_equal(r[2].style, 0); /* no emphasis in plain text */
    assert_int_equal(doc_section_count(none), 1);
    assert_string_equal(doc_title(none), "test.md");
    doc_free(doc);
    doc_free(none);
}

static void test_byte_order_mark(void **state)
{
    struct doc *doc = doc_of("\xEF\xBB\xBF# Titel\n", DOC_FORMAT_MARKDOWN);
    size_t len;

    (void)state;
    assert_int_equal(doc_section_count(doc), 1);
    assert_string_equal(doc_title(doc), "Titel");
    assert_memory_equal(doc_bytes(doc, &len), "# Titel", 7);
    assert_int_equal(len, 8);
    doc_free(doc);
}

static void test_titles_are_shown_form(void **state)
{
    struct doc *doc = doc_of("# Evil \x1b]0;pwned\x07 title\n", DOC_FORMAT_MARKDOWN);

    (void)state;
    assert_string_equal(doc_title(doc), "Evil ^[]0;pwned^G title");
    doc_free(doc);
}

static void test_empty_and_blank(void **state)
{
    struct doc *empty = doc_of("", DOC_FORMAT_MARKDOWN);
    struct doc *blank = doc_of("\n\n   \n", DOC_FORMAT_TEXT);

    (void)state;
    assert_int_equal(doc_section_count(empty), 1);
    assert_int_equal(test_block_count(empty), 0);
    assert_int_equal(doc_section_count(blank), 1);
    doc_free(empty);
    doc_free(blank);
}

static void test_stdin_format_detection(void **state)
{
    struct doc *md = NULL, *txt = NULL;
    struct lees_error err;

    (void)state;
    assert_int_equal(doc_open_memory("\n# Heading\n\n*x*\n", 16, "-", DOC_FORMAT_AUTO, &md, &err),
                     0);
    assert_int_equal(doc_format_of(md), DOC_FORMAT_MARKDOWN);
    assert_int_equal(doc_open_memory("plain *x*\n", 10, "-", DOC_FORMAT_AUTO, &txt, &err), 0);
    assert_int_equal(doc_format_of(txt), DOC_FORMAT_TEXT);
    doc_free(md);
    doc_free(txt);
}

static void test_open_errors(void **state)
{
    struct doc *doc = NULL;
    struct lees_error err;

    (void)state;
    assert_int_equal(doc_open_file("/nonexistent/x.md", DOC_FORMAT_AUTO, &doc, &err), -1);
    assert_int_equal(err.code, LEES_ERR_FILE);
    assert_string_equal(err.msg, "/nonexistent/x.md: No such file or directory");
    assert_int_equal(doc_open_file("/", DOC_FORMAT_AUTO, &doc, &err), -1);
    assert_string_equal(err.msg, "/: is a directory");
    assert_null(doc);
}

static void test_open_file_maps(void **state)
{
    char path[] = "/tmp/lees-test-XXXXXX";
    int fd = mkstemp(path);
    struct doc *doc = NULL;
    struct lees_error err;
    char name[64];

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "# Kop\n\ntekst\n", 13), 13);
    close(fd);
    /* Without a Markdown suffix a file is plain text, but its ATX heading still counts. */
    assert_int_equal(doc_open_file(path, DOC_FORMAT_AUTO, &doc, &err), 0);
    assert_int_equal(doc_format_of(doc), DOC_FORMAT_TEXT);
    assert_string_equal(doc_title(doc), "Kop");
    doc_free(doc);
    snprintf(name, sizeof name, "%s.md", path);
    assert_int_equal(rename(path, name), 0);
    assert_int_equal(doc_open_file(name, DOC_FORMAT_AUTO, &doc, &err), 0);
    assert_int_equal(doc_format_of(doc), DOC_FORMAT_MARKDOWN);
    doc_free(doc);
    unlink(name);
}

/* doc_file_origin gives the file a text was mapped from and its size when opened (byte order
 * mark and all): the size stays as it was while the file grows, and the file stays the one
 * opened when another takes its path; a text in memory has none. */
static void test_file_origin(void **state)
{
    static const char text[] = "\xEF\xBB\xBFlog line 1\n";
    char path[] = "/tmp/lees-test-XXXXXX";
    int fd = mkstemp(path);
    struct doc *doc = NULL, *mem;
    struct lees_error err;
    struct stat st;
    dev_t dev;
    ino_t ino;
    size_t size;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)sizeof text - 1);
    assert_int_equal(doc_open_file(path, DOC_FORMAT_AUTO, &doc, &err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_true(doc_file_origin(doc, &dev, &ino, &size));
    assert_true(dev == st.st_dev && ino == st.st_ino);
    assert_int_equal(size, sizeof text - 1);
    assert_int_equal(write(fd, "log line 2\n", 11), 11);
    assert_true(doc_file_origin(doc, &dev, &ino, &size));
    assert_int_equal(size, sizeof text - 1); /* as opened */
    close(fd);
    unlink(path); /* another file at the same path */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(stat(path, &st), 0);
    assert_true(doc_file_origin(doc, &dev, &ino, &size));
    assert_false(dev == st.st_dev && ino == st.st_ino);
    doc_free(doc);
    unlink(path);
    mem = doc_of(text, DOC_FORMAT_TEXT);
    assert_false(doc_file_origin(mem, &dev, &ino, &size));
    doc_free(mem);
}

/* The sections of A and B are the same: where they start and end, their levels, whether they
 * are parts, and their titles. */
static void assert_same_sections(const struct doc *a, const struct doc *b)
{
    size_t n = doc_section_count(a);

    assert_int_equal(doc_section_count(b), n);
    assert_string_equal(doc_title(a), doc_title(b));
    for (size_t i = 0; i < n; i++) {
        const struct doc_section *x = doc_section(a, i), *y = doc_section(b, i);
        assert_int_equal(x->start, y->start);
        assert_int_equal(x->end, y->end);
        assert_int_equal(x->level, y->level);
        assert_int_equal(x->continued, y->continued);
        assert_string_equal(x->title, y->title);
    }
}

/* Where test_reopen_grown cuts a text, to write the rest of it later: what comes just after
 * the cut decides how the scan of the first part is to go on. */
static const char *const reopen_cuts[][2] = {
    {"", ""},                    /* after a random line */
    {NULL, NULL},                /* anywhere, in the middle of a line too */
    {"\nKop\n===\n", "\nKop\n"}, /* the new lines underline a paragraph: a heading */
    {"\nKop\n---\n", "\nKop\n"},
    {"\n\nregel", "\n\n"}, /* a blank line, then prose: where a part may be cut */
    {"\n- een\n  # in het item\n", "\n- een\n"}, /* a list item goes on */
    {"\n```\n", "\n``"},                         /* a fence mark, and a heading, cut in two */
    {"\n## Deel\n", "\n## D"},
    {"part", NULL}, /* where the scan from the top begins a part */
};

/* Text of about N bytes, of random lines; with headings only when HEADINGS (else long stretches
 * without any are cut into parts). */
static size_t reopen_text(char *text, size_t n, bool headings, unsigned *seed)
{
    static const char *const kinds[] = {
        "- een",    "> citaat",        "<div>", "",    "",         "",
        "    code", "  # in het item", "~~~",   "```", "```sh",    "Kop",
        "# Kop",    "## Deel",         "===",   "---", "### drie",
    };
    size_t len = 0, nkinds = sizeof kinds / sizeof kinds[0], plain = 9;

    while (len < n) {
        unsigned r;
        *seed = *seed * 1103515245u + 12345u;
        r = (*seed >> 16) % 60;
        if (r < (headings ? nkinds : plain))
            len += (size_t)sprintf(text + len, "%s\n", kinds[r]);
        else
            len += (size_t)sprintf(text + len, "regel %u van de tekst\n", *seed % 100000);
    }
    return len;
}

/*
 * TEXT's first CUT bytes written to a file and opened, its sections looked for through SCAN
 * bytes (SIZE_MAX: to its end), then the rest up to N added: doc_reopen gives the sections a
 * fresh open does.  True when the reopened doc carried over more than 16 KiB of the scan.
 */
static bool check_grown(const char *text, size_t cut, size_t n, enum doc_format format, size_t scan)
{
    char path[32];
    struct doc *first, *grown, *fresh;
    struct lees_error err;
    size_t progress;
    bool carried;
    int fd;

    snprintf(path, sizeof path, "/tmp/lees-test-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, cut), (ssize_t)cut);
    assert_int_equal(doc_open_file(path, format, &first, &err), 0);
    if (scan == SIZE_MAX)
        doc_section_count(first);
    else
        doc_index_step(first, scan);
    progress = doc_index_progress(first);
    assert_int_equal(write(fd, text + cut, n - cut), (ssize_t)(n - cut));
    close(fd);
    assert_int_equal(doc_reopen(first, path, &grown, &err), 0);
    assert_int_equal(doc_format_of(grown), format);
    carried = progress > 16384 && doc_index_progress(grown) >= progress;
    assert_int_equal(doc_open_file(path, format, &fresh, &err), 0);
    assert_same_sections(grown, fresh);
    doc_free(first);
    doc_free(grown);
    doc_free(fresh);
    unlink(path);
    return carried;
}

/*
 * A long text that grew (a log, a book being written), opened again with doc_reopen: the
 * sections found before carry over and the scan goes on from where it was, to the same
 * sections a scan from the top finds, whatever the lines (fences open across the old end, a
 * paragraph the new lines underline as a heading, long stretches cut into parts), however far
 * the first doc had been scanned, and wherever the old end falls (in the middle of a line too,
 * when the scan cannot go on from it and the text is read from the top).
 */
static void test_reopen_grown(void **state)
{
    static char text[400000];
    unsigned seed = 11;
    int carried = 0;

    (void)state;
    doc_set_whole_limit(0); /* every doc scanned, as a long text is */
    for (int round = 0; round < 108; round++) {
        /* Each way of cutting with and without headings, scanned partly and whole, ... */
        const char *const *how = reopen_cuts[round % 9];
        int k = round / 9;
        enum doc_format format = k % 5 == 4 ? DOC_FORMAT_TEXT : DOC_FORMAT_MARKDOWN;
        size_t bom = k % 7 == 1 ? (size_t)sprintf(text, "\xEF\xBB\xBF") : 0;
        size_t n = bom + reopen_text(text + bom, sizeof text - 200, k % 3 != 0, &seed);
        size_t cut;
        const char *at;

        seed = seed * 1103515245u + 12345u;
        cut = 70000 + (seed >> 8) % (n - 140000);
        text[n] = '\0';
        if (how[0] == NULL) {
            /* anywhere */
        } else if (strcmp(how[0], "part") == 0) {
            struct doc *whole = scanned_doc_of(text, format);
            size_t sec = doc_section_at(whole, cut);
            while (doc_section_exists(whole, sec) && !doc_section_continued(whole, sec))
                sec++;
            cut = doc_section_exists(whole, sec) ? doc_section(whole, sec)->start : 0;
            doc_free(whole);
            if (cut == 0)
                continue;
        } else if (how[0][0] == '\0') {
            while (text[cut - 1] != '\n')
                cut++;
        } else {
            at = strstr(text + cut, how[0]);
            if (at == NULL)
                continue;
            cut = (size_t)(at - text) + strlen(how[1]);
        }
        /* scanned to its end, or part of the way, or hardly */
        if (check_grown(text, cut, n, format, k % 4 != 3 ? SIZE_MAX : (seed >> 4) % cut))
            carried++;
    }
    assert_true(carried >= 40);
    doc_set_whole_limit(SIZE_MAX);
}

/*
 * The state the scan of a grown text goes on in, case by case: after BEFORE (behind 70 KB of
 * prose, all of it scanned), the lines of AFTER are taken as a scan from the top takes them.
 */
static void test_reopen_scan_state(void **state)
{
    static const char *const cases[][2] = {
        {"```\n# in code\n", "# still code\n```\n\n## Kop\n"},  /* inside a fence */
        {"\n\nKop\n", "===\n\ntekst\n"},                        /* a paragraph underlined */
        {"\n\nKop een\nKop twee\n", "---\n"},                   /* from its first line */
        {"\n", "regel na een lege regel\n"},                    /* a part begins */
        {"\n- een\n", "  # in het item\n"},                     /* an item goes on */
        {"\n- een\n\n", "Tekst\n  # geen item meer\n"},         /* an item ended */
        {"\n<div>\n", "# geen kop\n</div>\n\n# Kop\n"},         /* an HTML block */
        {"\n## De", "el\n\ntekst\n"},                           /* a heading's line, cut */
        {"\n``", "`\n# code\n```\n"},                           /* a fence, cut */
        {"\n````\n# code\n", "```\n# nog code\n````\n# Kop\n"}, /* closed by its length */
        {"", "# Kop\n\ntekst\n"}, /* after blank lines only: the first section's heading */
    };
    static char text[100000];

    (void)state;
    doc_set_whole_limit(0);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int blank_top = 0; blank_top < 2; blank_top++) {
            size_t n = 0, cut;
            /* Prose without a blank line, so that the part it is in is due to end; or blank
             * lines only, so that what follows may be the first section's heading. */
            while (n < 70000)
                n += (size_t)sprintf(text + n, blank_top ? "\n" : "regel %zu van de tekst\n", n);
            n += (size_t)sprintf(text + n, "%s", cases[c][0]);
            cut = n;
            n += (size_t)sprintf(text + n, "%s", cases[c][1]);
            check_grown(text, cut, n, DOC_FORMAT_MARKDOWN, SIZE_MAX);
        }
    }
    doc_set_whole_limit(SIZE_MAX);
}

/* The sections of DOC tile it, and every one after the first is a part. */
static void assert_parts_tile(const struct doc *doc, size_t len)
{
    size_t n = doc_section_count(doc);

    assert_int_equal(doc_section(doc, 0)->start, 0);
    assert_int_equal(doc_section(doc, n - 1)->end, len);
    for (size_t i = 1; i < n; i++) {
        assert_int_equal(doc_section(doc, i)->start, doc_section(doc, i - 1)->end);
        assert_true(doc_section(doc, i)->continued);
    }
}

/*
 * A line longer than a part (minified JSON, a log of one line, a file of zeros) is cut into
 * parts as the scan goes, after a space or a comma where there is one and never inside a
 * character, so the first sections are found without looking through all of it.
 */
static void test_long_line_parts(void **state)
{
    size_t cap = 3u << 20, n = 0;
    char *text = malloc(cap + 64);
    struct doc *doc;

    (void)state;
    assert_non_null(text);
    while (n < cap)
        n += (size_t)sprintf(text + n, "woord%zu ", n % 1000);
    n += (size_t)sprintf(text + n, "\nlaatste regel\n");
    for (int f = 0; f < 2; f++) {
        doc = scanned_doc_of(text, f ? DOC_FORMAT_MARKDOWN : DOC_FORMAT_TEXT);
        assert_true(doc_section_exists(doc, 1));
        assert_true(doc_index_progress(doc) < (1u << 20)); /* not the whole line */
        assert_parts_tile(doc, n);
        for (size_t i = 1; i < doc_section_count(doc); i++) {
            const struct doc_section *sec = doc_section(doc, i);
            assert_true(sec->end - sec->start <= (320u << 10));
            if (sec->start < cap)
                assert_int_equal(text[sec->start - 1], ' '); /* no word cut in two */
        }
        doc_free(doc);
    }
    /* No space or comma anywhere: cut between characters, never inside one; no newline. */
    n = 0;
    while (n < cap)
        n += (size_t)sprintf(text + n, "\xc3\xa9\xe2\x82\xac");
    doc = scanned_doc_of(text, DOC_FORMAT_TEXT);
    assert_true(doc_section_exists(doc, 1));
    assert_parts_tile(doc, n);
    for (size_t i = 1; i < doc_section_count(doc); i++)
        assert_true(((unsigned char)text[doc_section(doc, i)->start] & 0xC0) != 0x80);
    doc_free(doc);
    free(text);
}

/* A long line still being written when the scan stopped inside it goes on where it stopped
 * once the file has grown (doc_reopen), to the parts a scan from the top makes. */
static void test_long_line_grown(void **state)
{
    size_t cap = 2u << 20, n = 0;
    char *text = malloc(cap + 64), path[32];
    struct doc *first, *grown, *fresh;
    struct lees_error err;
    int fd;

    (void)state;
    assert_non_null(text);
    while (n < cap)
        n += (size_t)sprintf(text + n, "{\"k\":%zu},", n);
    n += (size_t)sprintf(text + n, "\n# Kop\n\ntekst\n");
    doc_set_whole_limit(0);
    snprintf(path, sizeof path, "/tmp/lees-test-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, 1u << 20), 1 << 20);
    assert_int_equal(doc_open_file(path, DOC_FORMAT_MARKDOWN, &first, &err), 0);
    doc_index_step(first, 200000); /* stops inside the line */
    assert_false(doc_index_done(first));
    assert_int_equal(write(fd, text + (1u << 20), n - (1u << 20)), (ssize_t)(n - (1u << 20)));
    close(fd);
    assert_int_equal(doc_reopen(first, path, &grown, &err), 0);
    assert_true(doc_index_progress(grown) >= doc_index_progress(first));
    assert_int_equal(doc_open_file(path, DOC_FORMAT_MARKDOWN, &fresh, &err), 0);
    assert_same_sections(grown, fresh);
    assert_string_equal(doc_section(grown, doc_section_count(grown) - 1)->title, "Kop");
    doc_free(first);
    doc_free(grown);
    doc_free(fresh);
    unlink(path);
    free(text);
    doc_set_whole_limit(SIZE_MAX);
}

/* Sections tile DOC in order, none failed. */
static void assert_in_order(const struct doc *doc)
{
    size_t n = doc_section_count(doc);

    assert_false(doc_failed(doc));
    for (size_t i = 1; i < n; i++) {
        assert_true(doc_section(doc, i)->start >= doc_section(doc, i - 1)->start);
        assert_int_equal(doc_section(doc, i)->start, doc_section(doc, i - 1)->end);
    }
}

/* BEFORE, 300000 bytes of FILL in one line, then AFTER, at TEXT. */
static void sandwich(char *text, const char *before, char fill, const char *after)
{
    size_t n = (size_t)sprintf(text, "%s", before);
    memset(text + n, fill, 300000);
    sprintf(text + n + 300000, "%s", after);
}

/*
 * A long line cut into parts is no heading's text after: an underline under it makes no
 * section that goes back (they came out of order, one ending before it began).  Inside a fenced
 * block it is not cut at all: each part would be parsed as prose, and what follows the fence
 * as code.  A plain-text heading's blank line after is looked for only so far.
 */
static void test_long_line_blocks(void **state)
{
    char *text = malloc(300000 + 200);
    struct doc *doc;
    const struct doc_block *b;
    size_t nb, at;

    (void)state;
    assert_non_null(text);
    sandwich(text, "# H\n\n", 'x', "\n===\n\ntekst\n");
    doc = scanned_doc_of(text, DOC_FORMAT_MARKDOWN);
    assert_in_order(doc);
    doc_free(doc);

    sandwich(text, "# Top\n\n```\n", 'x', "\n```\n\nNa het hek, proza.\n\n# Volgende\n");
    doc = scanned_doc_of(text, DOC_FORMAT_MARKDOWN);
    assert_in_order(doc);
    at = (size_t)(strstr(text, "Na het hek") - text);
    b = doc_section_blocks(doc, doc_section_at(doc, at), &nb);
    for (size_t i = 0; i < nb; i++)
        if (b[i].start <= at && at < b[i].end)
            assert_int_equal(b[i].kind, DOC_BLOCK_PARA);
    for (size_t i = 0; i < doc_section_count(doc); i++)
        assert_true(doc_section(doc, i)->start <= 11 || doc_section(doc, i)->start > 300011);
    doc_free(doc);

    sandwich(text, "# a\n", ' ', "\ntekst\n");
    doc = doc_of(text, DOC_FORMAT_TEXT);
    assert_int_equal(doc_section(doc, 0)->level, 0); /* a line of blanks that long is text */
    doc_free(doc);
    free(text);
}

/* A plain text that ended in a heading, and grew: the heading stood alone only at the old end,
 * and is no heading now; doc_reopen opens it anew rather than carry it over. */
static void test_reopen_text_heading_at_end(void **state)
{
    static char text[120000];
    size_t n = 0;

    (void)state;
    while (n < 100000)
        n += (size_t)sprintf(text + n, "regel %zu\n", n);
    n += (size_t)sprintf(text + n, "\n# Titel\n");
    n += (size_t)sprintf(text + n, "code here\nmore\n");
    doc_set_whole_limit(0);
    check_grown(text, n - 15, n, DOC_FORMAT_TEXT, SIZE_MAX);
    doc_set_whole_limit(SIZE_MAX);
}

/* FIRST's file at PATH, changed, opened again: as doc_open_file opens it, titled TITLE. */
static void assert_reopened_anew(const struct doc *first, const char *path, const char *title)
{
    struct doc *again, *fresh;
    struct lees_error err;

    assert_int_equal(doc_reopen(first, path, &again, &err), 0);
    assert_int_equal(doc_open_file(path, DOC_FORMAT_MARKDOWN, &fresh, &err), 0);
    assert_same_sections(again, fresh);
    assert_string_equal(doc_title(again), title);
    doc_free(again);
    doc_free(fresh);
}

/* A file cut short or replaced is opened anew by doc_reopen, as doc_open_file opens it. */
static void test_reopen_not_grown(void **state)
{
    char path[] = "/tmp/lees-test-XXXXXX";
    static char text[200000];
    struct doc *first, *again;
    struct lees_error err;
    size_t n = 0;
    int fd;

    (void)state;
    doc_set_whole_limit(0);
    while (n < sizeof text - 100)
        n += (size_t)sprintf(text + n, n % 7 == 0 ? "## Kop %zu\n\n" : "regel %zu\n", n);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    assert_int_equal(doc_open_file(path, DOC_FORMAT_MARKDOWN, &first, &err), 0);
    doc_section_count(first);
    /* Cut short, then longer again than it was: the first bytes are not the old ones. */
    assert_int_equal(ftruncate(fd, 0), 0);
    assert_int_equal(pwrite(fd, "# Nieuw\n\n", 9, 0), 9);
    assert_reopened_anew(first, path, "Nieuw");
    close(fd);
    /* Replaced by a longer file at the same path. */
    unlink(path);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "# Ander\n\n", 9), 9);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    assert_reopened_anew(first, path, "Ander");
    doc_free(first);
    unlink(path);
    assert_int_equal(doc_reopen(first = doc_of("# x\n", DOC_FORMAT_MARKDOWN), path, &again, &err),
                     -1);
    doc_free(first);
    doc_set_whole_limit(SIZE_MAX);
}

/* doc_read_at copies what doc_bytes shows, from the file of a mapped text, past its byte order
 * mark, and nothing past the end. */
static void test_read_at(void **state)
{
    static const char text[] = "\xEF\xBB\xBF# Kop\n\ntekst en nog wat\n";
    char path[] = "/tmp/lees-test-XXXXXX";
    int fd = mkstemp(path);
    struct doc *docs[2] = {NULL, NULL};
    struct lees_error err;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)sizeof text - 1);
    close(fd);
    assert_int_equal(doc_open_file(path, DOC_FORMAT_MARKDOWN, &docs[0], &err), 0);
    docs[1] = doc_of(text, DOC_FORMAT_MARKDOWN);
    for (int d = 0; d < 2; d++) {
        size_t len;
        const char *bytes = doc_bytes(docs[d], &len);
        char buf[64];
        assert_int_equal(len, sizeof text - 4);
        for (size_t off = 0; off <= len; off++) {
            memset(buf, '?', sizeof buf);
            assert_int_equal(doc_read_at(docs[d], off, buf, len - off), 0);
            assert_memory_equal(buf, bytes + off, len - off);
        }
        assert_int_equal(doc_read_at(docs[d], 0, buf, len + 1), -1);
        assert_int_equal(doc_read_at(docs[d], len + 1, buf, 0), -1);
        assert_int_equal(doc_read_at(docs[d], 1, buf, SIZE_MAX), -1);
        doc_free(docs[d]);
    }
    unlink(path);
}

/* A mapped file cut short while open reads as NULs past its new end; nothing crashes. */
static void test_truncated_while_open(void **state)
{
    char path[] = "/tmp/lees-test-XXXXXX";
    int fd = mkstemp(path);
    struct doc *doc = NULL;
    struct lees_error err;
    char block[4096];
    const char *bytes;
    size_t len, zeros = 0;

    (void)state;
    assert_true(fd >= 0);
    memset(block, 'a', sizeof block);
    for (int i = 0; i < 4; i++)
        assert_int_equal(write(fd, block, sizeof block), (ssize_t)sizeof block);
    assert_int_equal(doc_open_file(path, DOC_FORMAT_TEXT, &doc, &err), 0);
    assert_int_equal(ftruncate(fd, 100), 0);
    close(fd);
    bytes = doc_bytes(doc, &len);
    assert_int_equal(len, 4 * sizeof block);
    for (size_t i = 0; i < len; i++)
        zeros += bytes[i] == '\0';
    assert_true(zeros >= len - sizeof block); /* every page past the new end reads as zeros */
    assert_int_equal(bytes[0], 'a');
    /* Read from the file, the lost bytes are an error, not zeros. */
    assert_int_equal(doc_read_at(doc, 0, block, 100), 0);
    assert_int_equal(doc_read_at(doc, 50, block, 100), -1);
    doc_free(doc);
    unlink(path);
}

static void test_entities(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(doc_entity_decode("&amp;", 5, out), 1);
    assert_memory_equal(out, "&", 1);
    assert_int_equal(doc_entity_decode("&#233;", 6, out), 2);
    assert_memory_equal(out, "\xC3\xA9", 2);
    assert_int_equal(doc_entity_decode("&#x1F600;", 9, out), 4);
    assert_int_equal(doc_entity_decode("&#0;", 4, out), 3); /* U+FFFD */
    assert_int_equal(doc_entity_decode("&#99999999;", 11, out), 3);
    assert_int_equal(doc_entity_decode("&nope;", 6, out), 0);
}

/* Compare the doc of TEXT parsed whole with the same text found and parsed section by section. */
static void assert_same_as_whole(const char *text, enum doc_format format)
{
    struct doc *whole, *lazy;
    size_t nw, nl;

    doc_set_whole_limit(SIZE_MAX);
    whole = doc_of(text, format);
    lazy = scanned_doc_of(text, format);
    assert_string_equal(doc_title(lazy), doc_title(whole));
    nw = doc_section_count(whole);
    nl = doc_section_count(lazy);
    assert_int_equal(nl, nw);
    for (size_t s = 0; s < nw; s++) {
        const struct doc_section *a = doc_section(whole, s), *b = doc_section(lazy, s);
        const struct doc_block *ba, *bb;
        size_t na, nb;

        /* md4c gives an empty heading no text to place it by, so whole it is placed after the
         * text above it, and scanned at its own line: where it starts may differ. */
        if (a->level == 0 || a->title[0] != '\0')
            assert_int_equal(b->start, a->start);
        if (s + 1 == nw || doc_section(whole, s + 1)->title[0] != '\0')
            assert_int_equal(b->end, a->end);
        assert_int_equal(b->level, a->level);
        assert_string_equal(b->title, a->title);
        ba = doc_section_blocks(whole, s, &na);
        bb = doc_section_blocks(lazy, s, &nb);
        assert_int_equal(nb, na);
        for (size_t i = 0; i < na; i++) {
            const struct doc_run *ra = doc_block_runs(whole, &ba[i]);
            const struct doc_run *rb = doc_block_runs(lazy, &bb[i]);
            assert_int_equal(bb[i].kind, ba[i].kind);
            assert_int_equal(bb[i].level, ba[i].level);
            if (ba[i].nruns > 0) { /* a block without text is placed where md4c was */
                assert_int_equal(bb[i].start, ba[i].start);
                assert_int_equal(bb[i].end, ba[i].end);
            }
            assert_int_equal(bb[i].section, s);
            assert_int_equal(bb[i].ncontainers, ba[i].ncontainers);
            if (i > 0) /* the first block of a section is drawn at its top */
                assert_int_equal(bb[i].space_before, ba[i].space_before);
            assert_int_equal(bb[i].nruns, ba[i].nruns);
            for (uint32_t r = 0; r < ba[i].nruns; r++) {
                assert_int_equal(rb[r].start, ra[r].start);
                assert_int_equal(rb[r].end, ra[r].end);
                assert_int_equal(rb[r].kind, ra[r].kind);
                assert_int_equal(rb[r].style, ra[r].style);
            }
        }
    }
    doc_free(whole);
    doc_free(lazy);
}

/* A long text is cut into sections by looking at line starts only: the same sections, blocks
 * and runs as md4c's reading of the whole, for what the scanner has to tell apart. */
static void test_sections_found_without_parsing(void **state)
{
    static const char *const texts[] = {
        "# Title\n\nIntro *with* emphasis.\n\n## One\n\nText.\n\nTwo\n---\n\nMore.\n\n### Three "
        "###\n",
        "Before any heading.\n\n## A\n\nText a.\n\n## B\n\nText b.\n",
        "\n\n# After blank lines\n\ntext\n",
        "```\n# not a heading\n```\n\n# Real\n\n~~~~\n## code\n~~~\n## still code\n~~~~\n\n## "
        "After\n",
        "Para line one\nline two\n===\n\ntext\n\n- item\n---\n\n> quote\n---\n\nx\n",
        "- item\n\n  # in the item\n\n  more\n\n# Top\n\n1. one\n2. two\n\n## Sub\n",
        "<div>\n# inside html\n</div>\n\n# Out\n\n    # indented code\n\n## End\n",
        "# A\n\n---\n\n***\n\n#\n\n# B #\n\ntext  \nbreak &amp; &copy;\n",
        "para # h\n# \nnext\n",
        "",
        "no heading at all\n\nstill none\n",
        "# One\r\n\r\ntext\r\n\r\n## Two\r\nmore\r\n",
        "   ### indented three\n\n\t# tab is code\n\n#hash without space\n\n#\tTab after\n",
    };

    (void)state;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        assert_same_as_whole(texts[i], DOC_FORMAT_MARKDOWN);
        assert_same_as_whole(texts[i], DOC_FORMAT_TEXT);
    }
}

/* The interview itself, and a long generated text, read both ways. */
static void test_interview_found_without_parsing(void **state)
{
    FILE *f = fopen("texts/handen-in-elkaar.md", "rb");
    static char buf[1 << 16];
    size_t n;

    (void)state;
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_same_as_whole(buf, DOC_FORMAT_MARKDOWN);
}

/* A long text's title stands at its top: the open looks through its first 16 KiB for it, not
 * through a mebibyte (a third of a millisecond before the first screen of a text without one). */
static void test_long_title_only_at_the_top(void **state)
{
    size_t cap = 400000, len;
    char *text = malloc(cap);
    struct doc *doc;

    (void)state;
    assert_non_null(text);
    for (int late = 0; late < 2; late++) {
        len = 0;
        for (int i = 0; len < (late ? 20000u : 12000u); i++)
            len += (size_t)snprintf(text + len, cap - len, "## Deel %d\n\nTekst van deel %d.\n\n",
                                    i, i);
        len += (size_t)snprintf(text + len, cap - len, "# Hoofdstuk\n\nTekst.\n\n");
        while (len < 300000)
            len += (size_t)snprintf(text + len, cap - len, "## Deel\n\nTekst.\n\n");
        doc = scanned_doc_of(text, DOC_FORMAT_MARKDOWN);
        assert_string_equal(doc_title(doc), late ? "test.md" : "Hoofdstuk");
        if (late)
            assert_true(doc_index_progress(doc) < 40000);
        doc_free(doc);
    }
    free(text);
}

/* A text of about LEN bytes of sections, then END. */
static char *sections_then(size_t len, const char *end)
{
    size_t cap = len + strlen(end) + 256, n = 0;
    char *text = malloc(cap);

    assert_non_null(text);
    for (int i = 0; n < len; i++)
        n += (size_t)snprintf(text + n, cap - n,
                              "## Deel %d\n\nTekst van deel %d, met *nadruk*.\n\n", i, i);
    snprintf(text + n, cap - n, "%s", end);
    return text;
}

/* The last section of DOC and of TAIL (its bytes from FROM on) parse into the same blocks. */
static void assert_last_parsed_alike(const struct doc *doc, const struct doc *tail, size_t from)
{
    size_t nb, tb;
    const struct doc_block *b = doc_section_blocks(doc, doc_section_count(doc) - 1, &nb);
    const struct doc_block *c = doc_section_blocks(tail, doc_section_count(tail) - 1, &tb);

    assert_int_equal(nb, tb);
    for (size_t i = 0; i < nb; i++) {
        assert_int_equal(b[i].kind, c[i].kind);
        assert_int_equal(b[i].start, c[i].start + from);
        assert_int_equal(b[i].nruns, c[i].nruns);
    }
}

/* The tail's sections from its first heading on are the text's last ones, and the last is
 * parsed the same; false when there is no tail (no heading near the end). */
static bool tail_is_end(const char *text, enum doc_format format)
{
    struct doc *doc, *tail;
    size_t from = 0, n, m, k;

    doc = scanned_doc_of(text, format);
    assert_false(doc_index_done(doc));
    tail = doc_tail_new(doc, &from);
    if (tail == NULL) {
        doc_free(doc);
        return false;
    }
    assert_true(from > 0 && from < strlen(text));
    assert_string_equal(doc_title(tail), doc_title(doc));
    n = doc_section_count(doc);
    m = doc_section_count(tail);
    assert_true(m >= 2);
    for (k = 1; k < m; k++) {
        const struct doc_section *a = doc_section(doc, n - k), *t = doc_section(tail, m - k);
        assert_int_equal(a->start, t->start + from);
        assert_int_equal(a->end, t->end + from);
        assert_int_equal(a->level, t->level);
        assert_int_equal(a->continued, t->continued);
        assert_string_equal(a->title, t->title);
    }
    assert_last_parsed_alike(doc, tail, from);
    doc_free(tail);
    doc_free(doc);
    return true;
}

static void assert_tail_is_end(const char *text, enum doc_format format)
{
    assert_true(tail_is_end(text, format));
}

/* G on a long text before it has been read to its end: its last sections, read from near the
 * end, are the ones a scan from the top finds, whatever stands before them. */
static void test_tail_read_from_near_the_end(void **state)
{
    static const char *const ends[] = {
        "## Slot\n\nHet laatste woord.\n",
        /* headings inside a fenced block or an HTML block at the end are none */
        "## Code\n\nZo:\n\n```sh\n# niet een kop\nmake\n\n# ook niet\n```\n\nKlaar.\n",
        "## Html\n\n<div>\n# geen kop\n</div>\n\nTekst.\n",
        "## Lijst\n\n- een\n\n  # in het item\n\nSlot\n===\n\nTekst.\n",
        "# Laatste\n",
    };
    char *long_end, *text, *fence;
    size_t n = 0;

    (void)state;
    /* A fenced block longer than the first stretch read back, with lines in it that look like a
     * place to start from and like headings: the scan from there ends inside a fence, and a
     * longer stretch is read. */
    fence = malloc(60000);
    assert_non_null(fence);
    n = (size_t)sprintf(fence, "## Code\n\n```\n");
    while (n < 50000)
        n += (size_t)sprintf(fence + n, "regel\n\ntekst\n\n# commentaar\n");
    sprintf(fence + n, "```\n\nKlaar.\n");
    text = sections_then(2u << 20, fence);
    assert_tail_is_end(text, DOC_FORMAT_MARKDOWN);
    free(text);
    free(fence);
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        text = sections_then(2u << 20, ends[i]);
        assert_tail_is_end(text, DOC_FORMAT_MARKDOWN);
        assert_tail_is_end(text, DOC_FORMAT_TEXT);
        free(text);
    }
    /* A last section longer than a part: its parts are cut where the scan from the top cuts. */
    long_end = sections_then(200000, "");
    for (char *p = long_end; (p = strstr(p, "## ")) != NULL; p++)
        p[0] = p[1] = 'x';
    text = malloc(strlen(long_end) + 64);
    assert_non_null(text);
    sprintf(text, "## Lang\n\n%s", long_end);
    free(long_end);
    long_end = text;
    text = sections_then(2u << 20, long_end);
    assert_tail_is_end(text, DOC_FORMAT_MARKDOWN);
    free(text);
    free(long_end);
}

/* Endings of random lines of every kind but fences: a place after a blank line and before a
 * prose line closes every other block, so the tail is exact whatever they are. */
static void test_tail_random_endings(void **state)
{
    static const char *const kinds[] = {
        "# Kop",
        "## Deel",
        "Kop\n===",
        "Kop\n---",
        "---",
        "* * *",
        "- een",
        "1. twee",
        "  # in het item",
        "> citaat",
        "> # kop in citaat",
        "<div>",
        "</div>",
        "<!-- c -->",
        "    # ingesprongen code",
        "gewone tekst",
        "",
        "",
        "[ref]: /url",
        "#geen kop",
        "# ",
        "\t# tab",
        "Tekst *nadruk*",
        "   ### drie spaties",
        "<pre>",
        "</pre>",
    };
    unsigned seed = 7;
    static char ending[65536]; /* longer than the first stretch read back: it starts inside */
    int tails = 0;

    (void)state;
    for (int round = 0; round < 20; round++) {
        size_t n = 0;
        char *text;
        for (int i = 0; i < 3000; i++) {
            seed = seed * 1103515245u + 12345u;
            n += (size_t)snprintf(ending + n, sizeof ending - n, "%s\n",
                                  kinds[(seed >> 16) % (sizeof kinds / sizeof kinds[0])]);
        }
        text = sections_then(200000, ending);
        tails += tail_is_end(text, DOC_FORMAT_MARKDOWN);
        free(text);
    }
    assert_true(tails >= 15);
}

/* The tail of a plain text, read from its end, against the scan from the top: the same last
 * sections, cut at the same places, the last parsed the same.  A tail read from a heading is
 * right from that heading on; one read from a log's last part (no heading in it), throughout.
 * False when there is no tail. */
static bool plain_tail_is_end(const char *text)
{
    struct doc *doc = scanned_doc_of(text, DOC_FORMAT_TEXT), *tail;
    size_t from = 0, n, m, h = 0;

    assert_false(doc_index_done(doc));
    tail = doc_tail_new(doc, &from);
    if (tail == NULL) {
        doc_free(doc);
        return false;
    }
    n = doc_section_count(doc);
    m = doc_section_count(tail);
    assert_true(m >= 1 && m <= n);
    for (size_t i = 1; i < m && h == 0; i++)
        if (!doc_section(tail, i)->continued)
            h = i;
    for (size_t i = h; i < m; i++) {
        const struct doc_section *a = doc_section(doc, n - m + i), *t = doc_section(tail, i);
        assert_int_equal(a->start, t->start + from);
        assert_int_equal(a->end, t->end + from);
    }
    assert_last_parsed_alike(doc, tail, from);
    doc_free(tail);
    doc_free(doc);
    return true;
}

/* A log: plain text without headings near its end.  Its last part is found from the end, where
 * the scan from the top cuts it, whatever stands above: random lines, now and then a heading or
 * a line longer than a quarter of a part (then there may be no tail, never a wrong one). */
static void test_tail_plain_logs(void **state)
{
    size_t cap = 4u << 20;
    char *text = malloc(cap + 65536);
    unsigned seed = 5;
    int tails = 0;

    (void)state;
    assert_non_null(text);
    for (int round = 0; round < 24; round++) {
        size_t n = 0, size = (1u << 20) + (size_t)round * 97003;
        while (n < size) {
            unsigned r;
            seed = seed * 1103515245u + 12345u;
            r = (seed >> 16) % 1000;
            if (round % 3 == 0 && r < 2) {
                n += (size_t)sprintf(text + n, "%s Kop %zu\n", r ? "  #" : "#", n);
            } else if (round % 3 == 1 && r < 1) {
                memset(text + n, 'x', 20000);
                n += 20000;
                text[n++] = '\n';
            } else {
                size_t len = 10 + (seed >> 8) % 90;
                memset(text + n, 'a' + (char)(r % 26), len);
                n += len;
                text[n++] = '\n';
            }
        }
        text[n] = '\0';
        tails += plain_tail_is_end(text);
        if (round % 3 == 2)
            assert_true(plain_tail_is_end(text)); /* a plain log always has one */
    }
    assert_true(tails >= 8);
    /* One line of 3 MB, and short lines under a last line of 1.5 MB: no tail (and the look for
     * one goes no further back than it must). */
    memset(text, 'x', 3u << 20);
    text[3u << 20] = '\0';
    for (int round = 0; round < 2; round++) {
        struct doc *doc = scanned_doc_of(text, DOC_FORMAT_TEXT);
        size_t from;
        assert_null(doc_tail_new(doc, &from));
        doc_free(doc);
        for (size_t n = 0; n < (3u << 19); n += 50)
            text[n + 49] = '\n';
    }
    free(text);
}

/* No heading in the last MiB, or a text already read: nothing to read from near the end. */
static void test_tail_none(void **state)
{
    char *text = sections_then(1u << 20, "");
    size_t len = strlen(text), from;
    struct doc *doc;

    (void)state;
    {
        char *longer = realloc(text, len + (3u << 20));
        assert_non_null(longer);
        text = longer;
    }
    for (size_t n = len; n < len + (3u << 20) - 64; n += 16)
        memcpy(text + n, "een lange regel\n", 16);
    text[len + (3u << 20) - 64] = '\0';
    doc = scanned_doc_of(text, DOC_FORMAT_MARKDOWN);
    assert_null(doc_tail_new(doc, &from));
    doc_free(doc);
    doc = doc_of("# Kort\n\nTekst.\n", DOC_FORMAT_MARKDOWN);
    assert_null(doc_tail_new(doc, &from));
    doc_free(doc);
    free(text);
}

/* Parses of sections are cached and dropped; a dropped section parses again the same. */
#define SECTIONS 4000 /* more than one scan step's worth of bytes */

static void test_section_cache(void **state)
{
    size_t cap = SECTIONS * 64, len = 0;
    char *text = malloc(cap);
    struct doc *doc;
    size_t n0, n;
    uint32_t runs0;

    (void)state;
    assert_non_null(text);
    len = (size_t)snprintf(text, cap, "# Boek\n\n");
    for (int i = 0; i < SECTIONS; i++)
        len +=
            (size_t)snprintf(text + len, cap - len, "## Deel %d\n\nTekst *van* deel %d.\n\n", i, i);
    doc = scanned_doc_of(text, DOC_FORMAT_MARKDOWN);
    /* Only what the first screen needs has been looked at. */
    assert_true(doc_index_progress(doc) < len);
    assert_false(doc_index_done(doc));
    /* What has been found so far is known without looking for more. */
    n0 = doc_sections_found(doc);
    assert_true(n0 >= 1 && n0 < SECTIONS);
    assert_int_equal(doc_sections_found(doc), n0);
    while (!doc_index_step(doc, 4096)) {
        assert_true(doc_sections_found(doc) >= n0); /* only ever more */
        n0 = doc_sections_found(doc);
    }
    assert_int_equal(doc_sections_found(doc), doc_section_count(doc));
    assert_int_equal(doc_sections_found(doc), SECTIONS + 1);
    assert_true(doc_section_exists(doc, 5));
    assert_string_equal(doc_title(doc), "Boek");
    assert_int_equal(doc_section_at(doc, len - 1), SECTIONS);
    runs0 = doc_section_blocks(doc, 1, &n0)[1].nruns;
    for (size_t s = 1; s <= SECTIONS; s++) {
        const struct doc_block *b = doc_section_blocks(doc, s, &n);
        assert_int_equal(n, 2);
        assert_int_equal(b[0].kind, DOC_BLOCK_HEADING);
        assert_int_equal(b[1].section, s);
    }
    /* Section 1 was dropped from the cache long ago: parsed again, it is the same. */
    assert_int_equal(doc_section_blocks(doc, 1, &n)[1].nruns, runs0);
    assert_int_equal(n, n0);
    assert_string_equal(doc_section(doc, 150)->title, "Deel 149");
    assert_false(doc_failed(doc));
    doc_free(doc);
    free(text);
}

/* LINES lines of prose (paragraphs of 4 lines) after HEAD, then "## Na" and a line. */
static char *long_stretch(const char *head, int lines)
{
    size_t cap = strlen(head) + (size_t)lines * 64 + 64, len = 0;
    char *text = malloc(cap);

    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "%s", head);
    for (int i = 0; i < lines; i++)
        len +=
            (size_t)snprintf(text + len, cap - len, "regel %d van een lange tekst zonder kop\n%s",
                             i, i % 4 == 3 ? "\n" : "");
    snprintf(text + len, cap - len, "## Na\n\nslot\n");
    return text;
}

/* The sections of DOC tile it; parts follow a section with a heading and share its title. */
static size_t assert_parts(const struct doc *doc, const char *text, const char *title)
{
    size_t n = doc_section_count(doc), parts = 0, len;

    doc_bytes(doc, &len);
    assert_int_equal(doc_section(doc, 0)->start, 0);
    assert_int_equal(doc_section(doc, n - 1)->end, len);
    for (size_t s = 1; s < n; s++) {
        const struct doc_section *sec = doc_section(doc, s);
        assert_int_equal(sec->start, doc_section(doc, s - 1)->end);
        assert_true(sec->start == 0 || text[sec->start - 1] == '\n'); /* at a line */
        if (!sec->continued)
            continue;
        parts++;
        assert_true(sec->end - sec->start < 2 * 65536 || s == n - 2);
        assert_string_equal(sec->title, title);
        assert_int_equal(doc_section_head(doc, s), 0);
        assert_int_equal(sec->level, doc_section(doc, 0)->level);
    }
    assert_false(doc_section(doc, 0)->continued);
    assert_string_equal(doc_section(doc, n - 1)->title, "Na");
    assert_false(doc_section(doc, n - 1)->continued);
    return parts;
}

/* A long stretch without headings (a log, a book without chapters) is cut into parts, so no
 * section is too long to lay out at once: in Markdown at a paragraph, in plain text anywhere. */
static void test_long_stretch_in_parts(void **state)
{
    char *text = long_stretch("# Logboek\n\n", 20000);
    struct doc *md, *txt, *whole;
    size_t n;

    (void)state;
    md = scanned_doc_of(text, DOC_FORMAT_MARKDOWN);
    txt = scanned_doc_of(text, DOC_FORMAT_TEXT);
    whole = doc_of(text, DOC_FORMAT_MARKDOWN);
    assert_true(assert_parts(md, text, "Logboek") > 5);
    assert_true(assert_parts(txt, text, "Logboek") > 5);
    assert_true(assert_parts(whole, text, "Logboek") > 5);
    /* In Markdown a part starts a paragraph, after a blank line. */
    for (size_t s = 1; s + 1 < doc_section_count(md); s++) {
        size_t at = doc_section(md, s)->start;
        assert_memory_equal(text + at - 2, "\n\nregel", 7);
        assert_int_equal(doc_section_blocks(md, s, &n)[0].kind, DOC_BLOCK_PARA);
    }
    doc_free(md);
    doc_free(txt);
    doc_free(whole);
    free(text);
}

/* A setext heading whose text starts where a part would be cut is a section, not a part. */
static void test_setext_heading_at_a_cut(void **state)
{
    size_t cap = 200000, len = 0;
    char *text = malloc(cap);
    struct doc *doc;
    size_t n;

    (void)state;
    assert_non_null(text);
    while (len < 65536 + 100)
        len += (size_t)snprintf(text + len, cap - len, "tekst tekst tekst\n\n");
    len += (size_t)snprintf(text + len, cap - len, "Onderkop\n========\n\nmeer\n");
    doc = scanned_doc_of(text, DOC_FORMAT_MARKDOWN);
    n = doc_section_count(doc);
    assert_string_equal(doc_section(doc, n - 1)->title, "Onderkop");
    assert_false(doc_section(doc, n - 1)->continued);
    assert_int_equal(doc_section(doc, n - 1)->level, 1);
    assert_int_equal(doc_section(doc, n - 1)->start, (size_t)(strstr(text, "Onderkop") - text));
    doc_free(doc);
    free(text);
}

/* Found measuring memory: every title kept the 256-byte buffer it was made in, 12 MB for the
 * 48,000 sections of a 100 MB text. */
static void test_titles_take_what_they_need(void **state)
{
#ifdef __GLIBC__
    struct doc *doc = doc_of("# Kort\n\n## Ook kort\n\ntekst\n", DOC_FORMAT_MARKDOWN);

    (void)state;
    assert_true(malloc_usable_size(doc_section(doc, 0)->title) < 64);
    assert_true(malloc_usable_size(doc_section(doc, 1)->title) < 64);
    doc_free(doc);
    doc = scanned_doc_of("# Kort\n\n## Ook kort\n\ntekst\n", DOC_FORMAT_MARKDOWN);
    assert_true(malloc_usable_size(doc_section(doc, 1)->title) < 64);
    assert_true(malloc_usable_size((void *)doc_title(doc)) < 64);
    doc_free(doc);
#else
    (void)state;
    skip();
#endif
}

/* Found by fuzzing: a block whose text starts with a NUL (which md4c replaces) was placed where
 * the text before it ended, before its section's start: a setext heading's, and a paragraph's
 * after an empty heading; so was an empty heading itself.  A NUL's run is now the NUL itself,
 * and a block without text is never before its section. */
static void test_blocks_inside_their_section(void **state)
{
    static const char a[] = "a\n\n\0b\n===\n\ntext\n", b[] = "\0\0\0j\n#\n\0x",
                      c[] = "\tb\x1b[\0\0\0\0j\n#\n---\n\0x";
    static const char *const texts[] = {a, b, c};
    static const size_t lens[] = {sizeof a - 1, sizeof b - 1, sizeof c - 1};

    (void)state;
    for (size_t t = 0; t < 3; t++) {
        struct doc *doc = NULL;
        struct lees_error err;
        assert_int_equal(
            doc_open_memory(texts[t], lens[t], "t.md", DOC_FORMAT_MARKDOWN, &doc, &err), 0);
        assert_int_equal(doc_section_count(doc), 2);
        for (size_t s = 0; s < doc_section_count(doc); s++) {
            size_t n;
            const struct doc_block *bl = doc_section_blocks(doc, s, &n);
            for (size_t i = 0; i < n; i++) {
                const struct doc_run *r = doc_block_runs(doc, &bl[i]);
                assert_true(bl[i].start >= doc_section(doc, s)->start);
                for (uint32_t k = 0; k < bl[i].nruns; k++)
                    if (r[k].kind == DOC_RUN_REPLACEMENT)
                        assert_int_equal(texts[t][r[k].start], '\0');
            }
        }
        doc_free(doc);
    }
}

/* Whether the text S looks binary. */
static bool judged_binary(const char *s)
{
    struct doc *doc = doc_of(s, DOC_FORMAT_TEXT);
    bool binary = doc_looks_binary(doc);

    doc_free(doc);
    return binary;
}

/* A text looks binary by a NUL, or by more than a tenth of its first 8 KiB in controls: tabs,
 * newlines, CR, FF and ESC are a text's own, and a character cut at 8 KiB is not held against
 * it.  The ASCII fast path must judge as the decoding does. */
static void test_looks_binary(void **state)
{
    static char buf[8192 + 64];
    struct doc *doc = NULL;
    struct lees_error err;
    size_t i;

    (void)state;
    assert_false(judged_binary("plain\ttext\r\n\f\x1b[1mbold\n"));
    assert_false(judged_binary("caf\xC3\xA9 na\xC3\xAF"
                               "ef \xE2\x80\x94 \xF0\x9F\x98\x80\n"));
    /* One control in ten is tolerated, one more is not. */
    assert_false(judged_binary("\x01"
                               "bcdefghij\x01"
                               "bcdefghij"));
    assert_true(judged_binary("\x01"
                              "bcdefghi\x01\x01"
                              "bcdefghi"));
    /* Invalid UTF-8 counts as control, a byte at a time. */
    assert_true(judged_binary("\xFF\xFE"
                              "abcd"));
    /* Only the first 8 KiB are judged; a character cut there is not a control. */
    for (i = 0; i + 1 < sizeof buf; i++)
        buf[i] = 'a';
    memcpy(buf + 8190, "\xE2\x80\x94", 3);
    for (i = 8193; i < 8193 + 40; i++)
        buf[i] = '\x02';
    buf[8193 + 40] = '\0';
    assert_false(judged_binary(buf));
    /* A NUL anywhere in them is enough. */
    buf[100] = '\0';
    assert_int_equal(doc_open_memory(buf, 8193 + 40, "nul.txt", DOC_FORMAT_TEXT, &doc, &err), 0);
    assert_true(doc_looks_binary(doc));
    doc_free(doc);
}

/* The judgement as it was made before any fast path: every character decoded. */
static int looks_binary_slowly(const char *s, size_t len)
{
    size_t n = len < 8192 ? len : 8192, i = 0, odd = 0;

    if (memchr(s, '\0', n) != NULL)
        return 1;
    while (i < n) {
        struct glyph g;
        size_t k = glyph_decode(s + i, n - i, &g);
        if (g.kind == GLYPH_CONTROL && !(k == 1 && i + 4 > n && g.uc >= 0x80) && g.uc != '\r' &&
            g.uc != '\f' && g.uc != 0x1b)
            odd++;
        i += k;
    }
    return odd * 10 > n;
}

/* Eight bytes at a time judge as one at a time: controls, DEL, bytes above 0x7F and UTF-8 at
 * every place in a word, near the tenth, and texts of every length around the words' ends. */
static void test_looks_binary_fast_path(void **state)
{
    static const char pick[] = {'a',        ' ',        '~',        '\n',       '\t', 0x1f, 0x7f,
                                (char)0x80, (char)0xC3, (char)0xA9, (char)0xFF, 0x01, 0x1b, '\r'};
    char buf[300];
    unsigned seed = 7;

    (void)state;
    for (int round = 0; round < 4000; round++) {
        size_t len = 1 + (size_t)round % 299;
        struct doc *doc = NULL;
        struct lees_error err;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            /* Mostly letters, so that both answers come up. */
            buf[i] = (seed >> 16) % 8 < 6 ? 'a' : pick[(seed >> 8) % sizeof pick];
        }
        assert_int_equal(doc_open_memory(buf, len, "t.txt", DOC_FORMAT_TEXT, &doc, &err), 0);
        assert_int_equal(doc_looks_binary(doc), looks_binary_slowly(buf, len));
        doc_free(doc);
    }
}

/* A table's rows under its delimiter are no paragraph: a line of dashes or equals signs after
 * them is no setext underline, for the section scanner as for md4c. */
static void test_table_not_setext(void **state)
{
    static const char *const texts[] = {
        "# A\n\n| h | i |\n|---|---|\n| j | k |\n---\n\nna\n",
        "# A\n\n| h | i |\n| --- | --- |\n| j | k |\n===\n\nna\n",
        "# A\n\nh | i\n--|--\nj | k\n===\n\nna\n", /* no table to md4c 0.4.8 */
        "# A\n\n| h |\n|:-:|\n| j |\n\nKop\n---\n\nna\n",
    };

    (void)state;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        assert_same_as_whole(texts[i], DOC_FORMAT_MARKDOWN);
}

/*
 * Every source byte is shown once at most: a block's runs, and the blocks, follow the source
 * without overlapping (a break may take no byte).  A table took a line after it with a '|' in
 * it (a list item's, shown twice), and after a NUL in a code block md4c hands over the rest of
 * the line from the NUL itself (shown twice, and a search went back over it wrongly).
 */
static void test_runs_follow_the_source(void **state)
{
    static const char *const pieces[] = {
        "a",           "b c",     " ",    "\n",         "\n\n",    "| a | b |\n|---|---|\n",
        "| 1 | 2 |\n", "x | y\n", "- ",   "> ",         "\n```\n", "    ",
        "`",           "*",       "_",    "[a](b)",     "<b>",     "&amp;",
        "\0",          "\\",      "  \n", "# ",         "\n===\n", "1. ",
        "\xC3\xA9",    "\t",      "~~",   "<http://x>", "| |\n",   "\n- [ ] t\n"};
    unsigned long rng = 1;
    char text[2048];

    (void)state;
    for (int iter = 0; iter < 3000; iter++) {
        size_t len = 0, want = 20 + iter % 400;
        for (int whole = 0; whole < 2; whole++) {
            struct doc *doc;
            size_t last = 0;
            if (whole == 0) {
                len = 0;
                while (len < want) {
                    rng = rng * 6364136223846793005ul + 1442695040888963407ul;
                    const char *p = pieces[(rng >> 33) % (sizeof pieces / sizeof pieces[0])];
                    size_t n = p[0] == '\0' ? 1 : strlen(p);
                    memcpy(text + len, p, n);
                    len += n;
                }
            }
            doc_set_whole_limit(whole ? SIZE_MAX : 0);
            assert_int_equal(
                doc_open_memory(text, len, "t", DOC_FORMAT_MARKDOWN, &doc, &(struct lees_error){0}),
                0);
            doc_set_whole_limit(SIZE_MAX);
            for (size_t sec = 0; sec < doc_section_count(doc); sec++) {
                size_t nb;
                const struct doc_block *b = doc_section_blocks(doc, sec, &nb);
                for (size_t i = 0; i < nb; i++) {
                    const struct doc_run *r = doc_block_runs(doc, &b[i]);
                    for (uint32_t k = 0; k < b[i].nruns; k++) {
                        if (r[k].start < last || r[k].end < r[k].start) {
                            print_message("text: \"");
                            for (size_t z = 0; z < len; z++)
                                print_message(text[z] >= ' ' && text[z] < 127 ? "%c" : "\\x%02x",
                                              (unsigned char)text[z]);
                            print_message("\"\n");
                            fail_msg("section %zu block %zu run %u [%zu,%zu) after %zu", sec, i, k,
                                     r[k].start, r[k].end, last);
                        }
                        last = r[k].end;
                    }
                }
            }
            doc_free(doc);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_atx_and_setext_headings),
        cmocka_unit_test(test_sections_tile_the_text),
        cmocka_unit_test(test_empty_heading_after_paragraph),
        cmocka_unit_test(test_blocks_without_runs),
        cmocka_unit_test(test_emphasis_runs),
        cmocka_unit_test(test_runs_are_source_ranges),
        cmocka_unit_test(test_containers),
        cmocka_unit_test(test_plain_text),
        cmocka_unit_test(test_table_lines),
        cmocka_unit_test(test_table_not_setext),
        cmocka_unit_test(test_sections_found_without_parsing),
        cmocka_unit_test(test_interview_found_without_parsing),
        cmocka_unit_test(test_section_cache),
        cmocka_unit_test(test_long_title_only_at_the_top),
        cmocka_unit_test(test_tail_read_from_near_the_end),
        cmocka_unit_test(test_tail_none),
        cmocka_unit_test(test_tail_random_endings),
        cmocka_unit_test(test_tail_plain_logs),
        cmocka_unit_test(test_long_stretch_in_parts),
        cmocka_unit_test(test_setext_heading_at_a_cut),
        cmocka_unit_test(test_titles_take_what_they_need),
        cmocka_unit_test(test_blocks_inside_their_section),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_titles_are_shown_form),
        cmocka_unit_test(test_empty_and_blank),
        cmocka_unit_test(test_stdin_format_detection),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_open_file_maps),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_truncated_while_open),
        cmocka_unit_test(test_read_at),
        cmocka_unit_test(test_file_origin),
        cmocka_unit_test(test_reopen_grown),
        cmocka_unit_test(test_long_line_parts),
        cmocka_unit_test(test_long_line_grown),
        cmocka_unit_test(test_long_line_blocks),
        cmocka_unit_test(test_reopen_text_heading_at_end),
        cmocka_unit_test(test_reopen_scan_state),
        cmocka_unit_test(test_reopen_not_grown),
        cmocka_unit_test(test_looks_binary),
        cmocka_unit_test(test_looks_binary_fast_path),
        cmocka_unit_test(test_runs_follow_the_source),
    };
    return cmocka_run_group_tests_name("doc", tests, NULL, NULL);
}
