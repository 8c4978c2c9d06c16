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
#include "lakewatch/err.h"

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

/* --- what a scan gave, for comparing chunkings ---------------------------- */

struct outcome {
	int rc;
	char msg[LW_ERR_MSG];
	long long rows;
	char schema[4096];
};

/* Scan c's input cut at cuts[0..ncuts) (ascending offsets) into out. */
typedef void (*case_run_fn)(const struct tcase *c, const size_t *cuts,
			    size_t ncuts, struct outcome *out);

/* Set while checking that the driver can fail, to keep its output clean. */
static bool quiet;	/* test code: one per test binary */
#define report(...) do { if (!quiet) print_error(__VA_ARGS__); } while (0)

static bool same(const struct outcome *a, const struct outcome *b)
{
	return a->rc == b->rc && strcmp(a->msg, b->msg) == 0 &&
	       a->rows == b->rows && strcmp(a->schema, b->schema) == 0;
}

/* Check one case: its expectations on the whole input, then the same
 * outcome however the input is cut into chunks (two, three, one byte at a
 * time). Returns the number of problems reported. */
static int check_case_with(case_run_fn run, const char *file,
			   const struct tcase *c)
{
	struct outcome whole, part;
	const char *v;
	int bad = 0;
	size_t cuts[2];
	size_t *every;

	run(c, NULL, 0, &whole);
	if (getenv("LW_CASES_VERBOSE"))
		fprintf(stderr, "%s:%d: rc %d '%s' rows %lld schema '%s'\n",
			file, c->line, whole.rc, whole.msg, whole.rows,
			whole.schema);
	if ((v = case_get(c, "error"))) {
		if (!whole.rc || !strstr(whole.msg, v)) {
			report("%s:%d: want error '%s', got '%s'\n", file,
				    c->line, v, whole.msg);
			bad++;
		}
	} else if (whole.rc) {
		report("%s:%d: unexpected error '%s'\n", file, c->line,
			    whole.msg);
		bad++;
	}
	if ((v = case_get(c, "rows")) && !whole.rc && whole.rows != atoll(v)) {
		report("%s:%d: want %s rows, got %lld\n", file, c->line, v,
			    whole.rows);
		bad++;
	}
	if ((v = case_get(c, "schema")) && strcmp(whole.schema, v) != 0) {
		report("%s:%d: want schema '%s', got '%s'\n", file,
			    c->line, v, whole.schema);
		bad++;
	}
	/* two chunks, cut at every byte */
	for (size_t i = 1; i < c->len; i++) {
		cuts[0] = i;
		run(c, cuts, 1, &part);
		if (!same(&whole, &part)) {
			report("%s:%d: cut at %zu differs: '%s' %lld '%s'\n",
				    file, c->line, i, part.msg, part.rows,
				    part.schema);
			bad++;
			break;
		}
	}
	/* three chunks, every pair of cuts, for short inputs */
	for (size_t i = 1; c->len <= 64 && i < c->len; i++)
		for (size_t j = i + 1; j < c->len; j++) {
			cuts[0] = i;
			cuts[1] = j;
			run(c, cuts, 2, &part);
			if (!same(&whole, &part)) {
				report("%s:%d: cuts at %zu,%zu differ\n",
					    file, c->line, i, j);
				bad++;
				i = c->len;
				break;
			}
		}
	/* one byte at a time */
	if (c->len > 1) {
		every = malloc(c->len * sizeof(size_t));
		for (size_t i = 0; i < c->len - 1; i++)
			every[i] = i + 1;
		run(c, every, c->len - 1, &part);
		free(every);
		if (!same(&whole, &part)) {
			report("%s:%d: byte-at-a-time differs\n", file,
				    c->line);
			bad++;
		}
	}
	return bad;
}

#endif
