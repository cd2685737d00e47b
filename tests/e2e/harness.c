/* End-to-end test harness: a program in a pseudo-terminal, its output kept in libvterm. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

struct e2e {
    VTerm *vt;
    VTermScreen *screen;
    int master;
    pid_t pid;
    bool reaped;
    int status;
    bool eof;
    int rows, cols;
    bool altscreen;
    bool cursor_visible;
    int settle_ms;
    char *out; /* every byte the program wrote, as read */
    size_t out_len, out_cap;
    char home[PATH_MAX];
};

/* ---------------------------------------------------------------------------------------- */
/* Small utilities                                                                          */

long long e2e_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("e2e: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

static void write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd p = {fd, POLLOUT, 0};
                poll(&p, 1, 100);
                continue;
            }
            return; /* EIO once the child is gone: nothing to do */
        }
        buf += n;
        len -= (size_t)n;
    }
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0 && errno != ENOENT)
        fprintf(stderr, "e2e: cannot remove %s: %s\n", path, strerror(errno));
    return 0;
}

static void rm_tree(const char *dir)
{
    if (dir[0])
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool make_temp_dir(char *buf, size_t cap, const char *what)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !tmp[0])
        tmp = "/tmp";
    if ((size_t)snprintf(buf, cap, "%s/lees-e2e-%s-XXXXXX", tmp, what) >= cap)
        return false;
    if (!mkdtemp(buf)) {
        fprintf(stderr, "e2e: mkdtemp %s: %s\n", buf, strerror(errno));
        buf[0] = '\0';
        return false;
    }
    return true;
}

const char *e2e_lees_path(void)
{
    const char *p = getenv("LEES");
    return p && p[0] ? p : "./lees";
}

/* The program to execute: "lees" is $LEES; a name with a slash is itself; another is looked
 * up in PATH (here, before the fork).  The caller frees the result. */
static char *resolve_program(const char *name)
{
    if (strcmp(name, "lees") == 0)
        return xstrdup(e2e_lees_path());
    if (strchr(name, '/'))
        return xstrdup(name);
    const char *path = getenv("PATH");
    if (!path || !path[0])
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        char *cand = xasprintf("%.*s/%s", (int)n, path, name);
        if (access(cand, X_OK) == 0)
            return cand;
        free(cand);
        path += n;
        if (*path == ':')
            path++;
    }
    return xstrdup(name);
}

/* The child's environment: the controlled defaults, then the test's entries. */
static void env_set(char ***envp, size_t *n, const char *entry)
{
    size_t namelen = strcspn(entry, "=");
    bool unset = entry[namelen] == '\0';
    for (size_t i = 0; i < *n; i++) {
        if (strncmp((*envp)[i], entry, namelen) == 0 && (*envp)[i][namelen] == '=') {
            free((*envp)[i]);
            if (unset) {
                (*envp)[i] = (*envp)[*n - 1];
                (*envp)[--*n] = NULL;
            } else {
                (*envp)[i] = xstrdup(entry);
            }
            return;
        }
    }
    if (unset)
        return;
    *envp = realloc(*envp, (*n + 2) * sizeof **envp);
    if (!*envp)
        abort();
    (*envp)[(*n)++] = xstrdup(entry);
    (*envp)[*n] = NULL;
}

