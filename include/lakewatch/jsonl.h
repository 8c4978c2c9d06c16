/* jsonl.h - a JSON Lines scanner that is fed chunks, behind the "jsonl"
 * format plug-in (formats/jsonl.c).
 *
 * One JSON value per line, each an object; lines end at LF (a CR before it
 * is dropped); blank lines (only spaces, tabs) are skipped and not counted;
 * a last line without LF counts; a UTF-8 byte order mark on line 1 is
 * skipped. Every line is parsed with cJSON, so a malformed line anywhere
 * is found: "line 7, column 12: malformed JSON at 'x'". Non-objects:
 * "line 3: an array, not an object". A line longer than max_line (16 MiB)
 * is "line 9 longer than 16 MiB". The first error stops the scan.
 *
 * The schema comes from the first sample_rows records whose line ends
 * within head_bytes: top-level keys in order of first appearance, typed
 * string, int64 (a number written without '.'/exponent that fits), double,
 * boolean, struct (object), list (array) or null. Null widens to any other
 * type, int64 with double is double, other conflicts are string with
 * physical "mixed". Otherwise physical is the JSON type ("string",
 * "integer", "number", "boolean", "object", "array", "null"). A column is
 * nullable when some sampled record had it null or missing.
 * Results do not depend on how the input is split into chunks.
 */
#ifndef LAKEWATCH_JSONL_H
#define LAKEWATCH_JSONL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "lakewatch/err.h"
#include "lakewatch/buf.h"
#include "lakewatch/model.h"

#define LW_JSONL_SAMPLE_ROWS 1000
#define LW_JSONL_HEAD_BYTES 65536
#define LW_JSONL_MAX_LINE ((size_t)16 * 1024 * 1024)
#define LW_JSONL_MAX_COLS 8192

struct lw_jsonl_col;	/* private to jsonl_scan.c */

/* Fields are private to jsonl_scan.c except the limits, which tests and
 * fuzzers may lower between init and the first feed. */
struct lw_jsonl_scan {
	int64_t sample_rows, head_bytes;	/* limits */
	size_t max_line;

	int rc;			/* first error, sticky */
	struct lw_err err;
	int64_t offset;		/* bytes consumed */
	int64_t line;		/* lines completed */
	int64_t records;
	struct lw_buf part;	/* a line split across chunks */
	bool in_part;		/* part holds the start of a line */

	struct lw_jsonl_col *cols;	/* owned */
	size_t ncols, capcols;
	int64_t nsampled;

	/* The first byte that is not valid UTF-8 (RFC 8259 wants UTF-8;
	 * cJSON does not check): its offset and line, -1 when none. Not an
	 * error: the rows still count, the file gets a warning. */
	int64_t bad_utf8_at, bad_utf8_line;
};

void lw_jsonl_scan_init(struct lw_jsonl_scan *s);
/* Feed the next n bytes. Returns LW_OK or the first error (sticky). */
int lw_jsonl_scan_feed(struct lw_jsonl_scan *s, const char *p, size_t n);
/* No more input. eof false: the bytes were only the head of a longer file,
 * so a last line without LF is cut, and ignored. Returns LW_OK or the
 * error (message in s->err). */
int lw_jsonl_scan_finish(struct lw_jsonl_scan *s, bool eof);
int64_t lw_jsonl_scan_rows(const struct lw_jsonl_scan *s);
/* Append the sampled columns to out (caller-initialised and -owned).
 * False, out untouched, when no record was sampled. */
bool lw_jsonl_scan_schema(const struct lw_jsonl_scan *s, struct lw_schema *out);
void lw_jsonl_scan_free(struct lw_jsonl_scan *s);

#endif
