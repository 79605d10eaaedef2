/* textbuf.h: a buffer of text lines, each with a role (or a row of a chart), for the text views
 * (event log, detail, help), drawn from a scroller's top. */
#ifndef CTIBOARD_UI_TEXTBUF_H
#define CTIBOARD_UI_TEXTBUF_H

#include "theme.h"

struct chart_cell;
struct console;
struct scroller;

struct tline {
	char text[320];
	enum role role;
	struct chart_cell *cells; /* a row of a chart instead of text, or NULL */
	int ncells;
};

struct tbuf {
	struct tline *v;
	int n, cap;
};

__attribute__((format(printf, 3, 4))) void tb_add(struct tbuf *b, enum role r, const char *fmt,
                                                  ...);

/* Add the rows of a chart (w x h cells), indented by two columns. */
void tb_chart(struct tbuf *b, const struct chart_cell *grid, int w, int h);

/* An empty line. */
void tb_blank(struct tbuf *b);

/* Add "  name  text", text wrapped at width with later lines indented by indent columns. */
void tb_wrap(struct tbuf *b, int width, int indent, const char *name, const char *text);
/* tb_wrap() with the role r on every row. */
void tb_wrap_as(struct tbuf *b, enum role r, int width, int indent, const char *name,
                const char *text);

/* Move the scroller's top by delta lines, kept within its text. */
void scroller_move(struct scroller *sc, int delta);

/* Draw the lines of b from the scroller's top in rows y .. y+h-1, then empty b. */
void tb_draw(struct console *c, struct tbuf *b, struct scroller *sc, int y, int h);

#endif
