/* delta_actions.c - applying the JSON actions of a Delta commit or
 * checkpoint to a snapshot (add, remove, metaData, protocol, commitInfo,
 * sidecar), and checking the protocol they leave against what lakewatch
 * can read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "lakewatch/delta.h"
#include "lakewatch/util.h"
#include "lakewatch/buf.h"
#include "delta_int.h"

/* ---- JSON values ----------------------------------------------------- */

/* A JSON number as int64, dflt when it is not a whole number in range
 * (converting an out-of-range double is undefined behaviour). */
static int64_t num_i64(double d, int64_t dflt)
{
	if (!(d >= -9.2e18 && d <= 9.2e18))
		return dflt;
	return (int64_t)d;
}

/* A plain value: nothing to own. */
int64_t lw_delta_jint(const cJSON *o, const char *k, int64_t dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (cJSON_IsNumber(v))
		return num_i64(v->valuedouble, dflt);
	if (cJSON_IsString(v) && v->valuestring[0]) {
		char *end;
		long long x = strtoll(v->valuestring, &end, 10);
		if (!*end)
			return x;
	}
	return dflt;
}

/* Owner: o. */
const char *lw_delta_jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* numRecords of a stats JSON string, -1 when absent or unreadable. */
static int64_t stats_records(const char *stats)
{
	if (!stats)
		return -1;
	cJSON *j = cJSON_Parse(stats);
	int64_t n = -1;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "numRecords");
	if (cJSON_IsNumber(v) && v->valuedouble >= 0)
		n = num_i64(v->valuedouble, -1);
	cJSON_Delete(j);
	return n;
}

/* partitionValues object into "k\0v\0...\0" (in b). */
static int pvals_from_json(const cJSON *pv, struct lw_buf *b)
{
	const cJSON *e;
	lw_buf_reset(b);
	cJSON_ArrayForEach(e, pv) {
		if (!e->string)
			continue;
		const char *v = cJSON_IsString(e) ? e->valuestring : "\x01";
		if (lw_buf_add(b, e->string, strlen(e->string) + 1) ||
		    lw_buf_add(b, v, strlen(v) + 1))
			return LW_ETOOBIG;
	}
	return lw_buf_addc(b, '\0');
}

static int apply_add(struct lw_delta_snapshot *s, const cJSON *a,
		     struct lw_buf *pb, struct lw_err *err)
{
	if (!cJSON_IsObject(a))
		return lw_err_set(err, LW_EPARSE, "add is not an object");
	struct lw_delta_add ad = {0};
	ad.path = lw_delta_jstr(a, "path");
	if (!ad.path)
		return lw_err_set(err, LW_EPARSE, "add without a path");
	ad.size = lw_delta_jint(a, "size", -1);
	if (ad.size < 0)
		return lw_err_set(err, LW_EPARSE, "add %s: no valid size",
				  ad.path);
	ad.mtime_ms = lw_delta_jint(a, "modificationTime", -1);
	ad.num_records = stats_records(lw_delta_jstr(a, "stats"));
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(a,
							   "deletionVector");
	ad.dv_offset = -1;
	if (cJSON_IsObject(dv)) {
		ad.dv_storage = lw_delta_jstr(dv, "storageType");
		ad.dv_path = lw_delta_jstr(dv, "pathOrInlineDv");
		ad.dv_offset = lw_delta_jint(dv, "offset", -1);
		ad.dv_cardinality = lw_delta_jint(dv, "cardinality", 0);
	}
	const cJSON *pv = cJSON_GetObjectItemCaseSensitive(a,
							   "partitionValues");
	if (cJSON_IsObject(pv) && pv->child) {
		if (pvals_from_json(pv, pb))
			return lw_err_set(err, LW_ETOOBIG,
					  "add %s: partition values too big",
					  ad.path);
		ad.pvals = pb->data;
		ad.pvals_len = pb->len;
	}
	return lw_delta_add_file(s, &ad, err);
}

static void apply_remove(struct lw_delta_snapshot *s, const cJSON *r)
{
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(r,
							   "deletionVector");
	const char *st = NULL, *dp = NULL;
	int64_t off = -1;
	if (cJSON_IsObject(dv)) {
		st = lw_delta_jstr(dv, "storageType");
		dp = lw_delta_jstr(dv, "pathOrInlineDv");
		off = lw_delta_jint(dv, "offset", -1);
	}
	lw_delta_remove_file(s, lw_delta_jstr(r, "path"), st, dp, off);
}

static void take(cJSON **dst, cJSON *root, const char *key)
{
	cJSON_Delete(*dst);
	*dst = cJSON_DetachItemFromObjectCaseSensitive(root, key);
}