static char **build_env(const char *home, const char *const extra[])
{
    char **envp = xmalloc(sizeof *envp);
    size_t n = 0;
    envp[0] = NULL;
    const char *path = getenv("PATH");
    char *s = xasprintf("PATH=%s", path && path[0] ? path : "/usr/local/bin:/usr/bin:/bin");
    env_set(&envp, &n, s);
    free(s);
    env_set(&envp, &n, "TERM=xterm-256color");
    env_set(&envp, &n, "LANG=C.UTF-8");
    env_set(&envp, &n, "LC_ALL=C.UTF-8");
    if (home) {
        s = xasprintf("HOME=%s", home);
        env_set(&envp, &n, s);
        free(s);
        s = xasprintf("XDG_CONFIG_HOME=%s/config", home);
        env_set(&envp, &n, s);
        free(s);
        s = xasprintf("XDG_STATE_HOME=%s/state", home);
        env_set(&envp, &n, s);
        free(s);
    }
    static const char *const pass[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
    for (size_t i = 0; i < sizeof pass / sizeof pass[0]; i++) {
        const char *v = getenv(pass[i]);
        if (v) {
            s = xasprintf("%s=%s", pass[i], v);
            env_set(&envp, &n, s);
            free(s);
        }
    }
    for (size_t i = 0; extra && extra[i]; i++)
        env_set(&envp, &n, extra[i]);
    return envp;
}

static void free_strv(char **v)
{
    if (!v)
        return;
    for (size_t i = 0; v[i]; i++)
        free(v[i]);
    free(v);
}

static char **copy_argv(const char *const argv[], const char *program)
{
    size_t n = 0;
    while (argv[n])
        n++;
    char **v = xmalloc((n + 1) * sizeof *v);
    v[0] = xstrdup(program);
    for (size_t i = 1; i < n; i++)
        v[i] = xstrdup(argv[i]);
    v[n] = NULL;
    return v;
}

/* In a child, before exec: default signal dispositions, nothing blocked, no stray fds. */
static void child_reset(void)
{
    static const int sigs[] = {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGWINCH,
                               SIGALRM, SIGHUP, SIGTSTP, SIGTTOU, SIGTTIN};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 4096)
        max = 4096;
    for (int fd = 3; fd < max; fd++)
        close(fd);
}

