/* delta_checkpoint.c - reading checkpoints: classic single-file and
 * multi-part Parquet, V2 (UUID-named) manifests in JSON or Parquet, and
 * the Parquet sidecars V2 manifests point to.
 *
 * Only the action columns lakewatch reports on are read, through the
 * Parquet column reader (parquet.h). Removes in a checkpoint are
 * tombstones kept for VACUUM and do not touch the live set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/delta.h"
#include "lakewatch/parquet.h"
#include "lakewatch/util.h"
#include "lakewatch/buf.h"

/* Column order matters: the row callback indexes cells by these. */
enum {
	C_ADD_PATH, C_ADD_SIZE, C_ADD_MTIME, C_ADD_STATS, C_DV_STORAGE,
	C_DV_PATH, C_DV_OFFSET, C_DV_CARD, C_PV_KEY, C_PV_VALUE,
	C_STATS_PARSED, C_MD_ID, C_MD_SCHEMA, C_MD_PARTCOLS, C_MD_CONF_KEY,
	C_MD_CONF_VALUE, C_MD_CREATED, C_PR_READER, C_PR_WRITER,
	C_PR_RFEAT, C_PR_WFEAT, C_SC_PATH, C_NCOLS
};

static const char *const columns[C_NCOLS] = {
	"add.path", "add.size", "add.modificationTime", "add.stats",
	"add.deletionVector.storageType", "add.deletionVector.pathOrInlineDv",
	"add.deletionVector.offset", "add.deletionVector.cardinality",
	"add.partitionValues.key", "add.partitionValues.value",
	"add.stats_parsed.numRecords", "metaData.id", "metaData.schemaString",
	"metaData.partitionColumns", "metaData.configuration.key",
	"metaData.configuration.value", "metaData.createdTime",
	"protocol.minReaderVersion", "protocol.minWriterVersion",
	"protocol.readerFeatures", "protocol.writerFeatures", "sidecar.path",
};

/* Rows (actions) read from one checkpoint, all files together. Parquet's
 * run-length encoding can claim billions of rows in a few bytes; live
 * files are capped at LW_DELTA_MAX_FILES, and removes, txn and the other
 * actions are not expected to outnumber them fivefold. */
#define MAX_CP_ROWS ((int64_t)(5 * LW_DELTA_MAX_FILES))

struct cp_ctx {
	struct lw_delta_snapshot *s;
	int64_t total_rows;	/* over every file of the checkpoint */
	struct lw_buf str;	/* NUL-terminated copies of cells */
	struct lw_buf pv;
	char **sidecars;	/* owned */
	size_t nsidecars, capsidecars;
	int64_t row;
	const char *file;
};

/* A JSON number as int64, dflt when it is not a whole number in range
 * (converting an out-of-range double is undefined behaviour). */
static int64_t num_i64(double d, int64_t dflt)
{
	if (!(d >= -9.2e18 && d <= 9.2e18))
		return dflt;
	return (int64_t)d;
}

static bool cell_null(const struct lw_pq_value *c)
{
	return c->kind == LW_PQV_NULL;
}

static int64_t cell_int(const struct lw_pq_value *c, int64_t dflt)
{
	switch (c->kind) {
	case LW_PQV_INT32: return c->v.i32;
	case LW_PQV_INT64: return c->v.i64;
	default: return dflt;
	}
}

/* A string cell as a C string (copied into ctx->str at *off). NULL when
 * null or not bytes. The buffer may move while adding, so callers take
 * offsets and resolve them once all strings of a row are copied. */
static int cell_str(struct cp_ctx *x, const struct lw_pq_value *c,
		    size_t *off)
{
	if (c->kind != LW_PQV_BYTES) {
		*off = (size_t)-1;
		return LW_OK;
	}
	*off = x->str.len;
	if (lw_buf_add(&x->str, c->v.bytes.p, c->v.bytes.len) ||
	    lw_buf_addc(&x->str, '\0'))
		return LW_ETOOBIG;
	return LW_OK;
}

static const char *at(struct cp_ctx *x, size_t off)
{
	return off == (size_t)-1 ? NULL : x->str.data + off;
}

