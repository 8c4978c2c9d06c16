/* delta_log.c - the live-file set, JSON commit replay, _last_checkpoint,
 * log file names and the snapshot loader.
 *
 * The snapshot is rebuilt as PROTOCOL.md prescribes: list _delta_log/,
 * take the newest complete checkpoint (cross-checked with
 * _last_checkpoint, which may be missing, stale or corrupt), then apply
 * the JSON commits after it in version order. A gap in the versions
 * after the checkpoint is an error naming the missing version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include "lakewatch/delta.h"
#include "lakewatch/util.h"
#include "lakewatch/buf.h"

/* ---- live-file set --------------------------------------------------- */

/* A removed slot: keeps probe chains intact until the next rehash. */
static struct lw_delta_file tombstone;
#define TOMB (&tombstone)

void lw_delta_snapshot_init(struct lw_delta_snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->version = -1;
	s->commit_ms = -1;
	s->checkpoint_version = -1;
	s->checkpoint_time = -1;
}

static void file_free(struct lw_delta_file *f)
{
	if (!f || f == TOMB)
		return;
	free(f->path);
	free(f->key);
	free(f->pvals);
	free(f);
}

void lw_delta_snapshot_free(struct lw_delta_snapshot *s)
{
	for (size_t i = 0; i < s->nslots; i++)
		file_free(s->slots[i]);
	free(s->slots);
	cJSON_Delete(s->protocol);
	cJSON_Delete(s->metadata);
	cJSON_Delete(s->commit_info);
	free(s->checkpoint_kind);
	lw_delta_snapshot_init(s);
}

static uint64_t hash_str(const char *k)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

/* Slot holding key, or the slot where it would go (first tombstone seen
 * on the chain, else the empty slot ending it). */
static size_t find_slot(const struct lw_delta_snapshot *s, const char *key,
			bool *found)
{
	size_t mask = s->nslots - 1, i = hash_str(key) & mask;
	size_t tomb = (size_t)-1;
	*found = false;
	for (;;) {
		struct lw_delta_file *f = s->slots[i];
		if (!f)
			return tomb != (size_t)-1 ? tomb : i;
		if (f == TOMB) {
			if (tomb == (size_t)-1)
				tomb = i;
		} else if (strcmp(f->key, key) == 0) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static void rehash(struct lw_delta_snapshot *s, size_t nslots)
{
	struct lw_delta_file **old = s->slots;
	size_t nold = s->nslots;
	s->slots = lw_xcalloc(nslots, sizeof *s->slots);
	s->nslots = nslots;
	s->nused = 0;
	for (size_t i = 0; i < nold; i++) {
		if (!old[i] || old[i] == TOMB)
			continue;
		bool found;
		size_t j = find_slot(s, old[i]->key, &found);
		s->slots[j] = old[i];
		s->nused++;
	}
	free(old);
}

static char hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (char)(c - '0');
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return (char)(c - 'a' + 10);
	return -1;
}

/* Caller frees. */
char *lw_delta_unescape(const char *p)
{
	size_t n = strlen(p);
	char *out = lw_xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 &&
		    hexval(p[i + 2]) >= 0) {
			*o++ = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
			i += 2;
		} else {
			*o++ = p[i];
		}
	}
	*o = '\0';
	return out;
}

/* Caller frees. */
char *lw_delta_file_key(const char *path, const char *dv_storage,
			const char *dv_path, int64_t dv_offset)
{
	/* "file:/x", "file:///x" and "/x" name the same file */
	if (lw_str_starts(path, "file://"))
		path += 7;
	else if (lw_str_starts(path, "file:"))
		path += 5;
	char *canon = lw_delta_unescape(path);
	char *key;
	if (dv_storage || dv_path)
		key = lw_xasprintf("%s\n%s%s@%lld", canon,
				   dv_storage ? dv_storage : "",
				   dv_path ? dv_path : "",
				   (long long)dv_offset);
	else
		key = lw_xstrdup(canon);
	free(canon);
	return key;
}