static void child_exec(const char *program, char **argv, char **envp)
{
    child_reset();
    execve(program, argv, envp);
    char msg[PATH_MAX + 64];
    int n = snprintf(msg, sizeof msg, "e2e: cannot execute %s: %s\r\n", program, strerror(errno));
    if (n > 0)
        write_all(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    _exit(127);
}

/* ---------------------------------------------------------------------------------------- */
/* The terminal                                                                             */

static void on_output(const char *s, size_t len, void *user)
{
    struct e2e *e = user;
    if (e->master >= 0)
        write_all(e->master, s, len);
}

static int on_settermprop(VTermProp prop, VTermValue *val, void *user)
{
    struct e2e *e = user;
    if (prop == VTERM_PROP_ALTSCREEN)
        e->altscreen = val->boolean;
    else if (prop == VTERM_PROP_CURSORVISIBLE)
        e->cursor_visible = val->boolean;
    return 1;
}

static const VTermScreenCallbacks screen_callbacks = {
    .settermprop = on_settermprop,
};

struct e2e *e2e_start(int rows, int cols, const char *const argv[], const char *const env[])
{
    signal(SIGPIPE, SIG_IGN);
    struct e2e *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->master = -1;
    e->pid = -1;
    e->rows = rows;
    e->cols = cols;
    e->cursor_visible = true;
    const char *settle = getenv("E2E_SETTLE_MS");
    e->settle_ms = settle && settle[0] ? atoi(settle) : E2E_SETTLE_MS;
    if (!make_temp_dir(e->home, sizeof e->home, "home")) {
        free(e);
        return NULL;
    }
    char sub[PATH_MAX + 16];
    snprintf(sub, sizeof sub, "%s/config", e->home);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/state", e->home);
    mkdir(sub, 0700);

    e->vt = vterm_new(rows, cols);
    vterm_set_utf8(e->vt, 1);
    vterm_output_set_callback(e->vt, on_output, e);
    e->screen = vterm_obtain_screen(e->vt);
    vterm_screen_set_callbacks(e->screen, &screen_callbacks, e);
    vterm_screen_enable_altscreen(e->screen, 1);
    vterm_screen_reset(e->screen, 1);

    char *program = resolve_program(argv[0]);
    char **cargv = copy_argv(argv, program);
    char **envp = build_env(e->home, env);
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    fflush(NULL);
    pid_t pid = forkpty(&e->master, NULL, NULL, &ws);
    if (pid == 0)
        child_exec(program, cargv, envp);
    free(program);
    free_strv(cargv);
    free_strv(envp);
    if (pid < 0) {
        fprintf(stderr, "e2e: forkpty: %s\n", strerror(errno));
        e->master = -1;
        e2e_free(e);
        return NULL;
    }
    e->pid = pid;
    fcntl(e->master, F_SETFD, FD_CLOEXEC);
    return e;
}

static bool try_reap(struct e2e *e, int options)
{
    if (e->reaped || e->pid <= 0)
        return e->reaped;
    int st;
    pid_t r;
    while ((r = waitpid(e->pid, &st, options)) < 0 && errno == EINTR) {
    }
    if (r == e->pid) {
        e->reaped = true;
        e->status = st;
    } else if (r < 0) {
        /* Not our child any more (reaped elsewhere): count it as gone. */
        e->reaped = true;
        e->status = 0;
    }
    return e->reaped;
}

void e2e_free(struct e2e *e)
{
    if (!e)
        return;
    if (e->pid > 0 && !try_reap(e, WNOHANG)) {
        kill(e->pid, SIGTERM);
        for (long long end = e2e_now_ms() + 500; !try_reap(e, WNOHANG) && e2e_now_ms() < end;) {
            e2e_pump(e);
            nap_ms(2);
        }
        if (!e->reaped) {
            kill(e->pid, SIGKILL);
            try_reap(e, 0);
        }
    }
    if (e->master >= 0)
        close(e->master);
    if (e->vt)
        vterm_free(e->vt);
    rm_tree(e->home);
    free(e->out);
    free(e);
}

void e2e_set_settle(struct e2e *e, int ms)
{
    e->settle_ms = ms;
}

const char *e2e_home(const struct e2e *e)
{
    return e->home;
}

int e2e_rows(const struct e2e *e)
{
    return e->rows;
}

int e2e_cols(const struct e2e *e)
{
    return e->cols;
}

bool e2e_altscreen(const struct e2e *e)
{
    return e->altscreen;
}

bool e2e_cursor_visible(const struct e2e *e)
{
    return e->cursor_visible;
}

bool e2e_exited(const struct e2e *e, int *status)
{
    if (e->reaped && status)
        *status = e->status;
    return e->reaped;
}

/* ---------------------------------------------------------------------------------------- */
/* Input                                                                                    */

void e2e_send(struct e2e *e, const char *bytes)
{
    if (e->master >= 0)
        write_all(e->master, bytes, strlen(bytes));
}

void e2e_unichar(struct e2e *e, unsigned int c, VTermModifier mod)
{
    vterm_keyboard_unichar(e->vt, c, mod);
}

void e2e_key(struct e2e *e, VTermKey key, VTermModifier mod)
{
    vterm_keyboard_key(e->vt, key, mod);
}

void e2e_key_up(struct e2e *e)
{
    e2e_key(e, VTERM_KEY_UP, VTERM_MOD_NONE);
}

void e2e_key_down(struct e2e *e)
{
    e2e_key(e, VTERM_KEY_DOWN, VTERM_MOD_NONE);
}

void e2e_key_pgup(struct e2e *e)
{
    e2e_key(e, VTERM_KEY_PAGEUP, VTERM_MOD_NONE);
}

void e2e_key_pgdn(struct e2e *e)
{
    e2e_key(e, VTERM_KEY_PAGEDOWN, VTERM_MOD_NONE);
}

void e2e_key_home(struct e2e *e)
{
    e2e_key(e, VTERM_KEY_HOME, VTERM_MOD_NONE);
}

void e2e_key_end(struct e2e *e)
{
    e2e_key(e, VTERM_KEY_END, VTERM_MOD_NONE);
}

void e2e_key_enter(struct e2e *e)
{
    e2e_key(e, VTERM_KEY_ENTER, VTERM_MOD_NONE);
}

void e2e_key_esc(struct e2e *e)
{
    e2e_key(e, VTERM_KEY_ESCAPE, VTERM_MOD_NONE);
}

void e2e_key_f1(struct e2e *e)
{
    e2e_key(e, VTERM_KEY_FUNCTION(1), VTERM_MOD_NONE);
}

void e2e_ctrl(struct e2e *e, char letter)
{
    char b[2] = {(char)(letter & 0x1f), '\0'};
    e2e_send(e, b);
}

void e2e_resize(struct e2e *e, int rows, int cols)
{
    e->rows = rows;
    e->cols = cols;
    vterm_set_size(e->vt, rows, cols);
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    if (e->master >= 0 && ioctl(e->master, TIOCSWINSZ, &ws) < 0)
        fprintf(stderr, "e2e: TIOCSWINSZ: %s\n", strerror(errno));
}

void e2e_resize_blank(struct e2e *e, int rows, int cols)
{
    e2e_pump(e);
    e->rows = rows;
    e->cols = cols;
    vterm_set_size(e->vt, rows, cols);
    e2e_scribble(e, "\033[H\033[2J");
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    if (e->master >= 0 && ioctl(e->master, TIOCSWINSZ, &ws) < 0)
        fprintf(stderr, "e2e: TIOCSWINSZ: %s\n", strerror(errno));
}

void e2e_hangup(struct e2e *e)
{
    e2e_pump(e);
    if (e->master >= 0)
        close(e->master);
    e->master = -1;
    e->eof = true;
}

void e2e_signal(struct e2e *e, int sig)
{
    if (e->pid > 0 && !e->reaped)
        kill(e->pid, sig);
}

void e2e_scribble(struct e2e *e, const char *bytes)
{
    vterm_input_write(e->vt, bytes, strlen(bytes));
}

/* ---------------------------------------------------------------------------------------- */
/* Output and waiting                                                                       */

/* Appends what the program wrote to the raw output. */
static void keep_output(struct e2e *e, const char *buf, size_t n)
{
    if (e->out_len + n + 1 > e->out_cap) {
        size_t cap = e->out_cap ? e->out_cap : 65536;
        while (cap < e->out_len + n + 1)
            cap *= 2;
        char *p = realloc(e->out, cap);
        if (!p)
            abort();
        e->out = p;
        e->out_cap = cap;
    }
    memcpy(e->out + e->out_len, buf, n);
    e->out_len += n;
    e->out[e->out_len] = '\0';
}

const char *e2e_output(const struct e2e *e, size_t *len)
{
    if (len)
        *len = e->out_len;
    return e->out ? e->out : "";
}

bool e2e_output_has(const struct e2e *e, const void *bytes, size_t n)
{
    if (n == 0)
        return true;
    if (!e->out || e->out_len < n)
        return false;
    const char *b = bytes;
    for (size_t i = 0; i + n <= e->out_len; i++)
        if (e->out[i] == b[0] && memcmp(e->out + i, b, n) == 0)
            return true;
    return false;
}

void e2e_output_clear(struct e2e *e)
{
    e2e_pump(e);
    e->out_len = 0;
    if (e->out)
        e->out[0] = '\0';
}

/* Reads once, waiting at most timeout_ms for something to read; false when nothing came. */
static bool read_once(struct e2e *e, int timeout_ms)
{
    if (e->eof || e->master < 0)
        return false;
    struct pollfd p = {e->master, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r <= 0)
        return false;
    char buf[65536];
    ssize_t n = read(e->master, buf, sizeof buf);
    if (n > 0) {
        keep_output(e, buf, (size_t)n);
        vterm_input_write(e->vt, buf, (size_t)n);
        return true;
    }
    if (n == 0 || (errno != EINTR && errno != EAGAIN))
        e->eof = true; /* EIO: every slave is closed */
    return false;
}

void e2e_pump(struct e2e *e)
{
    while (read_once(e, 0)) {
    }
}

bool e2e_wait(struct e2e *e, bool (*cond)(struct e2e *, void *), void *arg, int timeout_ms)
{
    long long deadline = e2e_now_ms() + timeout_ms;
    for (;;) {
        e2e_pump(e);
        if (e->eof)
            try_reap(e, WNOHANG);
        long long left = deadline - e2e_now_ms();
        if (cond(e, arg)) {
            /* The program may be halfway through drawing (a frame can reach us in pieces):
             * the condition counts once the output has been quiet for a moment. */
            if (e->eof || e->settle_ms <= 0 || left <= 0)
                return true;
            if (!read_once(e, (int)(left < e->settle_ms ? left : e->settle_ms)))
                return true;
            continue;
        }
        if (left <= 0)
            return false;
        if (e->eof) {
            /* Nothing more can be drawn; only the exit can still come. */
            if (e->reaped)
                return false;
            nap_ms(left < 2 ? left : 2);
        } else {
            read_once(e, (int)left);
        }
    }
}

static bool cond_text(struct e2e *e, void *arg)
{
    return e2e_find(e, arg, NULL, NULL);
}

static bool cond_no_text(struct e2e *e, void *arg)
{
    return !e2e_find(e, arg, NULL, NULL);
}

bool e2e_wait_text(struct e2e *e, const char *needle, int timeout_ms)
{
    return e2e_wait(e, cond_text, (void *)needle, timeout_ms);
}

bool e2e_wait_no_text(struct e2e *e, const char *needle, int timeout_ms)
{
    return e2e_wait(e, cond_no_text, (void *)needle, timeout_ms);
}

struct row_arg {
    int row;
    const char *needle;
};

static bool cond_row(struct e2e *e, void *arg)
{
    struct row_arg *a = arg;
    return e2e_find_in_row(e, a->row, a->needle, 0) >= 0;
}

bool e2e_wait_row_contains(struct e2e *e, int row, const char *needle, int timeout_ms)
{
    struct row_arg a = {row, needle};
    return e2e_wait(e, cond_row, &a, timeout_ms);
}

static bool cond_change(struct e2e *e, void *arg)
{
    char *now = e2e_screen_text(e);
    bool changed = strcmp(now, arg) != 0;
    free(now);
    return changed;
}

bool e2e_wait_change(struct e2e *e, int timeout_ms)
{
    char *before = e2e_screen_text(e);
    bool r = e2e_wait(e, cond_change, before, timeout_ms);
    free(before);
    return r;
}

static bool cond_exit(struct e2e *e, void *arg)
{
    (void)arg;
    return e->eof && e->reaped;
}

bool e2e_wait_exit(struct e2e *e, int timeout_ms, int *status)
{
    bool r = e2e_wait(e, cond_exit, NULL, timeout_ms);
    if (r && status)
        *status = e->status;
    return r;
}

/* ---------------------------------------------------------------------------------------- */
/* The screen                                                                               */

static int real_row(const struct e2e *e, int row)
{
    return row < 0 ? e->rows + row : row;
}

bool e2e_cell(struct e2e *e, int row, int col, VTermScreenCell *cell)
{
    row = real_row(e, row);
    if (row < 0 || row >= e->rows || col < 0 || col >= e->cols)
        return false;
    VTermPos pos = {row, col};
    return vterm_screen_get_cell(e->screen, pos, cell) != 0;
}

static size_t put_utf8(char *out, uint32_t c)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* The text of a row, untrimmed, and for each byte the cell its character starts in.  Both are
 * allocated; *len is the length of the text. */
static char *row_text(struct e2e *e, int row, int **cellmap, size_t *len)
{
    size_t cap = (size_t)e->cols * VTERM_MAX_CHARS_PER_CELL * 4 + 1;
    char *s = xmalloc(cap);
    int *map = cellmap ? xmalloc(cap * sizeof *map) : NULL;
    size_t n = 0;
    for (int col = 0; col < e->cols; col++) {
        VTermScreenCell cell;
        if (!e2e_cell(e, row, col, &cell))
            break;
        if (cell.chars[0] == (uint32_t)-1)
            continue; /* the right half of a wide character */
        size_t start = n;
        if (cell.chars[0] == 0) {
            s[n++] = ' ';
        } else {
            for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++)
                n += put_utf8(s + n, cell.chars[i]);
        }
        if (map)
            for (size_t b = start; b < n; b++)
                map[b] = col;
    }
    s[n] = '\0';
    if (cellmap)
        *cellmap = map;
    if (len)
        *len = n;
    return s;
}

