/*
 * bench.c: lees against less, in the same run, in the pseudo-terminal harness of the end-to-end
 * tests.  Each measure waits for a condition on the screen (never a fixed time), so it times
 * what a reader sees.  Prints a table: each measure for both programs and the ratio.  The first
 * screen, a key and G at once are the median of RUNS starts of each, taken in turn.
 * Usage (make bench does this): bench/bench BIG.md INTERVIEW.md [BIG.log]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../tests/e2e/harness.h"

#define ROWS 24
#define COLS 80
#define TIMEOUT 30000

struct prog {
    const char *name;
    const char *path;
    const char *first; /* text on the first screen of the big file */
    const char *last;  /* and on its last page */
    bool piped;        /* the text comes on standard input: cat FILE | PROG */
};

static struct e2e *start(const struct prog *p, const char *file)
{
    const char *argv[] = {p->path, file, NULL};
    const char *piped[] = {"sh", "-c", "cat \"$1\" | exec \"$0\"", p->path, file, NULL};
    /* No state file, no colours: both programs do the same work. */
    const char *env[] = {"LESS", "LESSOPEN", "NO_COLOR=1", NULL};
    struct e2e *e = e2e_start(ROWS, COLS, p->piped ? piped : argv, env);

    if (e == NULL)
        exit(1);
    e2e_set_settle(e, 0);
    return e;
}

/* TEXT in the text rows: not in the last row, where both programs echo what is typed. */
static bool in_text_rows(struct e2e *e, void *arg)
{
    int row, col;
    return e2e_find(e, arg, &row, &col) && row < ROWS - 1;
}

/* Now, in milliseconds to the microsecond: a start takes 2 to 4 ms, so whole milliseconds would
 * hide the difference measured. */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Milliseconds from T0 until TEXT is on the screen, above the last row. */
static double until(struct e2e *e, double t0, const char *text)
{
    if (!e2e_wait(e, in_text_rows, (void *)text, TIMEOUT)) {
        fprintf(stderr, "bench: \"%s\" never appeared\n", text);
        e2e_dump(e, stderr);
        return -1;
    }
    return now_ms() - t0;
}

static long proc_field(pid_t pid, const char *file, const char *key)
{
    char path[64], line[256];
    FILE *f;
    long v = -1;

    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, key, strlen(key)) == 0)
            v = strtol(line + strlen(key), NULL, 10);
    fclose(f);
    return v;
}

/* CPU ticks (user + system) the process has used. */
static long cpu_ticks(pid_t pid)
{
    char path[64], buf[1024], *p;
    long ut = 0, st = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (f == NULL || fgets(buf, sizeof buf, f) == NULL) {
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    p = strrchr(buf, ')');
    /* Fields after the command: state is 3rd; utime and stime are the 14th and 15th. */
    if (p == NULL ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &ut, &st) != 2)
        return -1;
    return ut + st;
}

#define RUNS 51 /* first screen, a key and G at once: the median of this many starts */
#define SEARCHES 3

struct result {
    double first, last, last_idle, search, rss_kb, page_bytes, idle_ticks, key_ms, far_key_ms,
        far_match_ms, follow_ticks;
    double firsts[RUNS], keys[RUNS], lasts[RUNS];
};

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return v[n / 2];
}

/* Start P on BIG once: the first screen, then a key, then G at once. */
static void start_once(const struct prog *p, const char *big, struct result *r, int i)
{
    double t0 = now_ms();
    struct e2e *e = start(p, big);

    r->firsts[i] = until(e, t0, p->first);
    /* Any key: j moves one line; the screen changes. */
    t0 = now_ms();
    e2e_send(e, "j");
    r->keys[i] = e2e_wait_change(e, TIMEOUT) ? now_ms() - t0 : -1;
    t0 = now_ms();
    e2e_send(e, "G");
    r->lasts[i] = until(e, t0, p->last);
    e2e_free(e);
}

/* The measures of the starts: the median of each. */
static void take_medians(struct result *r)
{
    r->first = median(r->firsts, RUNS);
    r->key_ms = median(r->keys, RUNS);
    r->last = median(r->lasts, RUNS);
}

/* The starts of both programs, taken in turn so that the state of the machine (its caches, its
 * other work) weighs on both alike, each going first every other time so that neither always
 * starts right after the other. */
