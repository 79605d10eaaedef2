/* wallboard.c: the TV view. A header with the clock and the feed state, a full-width banner
 * when the figures are not live, and one tile per queue (plus a total) whose figures are drawn
 * in big digits, as large as the screen allows. Alert levels colour the whole tile; without
 * colours, alert tiles are in reverse video and carry a marker and a word.
 */
#include "wallboard.h"

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bigfont.h"
#include "draw.h"
#include "labels.h"
#include "model.h"
#include "names.h"
#include "settings.h"
#include "startup.h"
#include "stats.h"
#include "text.h"
#include "theme.h"
#include "wblayout.h"

#define TILES_MAX 256

static const char *const labels[WB_FIGURES] = {"WAITING", "LONGEST WAIT", "SERVICE LEVEL",
                                               "ANSWERED", "ABANDONED"};
static const char *const short_labels[WB_FIGURES] = {"WAIT", "LONGEST", "SL", "ANSW", "ABAND"};

struct tile {
	char title[TEXT_MAX];
	struct queue_stats qs;
	enum alert_level level;
	struct api_agent_counts agents; /* by the OVH API's (or the demo's) statuses */
	bool have_agents;
};

/* How this screen draws: UTF-8 glyphs or plain ASCII. */
static bool utf8_ok(const struct settings *s)
{
	return !s->ascii && locale_is_utf8();
}

/* Print s centred in w columns at (y, x), cut to fit, in attribute a. */
static void put_centred(int y, int x, int w, const char *s, bool utf8, int a)
{
	char folded[256], fitted[512];
	if (w <= 0)
		return;
	if (!utf8) {
		ascii_fold(folded, sizeof folded, s);
		s = folded;
	}
	int cols = text_fit(fitted, sizeof fitted, s, w);
	attrset(a);
	mvaddstr(y, x + (w - cols) / 2, fitted);
}

static void fill(int y, int x, int w, int a)
{
	if (w <= 0)
		return;
	attrset(a);
	mvhline(y, x, ' ', w);
}

/* The text a figure shows. */
static void figure_text(const struct queue_stats *qs, enum wb_figure fig, char *dst, size_t size)
{
	switch (fig) {
	case WB_WAITING: snprintf(dst, size, "%d", qs->waiting < 0 ? 0 : qs->waiting); break;
	case WB_LONGEST: {
		int64_t s = qs->longest_wait_s < 0 ? 0 : qs->longest_wait_s;
		if (qs->waiting <= 0 && s == 0) { /* nobody waits: no wait, as the console says */
			snprintf(dst, size, "-");
			break;
		}
		if (s > 99 * 60 + 59)
			s = 99 * 60 + 59;
		snprintf(dst, size, "%d:%02d", (int)(s / 60), (int)(s % 60));
		break;
	}
	case WB_SL:
		if (qs->service_level_pm < 0)
			snprintf(dst, size, "-");
		else
			snprintf(dst, size, "%d%%", (qs->service_level_pm + 5) / 10);
		break;
	case WB_ANSWERED: snprintf(dst, size, "%u", (unsigned)qs->answered); break;
	case WB_ABANDONED:
	default: snprintf(dst, size, "%u", (unsigned)qs->abandoned); break;
	}
}

/* Draw text in big digits with its top-left corner at (y, x). */
static void draw_big(int y, int x, const struct bigfont *f, const char *text, bool utf8, int a)
{
	char row[512];
	for (int r = 0; r < bigfont_height(f); r++) {
		int n = bigfont_row(f, text, r, '#', ' ', row, sizeof row);
		for (int c = 0; c < n; c++) {
			if (row[c] != '#')
				continue;
			if (utf8) {
				attrset(a);
				mvaddstr(y + r, x + c, "\xe2\x96\x88"); /* full block */
			} else {
				attrset(a ^ A_REVERSE);
				mvaddch(y + r, x + c, ' ');
			}
		}
	}
}