char *e2e_row(struct e2e *e, int row)
{
    size_t n;
    char *s = row_text(e, row, NULL, &n);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
    return s;
}

char *e2e_screen_text(struct e2e *e)
{
    size_t cap = 1, len = 0;
    char *all = xmalloc(cap);
    all[0] = '\0';
    for (int r = 0; r < e->rows; r++) {
        char *row = e2e_row(e, r);
        size_t n = strlen(row);
        all = realloc(all, cap += n + 1);
        if (!all)
            abort();
        memcpy(all + len, row, n);
        len += n;
        all[len++] = '\n';
        all[len] = '\0';
        free(row);
    }
    return all;
}

int e2e_find_in_row(struct e2e *e, int row, const char *needle, int from_col)
{
    int *map;
    size_t len;
    char *s = row_text(e, row, &map, &len);
    int found = -1;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++) {
        int col = map[p - s];
        if (col >= from_col) {
            found = col;
            break;
        }
    }
    free(s);
    free(map);
    return found;
}

bool e2e_find(struct e2e *e, const char *needle, int *row, int *col)
{
    for (int r = 0; r < e->rows; r++) {
        int c = e2e_find_in_row(e, r, needle, 0);
        if (c >= 0) {
            if (row)
                *row = r;
            if (col)
                *col = c;
            return true;
        }
    }
    return false;
}