static void measure_starts(const struct prog *a, const struct prog *b, const char *big,
                           struct result *ra, struct result *rb)
{
    for (int i = 0; i < RUNS; i++) {
        if (i % 2 == 0) {
            start_once(a, big, ra, i);
            start_once(b, big, rb, i);
        } else {
            start_once(b, big, rb, i);
            start_once(a, big, ra, i);
        }
    }
    take_medians(ra);
    take_medians(rb);
}

static void measure(const struct prog *p, const char *big, const char *interview, struct result *r)
{
    struct e2e *e;
    double t0, searches[SEARCHES];
    size_t bytes;
    long ticks;

    /* G as a reader presses it: half a second after the first screen. */
    e = start(p, big);
    until(e, now_ms(), p->first);
    usleep(500000);
    t0 = now_ms();
    e2e_send(e, "G");
    r->last_idle = until(e, t0, "slotwoord");
    e2e_free(e);

    /* A search from the top for the word that stands only at the end: the median of three. */
    for (int i = 0; i < SEARCHES; i++) {
        e = start(p, big);
        until(e, now_ms(), p->first);
        t0 = now_ms();
        e2e_send(e, "/slotwoord\r");
        searches[i] = until(e, t0, "slotwoord");
        r->rss_kb = (double)proc_field(e2e_pid(e), "status", "RssAnon:");
        if (i == 0) {
            /* The slowest key there is: n from the top to that match, 100 MB away.  What a
             * reader waits for is the first sign on the screen that the key was taken. */
            e2e_send(e, "g");
            until(e, now_ms(), p->first);
            t0 = now_ms();
            e2e_send(e, "n");
            r->far_key_ms = e2e_wait_change(e, TIMEOUT) ? now_ms() - t0 : -1;
            r->far_match_ms = until(e, t0, "slotwoord");
        }
        e2e_free(e);
    }
    r->search = median(searches, SEARCHES);

    /* Bytes for one page forward on the interview, and CPU while no key is pressed. */
    e = start(p, interview);
    until(e, now_ms(), "Handen in elkaar");
    while (e2e_wait_change(e, 300)) /* anything still being drawn */
        ;
    e2e_output_clear(e);
    e2e_send(e, " ");
    e2e_wait_change(e, TIMEOUT);
    while (e2e_wait_change(e, 300)) /* output comes in pieces: until it stops */
        ;
    e2e_output(e, &bytes);
    r->page_bytes = (double)bytes;
    ticks = cpu_ticks(e2e_pid(e));
    sleep(2); /* idle on purpose: what does the program do when nobody types? */
    r->idle_ticks = (double)(cpu_ticks(e2e_pid(e)) - ticks);
    e2e_free(e);
}

#define FOLLOW_LINES 50 /* lines added to a followed log, one every FOLLOW_EVERY_MS */
#define FOLLOW_EVERY_MS 100

/* Copy the file FROM to TO; false when it cannot be. */
static bool copy_file(const char *from, const char *to)
{
    static char buf[1 << 16];
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    size_t n;
    bool ok = in != NULL && out != NULL;

    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    return ok;
}

/* F on a log that grows (tail -f): CPU ticks P uses following a copy of LOG while a line is
 * added every FOLLOW_EVERY_MS, until the last one is on the screen. */
static double measure_follow(const struct prog *p, const char *log)
{
    char copy[4096], line[64];
    const char *argv[] = {p->path, "+F", copy, NULL};
    const char *env[] = {"LESS", "LESSOPEN", "NO_COLOR=1", NULL};
    struct e2e *e;
    long ticks;

    snprintf(copy, sizeof copy, "%s.follow", log);
    if (!copy_file(log, copy) || (e = e2e_start(ROWS, COLS, argv, env)) == NULL)
        exit(1);
    e2e_set_settle(e, 0);
    until(e, now_ms(), "slotregel");
    ticks = cpu_ticks(e2e_pid(e));
    for (int i = 1; i <= FOLLOW_LINES; i++) {
        FILE *f = fopen(copy, "a");
        if (f == NULL)
            exit(1);
        fprintf(f, "followed line %d\n", i);
        fclose(f);
        usleep(FOLLOW_EVERY_MS * 1000);
        e2e_pump(e);
    }
    snprintf(line, sizeof line, "followed line %d", FOLLOW_LINES);
    until(e, now_ms(), line);
    ticks = cpu_ticks(e2e_pid(e)) - ticks;
    e2e_free(e);
    remove(copy);
    return (double)ticks;
}