static cJSON *str_or_null(const struct lw_pq_value *c)
{
	if (c->kind != LW_PQV_BYTES)
		return cJSON_CreateNull();
	char *s = lw_xstrndup((const char *)c->v.bytes.p, c->v.bytes.len);
	cJSON *j = cJSON_CreateString(s);
	free(s);
	return j;
}

static cJSON *str_list(const struct lw_pq_value *c)
{
	cJSON *a = cJSON_CreateArray();
	if (c->kind != LW_PQV_LIST)
		return a;
	for (size_t i = 0; i < c->v.list.n; i++)
		if (c->v.list.items[i].kind == LW_PQV_BYTES)
			cJSON_AddItemToArray(a, str_or_null(&c->v.list.items[i]));
	return a;
}

static int row_add(struct cp_ctx *x, const struct lw_pq_value *c,
		   struct lw_err *err)
{
	size_t o_path, o_stats, o_st, o_dp;
	lw_buf_reset(&x->str);
	if (cell_str(x, &c[C_ADD_PATH], &o_path) ||
	    cell_str(x, &c[C_ADD_STATS], &o_stats) ||
	    cell_str(x, &c[C_DV_STORAGE], &o_st) ||
	    cell_str(x, &c[C_DV_PATH], &o_dp))
		return lw_err_set(err, LW_ETOOBIG, "row %lld: add too big",
				  (long long)x->row);
	struct lw_delta_add a = {0};
	a.path = at(x, o_path);
	a.size = cell_int(&c[C_ADD_SIZE], -1);
	if (a.size < 0)
		return lw_err_set(err, LW_EPARSE, "row %lld: add %s without "
				  "a size", (long long)x->row, a.path);
	a.mtime_ms = cell_int(&c[C_ADD_MTIME], -1);
	a.num_records = -1;
	const char *stats = at(x, o_stats);
	if (stats) {
		cJSON *j = cJSON_Parse(stats);
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(j,
								  "numRecords");
		if (cJSON_IsNumber(n) && n->valuedouble >= 0)
			a.num_records = num_i64(n->valuedouble, -1);
		cJSON_Delete(j);
	}
	if (a.num_records < 0)	/* delta.checkpoint.writeStatsAsStruct */
		a.num_records = cell_int(&c[C_STATS_PARSED], -1);
	a.dv_storage = at(x, o_st);
	a.dv_path = at(x, o_dp);
	a.dv_offset = cell_int(&c[C_DV_OFFSET], -1);
	a.dv_cardinality = cell_int(&c[C_DV_CARD], 0);

	const struct lw_pq_value *k = &c[C_PV_KEY], *v = &c[C_PV_VALUE];
	if (k->kind == LW_PQV_LIST && k->v.list.n) {
		lw_buf_reset(&x->pv);
		for (size_t i = 0; i < k->v.list.n; i++) {
			const struct lw_pq_value *ki = &k->v.list.items[i];
			const struct lw_pq_value *vi = NULL;
			if (v->kind == LW_PQV_LIST && i < v->v.list.n)
				vi = &v->v.list.items[i];
			if (ki->kind != LW_PQV_BYTES)
				continue;
			int rc = lw_buf_add(&x->pv, ki->v.bytes.p,
					    ki->v.bytes.len);
			rc = rc ? rc : lw_buf_addc(&x->pv, '\0');
			if (vi && vi->kind == LW_PQV_BYTES)
				rc = rc ? rc : lw_buf_add(&x->pv, vi->v.bytes.p,
							  vi->v.bytes.len);
			else
				rc = rc ? rc : lw_buf_addc(&x->pv, '\x01');
			rc = rc ? rc : lw_buf_addc(&x->pv, '\0');
			if (rc)
				return lw_err_set(err, LW_ETOOBIG, "row %lld: "
						  "partition values too big",
						  (long long)x->row);
		}
		if (lw_buf_addc(&x->pv, '\0'))
			return lw_err_set(err, LW_ETOOBIG, "row %lld: "
					  "partition values too big",
					  (long long)x->row);
		a.pvals = x->pv.data;
		a.pvals_len = x->pv.len;
	}
	return lw_delta_add_file(x->s, &a, err);
}