int e2e_row_first_col(struct e2e *e, int row)
{
    for (int col = 0; col < e->cols; col++) {
        VTermScreenCell cell;
        if (!e2e_cell(e, row, col, &cell))
            break;
        if (cell.chars[0] != 0 && cell.chars[0] != ' ' && cell.chars[0] != (uint32_t)-1)
            return col;
    }
    return -1;
}

void e2e_dump(struct e2e *e, FILE *f)
{
    e2e_pump(e);
    VTermPos cur;
    vterm_state_get_cursorpos(vterm_obtain_state(e->vt), &cur);
    fprintf(f, "# --- screen %dx%d, %s screen, cursor %d,%d %s%s ---\n", e->rows, e->cols,
            e->altscreen ? "alternate" : "normal", cur.row, cur.col,
            e->cursor_visible ? "visible" : "hidden",
            e->reaped ? (WIFEXITED(e->status) ? ", exited" : ", killed") : "");
    fprintf(f, "#    attributes under a row: B bold, I italic, U underline, R reverse, "
               "C colour, * several\n");
    char *attrs = xmalloc((size_t)e->cols + 1);
    for (int r = 0; r < e->rows; r++) {
        char *row = e2e_row(e, r);
        fprintf(f, "# %2d|%s\n", r, row);
        free(row);
        bool any = false;
        int last = -1;
        for (int c = 0; c < e->cols; c++) {
            VTermScreenCell cell;
            char a = ' ';
            if (e2e_cell(e, r, c, &cell)) {
                int k = 0;
                if (cell.attrs.bold)
                    a = 'B', k++;
                if (cell.attrs.italic)
                    a = 'I', k++;
                if (cell.attrs.underline)
                    a = 'U', k++;
                if (cell.attrs.reverse)
                    a = 'R', k++;
                if (!VTERM_COLOR_IS_DEFAULT_FG(&cell.fg) || !VTERM_COLOR_IS_DEFAULT_BG(&cell.bg))
                    a = 'C', k++;
                if (k > 1)
                    a = '*';
            }
            attrs[c] = a;
            if (a != ' ') {
                any = true;
                last = c;
            }
        }
        if (any) {
            attrs[last + 1] = '\0';
            fprintf(f, "#   :%s\n", attrs);
        }
    }
    fprintf(f, "# --- end of screen ---\n");
    free(attrs);
    fflush(f);
}

