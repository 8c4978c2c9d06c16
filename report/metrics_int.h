/* metrics_int.h - what the exposition's files share (report/metrics*.c)
 * and nobody else sees.
 *
 * One render is a struct lw_mx: the output buffer, the format, and the
 * label values of the run escaped once (a 10,000-dataset run names each
 * dataset in eight families; cleaning and escaping it eight times would be
 * most of the render). Families are written in the fixed order of
 * enum mx_fam, samples in config order, so two renders of the same run are
 * byte-identical and a diff of two scrapes shows only what changed.
 */
#ifndef LAKEWATCH_METRICS_INT_H
#define LAKEWATCH_METRICS_INT_H

#include "lakewatch/metrics.h"

enum mx_type { MX_GAUGE, MX_COUNTER, MX_HISTOGRAM };

/* One metric family. name is the sample name as the Prometheus text
 * format writes it (counters with _total); OpenMetrics names the family
 * without the _total. unit, when set, is the name's last word. */
struct mx_family {
	const char *name;
	enum mx_type type;
	const char *unit;	/* NULL, "seconds" or "bytes" */
	const char *help;	/* no backslash, quote or newline */
};

/* Every family, in output order (docs/metrics.md lists the same). */
enum mx_fam {
	MX_BUILD_INFO, MX_LAST_POLL, MX_POLL_DURATION,
	MX_CHECK_STATUS, MX_INCIDENT_OPEN, MX_INCIDENT_ACK,
	MX_DS_STATUS, MX_DS_ROWS, MX_DS_BYTES, MX_DS_FILES, MX_DS_AGE,
	MX_DS_SCHEMA, MX_DS_LAST_SUCCESS,
	MX_SOURCE_STATUS, MX_CONSUMER_STATUS,
	MX_LAKE_REQUESTS, MX_LAKE_BYTES, MX_LAKE_RETRIES, MX_LAKE_ERRORS,
	MX_NOTIFY_SENT, MX_NOTIFY_FAILED, MX_NOTIFY_PENDING,
	MX_NFAMILIES
};
extern const struct mx_family lw_mx_families[MX_NFAMILIES];

/* One render. Label strings are owned, already cleaned (redacted, valid
 * UTF-8) and escaped for a double-quoted label value. */
struct lw_mx {
	const struct lw_metrics_in *in;
	enum lw_metrics_fmt fmt;
	struct lw_buf *out;
	enum mx_fam cur;	/* family whose header was written last */
	bool cur_open;		/* cur's header is out */
	int nlab;		/* labels of the sample being written */
	char **ds;		/* per run dataset: its name */
	char ***checks;		/* per run dataset, per result: the check,
				 * NULL for a repeated name (one series);
				 * borrowed from owned */
	char **owned;		/* the distinct check strings */
	size_t nowned, capowned;
	char **sources, **consumers;	/* per config entry: its id */
};

/* s cleaned and escaped for a label value (backslash, quote, newline);
 * NULL gives "". Caller frees. (metrics_labels.c) */
char *lw_mx_escape(const char *s);
/* Fill m's label strings from m->in; lw_mx_free_labels frees them. */
void lw_mx_labels(struct lw_mx *m);
void lw_mx_free_labels(struct lw_mx *m);

/* Start a sample of family f: its HELP/TYPE/UNIT lines the first time,
 * then the sample name with suffix ("_bucket", ...; "" for none).
 * lw_mx_label adds one label (val already escaped: a label string above,
 * or a constant); lw_mx_int and lw_mx_double end the sample with its value.
 * All return LW_OK or the buffer's error. (metrics.c) */
int lw_mx_sample(struct lw_mx *m, enum mx_fam f, const char *suffix)
	__attribute__((warn_unused_result));
int lw_mx_label(struct lw_mx *m, const char *key, const char *val)
	__attribute__((warn_unused_result));
int lw_mx_int(struct lw_mx *m, int64_t v) __attribute__((warn_unused_result));
int lw_mx_double(struct lw_mx *m, double v)
	__attribute__((warn_unused_result));
/* "0.1", "1.0", "+Inf": a bucket bound as both formats read it. */
void lw_mx_float_fmt(double v, char *buf, size_t n);

/* The families of the run: checks and datasets (metrics_ds.c), groups,
 * lakes, polls and notification channels (metrics_misc.c). */
int lw_mx_checks(struct lw_mx *m) __attribute__((warn_unused_result));
int lw_mx_datasets(struct lw_mx *m) __attribute__((warn_unused_result));
int lw_mx_groups(struct lw_mx *m) __attribute__((warn_unused_result));
int lw_mx_lakes(struct lw_mx *m) __attribute__((warn_unused_result));
int lw_mx_polls(struct lw_mx *m) __attribute__((warn_unused_result));
int lw_mx_channels(struct lw_mx *m) __attribute__((warn_unused_result));

#endif