int lw_delta_add_file(struct lw_delta_snapshot *s,
		      const struct lw_delta_add *a, struct lw_err *err)
{
	if (!a->path || !*a->path)
		return lw_err_set(err, LW_EPARSE, "add action without a path");
	if ((s->nused + 1) * 4 >= s->nslots * 3) {
		if (s->nlive >= LW_DELTA_MAX_FILES)
			return lw_err_set(err, LW_ETOOBIG,
					  "more than %zu live files",
					  LW_DELTA_MAX_FILES);
		size_t n = s->nslots ? s->nslots : 64;
		while ((s->nlive + 1) * 2 >= n)
			n *= 2;
		rehash(s, n);
	}
	struct lw_delta_file *f = lw_xcalloc(1, sizeof *f);
	f->path = lw_xstrdup(a->path);
	f->key = lw_delta_file_key(a->path, a->dv_storage, a->dv_path,
				   a->dv_offset);
	f->size = a->size;
	f->mtime_ms = a->mtime_ms;
	f->num_records = a->num_records;
	f->dv_cardinality = a->dv_cardinality > 0 ? a->dv_cardinality : 0;
	if (a->pvals && a->pvals_len > 1) {
		f->pvals = lw_xmalloc(a->pvals_len);
		memcpy(f->pvals, a->pvals, a->pvals_len);
	}
	bool found;
	size_t i = find_slot(s, f->key, &found);
	if (found) {
		file_free(s->slots[i]);	/* a later add of the same file wins */
	} else {
		if (!s->slots[i])
			s->nused++;
		s->nlive++;
	}
	s->slots[i] = f;
	return LW_OK;
}

void lw_delta_remove_file(struct lw_delta_snapshot *s, const char *path,
			  const char *dv_storage, const char *dv_path,
			  int64_t dv_offset)
{
	if (!s->nslots || !path)
		return;
	char *key = lw_delta_file_key(path, dv_storage, dv_path, dv_offset);
	bool found;
	size_t i = find_slot(s, key, &found);
	free(key);
	if (found) {
		file_free(s->slots[i]);
		s->slots[i] = TOMB;
		s->nlive--;
	}
}

const struct lw_delta_file *lw_delta_next(const struct lw_delta_snapshot *s,
					  size_t *it)
{
	while (*it < s->nslots) {
		struct lw_delta_file *f = s->slots[(*it)++];
		if (f && f != TOMB)
			return f;
	}
	return NULL;
}

/* ---- JSON actions ---------------------------------------------------- */

/* A JSON number as int64, dflt when it is not a whole number in range
 * (converting an out-of-range double is undefined behaviour). */
static int64_t num_i64(double d, int64_t dflt)
{
	if (!(d >= -9.2e18 && d <= 9.2e18))
		return dflt;
	return (int64_t)d;
}


static int64_t jint(const cJSON *o, const char *k, int64_t dflt)
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

static const char *jstr(const cJSON *o, const char *k)
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
	ad.path = jstr(a, "path");
	if (!ad.path)
		return lw_err_set(err, LW_EPARSE, "add without a path");
	ad.size = jint(a, "size", -1);
	if (ad.size < 0)
		return lw_err_set(err, LW_EPARSE, "add %s: no valid size",
				  ad.path);
	ad.mtime_ms = jint(a, "modificationTime", -1);
	ad.num_records = stats_records(jstr(a, "stats"));
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(a,
							   "deletionVector");
	ad.dv_offset = -1;
	if (cJSON_IsObject(dv)) {
		ad.dv_storage = jstr(dv, "storageType");
		ad.dv_path = jstr(dv, "pathOrInlineDv");
		ad.dv_offset = jint(dv, "offset", -1);
		ad.dv_cardinality = jint(dv, "cardinality", 0);
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
		st = jstr(dv, "storageType");
		dp = jstr(dv, "pathOrInlineDv");
		off = jint(dv, "offset", -1);
	}
	lw_delta_remove_file(s, jstr(r, "path"), st, dp, off);
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
			int64_t t = jint(v, "inCommitTimestamp", -1);
			if (t < 0)
				t = jint(v, "timestamp", -1);
			if (t >= 0)
				s->commit_ms = t;
			take(&s->commit_info, j, "commitInfo");
		}
		return LW_OK;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "sidecar"))) {
		const char *p = jstr(v, "path");
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

/* ---- file names ------------------------------------------------------ */

static bool digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

static bool is_uuid(const char *p, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? p[i] != '-' : !isxdigit((unsigned char)p[i]))
			return false;
	}
	return true;
}