static void draw_border(int y, int x, int w, int h, bool utf8, int a)
{
	attrset(a);
	chtype hl = utf8 ? ACS_HLINE : '-', vl = utf8 ? ACS_VLINE : '|';
	mvhline(y, x + 1, hl, w - 2);
	mvhline(y + h - 1, x + 1, hl, w - 2);
	mvvline(y + 1, x, vl, h - 2);
	mvvline(y + 1, x + w - 1, vl, h - 2);
	mvaddch(y, x, utf8 ? ACS_ULCORNER : '+');
	mvaddch(y, x + w - 1, utf8 ? ACS_URCORNER : '+');
	mvaddch(y + h - 1, x, utf8 ? ACS_LLCORNER : '+');
	mvaddch(y + h - 1, x + w - 1, utf8 ? ACS_LRCORNER : '+');
}

static int tile_attr(enum alert_level level)
{
	return theme_attr(level == ALERT_CRIT   ? ROLE_TILE_CRIT
	                  : level == ALERT_WARN ? ROLE_TILE_WARN
	                                        : ROLE_TILE);
}

/* The title line of a tile: its name, and for an alert the marker and the word. */
static void draw_title(int y, int x, int w, const struct tile *t, bool utf8, int a)
{
	char text[TEXT_MAX + 32];
	char m = theme_alert_marker((int)t->level);
	const char *word = t->level == ALERT_CRIT   ? "  CRITICAL"
	                   : t->level == ALERT_WARN ? "  WARNING"
	                                            : "";
	if (t->level != ALERT_NONE)
		snprintf(text, sizeof text, " %c %s%s %c ", m, t->title, word, m);
	else
		snprintf(text, sizeof text, " %s ", t->title);
	int ta = a | A_BOLD;
	if (t->level != ALERT_NONE && !theme_has_color())
		ta |= A_REVERSE; /* in monochrome the alert is the reverse title, whole tile if
		                    critical */
	if (t->level == ALERT_CRIT)
		ta |= A_BLINK;
	put_centred(y, x + 1, w - 2, text, utf8, ta);
}

/* One tile with its figures in big digits, in the w x h box at (y, x). */
static void draw_tile(int y, int x, int w, int h, const struct wb_layout *L, const struct tile *t,
                      bool utf8)
{
	int a = tile_attr(t->level);
	/* an alert tile's digits keep its plain colour: bold black turns grey on many terminals */
	int digits = t->level == ALERT_NONE ? theme_attr(ROLE_BIG_DIGIT) : a;
	for (int r = 0; r < h; r++)
		fill(y + r, x, w, a);
	draw_border(y, x, w, h, utf8, a);
	draw_title(y, x, w, t, utf8, a);
	/* the bottom border: callers the queue removed, then the agents by status, as fits */
	char bottom[160] = "", agents[128] = "";
	if (t->qs.timed_out)
		snprintf(bottom, sizeof bottom, " TIMED OUT %u ", (unsigned)t->qs.timed_out);
	if (t->have_agents) {
		snprintf(agents, sizeof agents,
		         " agents: %d available, %d on a call, %d on break, %d out ",
		         t->agents.available, t->agents.on_call, t->agents.on_break,
		         t->agents.logged_out);
		if ((int)(strlen(bottom) + strlen(agents)) > w - 2)
			snprintf(agents, sizeof agents, " %d avail %d call %d break %d out ",
			         t->agents.available, t->agents.on_call, t->agents.on_break,
			         t->agents.logged_out);
		if ((int)(strlen(bottom) + strlen(agents)) <= w - 2) {
			size_t n = strlen(bottom);
			snprintf(bottom + n, sizeof bottom - n, "%s", agents);
		}
	}
	if (bottom[0] && (int)strlen(bottom) <= w - 2)
		put_centred(y + h - 1, x, w, bottom, utf8, t->qs.timed_out ? a | (int)A_BOLD : a);

	int nrows = L->cell_rows <= 1 ? 1 : 2;
	int fh = bigfont_height(&L->f);
	int block = 1 + fh; /* a label and the digits */
	int inner_h = h - 2, used = nrows * block + (nrows - 1);
	int gap = (inner_h - used) / (nrows + 1);
	if (gap < 0)
		gap = 0;
	int cy = y + 1 + gap;
	for (int r = 0; r < nrows; r++) {
		int first, count;
		wb_cell_row(L->cell_rows, r, &first, &count);
		int iw = w - 4, need = 0;
		for (int i = first; i < first + count; i++)
			need += wb_cell_width(&L->f, (enum wb_figure)i);
		int extra = iw - need;
		int cx = x + 2;
		for (int i = first; i < first + count; i++) {
			int cw = wb_cell_width(&L->f, (enum wb_figure)i);
			int slot = cw + extra / count + (i - first < extra % count ? 1 : 0);
			char text[32];
			figure_text(&t->qs, (enum wb_figure)i, text, sizeof text);
			const char *label =
			    (int)strlen(labels[i]) <= slot ? labels[i] : short_labels[i];
			put_centred(cy, cx, slot, label, utf8, a);
			int tw = bigfont_width(&L->f, text);
			if (tw >= 0 && tw <= slot)
				draw_big(cy + 1, cx + (slot - tw) / 2, &L->f, text, utf8, digits);
			else /* more digits than the cell was sized for: plain text */
				put_centred(cy + 1 + fh / 2, cx, slot, text, utf8, a | A_BOLD);
			cx += slot;
		}
		cy += block + 1 + gap;
	}
}

