/* ticker.h: the housekeeping thread. Once a second it expires calls and callers with no news,
 * moves "today" at midnight (model_tick) and copies the count of journal lines that could not
 * be written into the model. */
#ifndef CTIBOARD_TICKER_H
#define CTIBOARD_TICKER_H

struct model;
struct journal;
struct ticker;

/* Start ticking m (and watching j, which may be NULL). NULL on failure. */
struct ticker *ticker_start(struct model *m, struct journal *j);
/* Stop and join. */
void ticker_stop(struct ticker *t);

#endif
