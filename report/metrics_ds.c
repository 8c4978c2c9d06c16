/* metrics_ds.c - the per-check and per-dataset families.
 *
 * A value the poll did not observe is left out, never written as 0: a
 * dataset that could not be listed has a status but no rows, bytes or age,
 * so `lakewatch_dataset_rows == 0` means an empty table and an alert on
 * it does not fire because the lake was down. Incident families exist
 * only with history (a run without it has no incidents to speak of).
 */
#include <string.h>
#include "lakewatch/incident.h"
#include "lakewatch/tz.h"
#include "metrics_int.h"

/* The incident families of result k of dataset i; without history none. */
static int incident_sample(struct lw_mx *m, enum mx_fam f, size_t i,
			   size_t k)
{
	const struct lw_ds_run *d = &m->in->run->ds[i];
	const struct lw_incident *inc = lw_ds_run_incident(d, k);
	int rc;

	if (!d->inc)
		return LW_OK;
	int64_t v = f == MX_INCIDENT_OPEN ? inc != NULL :
		    inc && inc->acked_by;
	if ((rc = lw_mx_sample(m, f, "")) == LW_OK &&
	    (rc = lw_mx_label(m, "dataset", m->ds[i])) == LW_OK &&
	    (rc = lw_mx_label(m, "check", m->checks[i][k])) == LW_OK)
		rc = lw_mx_int(m, v);
	return rc;
}

/* See metrics_int.h: check status, incident open, incident acknowledged,
 * one series per dataset and check, in config and result order. */
int lw_mx_checks(struct lw_mx *m)
{
	const struct lw_run *run = m->in->run;
	int rc = LW_OK;

	for (int f = MX_CHECK_STATUS; run && f <= MX_INCIDENT_ACK; f++)
		for (size_t i = 0; i < run->n && rc == LW_OK; i++)
			for (size_t k = 0; k < run->ds[i].nresults &&
			     rc == LW_OK; k++) {
				if (!m->checks[i][k])
					continue;
				if (f != MX_CHECK_STATUS) {
					rc = incident_sample(m, f, i, k);
					continue;
				}
				if ((rc = lw_mx_sample(m, f, "")) == LW_OK &&
				    (rc = lw_mx_label(m, "dataset",
						      m->ds[i])) == LW_OK &&
				    (rc = lw_mx_label(m, "check",
						      m->checks[i][k])) == LW_OK)
					rc = lw_mx_int(m, run->ds[i].results[k]
						       .status);
			}
	return rc;
}

/* The time the dataset's data is as old as: freshness's "auto" clock
 * (checks/freshness.c): the table's own time (last Delta commit, last
 * successful Power BI refresh), else the newest file, else the newest
 * partition. -1 when the observation has none. */
static int64_t data_time(const struct lw_ds_run *d)
{
	const struct lw_obs *o = &d->obs;
	const struct lw_powerbi_refresh_facts *r = &o->powerbi.refresh;

	if (o->delta.present && o->delta.has_last_commit)
		return o->delta.last_commit;
	if (r->present && r->has_last_success && r->last_success >= 0)
		return r->last_success;
	if (r->present && r->status && strcmp(r->status, "Completed") == 0 &&
	    r->has_ended)
		return r->ended;
	if (o->newest_mtime >= 0)
		return o->newest_mtime;
	if (o->newest_part_time >= 0) {
		int64_t t = o->newest_part_time;
		/* keys are local time (Capture's are UTC): the instant */
		if (d->ds->tz && d->ds->part_mode != LW_PART_CAPTURE)
			(void)lw_tz_from_wall(d->ds->tz, t, &t);
		return t;
	}
	return -1;
}

/* Family f's value for d, or false when the poll did not observe it. */
static bool ds_value(const struct lw_mx *m, enum mx_fam f,
		     const struct lw_ds_run *d, int64_t *v)
{
	const struct lw_obs *o = &d->obs;
	/* Power BI datasets have tables, not files */
	bool files = o->ok && !o->powerbi.present;

	switch (f) {
	case MX_DS_STATUS: *v = d->status; return true;
	case MX_DS_ROWS: *v = o->rows; return o->ok && o->rows >= 0;
	case MX_DS_BYTES: *v = o->bytes; return files && o->bytes >= 0;
	case MX_DS_FILES: *v = o->files; return files && o->files >= 0;
	case MX_DS_AGE: {
		int64_t t = o->ok ? data_time(d) : -1;
		if (t < 0 || !lw_fact_time_ok(t))
			return false;
		/* clock skew: data from the future is fresh */
		*v = m->in->now > t ? m->in->now - t : 0;
		return true;
	}
	case MX_DS_SCHEMA:
		*v = (int64_t)o->schema.n;
		return o->ok && o->has_schema;
	case MX_DS_LAST_SUCCESS:
		if (o->ok && o->at > 0)
			*v = o->at;
		else if (d->has_prev && d->prev.ok && d->prev.at > 0)
			*v = d->prev.at;
		else
			return false;
		return true;
	default: return false;
	}
}

/* See metrics_int.h: every dataset family, datasets in config order. */
int lw_mx_datasets(struct lw_mx *m)
{
	const struct lw_config *cfg = m->in->cfg;
	const struct lw_run *run = m->in->run;
	int rc = LW_OK;

	for (int f = MX_DS_STATUS; run && f <= MX_DS_LAST_SUCCESS; f++)
		for (size_t i = 0; i < run->n && rc == LW_OK; i++) {
			const struct lw_ds_run *d = &run->ds[i];
			int64_t v;
			if (!ds_value(m, f, d, &v))
				continue;
			if ((rc = lw_mx_sample(m, f, "")) != LW_OK ||
			    (rc = lw_mx_label(m, "dataset", m->ds[i])) != LW_OK)
				break;
			if (f == MX_DS_STATUS) {
				int s = d->ds->source;
				const char *src = s >= 0 &&
					(size_t)s < cfg->nsources ?
					m->sources[s] : "";
				if ((rc = lw_mx_label(m, "source", src)) !=
				    LW_OK || (rc = lw_mx_label(m, "layer",
					lw_layer_name(d->ds->layer))) != LW_OK)
					break;
			}
			rc = lw_mx_int(m, v);
		}
	return rc;
}