/* A tile on a screen too small for big digits: the name, then the figures in a line. */
static void draw_text_tile(int y, int x, int w, const struct tile *t, bool utf8)
{
	int a = tile_attr(t->level);
	char text[256], fig[WB_FIGURES][32];
	for (int i = 0; i < WB_FIGURES; i++)
		figure_text(&t->qs, (enum wb_figure)i, fig[i], sizeof fig[i]);
	char m = theme_alert_marker((int)t->level);
	snprintf(text, sizeof text, "%c %s", m, t->title);
	fill(y, x, w, a | A_BOLD | (t->level != ALERT_NONE && !theme_has_color() ? A_REVERSE : 0));
	put_centred(y, x, w, text, utf8,
	            a | A_BOLD | (t->level != ALERT_NONE && !theme_has_color() ? A_REVERSE : 0));
	snprintf(text, sizeof text, "wait %s  longest %s  SL %s  answ %s  aband %s", fig[0], fig[1],
	         fig[2], fig[3], fig[4]);
	if (t->qs.timed_out) {
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, "  timed out %u", (unsigned)t->qs.timed_out);
	}
	fill(y + 1, x, w, a);
	put_centred(y + 1, x, w, text, utf8, a);
}

/* What the banner says when the figures are not live, or NULL when all is well. */
static const char *feed_problem(const struct model_state *st, int64_t now_ns, char *buf,
                                size_t size)
{
	bool rejected = false, stale = false, down = false;
	int64_t newest = 0;
	char why[48] = ""; /* " (DNS)": why a feed that is down is down */
	if (st->startup.active) {
		char progress[96];
		startup_describe(progress, sizeof progress, &st->startup, mono_now_ns());
		snprintf(buf, size, "LOADING THE JOURNAL: %s - FIGURES NOT COMPLETE", progress);
		return buf;
	}
	for (size_t i = 0; i < st->nfeeds; i++) {
		const struct feed_status *f = &st->feeds[i];
		int64_t last = feed_last_news_ns(f);
		if (last > newest)
			newest = last;
		if (f->state == FEED_AUTH_FAILED)
			rejected = true;
		else if (f->state == FEED_STALE)
			stale = true;
		else if (f->state == FEED_BACKOFF || f->state == FEED_CONNECTING) {
			char kind[32];
			down = true;
			if (f->last_error[0] && !why[0]) {
				feed_error_kind(kind, sizeof kind, f->last_error);
				for (char *p = kind; *p; p++)
					if (*p >= 'a' && *p <= 'z')
						*p = (char)(*p - 'a' + 'A');
				snprintf(why, sizeof why, " (%s)", kind);
			}
		}
	}
	if (st->nfeeds == 0)
		return NULL; /* demo or replay: no network feed to watch */
	int64_t silent_s = newest ? (now_ns - newest) / NS_PER_S : -1;
	if (!stale && newest && alerts_level(&st->alerts, ALERT_SCOPE_FEED, NULL) != ALERT_NONE)
		stale = true;
	char ago[48] = "";
	if (silent_s >= 0)
		snprintf(ago, sizeof ago, " - LAST NEWS %lld MIN AGO", (long long)(silent_s / 60));
	if (rejected)
		snprintf(buf, size, "TOKEN REJECTED - FIGURES ARE NOT LIVE%s", ago);
	else if (stale)
		snprintf(buf, size, "FEED STALE - FIGURES ARE NOT LIVE%s", ago);
	else if (down && !newest && st->counters.events)
		snprintf(buf, size, "%s%s - FIGURES FROM THE JOURNAL, NOT LIVE",
		         why[0] ? "NOT CONNECTED" : "CONNECTING", why);
	else if (down && !newest)
		snprintf(buf, size, "%s%s - NO DATA YET", why[0] ? "NOT CONNECTED" : "CONNECTING",
		         why);
	else if (down)
		snprintf(buf, size, "RECONNECTING%s - FIGURES MAY BE OLD%s", why, ago);
	else
		return NULL;
	return buf;
}

