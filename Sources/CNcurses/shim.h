// Wide-character ncurses: these must be defined before the header is read.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/ncurses.h>

// Macros that Swift cannot import, as functions.
static inline int rnn_color_pair(int n) { return COLOR_PAIR(n); }
static inline int rnn_attr_bold(void) { return A_BOLD; }
static inline int rnn_attr_reverse(void) { return A_REVERSE; }
static inline int rnn_attr_dim(void) { return A_DIM; }
static inline int rnn_attr_italic(void) { return A_ITALIC; }
static inline int rnn_attr_underline(void) { return A_UNDERLINE; }
static inline WINDOW *rnn_stdscr(void) { return stdscr; }
static inline int rnn_colors(void) { return COLORS; }
static inline int rnn_color_pairs(void) { return COLOR_PAIRS; }