static void row_metadata(struct cp_ctx *x, const struct lw_pq_value *c)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddItemToObject(m, "id", str_or_null(&c[C_MD_ID]));
	cJSON_AddItemToObject(m, "schemaString", str_or_null(&c[C_MD_SCHEMA]));
	cJSON_AddItemToObject(m, "partitionColumns",
			      str_list(&c[C_MD_PARTCOLS]));
	cJSON *conf = cJSON_AddObjectToObject(m, "configuration");
	const struct lw_pq_value *k = &c[C_MD_CONF_KEY], *v = &c[C_MD_CONF_VALUE];
	if (k->kind == LW_PQV_LIST && v->kind == LW_PQV_LIST)
		for (size_t i = 0; i < k->v.list.n && i < v->v.list.n; i++) {
			const struct lw_pq_value *ki = &k->v.list.items[i];
			if (ki->kind != LW_PQV_BYTES)
				continue;
			char *name = lw_xstrndup((const char *)ki->v.bytes.p,
						 ki->v.bytes.len);
			cJSON_AddItemToObject(conf, name,
					      str_or_null(&v->v.list.items[i]));
			free(name);
		}
	if (!cell_null(&c[C_MD_CREATED]))
		cJSON_AddNumberToObject(m, "createdTime",
					(double)cell_int(&c[C_MD_CREATED], 0));
	cJSON_Delete(x->s->metadata);
	x->s->metadata = m;
}

static void row_protocol(struct cp_ctx *x, const struct lw_pq_value *c)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "minReaderVersion",
				(double)cell_int(&c[C_PR_READER], -1));
	cJSON_AddNumberToObject(p, "minWriterVersion",
				(double)cell_int(&c[C_PR_WRITER], -1));
	if (c[C_PR_RFEAT].kind == LW_PQV_LIST)
		cJSON_AddItemToObject(p, "readerFeatures",
				      str_list(&c[C_PR_RFEAT]));
	if (c[C_PR_WFEAT].kind == LW_PQV_LIST)
		cJSON_AddItemToObject(p, "writerFeatures",
				      str_list(&c[C_PR_WFEAT]));
	cJSON_Delete(x->s->protocol);
	x->s->protocol = p;
}

static int add_sidecar(void *ud, const char *path, struct lw_err *err)
{
	struct cp_ctx *x = ud;
	if (x->nsidecars >= 100000)
		return lw_err_set(err, LW_ETOOBIG, "more than 100000 sidecars");
	lw_xgrow((void **)&x->sidecars, &x->capsidecars, x->nsidecars,
		 sizeof *x->sidecars);
	x->sidecars[x->nsidecars++] = lw_xstrdup(path);
	return LW_OK;
}

struct row_ud {
	struct cp_ctx *x;
	struct lw_err *err;
};

static int on_row(void *ud, const struct lw_pq_value *c, size_t n)
{
	struct row_ud *r = ud;
	struct cp_ctx *x = r->x;
	x->row++;
	if (++x->total_rows > MAX_CP_ROWS)
		return lw_err_set(r->err, LW_ETOOBIG, "checkpoint has more "
				  "than %lld rows", (long long)MAX_CP_ROWS);
	if (n != C_NCOLS)
		return lw_err_set(r->err, LW_EPARSE, "reader gave %zu cells",
				  n);
	if (!cell_null(&c[C_ADD_PATH]))
		return row_add(x, c, r->err);
	if (!cell_null(&c[C_MD_SCHEMA]) || !cell_null(&c[C_MD_ID])) {
		row_metadata(x, c);
		return LW_OK;
	}
	if (!cell_null(&c[C_PR_READER])) {
		row_protocol(x, c);
		return LW_OK;
	}
	if (c[C_SC_PATH].kind == LW_PQV_BYTES) {
		char *p = lw_xstrndup((const char *)c[C_SC_PATH].v.bytes.p,
				      c[C_SC_PATH].v.bytes.len);
		int rc = add_sidecar(x, p, r->err);
		free(p);
		return rc;
	}
	return LW_OK;
}