/* The header row: the program, the source, the clock, the page. */
static void draw_header(int cols, const struct model_state *st, int64_t now_ns, int page, int pages,
                        bool utf8)
{
	int a = theme_attr(ROLE_HEADER);
	char left[128], right[64], clock[16];
	time_t t = (time_t)(now_ns / NS_PER_S);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	snprintf(left, sizeof left, " ctiboard  %s", st->source[0] ? st->source : "");
	if (pages > 1)
		snprintf(right, sizeof right, "page %d/%d ", page + 1, pages);
	else
		right[0] = '\0';
	fill(0, 0, cols, a);
	attrset(a);
	char fitted[256];
	if (!utf8) {
		char folded[128];
		ascii_fold(folded, sizeof folded, left);
		text_fit(fitted, sizeof fitted, folded, cols / 2 - 6);
	} else {
		text_fit(fitted, sizeof fitted, left, cols / 2 - 6);
	}
	mvaddstr(0, 0, fitted);
	int rw = (int)strlen(right);
	if (rw < cols / 2 - 6)
		mvaddstr(0, cols - rw, right);
	attrset(a | A_BOLD);
	mvaddstr(0, (cols - (int)strlen(clock)) / 2, clock);
}

/* The "To call back" tile along the bottom, in the h rows from y: how many callers wait for a
 * call back (short abandons apart), and since when the oldest. */
static void draw_callback_tile(int y, int h, int cols, const struct model_state *st, int64_t now_ns,
                               bool utf8)
{
	size_t open = st->callbacks.nopen - st->callbacks.nopen_short;
	int64_t oldest = 0;
	for (size_t i = 0; i < st->callbacks.n; i++) {
		const struct callback *e = &st->callbacks.entries[i];
		if (e->status == CB_OPEN && e->outcome != CB_SHORT_ABANDONED &&
		    (!oldest || e->left_at_s < oldest))
			oldest = e->left_at_s;
	}
	int a = theme_attr(open ? ROLE_TILE_WARN : ROLE_TILE);
	char text[128];
	if (open) {
		int64_t age = oldest && now_ns / NS_PER_S > oldest ? now_ns / NS_PER_S - oldest : 0;
		snprintf(text, sizeof text, "%zu caller%s, the oldest left %lld:%02lld ago", open,
		         open > 1 ? "s" : "", (long long)(age / 60), (long long)(age % 60));
	} else {
		snprintf(text, sizeof text, "nobody");
	}
	for (int r = 0; r < h; r++)
		fill(y + r, 0, cols, a);
	if (h >= 3) {
		draw_border(y, 0, cols, h, utf8, a);
		put_centred(y, 1, cols - 2, " TO CALL BACK ", utf8, a | A_BOLD);
		put_centred(y + h / 2, 1, cols - 2, text, utf8, a | A_BOLD);
	} else {
		char line[160];
		snprintf(line, sizeof line, "TO CALL BACK: %s", text);
		put_centred(y, 0, cols, line, utf8, a | A_BOLD);
	}
}