/* ---------------------------------------------------------------------------------------- */
/* Not a terminal                                                                           */

struct buf {
    char *data;
    size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data)
            abort();
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

bool e2e_run_piped(const char *const argv[], const char *const env[], const char *stdin_bytes,
                   int timeout_ms, char **out, size_t *out_len, char **err, int *status)
{
    signal(SIGPIPE, SIG_IGN);
    char home[PATH_MAX];
    if (!make_temp_dir(home, sizeof home, "home"))
        return false;
    int in[2] = {-1, -1}, o[2], er[2];
    if ((stdin_bytes && pipe(in) < 0) || pipe(o) < 0 || pipe(er) < 0) {
        fprintf(stderr, "e2e: pipe: %s\n", strerror(errno));
        rm_tree(home);
        return false;
    }
    char *program = resolve_program(argv[0]);
    char **cargv = copy_argv(argv, program);
    char **envp = build_env(home, env);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setsid(); /* no controlling terminal: /dev/tty cannot be opened */
        int nul = open("/dev/null", O_RDWR);
        dup2(stdin_bytes ? in[0] : nul, 0);
        dup2(o[1], 1);
        dup2(er[1], 2);
        child_exec(program, cargv, envp);
    }
    free(program);
    free_strv(cargv);
    free_strv(envp);
    if (stdin_bytes)
        close(in[0]);
    close(o[1]);
    close(er[1]);
    if (pid < 0) {
        fprintf(stderr, "e2e: fork: %s\n", strerror(errno));
        if (stdin_bytes)
            close(in[1]);
        close(o[0]);
        close(er[0]);
        rm_tree(home);
        return false;
    }
    int infd = stdin_bytes ? in[1] : -1;
    size_t in_left = stdin_bytes ? strlen(stdin_bytes) : 0;
    const char *in_next = stdin_bytes;
    if (infd >= 0) {
        fcntl(infd, F_SETFL, O_NONBLOCK);
        if (in_left == 0) {
            close(infd);
            infd = -1;
        }
    }
    struct buf bo = {0}, be = {0};
    buf_add(&bo, "", 0);
    buf_add(&be, "", 0);
    int ofd = o[0], efd = er[0];
    long long deadline = e2e_now_ms() + timeout_ms;
    bool timed_out = false;
    while (ofd >= 0 || efd >= 0 || infd >= 0) {
        long long left = deadline - e2e_now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd p[3] = {{ofd, POLLIN, 0}, {efd, POLLIN, 0}, {infd, POLLOUT, 0}};
        int r = poll(p, 3, (int)left);
        if (r < 0 && errno != EINTR)
            break;
        char chunk[65536];
        for (int i = 0; i < 2; i++) {
            int *fd = i == 0 ? &ofd : &efd;
            if (*fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                ssize_t n = read(*fd, chunk, sizeof chunk);
                if (n > 0)
                    buf_add(i == 0 ? &bo : &be, chunk, (size_t)n);
                else if (n == 0 || errno != EINTR) {
                    close(*fd);
                    *fd = -1;
                }
            }
        }
        if (infd >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(infd, in_next, in_left);
            if (n > 0) {
                in_next += n;
                in_left -= (size_t)n;
            }
            if ((n < 0 && errno != EINTR && errno != EAGAIN) || in_left == 0) {
                close(infd);
                infd = -1;
            }
        }
    }
    if (infd >= 0)
        close(infd);
    if (ofd >= 0)
        close(ofd);
    if (efd >= 0)
        close(efd);
    int st = 0;
    pid_t r = 0;
    while (!timed_out) {
        r = waitpid(pid, &st, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            break;
        if (e2e_now_ms() >= deadline)
            timed_out = true;
        else
            nap_ms(1);
    }
    if (timed_out) {
        fprintf(stderr, "e2e: %s ran longer than %d ms: killed\n", argv[0], timeout_ms);
        kill(pid, SIGKILL);
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
    }
    rm_tree(home);
    if (out) {
        *out = bo.data;
        if (out_len)
            *out_len = bo.len;
    } else {
        free(bo.data);
    }
    if (err)
        *err = be.data;
    else
        free(be.data);
    if (status)
        *status = st;
    return !timed_out;
}