static int read_parquet(struct lw_lake *lake, const char *path,
			struct cp_ctx *x, struct lw_err *err)
{
	struct row_ud r = {x, err};
	x->row = 0;
	int rc = lw_parquet_read_columns(lake, path, NULL, columns, C_NCOLS,
					 on_row, &r, err);
	/* the reader or the lake names the file in most of its errors
	 * (the fs lake by its full path): once is enough */
	if (rc != LW_OK && !strstr(err->msg, path))
		lw_err_prefix(err, "%s", path);
	return rc;
}

static char *join(const char *dir, const char *name)
{
	return *dir ? lw_xasprintf("%s/%s", dir, name) : lw_xstrdup(name);
}

static int read_sidecars(struct lw_lake *lake, const char *logdir,
			 struct cp_ctx *x, struct lw_err *err)
{
	/* the list grows no more: sidecar files hold only add/remove */
	size_t n = x->nsidecars;
	for (size_t i = 0; i < n; i++) {
		const char *p = x->sidecars[i];
		if (strchr(p, ':') || p[0] == '/')
			return lw_err_set(err, LW_EUNSUPPORTED, "sidecar %s: "
					  "absolute sidecar paths are not "
					  "supported", p);
		char *name = lw_delta_unescape(p);
		char *dir = join(logdir, "_sidecars");
		char *full = join(dir, name);
		free(name);
		free(dir);
		int rc = read_parquet(lake, full, x, err);
		if (rc == LW_ENOTFOUND)	/* the lake's words name it again */
			rc = lw_err_set(err, rc, "%s: sidecar missing (the V2 "
					"checkpoint names it)", full);
		free(full);
		if (rc != LW_OK)
			return rc;
	}
	return LW_OK;
}

int lw_delta_read_checkpoint(struct lw_lake *lake, const char *table,
			     const struct lw_delta_log_name *ln,
			     const char *name, struct lw_delta_snapshot *s,
			     struct lw_err *err)
{
	struct cp_ctx x = {.s = s};
	lw_buf_init(&x.str, LW_DELTA_MAX_COMMIT);
	lw_buf_init(&x.pv, LW_BUF_1M);
	char *logdir = join(table, "_delta_log");
	const char *kind = "classic";
	int rc = LW_OK;

	if (ln->kind == LW_DLOG_V2_JSON) {
		kind = "v2-json";
		char *p = join(logdir, name);
		struct lw_buf b;
		lw_buf_init(&b, LW_DELTA_MAX_COMMIT);
		rc = lw_lake_base(lake)->kind->read(lake, p, 0, -1, &b, err);
		s->bytes_read += (int64_t)b.len;
		if (rc == LW_OK)
			rc = lw_delta_apply_json(s, b.data ? b.data : "", b.len,
						 ln->version, true, add_sidecar,
						 &x, err);
		if (rc != LW_OK)
			lw_err_prefix(err, "%s", p);
		lw_buf_free(&b);
		free(p);
	} else if (ln->kind == LW_DLOG_MULTIPART) {
		kind = "multi-part";
		for (int k = 1; k <= ln->parts && rc == LW_OK; k++) {
			char base[80];
			snprintf(base, sizeof base,
				 "%020lld.checkpoint.%010d.%010d.parquet",
				 (long long)ln->version, k, ln->parts);
			char *p = join(logdir, base);
			rc = read_parquet(lake, p, &x, err);
			free(p);
		}
	} else if (ln->kind == LW_DLOG_CHECKPOINT ||
		   ln->kind == LW_DLOG_V2_PARQUET) {
		if (ln->kind == LW_DLOG_V2_PARQUET)
			kind = "v2-parquet";
		char *p = join(logdir, name);
		rc = read_parquet(lake, p, &x, err);
		free(p);
	} else {
		rc = lw_err_set(err, LW_EPARSE, "%s: not a checkpoint", name);
	}
	if (rc == LW_OK)
		rc = read_sidecars(lake, logdir, &x, err);
	if (rc == LW_OK) {
		free(s->checkpoint_kind);
		s->checkpoint_kind = lw_xstrdup(kind);
	}
	for (size_t i = 0; i < x.nsidecars; i++)
		free(x.sidecars[i]);
	free(x.sidecars);
	lw_buf_free(&x.str);
	lw_buf_free(&x.pv);
	free(logdir);
	return rc;
}
