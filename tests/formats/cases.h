/* cases.h - reader for data-driven format test cases (tests/formats/),
 * shared by test_csv.c and test_jsonl.c.
 *
 * A .test file is a list of cases. A case starts at an "input:" line and
 * runs to the next one; other lines are "key: value"; '#' lines and blank
 * lines are ignored. The input is one line with C escapes (\n \r \t \0 \\
 * \xHH) so that CRLF, missing final newlines and binary bytes are exact.
 * Values are taken from after "key: " up to the end of the line.
 */
#ifndef LAKEWATCH_TEST_CASES_H
#define LAKEWATCH_TEST_CASES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASE_MAXKEYS 16

struct tcase {
	int line;			/* of "input:" in the .test file */
	char *input;			/* owned, unescaped */
	size_t len;
	char *key[CASE_MAXKEYS];	/* owned */
	char *val[CASE_MAXKEYS];	/* owned */
	int n;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Unescape s into a new buffer (caller frees); *len gets its length. */
static char *case_unescape(const char *s, size_t *len)
{
	char *o = malloc(strlen(s) + 1);
	size_t n = 0;

	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			o[n++] = *s;
			continue;
		}
		s++;
		switch (*s) {
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case '0': o[n++] = '\0'; break;
		case 'x':
			if (hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
				o[n++] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
				s += 2;
				break;
			}
			/* fall through */
		default: o[n++] = *s; break;
		}
	}
	*len = n;
	return o;
}

static const char *case_get(const struct tcase *c, const char *key)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->key[i], key) == 0)
			return c->val[i];
	return NULL;
}

/* All cases of path; caller frees with cases_free. NULL when unreadable. */
static struct tcase *cases_load(const char *path, size_t *count)
{
	FILE *f = fopen(path, "r");
	struct tcase *cs = NULL;
	size_t n = 0;
	char buf[8192];
	int lno = 0;

	*count = 0;
	if (!f)
		return NULL;
	while (fgets(buf, sizeof(buf), f)) {
		size_t l = strlen(buf);
		char *colon;

		lno++;
		while (l && (buf[l - 1] == '\n' || buf[l - 1] == '\r'))
			buf[--l] = '\0';
		if (l == 0 || buf[0] == '#')
			continue;
		colon = strstr(buf, ": ");
		if (!colon) {
			fprintf(stderr, "%s:%d: no 'key: value'\n", path, lno);
			continue;
		}
		*colon = '\0';
		if (strcmp(buf, "input") == 0) {
			cs = realloc(cs, (n + 1) * sizeof(*cs));
			memset(&cs[n], 0, sizeof(cs[n]));
			cs[n].line = lno;
			cs[n].input = case_unescape(colon + 2, &cs[n].len);
			n++;
		} else if (n && cs[n - 1].n < CASE_MAXKEYS) {
			struct tcase *c = &cs[n - 1];
			c->key[c->n] = strdup(buf);
			c->val[c->n] = strdup(colon + 2);
			c->n++;
		}
	}
	fclose(f);
	*count = n;
	return cs;
}

static void cases_free(struct tcase *cs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cs[i].input);
		for (int k = 0; k < cs[i].n; k++) {
			free(cs[i].key[k]);
			free(cs[i].val[k]);
		}
	}
	free(cs);
}

#endif
