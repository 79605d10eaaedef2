/* table.h: rows of typed cells, printed as an aligned text table, RFC 4180 CSV or JSON.
 *
 * One table feeds the three formats, so the columns of a report are the same in each: CSV and
 * JSON use the stable snake_case key of each column and unformatted numbers (seconds, fractions
 * with a dot); text uses the column's title, durations as m:ss and rates as percentages.
 */
#ifndef CTIBOARD_TABLE_H
#define CTIBOARD_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cJSON;

enum col_kind {
	COL_TEXT,    /* a string, left-aligned in text */
	COL_COUNT,   /* an integer */
	COL_SECONDS, /* an integer of seconds: m:ss in text */
	COL_RATE     /* per-mille: a fraction in CSV and JSON, a percentage in text */
};

struct column {
	const char *key;   /* CSV header and JSON key: snake_case, stable */
	const char *title; /* text header */
	enum col_kind kind;
};

#define CELL_TEXT_MAX 112

struct cell {
	bool null; /* no data: empty in CSV, null in JSON, "-" in text */
	int64_t v;
	char s[CELL_TEXT_MAX];
};

struct table {
	const struct column *cols;
	int ncols;
	struct cell *cells; /* nrows * ncols */
	size_t nrows, cap;
	bool failed; /* out of memory: rows are missing */
};

void table_init(struct table *t, const struct column *cols, int ncols);
void table_free(struct table *t);

/* A new row of null cells; NULL when out of memory (t->failed is set). */
struct cell *table_row(struct table *t);

void cell_text(struct cell *c, const char *s);
void cell_int(struct cell *c, int64_t v);
/* v < 0 means no data (the -1 of stats.h) */
void cell_int_or_null(struct cell *c, int64_t v);

/* The formats. Each returns false on a write error. */
bool table_print_text(const struct table *t, FILE *f);
bool table_print_csv(const struct table *t, FILE *f);
/* The rows as a JSON array of objects (added to parent under key). */
bool table_add_json(const struct table *t, struct cJSON *parent, const char *key);

/* One CSV field, quoted when it holds a comma, a quote, CR or LF (RFC 4180). */
void csv_field(FILE *f, const char *s);

#endif