void lw_delta_log_name(const char *base, struct lw_delta_log_name *out)
{
	memset(out, 0, sizeof *out);
	out->version = -1;
	if (strcmp(base, "_last_checkpoint") == 0) {
		out->kind = LW_DLOG_LAST_CHECKPOINT;
		return;
	}
	if (!digits(base, 20) || base[20] != '.')
		return;
	/* 20 digits can pass INT64_MAX: strtoll would saturate, two names
	 * would share a version and "version + 1" would overflow */
	errno = 0;
	int64_t v = strtoll(base, NULL, 10);
	if (errno == ERANGE || v == INT64_MAX)
		return;
	const char *r = base + 21;
	if (strcmp(r, "json") == 0) {
		out->kind = LW_DLOG_COMMIT;
	} else if (strcmp(r, "checkpoint.parquet") == 0) {
		out->kind = LW_DLOG_CHECKPOINT;
	} else if (lw_str_starts(r, "checkpoint.")) {
		r += 11;
		size_t n = strlen(r);
		if (n == 10 + 1 + 10 + 8 && digits(r, 10) && r[10] == '.' &&
		    digits(r + 11, 10) && strcmp(r + 21, ".parquet") == 0) {
			/* 10 digits can pass INT_MAX (atoi would wrap, and
			 * "%010d" would not give the listed name back) */
			long long pa = strtoll(r, NULL, 10);
			long long ps = strtoll(r + 11, NULL, 10);
			if (pa < 1 || pa > ps || ps > INT_MAX)
				return;
			out->part = (int)pa;
			out->parts = (int)ps;
			out->kind = LW_DLOG_MULTIPART;
		} else if (n == 36 + 5 && is_uuid(r, 36) &&
			   strcmp(r + 36, ".json") == 0) {
			out->kind = LW_DLOG_V2_JSON;
		} else if (n == 36 + 8 && is_uuid(r, 36) &&
			   strcmp(r + 36, ".parquet") == 0) {
			out->kind = LW_DLOG_V2_PARQUET;
		} else {
			return;
		}
	} else {
		return;	/* .crc, compacted logs, anything newer */
	}
	out->version = v;
}

/* ---- _last_checkpoint ------------------------------------------------ */

int lw_delta_last_cp_parse(const char *text, size_t len,
			   struct lw_delta_last_cp *out, struct lw_err *err)
{
	memset(out, 0, sizeof *out);
	out->version = -1;
	out->size = -1;
	cJSON *j = cJSON_ParseWithLength(text, len);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "version");
	if (!cJSON_IsObject(j) || !cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    v->valuedouble > 9.2e18 ||
	    v->valuedouble != (double)(int64_t)v->valuedouble) {
		cJSON_Delete(j);
		return lw_err_set(err, LW_EPARSE,
				  "_last_checkpoint: not a checkpoint record");
	}
	out->version = (int64_t)v->valuedouble;
	out->size = jint(j, "size", -1);
	int64_t parts = jint(j, "parts", 0);
	out->parts = parts > 0 && parts < 1000000 ? (int)parts : 0;
	const cJSON *v2 = cJSON_GetObjectItemCaseSensitive(j, "v2Checkpoint");
	if (cJSON_IsObject(v2) && jstr(v2, "path"))
		out->v2_path = lw_xstrdup(jstr(v2, "path"));
	cJSON_Delete(j);
	return LW_OK;
}

