/* names.c: the names file, CSV "number,name", loaded once into a sorted array. */
#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "event.h"
#include "text.h"

struct name_entry {
	char number[NUM_MAX];
	char name[TEXT_MAX];
	size_t order; /* line of the file, so that the last line of a number wins */
};

struct names {
	size_t n;
	struct name_entry *v;
};

/* One CSV field at *p: quoted ("" is a quote) or bare, trimmed. Leaves *p on the ',' or the
 * end. Returns false with a reason for an unterminated quote or text after it. */
static bool csv_field(const char **p, char *dst, size_t dstsize, const char **why)
{
	const char *s = *p;
	size_t o = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '"') {
		for (s++;; s++) {
			if (*s == '\0') {
				*why = "unterminated quote";
				return false;
			}
			if (*s == '"') {
				if (s[1] != '"')
					break;
				s++;
			}
			if (o + 1 < dstsize)
				dst[o++] = *s;
		}
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != ',' && *s != '\0') {
			*why = "text after a closing quote";
			return false;
		}
	} else {
		const char *start = s;
		while (*s != ',' && *s != '\0')
			s++;
		const char *end = s;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		size_t n = (size_t)(end - start);
		if (n >= dstsize)
			n = dstsize - 1;
		memcpy(dst, start, n);
		o = n;
	}
	dst[o] = '\0';
	*p = s;
	return true;
}

/* Is s only digits (a canonical number from phone_normalize)? */
static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct name_entry *x = a, *y = b;
	int c = strcmp(x->number, y->number);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Parse one line into e (number and name). Returns 0 for an entry, 1 for a blank or comment
 * line, 2 for a header line ("number,name" first), -1 with *why for an error. */
static int parse_line(const char *line, bool first, struct name_entry *e, const char **why)
{
	const char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return 1;
	char raw_number[256], raw_name[1024];
	if (!csv_field(&p, raw_number, sizeof(raw_number), why))
		return -1;
	if (*p != ',') {
		*why = "expected \"number,name\"";
		return -1;
	}
	p++;
	if (!csv_field(&p, raw_name, sizeof(raw_name), why))
		return -1;
	if (*p == ',') {
		*why = "more than two fields (quote a name that holds a comma)";
		return -1;
	}
	if (first && strcasecmp(raw_number, "number") == 0)
		return 2;
	if (!raw_number[0]) {
		*why = "missing number";
		return -1;
	}
	phone_normalize(e->number, sizeof(e->number), raw_number);
	if (!all_digits(e->number)) {
		*why = "not a phone number";
		return -1;
	}
	text_sanitize(e->name, sizeof(e->name), raw_name, strlen(raw_name));
	if (!e->name[0] || strspn(e->name, " ") == strlen(e->name)) {
		*why = "missing name";
		return -1;
	}
	return 0;
}

struct names *names_load(const char *path, char *err, size_t errsize)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct names *n = calloc(1, sizeof(*n));
	size_t cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t got;
	unsigned long lineno = 0;
	bool first = true, failed = false;
	while (n && (got = getline(&line, &linecap, f)) >= 0) {
		lineno++;
		size_t len = (size_t)got;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		line[len] = '\0';
		const char *text = line;
		if (lineno == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
			text += 3; /* a byte order mark */
		if (strlen(text) != len - (size_t)(text - line)) {
			snprintf(err, errsize, "%s:%lu: NUL byte in line", path, lineno);
			failed = true;
			break;
		}
		struct name_entry e = {.order = lineno};
		const char *why = NULL;
		int r = parse_line(text, first, &e, &why);
		if (r < 0) {
			snprintf(err, errsize, "%s:%lu: %s", path, lineno, why);
			failed = true;
			break;
		}
		if (r == 1)
			continue;
		first = false;
		if (r == 2)
			continue;
		if (n->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct name_entry *v = realloc(n->v, ncap * sizeof(*v));
			if (!v) {
				snprintf(err, errsize, "%s: out of memory", path);
				failed = true;
				break;
			}
			n->v = v;
			cap = ncap;
		}
		n->v[n->n++] = e;
	}
	if (!failed && ferror(f)) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		failed = true;
	}
	if (!n) {
		snprintf(err, errsize, "%s: out of memory", path);
		failed = true;
	}
	free(line);
	fclose(f);
	if (failed) {
		names_free(n);
		return NULL;
	}
	/* Sort by number, then keep the last line of each number. */
	if (n->n > 1)
		qsort(n->v, n->n, sizeof(*n->v), cmp_entry);
	size_t o = 0;
	for (size_t i = 0; i < n->n; i++) {
		if (i + 1 < n->n && strcmp(n->v[i].number, n->v[i + 1].number) == 0)
			continue;
		n->v[o++] = n->v[i];
	}
	n->n = o;
	return n;
}

void names_free(struct names *n)
{
	if (!n)
		return;
	free(n->v);
	free(n);
}

static int cmp_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct name_entry *)elem)->number);
}

const char *names_lookup(const struct names *n, const char *number)
{
	if (!n || !number || !n->n)
		return NULL;
	const struct name_entry *e = bsearch(number, n->v, n->n, sizeof(*n->v), cmp_key);
	return e ? e->name : NULL;
}

char *names_display(const struct names *n, const char *number, char *dst, size_t dstsize)
{
	const char *name = names_lookup(n, number);
	if (name) {
		text_copy(dst, dstsize, name);
		return dst;
	}
	return phone_display(dst, dstsize, number ? number : "");
}