static void row_ratio(const char *what, const char *unit, double lees, double less,
                      const char *ratio, const char *target)
{
    printf("| %-44s | %10.2f %-5s | %10.2f %-5s | %6s | %-28s |\n", what, less, unit, lees, unit,
           ratio, target);
}

/* A row whose ratio is lees's measure over less's. */
static void row(const char *what, const char *unit, double lees, double less, const char *target)
{
    char ratio[32] = "-";
    if (less > 0 && lees >= 0)
        snprintf(ratio, sizeof ratio, "%.2f", lees / less);
    row_ratio(what, unit, lees, less, ratio, target);
}

int main(int argc, char **argv)
{
    struct prog lees = {"lees", e2e_lees_path(), "Deel 1", "slotwoord", false};
    struct prog less = {"less", "less", "## Deel 1", "slotwoord", false};
    /* A log shows as it is in both. */
    struct prog lees_log = {"lees", e2e_lees_path(), "request 000000001 ", "slotregel", false};
    struct prog less_log = {"less", "less", "request 000000001 ", "slotregel", false};
    /* The big text through a pipe: cat FILE | PROG. */
    struct prog lees_pipe = {"lees", e2e_lees_path(), "Deel 1", "slotwoord", true};
    struct prog less_pipe = {"less", "less", "## Deel 1", "slotwoord", true};
    static struct result a, b, la, lb, pa, pb;
    struct stat big;
    char share[32];

    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: bench BIG.md INTERVIEW.md [BIG.log]\n");
        return 2;
    }
    if (stat(argv[1], &big) != 0 || big.st_size == 0) {
        perror(argv[1]);
        return 1;
    }
    measure_starts(&lees, &less, argv[1], &a, &b);
    measure_starts(&lees_pipe, &less_pipe, argv[1], &pa, &pb);
    measure(&lees, argv[1], argv[2], &a);
    measure(&less, argv[1], argv[2], &b);
    if (argc == 4) {
        measure_starts(&lees_log, &less_log, argv[3], &la, &lb);
        la.follow_ticks = measure_follow(&lees_log, argv[3]);
        lb.follow_ticks = measure_follow(&less_log, argv[3]);
    }
    printf("| %-44s | %16s | %16s | %6s | %-28s |\n", "measure", "less", "lees", "ratio",
           "lees must");
    printf("|%.46s|%.18s|%.18s|%.8s|%.30s|\n", "----------------------------------------------",
           "------------------", "------------------", "--------",
           "------------------------------");
    row("first screen after start", "ms", a.first, b.first, "no later than less");
    row("G, the last page, at once", "ms", a.last, b.last, "at most 2x less");
    row("G, half a second after the first screen", "ms", a.last_idle, b.last_idle,
        "at most 2x less");
    row("search from the top for the last word", "ms", a.search, b.search, "at most 0.1x less");
    /* The target is a share of the file, not of less's memory: the ratio column says that. */
    snprintf(share, sizeof share, "%.1f%%", a.rss_kb * 1024.0 / (double)big.st_size * 100.0);
    row_ratio("RssAnon after the search (ratio: of file)", "KB", a.rss_kb, b.rss_kb, share,
              "under 10% of the file");
    row("bytes for one page forward (interview)", "B", a.page_bytes, b.page_bytes,
        "no more than less");
    row("CPU ticks in 2 s without a key", "ticks", a.idle_ticks, b.idle_ticks, "none");
    row("a key (j) on the big text", "ms", a.key_ms, b.key_ms, "within 50 ms");
    row("n to a match 100 MB on: the screen answers", "ms", a.far_key_ms, b.far_key_ms,
        "within 50 ms");
    row("n to a match 100 MB on: the match shown", "ms", a.far_match_ms, b.far_match_ms, "-");
    row("pipe (cat | ...): first screen", "ms", pa.first, pb.first, "-");
    row("pipe (cat | ...): G, read to the end", "ms", pa.last, pb.last, "-");
    if (argc == 4) {
        row("log: first screen after start", "ms", la.first, lb.first, "-");
        row("log: G, the last page, at once", "ms", la.last, lb.last, "-");
        row("log: CPU ticks following it (F) as it grows", "ticks", la.follow_ticks,
            lb.follow_ticks, "-");
    }
    return 0;
}
