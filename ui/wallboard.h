/* wallboard.h: the TV view. Per-queue tiles of big digits, the clock and the feed state,
 * readable from across the room. Only ui/ includes this.
 */
#ifndef CTIBOARD_UI_WALLBOARD_H
#define CTIBOARD_UI_WALLBOARD_H

#include <stdint.h>

struct model_state;
struct names;
struct settings;

/* Draw the wallboard over the whole of stdscr (erasing it first) for state st at time now_ns.
 * When the tiles do not all fit, page (taken modulo the page count) selects which are shown.
 * Returns the number of pages (>= 1). */
int wallboard_draw(const struct model_state *st, const struct settings *s,
                   const struct names *names, int64_t now_ns, int page);

#endif
