/*
 * lees: semantic styles of displayed text.  The core marks cells with these bits; only ui maps
 * them to terminal attributes, in one table (see ui_style.c).
 */
#ifndef LEES_STYLE_H
#define LEES_STYLE_H

enum style_bits {
    STYLE_BODY = 0,
    STYLE_EMPHASIS = 1u << 0,
    STYLE_STRONG = 1u << 1,
    STYLE_CODE = 1u << 2, /* inline code and code blocks */
    STYLE_LINK = 1u << 3,
    STYLE_HEADING = 1u << 4,
    STYLE_TITLE = 1u << 5,   /* a level-1 heading */
    STYLE_QUOTE = 1u << 6,   /* the bar before quoted lines */
    STYLE_MARKER = 1u << 7,  /* list bullets and numbers, rules, the cut-line marker */
    STYLE_CONTROL = 1u << 8, /* a control byte shown in notation */
    STYLE_STRIKE = 1u << 9,
};

#endif
