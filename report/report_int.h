/* report_int.h - what the report writers share and nobody else sees.
 *
 * Each writer builds its whole output in a struct lw_buf (hard max) and
 * writes it at the end, so a failed report never leaves half a file.
 * Every string from outside (names, messages, detail) goes through
 * lw_rep_clean() first: secrets redacted, broken UTF-8 repaired, and what
 * the target format cannot carry replaced.
 */
#ifndef LAKEWATCH_REPORT_INT_H
#define LAKEWATCH_REPORT_INT_H

#include "lakewatch/report.h"
#include "lakewatch/buf.h"

/* Ceiling for one report: far beyond any real lake, short of the machine. */
#define LW_REPORT_MAX ((size_t)256 * LW_BUF_1M)

enum {
	LW_CLEAN_CTRL = 1,	/* terminal: controls to '?', tab/LF to ' ' */
	LW_CLEAN_ASCII = 2,	/* non-ASCII to '?' */
	LW_CLEAN_XML = 4,	/* XML 1.0: controls but tab/LF/CR to '?',
				 * U+FFFE/U+FFFF to U+FFFD */
};

/* Redacted copy of s, valid UTF-8 (bad bytes become U+FFFD, or '?' with
 * LW_CLEAN_ASCII), filtered by flags. NULL gives NULL. Caller frees. */
char *lw_rep_clean(const char *s, int flags);
/* Append s (already cleaned) escaped for XML text or, with attr, for a
 * double-quoted attribute value (newlines and tabs kept as references). */
int lw_rep_xml(struct lw_buf *b, const char *s, bool attr);
/* Write b to f; LW_EIO naming what failed. */
int lw_rep_flush(FILE *f, const struct lw_buf *b, struct lw_err *err);
/* "pass"/"warn"/... for counts keys. Static. */
const char *lw_rep_status_key(enum lw_status s);

int lw_rep_text(struct lw_buf *b, const struct lw_config *cfg,
		const struct lw_run *run, const struct lw_report_opts *o);
int lw_rep_json(struct lw_buf *b, const struct lw_config *cfg,
		const struct lw_run *run);
int lw_rep_junit(struct lw_buf *b, const struct lw_config *cfg,
		 const struct lw_run *run);

/* Incidents in reports (incidents.c). The incident of d's result i, or
 * NULL (borrowed from d); its age in seconds at this poll; whether it is
 * muted; "failing for 3d (incident #12)" (caller frees, NULL for nothing to
 * say); the JSON "incident" value (caller owns; null without one). */
struct lw_ds_run;
struct lw_incident;
const struct lw_incident *lw_rep_incident(const struct lw_ds_run *d,
					  size_t i);
int64_t lw_rep_incident_age(const struct lw_incident *inc);
bool lw_rep_muted(const struct lw_ds_run *d, size_t i);
char *lw_rep_incident_note(const struct lw_ds_run *d, size_t i);
cJSON *lw_rep_incident_json(const struct lw_incident *inc);

#endif
