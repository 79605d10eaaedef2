/* textbuf.c: the text views' lines, built then drawn through a scroller. */
#include "textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "console.h"
#include "draw.h"
#include "text.h"

void tb_add(struct tbuf *b, enum role r, const char *fmt, ...)
{
	va_list ap;

	if (b->n == b->cap) {
		int cap = b->cap ? b->cap * 2 : 64;
		struct tline *v = realloc(b->v, (size_t)cap * sizeof *v);

		if (!v)
			return;
		b->v = v;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->v[b->n].text, sizeof b->v[b->n].text, fmt, ap);
	va_end(ap);
	b->v[b->n].role = r;
	b->v[b->n].cells = NULL;
	b->v[b->n].ncells = 0;
	b->n++;
}

/* The colour role of a chart cell: in monochrome its glyph alone tells it apart. */
static enum role chart_role_of(unsigned char r)
{
	switch (r) {
	case CHART_ANSWERED: return ROLE_OK;
	case CHART_UNANSWERED: return ROLE_CRIT;
	case CHART_OTHER: return ROLE_RINGING;
	case CHART_SL: return ROLE_IN_CALL;
	case CHART_AXIS: return ROLE_DIM;
	default: return ROLE_DEFAULT;
	}
}

/* Add the rows of a chart (w x h cells), indented by two columns. */
void tb_chart(struct tbuf *b, const struct chart_cell *grid, int w, int h)
{
	for (int y = 0; y < h; y++) {
		struct chart_cell *row = malloc((size_t)w * sizeof *row);
		if (!row)
			return;
		memcpy(row, grid + (size_t)y * (size_t)w, (size_t)w * sizeof *row);
		tb_add(b, ROLE_DEFAULT, "%s", "");
		b->v[b->n - 1].cells = row;
		b->v[b->n - 1].ncells = w;
	}
}

void tb_blank(struct tbuf *b)
{
	tb_add(b, ROLE_DEFAULT, "%s", "");
}

/* Add "  name  text", text wrapped at width with later lines indented by indent columns. */
void tb_wrap(struct tbuf *b, int width, int indent, const char *name, const char *text)
{
	tb_wrap_as(b, ROLE_DEFAULT, width, indent, name, text);
}

void tb_wrap_as(struct tbuf *b, enum role r, int width, int indent, const char *name,
                const char *text)
{
	int avail = width - indent - 1;
	bool first = true;

	if (avail < 20)
		avail = 20;
	while (*text || first) {
		int len = (int)strlen(text), cut = len;

		if (text_width(text) > avail) {
			/* the last space within avail columns (text here is ASCII prose) */
			cut = avail < len ? avail : len;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = avail < len ? avail : len;
		}
		if (first)
			tb_add(b, r, "  %-*s %.*s", indent - 3, name, cut, text);
		else
			tb_add(b, r, "%*s%.*s", indent, "", cut, text);
		first = false;
		text += cut;
		while (*text == ' ')
			text++;
	}
}

void scroller_move(struct scroller *sc, int delta)
{
	long t = (long)sc->top + delta;
	long max = sc->total - sc->height;

	if (max < 0)
		max = 0;
	sc->top = t < 0 ? 0 : t > max ? (int)max : (int)t;
}

/* Draw the lines of b from the scroller's top in rows y .. y+h-1; when they do not all fit, the
 * last row says which are shown, on a row of its own (never over a line's text). */
void tb_draw(struct console *c, struct tbuf *b, struct scroller *sc, int y, int h)
{
	bool scrolls = b->n > h && h > 1;
	int rows = scrolls ? h - 1 : h;
	sc->total = b->n;
	sc->height = rows;
	scroller_move(sc, 0);
	for (int i = 0; i < rows && sc->top + i < b->n; i++) {
		const struct tline *t = &b->v[sc->top + i];

		draw_text(y + i, 0, c->cols, t->text, t->role, ALIGN_LEFT);
		for (int x = 0; t->cells && x < t->ncells && x + 2 < c->cols; x++)
			draw_str(y + i, x + 2, 1, t->cells[x].g, chart_role_of(t->cells[x].role));
	}
	if (scrolls) {
		char pos[32];

		snprintf(pos, sizeof pos, " %d-%d/%d ", sc->top + 1,
		         sc->top + rows < b->n ? sc->top + rows : b->n, b->n);
		draw_text(y + h - 1, c->cols - (int)strlen(pos), (int)strlen(pos), pos, ROLE_DIM,
		          ALIGN_RIGHT);
	}
	for (int i = 0; i < b->n; i++)
		free(b->v[i].cells);
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}
