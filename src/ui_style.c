/*
 * ui_style.c: the one table from semantic styles to curses attributes.  It is decided here,
 * once for colour terminals and once for none (NO_COLOR, vt100), that every style stays
 * visible without colour.
 */
#include <stdlib.h>

#include <term.h>

#include "lees/style.h"
#include "ui_internal.h"

enum { PAIR_HEADING = 1, PAIR_CODE, PAIR_LINK, PAIR_CONTROL, PAIR_MARKER, PAIR_MATCH, PAIR_TERM };

/*
 * Term colours: mid-tones that read on dark and on light backgrounds.  With 256 colours each
 * term of the interview gets its own; with 8 the basic ones repeat after six.
 */
static const short term_colors_256[] = {166, 31, 127, 64, 25, 161, 94, 30, 99, 130, 37, 90};
static const short term_colors_8[] = {COLOR_MAGENTA, COLOR_BLUE,  COLOR_RED,
                                      COLOR_CYAN,    COLOR_GREEN, COLOR_YELLOW};
static int nterm_colors;

/* Decide colour and italic support once, after the terminal is set up. */
void ui_style_init(struct ui *ui, bool no_color)
{
    const char *env_no_color = getenv("NO_COLOR"); /* no-color.org: set and not empty */
    /* The terminal's own field, not tigetstr("sitm"): its first call builds ncurses's name
     * tables, 11.5 us of the first screen. */
    const char *sitm = enter_italics_mode;

    ui->italic = sitm != NULL && sitm != (char *)-1;
    ui->color = has_colors() && !no_color && (env_no_color == NULL || env_no_color[0] == '\0');
    if (!ui->color)
        return;
    start_color();
    use_default_colors();
    init_pair(PAIR_HEADING, COLOR_CYAN, -1);
    init_pair(PAIR_CODE, COLOR_GREEN, -1);
    init_pair(PAIR_LINK, COLOR_BLUE, -1);
    init_pair(PAIR_CONTROL, COLOR_RED, -1);
    init_pair(PAIR_MARKER, COLOR_YELLOW, -1);
    init_pair(PAIR_MATCH, COLOR_BLACK, COLOR_YELLOW);
    if (COLORS >= 256 && COLOR_PAIRS > PAIR_TERM + 12) {
        nterm_colors = (int)(sizeof term_colors_256 / sizeof term_colors_256[0]);
        for (int i = 0; i < nterm_colors; i++)
            init_pair((short)(PAIR_TERM + i), term_colors_256[i], -1);
    } else {
        nterm_colors = (int)(sizeof term_colors_8 / sizeof term_colors_8[0]);
        for (int i = 0; i < nterm_colors; i++)
            init_pair((short)(PAIR_TERM + i), term_colors_8[i], -1);
    }
}

/* A key term's colour (or, without colour, bold and underline) added to BASE. */
attr_t ui_style_term(const struct ui *ui, unsigned term, attr_t base)
{
    if (!ui->color || nterm_colors == 0)
        return base | A_BOLD | A_UNDERLINE;
    return (base & ~A_COLOR) | COLOR_PAIR(PAIR_TERM + (int)(term % (unsigned)nterm_colors));
}

/* A search match over BASE: reverse video, and the current one bold and underlined as well. */
attr_t ui_style_match(const struct ui *ui, bool current, attr_t base)
{
    attr_t a = base | A_REVERSE;

    if (ui->color && !current)
        a = (base & ~A_COLOR) | COLOR_PAIR(PAIR_MATCH);
    if (current)
        a |= A_BOLD | A_UNDERLINE;
    return a;
}

/* The attributes for a style. */
attr_t ui_style_attr(const struct ui *ui, unsigned style)
{
    attr_t a = A_NORMAL;

    if (style & STYLE_EMPHASIS)
        a |= ui->italic ? A_ITALIC : A_UNDERLINE;
    if (style & (STYLE_STRONG | STYLE_HEADING))
        a |= A_BOLD;
    if (style & STYLE_TITLE)
        a |= A_UNDERLINE;
    if (style & STYLE_LINK)
        a |= A_UNDERLINE;
    if (style & STYLE_QUOTE)
        a |= A_DIM;
    if (style & STYLE_CONTROL)
        a |= ui->color ? A_BOLD : A_REVERSE;
    if (!ui->color) {
        if (style & STYLE_CODE)
            a |= A_DIM;
        if (style & STYLE_MARKER)
            a |= A_BOLD;
        return a;
    }
    if (style & STYLE_CONTROL)
        a |= COLOR_PAIR(PAIR_CONTROL);
    else if (style & STYLE_HEADING)
        a |= COLOR_PAIR(PAIR_HEADING);
    else if (style & STYLE_CODE)
        a |= COLOR_PAIR(PAIR_CODE);
    else if (style & STYLE_LINK)
        a |= COLOR_PAIR(PAIR_LINK);
    else if (style & STYLE_MARKER)
        a |= COLOR_PAIR(PAIR_MARKER);
    return a;
}
