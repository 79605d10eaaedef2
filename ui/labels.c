/* labels.c: what the console calls lines, queues, callers and states, and the filter's test. */
#include "labels.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "console.h"
#include "names.h"
#include "text.h"

const char *name_or_description(const struct names *nm, const char *number, const char *description,
                                char *dst, size_t dstsize)
{
	if (description && description[0] && !names_lookup(nm, number)) {
		text_copy(dst, dstsize, description);
		return dst;
	}
	return names_display(nm, number, dst, dstsize);
}

const char *line_name(const struct console *c, const struct line *l, char *dst, size_t dstsize)
{
	return name_or_description(c->names, l->number, l->description, dst, dstsize);
}

const char *queue_name(const struct console *c, const struct queue *q, char *dst, size_t dstsize)
{
	return name_or_description(c->names, q->number, q->description, dst, dstsize);
}

const char *party_display(const struct console *c, const char *number, char *dst, size_t dstsize)
{
	const char *n = names_lookup(c->names, number);
	const struct line *l;
	const struct queue *q;

	if (!n && (l = lookup_line(c, number)) && l->description[0])
		n = l->description;
	if (!n && (q = lookup_queue(c, number)) && q->description[0])
		n = q->description;
	if (n && *n)
		snprintf(dst, dstsize, "%s", n);
	else
		phone_display(dst, dstsize, number);
	return dst;
}

const char *member_caller(const struct console *c, const struct member *mb, char *dst,
                          size_t dstsize)
{
	bool words = false;

	/* a caller-id name is often only the number again: then show the number our way */
	for (const char *p = mb->name; *p; p++)
		if (!strchr("0123456789 +.-()", *p))
			words = true;
	if (words && !names_lookup(c->names, mb->number))
		snprintf(dst, dstsize, "%s", mb->name);
	else
		party_display(c, mb->number, dst, dstsize);
	return dst;
}

/* Case-insensitive (ASCII) substring test. */
static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return true;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* Keep only the digits of s. */
static void digits_of(char *dst, size_t dstsize, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < dstsize; s++)
		if (*s >= '0' && *s <= '9')
			dst[n++] = *s;
	dst[n] = '\0';
}

bool filter_match(const char *filter, const char *text, const char *number)
{
	char want[FILTER_MAX], have[NUM_MAX + 4];

	if (!filter[0])
		return true;
	if (text && contains_nocase(text, filter))
		return true;
	if (!number || !number[0])
		return false;
	digits_of(want, sizeof want, filter);
	if (!want[0] || strspn(filter, "0123456789 +.-()") != strlen(filter))
		return false;
	/* canonical 0033972..., international 33972..., national 0972... */
	if (strstr(number, want))
		return true;
	if (strncmp(number, "00", 2) == 0 && strstr(number + 2, want))
		return true;
	if (strncmp(number, "0033", 4) == 0) {
		snprintf(have, sizeof have, "0%s", number + 4);
		if (strstr(have, want))
			return true;
	}
	return false;
}

const struct line *call_line(const struct console *c, const struct call *call)
{
	return call->line < c->st.nlines ? &c->st.lines[call->line] : NULL;
}

const char *line_state_text(const struct line *l)
{
	switch (line_state(l)) {
	case LINE_RINGING: return "ringing";
	case LINE_IN_CALL: return "in call";
	default: return "idle";
	}
}

const char *feed_error_kind(char *dst, size_t dstsize, const char *error)
{
	const char *colon = strchr(error, ':');
	size_t n = colon ? (size_t)(colon - error) : strlen(error);
	char whole[TEXT_MAX];

	text_copy(whole, sizeof whole, error);
	if (n < sizeof whole)
		whole[n] = '\0';
	text_fit(dst, dstsize, whole, 16);
	return dst;
}
