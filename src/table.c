/* table.c: typed rows printed as text, CSV or JSON. */
#include "table.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void table_init(struct table *t, const struct column *cols, int ncols)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols;
}

void table_free(struct table *t)
{
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

struct cell *table_row(struct table *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct cell *p = realloc(t->cells, cap * (size_t)t->ncols * sizeof *p);
		if (!p) {
			t->failed = true;
			return NULL;
		}
		t->cells = p;
		t->cap = cap;
	}
	struct cell *row = &t->cells[t->nrows++ * (size_t)t->ncols];
	for (int i = 0; i < t->ncols; i++) {
		row[i].null = true;
		row[i].v = 0;
		row[i].s[0] = '\0';
	}
	return row;
}

void cell_text(struct cell *c, const char *s)
{
	c->null = false;
	text_copy(c->s, sizeof c->s, s ? s : "");
}

void cell_int(struct cell *c, int64_t v)
{
	c->null = false;
	c->v = v;
}

void cell_int_or_null(struct cell *c, int64_t v)
{
	if (v >= 0)
		cell_int(c, v);
}

/* The cell as text shows it. */
static void text_of(const struct column *col, const struct cell *c, char *dst, size_t size)
{
	if (c->null) {
		snprintf(dst, size, "%s", col->kind == COL_TEXT ? "" : "-");
		return;
	}
	switch (col->kind) {
	case COL_TEXT: text_copy(dst, size, c->s); break;
	case COL_COUNT: snprintf(dst, size, "%lld", (long long)c->v); break;
	case COL_SECONDS:
		if (c->v >= 3600)
			snprintf(dst, size, "%lld:%02lld:%02lld", (long long)(c->v / 3600),
			         (long long)(c->v / 60 % 60), (long long)(c->v % 60));
		else
			snprintf(dst, size, "%lld:%02lld", (long long)(c->v / 60),
			         (long long)(c->v % 60));
		break;
	case COL_RATE:
		snprintf(dst, size, "%lld.%lld%%", (long long)(c->v / 10), (long long)(c->v % 10));
		break;
	}
}

/* The cell as CSV writes it: numbers unformatted, rates as fractions with a dot. */
static void csv_of(const struct column *col, const struct cell *c, char *dst, size_t size)
{
	if (c->null) {
		dst[0] = '\0';
		return;
	}
	if (col->kind == COL_TEXT)
		text_copy(dst, size, c->s);
	else if (col->kind == COL_RATE)
		snprintf(dst, size, "%lld.%03lld", (long long)(c->v / 1000),
		         (long long)(c->v % 1000));
	else
		snprintf(dst, size, "%lld", (long long)c->v);
}

bool table_print_text(const struct table *t, FILE *f)
{
	int width[64] = {0};
	char buf[CELL_TEXT_MAX + 32];
	int n = t->ncols < 64 ? t->ncols : 64;
	for (int i = 0; i < n; i++)
		width[i] = text_width(t->cols[i].title);
	for (size_t r = 0; r < t->nrows; r++)
		for (int i = 0; i < n; i++) {
			text_of(&t->cols[i], &t->cells[r * (size_t)t->ncols + (size_t)i], buf,
			        sizeof buf);
			int w = text_width(buf);
			if (w > width[i])
				width[i] = w;
		}
	char line[4096];
	for (long r = -1; r < (long)t->nrows; r++) {
		size_t len = 0;
		for (int i = 0; i < n; i++) {
			const struct column *col = &t->cols[i];
			if (r < 0)
				text_copy(buf, sizeof buf, col->title);
			else
				text_of(col, &t->cells[(size_t)r * (size_t)t->ncols + (size_t)i],
				        buf, sizeof buf);
			int pad = width[i] - text_width(buf);
			bool left = col->kind == COL_TEXT;
			int n_out =
			    snprintf(line + len, sizeof line - len, "%s%*s%s%*s", i ? "  " : "",
			             left ? 0 : pad, "", buf, left ? pad : 0, "");
			if (n_out < 0 || (size_t)n_out >= sizeof line - len)
				break;
			len += (size_t)n_out;
		}
		while (len > 0 && line[len - 1] == ' ')
			len--;
		line[len] = '\0';
		fputs(line, f);
		fputc('\n', f);
	}
	return !ferror(f);
}

void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

bool table_print_csv(const struct table *t, FILE *f)
{
	char buf[CELL_TEXT_MAX + 32];
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			fputc(',', f);
		csv_field(f, t->cols[i].key);
	}
	fputs("\r\n", f);
	for (size_t r = 0; r < t->nrows; r++) {
		for (int i = 0; i < t->ncols; i++) {
			if (i)
				fputc(',', f);
			csv_of(&t->cols[i], &t->cells[r * (size_t)t->ncols + (size_t)i], buf,
			       sizeof buf);
			csv_field(f, buf);
		}
		fputs("\r\n", f);
	}
	return !ferror(f);
}

bool table_add_json(const struct table *t, cJSON *parent, const char *key)
{
	cJSON *rows = cJSON_AddArrayToObject(parent, key);
	if (!rows)
		return false;
	for (size_t r = 0; r < t->nrows; r++) {
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(rows, o))
			return false;
		for (int i = 0; i < t->ncols; i++) {
			const struct column *col = &t->cols[i];
			const struct cell *c = &t->cells[r * (size_t)t->ncols + (size_t)i];
			cJSON *v;
			if (c->null)
				v = cJSON_CreateNull();
			else if (col->kind == COL_TEXT)
				v = cJSON_CreateString(c->s);
			else if (col->kind == COL_RATE)
				v = cJSON_CreateNumber((double)c->v / 1000.0);
			else
				v = cJSON_CreateNumber((double)c->v);
			if (!v || !cJSON_AddItemToObject(o, col->key, v))
				return false;
		}
	}
	return true;
}
