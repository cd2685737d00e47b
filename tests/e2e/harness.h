/* End-to-end test harness: runs a program in a pseudo-terminal and keeps what it draws in a
 * libvterm screen, so a test can send keys and assert on the screen.  No fixed sleeps: every
 * wait reads the program's output until a condition holds or a deadline passes. */
#ifndef LEES_E2E_HARNESS_H
#define LEES_E2E_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <vterm.h>

struct e2e;

/* Starts argv in a rows x cols pseudo-terminal.  argv[0] "lees" means the program named by the
 * environment variable LEES (default "./lees"); another argv[0] without a slash is looked up in
 * PATH.  The child gets a clean environment: PATH (the harness's), TERM=xterm-256color,
 * LANG=C.UTF-8, LC_ALL=C.UTF-8, HOME, XDG_CONFIG_HOME and XDG_STATE_HOME in a fresh temporary
 * directory (removed by e2e_free), the sanitizer options (ASAN_OPTIONS, UBSAN_OPTIONS,
 * LSAN_OPTIONS) when set, and nothing else; each "NAME=value" in env (NULL-terminated, or env
 * NULL) is set on top, and a bare "NAME" unsets it.  Returns NULL, with a message on stderr, on
 * failure. */
struct e2e *e2e_start(int rows, int cols, const char *const argv[], const char *const env[]);

/* Kills the child if it still runs (SIGTERM, then SIGKILL), reaps it, removes the temporary
 * directory and frees everything.  NULL is allowed. */
void e2e_free(struct e2e *e);

/* The path of the program under test: $LEES, or "./lees". */
const char *e2e_lees_path(void);

/* The temporary HOME directory of this run. */
const char *e2e_home(const struct e2e *e);

/* Writes bytes to the terminal, as typed. */
void e2e_send(struct e2e *e, const char *bytes);
/* One character typed with modifiers (VTERM_MOD_CTRL, ...), as the terminal would send it. */
void e2e_unichar(struct e2e *e, unsigned int c, VTermModifier mod);
/* A special key, encoded by libvterm for the modes the program set (so Up is ESC O A in
 * application cursor mode and ESC [ A otherwise). */
void e2e_key(struct e2e *e, VTermKey key, VTermModifier mod);
void e2e_key_up(struct e2e *e);
void e2e_key_down(struct e2e *e);
void e2e_key_pgup(struct e2e *e);
void e2e_key_pgdn(struct e2e *e);
void e2e_key_home(struct e2e *e);
void e2e_key_end(struct e2e *e);
void e2e_key_enter(struct e2e *e);
void e2e_key_esc(struct e2e *e);
void e2e_key_f1(struct e2e *e);
/* Ctrl and a letter: e2e_ctrl(e, 'f') sends 0x06. */
void e2e_ctrl(struct e2e *e, char letter);

/* Sets the terminal size: the screen and the pty (the child gets SIGWINCH). */
void e2e_resize(struct e2e *e, int rows, int cols);
/* The same, but blanks the screen first (after reading what was pending), so that what is on
 * it afterwards was drawn after the resize.  For full-screen programs, which must repaint
 * everything after a resize (ncurses' resizeterm does: the terminal's contents are unknown
 * then). */
void e2e_resize_blank(struct e2e *e, int rows, int cols);
int e2e_rows(const struct e2e *e);
int e2e_cols(const struct e2e *e);

/* Reads the child's output into the screen until cond(e, arg) holds (true) or timeout_ms has
 * passed (false).  cond is checked before anything is read, too.  A condition that holds
 * counts only once the output has been quiet for the settle time (a frame can arrive in
 * pieces, and a half-drawn screen could satisfy it): E2E_SETTLE_MS milliseconds, or the
 * environment variable of that name, or e2e_set_settle; 0 turns it off.  Output that keeps
 * coming delays the answer up to the deadline, no further. */
#define E2E_SETTLE_MS 30
void e2e_set_settle(struct e2e *e, int ms);
bool e2e_wait(struct e2e *e, bool (*cond)(struct e2e *, void *), void *arg, int timeout_ms);
/* Until needle is somewhere on the screen (within one row). */
bool e2e_wait_text(struct e2e *e, const char *needle, int timeout_ms);
/* Until needle is nowhere on the screen. */
bool e2e_wait_no_text(struct e2e *e, const char *needle, int timeout_ms);
/* Until row (negative: counted from the bottom, -1 the last row) contains needle. */
bool e2e_wait_row_contains(struct e2e *e, int row, const char *needle, int timeout_ms);
/* Until the screen differs from what it was when the call began. */
bool e2e_wait_change(struct e2e *e, int timeout_ms);
/* Until the child has exited and its output is read; *status (may be NULL) gets the waitpid
 * status. */
