/* collate.h: names in the order a reader expects, whatever the locale: accents and case folded
 * ("Léa Martin" before "Lucas Simon"), bytes only to break ties. The console's lists and the
 * reports' rows both sort with it.
 */
#ifndef CTIBOARD_COLLATE_H
#define CTIBOARD_COLLATE_H

/* Less than, equal to or greater than 0 as a comes before, with or after b. */
int name_collate(const char *a, const char *b);

#endif