static int apply_line(struct lw_delta_snapshot *s, cJSON *j, bool cp,
		      lw_delta_sidecar_cb sidecar_cb, void *ud,
		      struct lw_buf *pb, struct lw_err *err)
{
	cJSON *v;
	if (!cJSON_IsObject(j))
		return lw_err_set(err, LW_EPARSE, "action is not an object");
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "add")))
		return apply_add(s, v, pb, err);
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "remove"))) {
		if (!cp && cJSON_IsObject(v))	/* tombstones in checkpoints */
			apply_remove(s, v);
		return LW_OK;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "metaData"))) {
		if (!cJSON_IsObject(v))
			return lw_err_set(err, LW_EPARSE,
					  "metaData is not an object");
		take(&s->metadata, j, "metaData");
		return LW_OK;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "protocol"))) {
		if (!cJSON_IsObject(v))
			return lw_err_set(err, LW_EPARSE,
					  "protocol is not an object");
		take(&s->protocol, j, "protocol");
		return LW_OK;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "commitInfo"))) {
		if (!cp && cJSON_IsObject(v)) {
			int64_t t = lw_delta_jint(v, "inCommitTimestamp", -1);
			if (t < 0)
				t = lw_delta_jint(v, "timestamp", -1);
			if (t >= 0)
				s->commit_ms = t;
			take(&s->commit_info, j, "commitInfo");
		}
		return LW_OK;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "sidecar"))) {
		const char *p = lw_delta_jstr(v, "path");
		if (!cp)
			return lw_err_set(err, LW_EPARSE,
					  "sidecar action in a commit");
		if (!p)
			return lw_err_set(err, LW_EPARSE,
					  "sidecar without a path");
		return sidecar_cb ? sidecar_cb(ud, p, err) : LW_OK;
	}
	/* txn, cdc, domainMetadata, checkpointMetadata, ... and actions of
	 * later protocol versions do not change what lakewatch reports */
	return LW_OK;
}

/* Changes s (which owns what it takes from the actions). */
int lw_delta_apply_json(struct lw_delta_snapshot *s, const char *text,
			size_t len, int64_t version, bool checkpoint,
			lw_delta_sidecar_cb sidecar_cb, void *ud,
			struct lw_err *err)
{
	struct lw_buf pb;
	lw_buf_init(&pb, LW_BUF_1M);
	size_t pos = 0;
	int line = 0, rc = LW_OK;
	while (pos < len && rc == LW_OK) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		pos += n + (nl ? 1 : 0);
		line++;
		size_t k = 0;
		while (k < n && isspace((unsigned char)start[k]))
			k++;
		if (k == n)
			continue;
		cJSON *j = cJSON_ParseWithLength(start, n);
		if (!j) {
			rc = lw_err_set(err, LW_EPARSE,
					"version %lld line %d: invalid JSON",
					(long long)version, line);
			break;
		}
		rc = apply_line(s, j, checkpoint, sidecar_cb, ud, &pb, err);
		cJSON_Delete(j);
		if (rc != LW_OK)
			lw_err_prefix(err, "version %lld line %d",
				      (long long)version, line);
	}
	lw_buf_free(&pb);
	return rc;
}

/* ---- protocol -------------------------------------------------------- */

/* Reader features whose meaning lakewatch honours or that cannot change
 * what a metadata-only reader sees:
 * - columnMapping: partition values are keyed by physical names, mapped
 *   back through the schema; deletionVectors: cardinalities subtracted;
 * - v2Checkpoint: UUID-named checkpoints and sidecars are read;
 * - timestampNtz, typeWidening(-preview), variantType(-preview),
 *   variantShredding-preview: only change data-file encodings and types,
 *   which come from the schema string as-is;
 * - vacuumProtocolCheck: only constrains VACUUM.
 * Not known, so an ERROR: catalogManaged / catalogOwned-preview (the
 * newest commits may live in a catalog, not in _delta_log/), and any
 * feature newer than this list. */
static const char *const known_reader_features[] = {
	"columnMapping", "deletionVectors", "timestampNtz", "typeWidening",
	"typeWidening-preview", "v2Checkpoint", "vacuumProtocolCheck",
	"variantType", "variantType-preview", "variantShredding-preview",
	NULL
};

/* A plain answer: nothing to own. */
bool lw_delta_reader_feature_known(const char *name)
{
	for (size_t i = 0; known_reader_features[i]; i++)
		if (strcmp(name, known_reader_features[i]) == 0)
			return true;
	return false;
}

/* Only reads p; err names the version or feature refused. */
int lw_delta_check_protocol(const cJSON *p, struct lw_err *err)
{
	int64_t r = lw_delta_jint(p, "minReaderVersion", -1);
	if (r < 1)
		return lw_err_set(err, LW_EPARSE,
				  "protocol without a valid minReaderVersion");
	if (r > 3)
		return lw_err_set(err, LW_EUNSUPPORTED,
				  "table needs reader version %lld; lakewatch "
				  "reads up to 3", (long long)r);
	if (r < 3)
		return LW_OK;
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(p, "readerFeatures");
	const cJSON *e;
	cJSON_ArrayForEach(e, f) {
		if (!cJSON_IsString(e))
			return lw_err_set(err, LW_EPARSE,
					  "readerFeatures holds a non-string");
		if (!lw_delta_reader_feature_known(e->valuestring))
			return lw_err_set(err, LW_EUNSUPPORTED,
					  "table needs reader feature '%s', "
					  "which lakewatch does not know",
					  e->valuestring);
	}
	return LW_OK;
}