bool e2e_wait_exit(struct e2e *e, int timeout_ms, int *status);
/* Reads whatever output is available now, without waiting. */
void e2e_pump(struct e2e *e);

/* Every byte the program wrote to the terminal so far (since the start, or the last
 * e2e_output_clear), as read: NUL-terminated, though it may hold NUL bytes; *len (may be
 * NULL) gets its length.  Owned by the harness, valid until the next read. */
const char *e2e_output(const struct e2e *e, size_t *len);
/* Whether those bytes contain the n bytes at bytes. */
bool e2e_output_has(const struct e2e *e, const void *bytes, size_t n);
/* Reads what is pending, then forgets all output so far. */
void e2e_output_clear(struct e2e *e);

/* Hangs up the terminal: closes the master side of the pty, as a terminal emulator does when
 * its window is closed (the child gets SIGHUP, and EIO on reading).  Nothing can be sent or
 * read afterwards; e2e_wait_exit still waits for the child. */
void e2e_hangup(struct e2e *e);
/* The child's process id (for /proc: the benchmark reads its memory and CPU time there). */
int e2e_pid(const struct e2e *e);

/* Sends a signal to the child (when it has not been reaped). */
void e2e_signal(struct e2e *e, int sig);

/* The text of a row (negative: from the bottom), UTF-8, trailing blanks trimmed, a wide
 * character once.  The caller frees it. */
char *e2e_row(struct e2e *e, int row);
/* The whole screen, rows joined by '\n'.  The caller frees it. */
char *e2e_screen_text(struct e2e *e);
/* Finds needle on the screen, first row first; *row and *col (cells) may be NULL. */
bool e2e_find(struct e2e *e, const char *needle, int *row, int *col);
/* Finds needle on one row, from cell from_col; returns its cell or -1. */
int e2e_find_in_row(struct e2e *e, int row, const char *needle, int from_col);
/* A cell, for its attributes and colours; false when out of the screen. */
bool e2e_cell(struct e2e *e, int row, int col, VTermScreenCell *cell);
/* The first cell of a row that is not blank, or -1 for an empty row. */
int e2e_row_first_col(struct e2e *e, int row);
/* Whether the program has the alternate screen up, and shows the cursor. */
bool e2e_altscreen(const struct e2e *e);
bool e2e_cursor_visible(const struct e2e *e);
/* Whether the child has exited (reaped by a wait); its status. */
bool e2e_exited(const struct e2e *e, int *status);
/* Feeds bytes to the screen only, as if the program had written them (to mess up the screen
 * before a redraw). */
void e2e_scribble(struct e2e *e, const char *bytes);
/* Prints the screen, with row numbers and the cursor, to f. */
void e2e_dump(struct e2e *e, FILE *f);

/* Runs argv (argv[0] "lees" as for e2e_start) with stdin a pipe fed stdin_bytes (NULL: no
 * input, /dev/null), stdout and stderr pipes, no controlling terminal, and the same clean
 * environment as e2e_start.  *out and *err (may be NULL) get what it wrote, NUL-terminated, to
 * be freed; *out_len the length of *out (it may hold NUL bytes); *status the waitpid status.
 * A child that runs longer than timeout_ms is killed.  Returns false when it could not be
 * run or was killed for the deadline. */
bool e2e_run_piped(const char *const argv[], const char *const env[], const char *stdin_bytes,
                   int timeout_ms, char **out, size_t *out_len, char **err, int *status);

/* A file for the tests, in a directory made once per process and removed at exit: returns its
 * path (owned by the harness, valid until exit).  name may contain no slash. */
const char *e2e_fixture(const char *name, const char *content);
/* The same for content of len bytes, which may hold NUL bytes. */
const char *e2e_fixture_bytes(const char *name, const void *content, size_t len);
/* The directory of the fixtures. */
const char *e2e_fixture_dir(void);

/* Milliseconds of a monotonic clock. */
long long e2e_now_ms(void);

#endif