/* ---------------------------------------------------------------------------------------- */
/* Fixtures                                                                                 */

static char fixture_dir[PATH_MAX];
static char **fixture_paths;
static size_t fixture_count;

static void fixtures_cleanup(void)
{
    rm_tree(fixture_dir);
    fixture_dir[0] = '\0';
    for (size_t i = 0; i < fixture_count; i++)
        free(fixture_paths[i]);
    free(fixture_paths);
    fixture_paths = NULL;
    fixture_count = 0;
}

const char *e2e_fixture_dir(void)
{
    if (!fixture_dir[0]) {
        if (!make_temp_dir(fixture_dir, sizeof fixture_dir, "files")) {
            fputs("e2e: cannot make the fixture directory\n", stderr);
            abort();
        }
        atexit(fixtures_cleanup);
    }
    return fixture_dir;
}

const char *e2e_fixture(const char *name, const char *content)
{
    return e2e_fixture_bytes(name, content, strlen(content));
}

const char *e2e_fixture_bytes(const char *name, const void *content, size_t len)
{
    char *path = xasprintf("%s/%s", e2e_fixture_dir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || (len > 0 && fwrite(content, 1, len, f) != len) || fclose(f) != 0) {
        fprintf(stderr, "e2e: cannot write %s: %s\n", path, strerror(errno));
        abort();
    }
    fixture_paths = realloc(fixture_paths, (fixture_count + 1) * sizeof *fixture_paths);
    if (!fixture_paths)
        abort();
    fixture_paths[fixture_count++] = path;
    return path;
}

/* The child's process id. */
int e2e_pid(const struct e2e *e)
{
    return (int)e->pid;
}
