/* eventlog.c: the event log view, the main screen's latest events, and the helpers that show a
 * log entry (also used by a line's detail). */
#include "eventlog.h"

#include <stdio.h>
#include <string.h>

#include "console.h"
#include "draw.h"
#include "labels.h"
#include "text.h"
#include "textbuf.h"
#include "theme.h"

/* The i-th newest entry of the state's event log (0: the newest). */
const struct log_entry *log_newest(const struct model_state *st, size_t i)
{
	return &st->log[(st->log_head + st->log_count - 1 - i) % LOG_MAX];
}

/* An entry's kind as received, else its stable name. */
const char *log_kind(const struct log_entry *e)
{
	return e->kind_name[0] ? e->kind_name : event_kind_name(e->kind);
}

/* Copy text, showing every word that is a canonical number ("0033...") as a name or in the
 * international form: the screen never shows the raw form. */
void humanize(const struct console *c, char *dst, size_t dstsize, const char *text)
{
	size_t n = 0;

	dst[0] = '\0';
	while (*text && n + 1 < dstsize) {
		size_t len = strcspn(text, " ");
		char word[NUM_MAX], shown[TEXT_MAX];

		if (len >= 6 && len < sizeof word && strspn(text, "0123456789") == len &&
		    text[0] == '0' && text[1] == '0') {
			memcpy(word, text, len);
			word[len] = '\0';
			party_display(c, word, shown, sizeof shown);
			n += (size_t)snprintf(dst + n, dstsize - n, "%s", shown);
		} else {
			n += (size_t)snprintf(dst + n, dstsize - n, "%.*s", (int)len, text);
		}
		if (n >= dstsize)
			n = dstsize - 1;
		text += len;
		for (; *text == ' ' && n + 1 < dstsize; text++)
			dst[n++] = ' ';
		dst[n] = '\0';
	}
}

void log_draw(struct console *c, int y, int h)
{
	struct tbuf b = {0};
	char when[16], party[TEXT_MAX], cell[TEXT_MAX], title[160], detail[2 * TEXT_MAX];
	int hidden = 0;
	/* narrower names below 100 columns: a caller's number and outcome fit in 80 */
	int party_w = c->cols < 100 ? 16 : 24;

	for (size_t i = 0; i < c->st.log_count; i++) {
		const struct log_entry *e = log_newest(&c->st, i);

		if (e->kind == EV_REGISTERED && !c->log_all) {
			hidden++;
			continue;
		}
		party_display(c, e->resource, party, sizeof party);
		if (!filter_match(c->filter, party, e->resource) &&
		    !filter_match(c->filter, e->detail, NULL))
			continue;
		fmt_clock(when, sizeof when, e->time_ns);
		humanize(c, detail, sizeof detail, e->detail);
		tb_add(&b, e->kind == EV_UNKNOWN ? ROLE_WARN : ROLE_DEFAULT, " %s  %-19s  %s %s",
		       when, log_kind(e), fmt_cols(cell, sizeof cell, party, party_w), detail);
	}
	if (c->log_all)
		snprintf(title, sizeof title,
		         " Event log, newest first: %d shown (a hides registered)", b.n);
	else
		snprintf(title, sizeof title,
		         " Event log, newest first: %d shown, %d registered hidden (a shows them)",
		         b.n, hidden);
	draw_text(y, 0, c->cols, title, ROLE_PANEL_TITLE_FOCUS, ALIGN_LEFT);
	if (b.n == 0)
		tb_add(&b, ROLE_DIM, "  no event yet");
	tb_draw(c, &b, &c->log, y + 1, h - 1);
}

void recent_draw(struct console *c, int y, int x, int h, int w)
{
	char when[16], party[TEXT_MAX], cell[TEXT_MAX], detail[2 * TEXT_MAX], buf[4 * TEXT_MAX];
	int row = 1;

	draw_fill(y, x, w, ROLE_PANEL_TITLE);
	draw_str(y, x + 2, w - 2, "Recent events", ROLE_PANEL_TITLE);
	for (size_t i = 0; i < c->st.log_count && row < h; i++) {
		const struct log_entry *e = log_newest(&c->st, i);

		if (e->kind == EV_REGISTERED)
			continue;
		fmt_clock(when, sizeof when, e->time_ns);
		party_display(c, e->resource, party, sizeof party);
		humanize(c, detail, sizeof detail, e->detail);
		snprintf(buf, sizeof buf, "%s  %-20s %s %s", when, log_kind(e),
		         fmt_cols(cell, sizeof cell, party, 18), detail);
		draw_text(y + row++, x + 2, w - 2, buf,
		          e->kind == EV_UNKNOWN ? ROLE_WARN : ROLE_DIM, ALIGN_LEFT);
	}
}