/* Collect the tiles: a total first when there are several queues, then each queue. */
static int collect(const struct model_state *st, const struct settings *s, const struct names *nm,
                   int64_t now_s, struct tile *tiles, int max)
{
	int n = 0;
	if (st->nqueues > 1) {
		struct tile *t = &tiles[n++];
		snprintf(t->title, sizeof t->title, "ALL QUEUES");
		queue_stats_total(st, s, now_s, &t->qs);
		t->level = alerts_level(&st->alerts, ALERT_SCOPE_TOTAL, NULL);
		t->have_agents = false;
	}
	for (size_t i = 0; i < st->nqueues && n < max; i++) {
		const struct queue *q = &st->queues[i];
		struct tile *t = &tiles[n++];
		name_or_description(nm, q->number, q->description, t->title, sizeof t->title);
		queue_stats(q, s, now_s, &t->qs);
		t->level = alerts_level(&st->alerts, ALERT_SCOPE_QUEUE, q->number);
		api_count_agents(&st->api, q->number, NULL, &t->agents);
		t->have_agents = t->agents.available + t->agents.on_call + t->agents.on_break +
		                     t->agents.logged_out >
		                 0;
	}
	return n;
}

int wallboard_draw(const struct model_state *st, const struct settings *s,
                   const struct names *names, int64_t now_ns, int page)
{
	static struct tile tiles[TILES_MAX];
	bool utf8 = utf8_ok(s);
	int cols = COLS, rows = LINES;
	erase();

	int n = collect(st, s, names, now_ns / NS_PER_S, tiles, TILES_MAX);
	char problem[160];
	const char *banner = feed_problem(st, now_ns, problem, sizeof problem);
	int banner_h = banner ? (rows >= 30 ? 3 : 1) : 0;
	int top = 1 + banner_h;
	int cb_h = rows - top >= 16 ? 3 : 1; /* the "To call back" tile */
	int area = rows - top - cb_h;

	struct wb_layout L;
	if (n == 0) {
		L = (struct wb_layout){.font = -1, .pages = 1};
	} else {
		wb_layout(cols, area, n, &L);
	}
	if (page < 0)
		page = 0;
	page %= L.pages;
	draw_header(cols, st, now_ns, page, L.pages, utf8);

	if (banner) {
		int ba = theme_attr(ROLE_STALE) | A_BOLD;
		char text[200];
		snprintf(text, sizeof text, "!! %s !!", banner);
		for (int r = 0; r < banner_h; r++)
			fill(1 + r, 0, cols, ba);
		put_centred(1 + banner_h / 2, 0, cols, text, utf8, ba);
	}

	draw_callback_tile(rows - cb_h, cb_h, cols, st, now_ns, utf8);
	if (n == 0) {
		put_centred(top + area / 2, 0, cols, "waiting for queue events", utf8,
		            theme_attr(ROLE_DIM));
	} else {
		int first = page * L.per_page;
		for (int k = 0; k < L.per_page && first + k < n; k++) {
			int gx = k % L.grid_cols, gy = k / L.grid_cols;
			int x = gx * L.tile_w, y = top + gy * L.tile_h;
			if (L.font < 0)
				draw_text_tile(y, x, L.tile_w, &tiles[first + k], utf8);
			else
				draw_tile(y, x, L.tile_w, L.tile_h, &L, &tiles[first + k], utf8);
		}
	}
	attrset(A_NORMAL);
	return L.pages;
}