void lw_delta_last_cp_free(struct lw_delta_last_cp *c)
{
	free(c->v2_path);
	c->v2_path = NULL;
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

bool lw_delta_reader_feature_known(const char *name)
{
	for (size_t i = 0; known_reader_features[i]; i++)
		if (strcmp(name, known_reader_features[i]) == 0)
			return true;
	return false;
}

int lw_delta_check_protocol(const cJSON *p, struct lw_err *err)
{
	int64_t r = jint(p, "minReaderVersion", -1);
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

/* ---- snapshot loading ------------------------------------------------ */

struct log_ent {
	struct lw_delta_log_name ln;
	char *name;		/* base name */
	int64_t mtime, size;
};

struct listing {
	const char *logdir;
	size_t logdir_len;
	struct log_ent *v;
	size_t n, cap;
};

static int list_cb(void *ud, const struct lw_entry *e)
{
	struct listing *l = ud;
	const char *p = e->path;
	if (l->logdir_len) {
		if (strncmp(p, l->logdir, l->logdir_len) != 0 ||
		    p[l->logdir_len] != '/')
			return LW_OK;
		p += l->logdir_len + 1;
	}
	if (strchr(p, '/'))
		return LW_OK;	/* _sidecars/ and the like */
	struct lw_delta_log_name ln;
	lw_delta_log_name(p, &ln);
	if (ln.kind == LW_DLOG_OTHER)
		return LW_OK;
	lw_xgrow((void **)&l->v, &l->cap, l->n, sizeof *l->v);
	l->v[l->n].ln = ln;
	l->v[l->n].name = lw_xstrdup(p);
	l->v[l->n].mtime = e->mtime;
	l->v[l->n].size = e->size;
	l->n++;
	return LW_OK;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct log_ent *x = a, *y = b;
	if (x->ln.version != y->ln.version)
		return x->ln.version < y->ln.version ? -1 : 1;
	if (x->ln.kind != y->ln.kind)
		return (int)x->ln.kind - (int)y->ln.kind;
	if (x->ln.parts != y->ln.parts)
		return x->ln.parts - y->ln.parts;
	if (x->ln.part != y->ln.part)
		return x->ln.part - y->ln.part;
	return strcmp(x->name, y->name);
}

/* Index of the entry starting a complete checkpoint, or -1. For
 * multi-part sets every part 1..n must be listed. */
static bool cp_complete(const struct listing *l, size_t i)
{
	const struct lw_delta_log_name *ln = &l->v[i].ln;
	if (ln->kind != LW_DLOG_MULTIPART)
		return true;
	if (ln->part != 1)
		return false;
	for (int k = 2; k <= ln->parts; k++) {
		size_t j = i + (size_t)(k - 1);
		if (j >= l->n || l->v[j].ln.kind != LW_DLOG_MULTIPART ||
		    l->v[j].ln.version != ln->version ||
		    l->v[j].ln.parts != ln->parts || l->v[j].ln.part != k)
			return false;
	}
	return true;
}

static bool is_cp(enum lw_delta_log_kind k)
{
	return k == LW_DLOG_CHECKPOINT || k == LW_DLOG_MULTIPART ||
	       k == LW_DLOG_V2_JSON || k == LW_DLOG_V2_PARQUET;
}

static char *join(const char *dir, const char *name)
{
	return *dir ? lw_xasprintf("%s/%s", dir, name) : lw_xstrdup(name);
}

/* Read a whole log file into b (reset first); counts bytes. */
static int read_all(struct lw_lake *lake, const char *path,
		    struct lw_buf *b, struct lw_delta_snapshot *s,
		    struct lw_err *err)
{
	lw_buf_reset(b);
	int rc = lw_lake_base(lake)->kind->read(lake, path, 0, -1, b, err);
	s->bytes_read += (int64_t)b->len;
	return rc;
}

/* The commitInfo of a commit, without applying its other actions: the
 * snapshot sits at a checkpoint whose commit still tells what ran. */
static void commit_info_only(struct lw_delta_snapshot *s, const char *text,
			     size_t len)
{
	struct lw_delta_snapshot tmp;
	struct lw_err e;
	lw_delta_snapshot_init(&tmp);
	if (lw_delta_apply_json(&tmp, text, len, 0, false, NULL, NULL, &e) ==
	    LW_OK && tmp.commit_info) {
		cJSON_Delete(s->commit_info);
		s->commit_info = tmp.commit_info;
		tmp.commit_info = NULL;
		if (tmp.commit_ms >= 0)
			s->commit_ms = tmp.commit_ms;
	}
	lw_delta_snapshot_free(&tmp);
}

static void listing_reset(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	l->n = 0;
}

/* A complete checkpoint of version v among the (unsorted) entries. */
static bool has_cp_at(struct listing *l, int64_t v)
{
	lw_sort(l->v, l->n, sizeof *l->v, ent_cmp);
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ln.version == v && is_cp(l->v[i].ln.kind) &&
		    cp_complete(l, i))
			return true;
	return false;
}

static int load(struct lw_lake *lake, const char *table, const char *logdir,
		struct listing *l, struct lw_delta_snapshot *s,
		struct lw_buf *b, struct lw_err *err)
{
	const struct lw_lake_kind *kind = lw_lake_base(lake)->kind;
	int rc;

	/* _last_checkpoint: a hint, checked against the listing */
	struct lw_delta_last_cp last = {.version = -1};
	char *lcp = join(logdir, "_last_checkpoint");
	struct lw_err e2;
	rc = read_all(lake, lcp, b, s, &e2);
	free(lcp);
	bool have_last = rc == LW_OK &&
		lw_delta_last_cp_parse(b->data ? b->data : "", b->len, &last,
				       &e2) == LW_OK;

	/* With a last checkpoint known, list only from it on, where the lake
	 * can; the full listing is the fallback when that checkpoint turns
	 * out missing or incomplete. */
	bool partial = false;
	if (have_last && kind->list_from) {
		char after[32];
		snprintf(after, sizeof after, "%020lld", (long long)last.version);
		rc = kind->list_from(lake, logdir, after, list_cb, l, err);
		partial = rc == LW_OK && has_cp_at(l, last.version);
		if (!partial)
			listing_reset(l);
	}
	rc = partial ? LW_OK : kind->list(lake, logdir, list_cb, l, err);
	if (rc == LW_ENOTFOUND)
		return lw_err_set(err, LW_ENOTFOUND,
				  "%s: no _delta_log folder: not a Delta table",
				  *table ? table : "(lake root)");
	if (rc != LW_OK)
		goto out;
	lw_sort(l->v, l->n, sizeof *l->v, ent_cmp);

	int64_t last_commit = -1;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ln.kind == LW_DLOG_COMMIT)
			last_commit = l->v[i].ln.version;

	/* the newest complete checkpoint; _last_checkpoint's choice first
	 * among equals (it names which V2 file or part count is current) */
	ssize_t cp = -1;
	for (size_t i = 0; i < l->n; i++) {
		if (!is_cp(l->v[i].ln.kind) || !cp_complete(l, i))
			continue;
		if (cp >= 0 && l->v[cp].ln.version == l->v[i].ln.version) {
			bool pref = have_last &&
				last.version == l->v[i].ln.version &&
				((last.v2_path &&
				  strcmp(last.v2_path, l->v[i].name) == 0) ||
				 (last.parts &&
				  l->v[i].ln.parts == last.parts));
			if (!pref)
				continue;
		}
		cp = (ssize_t)i;
	}
	if (cp < 0 && last_commit < 0) {
		rc = lw_err_set(err, LW_ENOTFOUND,
				"%s: no commits or checkpoints in _delta_log",
				logdir);
		goto out;
	}

	int64_t from = 0;
	if (cp >= 0) {
		struct log_ent *c = &l->v[cp];
		rc = lw_delta_read_checkpoint(lake, table, &c->ln, c->name, s,
					      err);
		if (rc != LW_OK)
			goto out;
		s->checkpoint_version = c->ln.version;
		s->checkpoint_time = c->mtime;
		s->version = c->ln.version;
		s->commit_ms = c->mtime * 1000;
		from = c->ln.version + 1;
		/* Parquet reads are not counted by read_all; the lake's stats
		 * (when it has them) replace this estimate */
		if (c->ln.kind != LW_DLOG_V2_JSON)
			for (size_t k = 0; k < (size_t)(c->ln.parts ?
					c->ln.parts : 1); k++)
				s->bytes_read += l->v[cp + (ssize_t)k].size;
	}

	/* commits after the checkpoint, contiguous */
	int64_t want = from;
	for (size_t i = 0; i < l->n; i++) {
		struct log_ent *c = &l->v[i];
		if (c->ln.kind != LW_DLOG_COMMIT || c->ln.version < from)
			continue;
		if (c->ln.version != want) {
			rc = lw_err_set(err, LW_EPARSE,
					"%s: versions not contiguous: version "
					"%lld is missing (next is %lld)", logdir,
					(long long)want,
					(long long)c->ln.version);
			goto out;
		}
		char *p = join(logdir, c->name);
		rc = read_all(lake, p, b, s, err);
		if (rc == LW_OK) {
			cJSON_Delete(s->commit_info);
			s->commit_info = NULL;
			s->commit_ms = -1;
			rc = lw_delta_apply_json(s, b->data ? b->data : "",
						 b->len, c->ln.version, false,
						 NULL, NULL, err);
			if (s->commit_ms < 0)
				s->commit_ms = c->mtime * 1000;
		}
		if (rc != LW_OK) {
			lw_err_prefix(err, "%s", p);
			free(p);
			goto out;
		}
		free(p);
		s->version = c->ln.version;
		s->commits_replayed++;
		want++;
	}

	/* at the checkpoint itself: its commit still tells the operation */
	if (cp >= 0 && s->version == s->checkpoint_version) {
		for (size_t i = 0; i < l->n; i++) {
			struct log_ent *c = &l->v[i];
			if (c->ln.kind != LW_DLOG_COMMIT ||
			    c->ln.version != s->version)
				continue;
			char *p = join(logdir, c->name);
			if (read_all(lake, p, b, s, &e2) == LW_OK) {
				s->commit_ms = c->mtime * 1000;
				commit_info_only(s, b->data ? b->data : "",
						 b->len);
			}
			free(p);
		}
	}

	if (!s->protocol) {
		rc = lw_err_set(err, LW_EPARSE, "%s: no protocol action up to "
				"version %lld", logdir, (long long)s->version);
		goto out;
	}
	if (!s->metadata) {
		rc = lw_err_set(err, LW_EPARSE, "%s: no metaData action up to "
				"version %lld", logdir, (long long)s->version);
		goto out;
	}
	rc = lw_delta_check_protocol(s->protocol, err);
	if (rc != LW_OK)
		lw_err_prefix(err, "%s: version %lld", logdir,
			      (long long)s->version);
out:
	lw_delta_last_cp_free(&last);
	return rc;
}

int lw_delta_snapshot_load(struct lw_lake *lake, const char *table,
			   struct lw_delta_snapshot *s, struct lw_err *err)
{
	const struct lw_lake_kind *kind = lw_lake_base(lake)->kind;
	if (!kind->list || !kind->read)
		return lw_err_set(err, LW_EUNSUPPORTED,
				  "lake kind %s cannot hold Delta tables",
				  kind->name);
	int64_t req0 = 0, in0 = -1, req1, in1;
	if (kind->stats)
		kind->stats(lake, &req0, &in0);
	char *logdir = join(table, "_delta_log");
	struct listing l = {.logdir = logdir, .logdir_len = strlen(logdir)};
	struct lw_buf b;
	lw_buf_init(&b, LW_DELTA_MAX_COMMIT);
	int rc = load(lake, table, logdir, &l, s, &b, err);
	lw_buf_free(&b);
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].name);
	free(l.v);
	free(logdir);
	/* the lake's own counter also sees Parquet checkpoint reads */
	if (kind->stats && in0 >= 0) {
		kind->stats(lake, &req1, &in1);
		if (in1 - in0 > s->bytes_read)
			s->bytes_read = in1 - in0;
	}
	return rc;
}
