/* csv.h - an RFC 4180 CSV scanner that is fed chunks and never holds the
 * file, behind the "csv" format plug-in (formats/csv.c).
 *
 * The scanner counts records, names columns from the header, infers column
 * types from a sample of the first records (infer.h) and finds the first
 * problem. Results do not depend on how the input is split into chunks
 * (the fuzzer checks this). Rules:
 * - quoted fields may hold delimiters, doubled quotes and newlines; a
 *   quoted newline does not end a record;
 * - records end at LF, CRLF or a lone CR; a last record without a newline
 *   counts; blank lines (empty or only spaces/tabs) are not records,
 *   wherever they are - so a one-column file cannot hold an all-blank cell;
 * - a UTF-8 byte order mark at the start is skipped;
 * - a NUL byte anywhere, or a head (first LW_CSV_SNIFF bytes) full of
 *   invalid UTF-8 (weight 1 each) and control characters (weight 3), weight
 *   at least 4 and over a tenth of the bytes, is binary (Latin-1 text is
 *   not):
 *   "binary data at byte N, not CSV" (N = 0-based offset of the first
 *   offending byte); scanning stops there;
 * - a quote still open at end of input: "line L: unterminated quote";
 * - a record whose field count differs from the first record's is an
 *   ERROR, not a detail count: a short or long row means the writer and
 *   the reader disagree about the columns, and every column after it is
 *   shifted. The message names the first such record's line and how many
 *   records differ: "line 14: 3 fields, header has 4 (2 records differ)".
 *   Scanning goes on to the end so that the count is complete.
 * - lenient on the rest: a quote inside an unquoted field, or text after a
 *   closing quote, is kept as data.
 */
#ifndef LAKEWATCH_CSV_H
#define LAKEWATCH_CSV_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "lakewatch/err.h"
#include "lakewatch/buf.h"
#include "lakewatch/model.h"

#define LW_CSV_SAMPLE_ROWS 1000		/* records sampled for types */
#define LW_CSV_HEAD_BYTES 65536		/* sampled records end within this */
#define LW_CSV_SNIFF 8192		/* bytes checked for binary data */
#define LW_CSV_MAX_COLS 8192
#define LW_CSV_FIELD_MAX 65536		/* longer sampled cells are strings */
#define LW_CSV_NAME_MAX 1024		/* header names are cut here */

struct lw_csv_opts {
	char delim;	/* ',' ; '\t' for "tab" */
	char quote;	/* '"' ; 0 turns quoting off */
	bool header;	/* first record names the columns; else column1.. */
};

void lw_csv_opts_default(struct lw_csv_opts *o);

/* All fields are private to csv.c except the limits, which tests and
 * fuzzers may lower between init and the first feed. */
struct lw_csv_scan {
	struct lw_csv_opts o;
	int64_t sample_rows, head_bytes, field_max, sniff_bytes; /* limits */

	int rc;			/* first fatal error, sticky */
	struct lw_err err;
	int state;
	int64_t offset;		/* bytes consumed */
	int64_t line;		/* 1-based physical line of the next byte */
	int64_t rec_line;	/* line the current record started on */
	int64_t quote_line;	/* line the open quote is on */
	int64_t records;	/* completed records, header included */
	int64_t nfields;	/* fields completed in the current record */
	int64_t ncols;		/* fields in the first record, -1 before */
	bool in_record, rec_blank;
	int bom;		/* BOM bytes matched so far; -1 = past */

	/* binary sniffing over the first sniff_bytes bytes */
	int64_t bad, first_bad;	/* weight, offset of the first */
	int u8_need;		/* continuation bytes still expected */
	int64_t u8_start;	/* offset of the lead byte */
	bool sniffed;

	/* field-count mismatches */
	int64_t bad_line, bad_fields, bad_records;

	/* sampling */
	struct lw_buf field;	/* current cell, while sampling */
	bool field_long;
	char **names;		/* header names, owned */
	unsigned *pend;		/* classes of the current record's cells */
	unsigned *seen;		/* classes per column over the sample */
	size_t cap_names, cap_pend, cap_seen;
	int64_t nsampled;
};

void lw_csv_scan_init(struct lw_csv_scan *s, const struct lw_csv_opts *o);
/* Feed the next n bytes. Returns LW_OK or the first fatal error (binary
 * data, too many columns), which then sticks. */
int lw_csv_scan_feed(struct lw_csv_scan *s, const char *p, size_t n);
/* No more input. eof false means the bytes fed were only the head of a
 * longer file: the cut last record is dropped and the end-of-file checks
 * (unterminated quote) are not made. Returns LW_OK or the error; the
 * message is in s->err. */
int lw_csv_scan_finish(struct lw_csv_scan *s, bool eof);
/* Data records seen (header excluded). */
int64_t lw_csv_scan_rows(const struct lw_csv_scan *s);
/* The columns, named by the header and typed from the sample, appended to
 * out (caller-initialised and -owned). False, out untouched, when no record
 * was seen. Physical type "csv"; every column is nullable. */
bool lw_csv_scan_schema(const struct lw_csv_scan *s, struct lw_schema *out);
void lw_csv_scan_free(struct lw_csv_scan *s);

#endif
