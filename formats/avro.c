/* avro.c - the "avro" file format: Avro object container files.
 *
 * Layout: "Obj\x01", a metadata map (avro.schema, avro.codec), a 16-byte
 * sync marker, then blocks of (count: long, size: long, size bytes, sync).
 * Rows are the sum of the counts; the block bytes are never read when a
 * block is larger than the read window, and never decompressed, so the
 * codec does not matter. Files with no blocks are Capture's empty windows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "lakewatch/avro.h"
#include "lakewatch/format.h"
#include "lakewatch/util.h"

/* ---- primitives ------------------------------------------------------ */

/* Zig-zag varint long at *pos (< n). LW_ETOOBIG when the bytes end first,
 * LW_EPARSE for more than 10 bytes. */
static int get_long(const uint8_t *p, size_t n, size_t *pos, int64_t *out)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 70; shift += 7) {
		if (*pos >= n)
			return LW_ETOOBIG;
		uint8_t b = p[(*pos)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
			return LW_OK;
		}
		if (shift == 63)
			return LW_EPARSE;
	}
	return LW_EPARSE;
}

void lw_avro_header_free(struct lw_avro_header *h)
{
	cJSON_Delete(h->schema);
	h->schema = NULL;
}

static int need_more(bool at_eof, size_t pos, struct lw_err *err)
{
	if (!at_eof)
		return LW_ETOOBIG;
	return lw_err_set(err, LW_EPARSE, "offset %zu: truncated header", pos);
}

/* One metadata key and value at *pos: avro.schema is pointed at (into p,
 * *schema and *schema_len), avro.codec copied into h; others skipped. */
static int meta_pair(const uint8_t *p, size_t n, size_t *pos, bool at_eof,
		     struct lw_avro_header *h, const uint8_t **schema,
		     size_t *schema_len, struct lw_err *err)
{
	int64_t kl, vl;
	size_t kat = *pos;
	int rc = get_long(p, n, pos, &kl);
	if (rc == LW_ETOOBIG)
		return need_more(at_eof, *pos, err);
	if (rc || kl < 0 || (uint64_t)kl > LW_AVRO_MAX_HEADER)
		return lw_err_set(err, LW_EPARSE, "offset %zu: "
				  "bad metadata key length", kat);
	if ((size_t)kl > n - *pos)
		return need_more(at_eof, *pos, err);
	const uint8_t *key = p + *pos;
	*pos += (size_t)kl;
	size_t vat = *pos;
	rc = get_long(p, n, pos, &vl);
	if (rc == LW_ETOOBIG)
		return need_more(at_eof, *pos, err);
	if (rc || vl < 0 || (uint64_t)vl > LW_AVRO_MAX_HEADER)
		return lw_err_set(err, LW_EPARSE, "offset %zu: "
				  "bad metadata value length", vat);
	if ((size_t)vl > n - *pos)
		return need_more(at_eof, *pos, err);
	if (kl == 11 && memcmp(key, "avro.schema", 11) == 0) {
		*schema = p + *pos;
		*schema_len = (size_t)vl;
	} else if (kl == 10 && memcmp(key, "avro.codec", 10) == 0) {
		if ((size_t)vl >= sizeof h->codec)
			return lw_err_set(err, LW_EPARSE, "offset %zu: codec "
					  "name too long", vat);
		memcpy(h->codec, p + *pos, (size_t)vl);
		h->codec[vl] = '\0';
	}
	*pos += (size_t)vl;
	return LW_OK;
}

/* The metadata map from *pos: blocks of pairs up to a zero count. */
static int meta_map(const uint8_t *p, size_t n, size_t *pos, bool at_eof,
		    struct lw_avro_header *h, const uint8_t **schema,
		    size_t *schema_len, struct lw_err *err)
{
	for (;;) {
		int64_t count, bsize;
		size_t at = *pos;
		int rc = get_long(p, n, pos, &count);
		if (rc == LW_ETOOBIG)
			return need_more(at_eof, *pos, err);
		if (rc)
			return lw_err_set(err, LW_EPARSE, "offset %zu: bad "
					  "metadata block count", at);
		if (count == 0)
			return LW_OK;
		if (count < 0) {	/* negative: a byte size follows */
			rc = get_long(p, n, pos, &bsize);
			if (rc == LW_ETOOBIG)
				return need_more(at_eof, *pos, err);
			if (rc || count == INT64_MIN)
				return lw_err_set(err, LW_EPARSE, "offset %zu: "
						  "bad metadata block", at);
			count = -count;
		}
		for (int64_t i = 0; i < count; i++)
			if ((rc = meta_pair(p, n, pos, at_eof, h, schema,
					    schema_len, err)))
				return rc;
	}
}

/* The schema parsed and the codec known; h->schema is h's. */
static int header_finish(const uint8_t *p, struct lw_avro_header *h,
			 const uint8_t *schema, size_t schema_len,
			 struct lw_err *err)
{
	if (!schema)
		return lw_err_set(err, LW_EPARSE, "offset 4: header has no "
				  "avro.schema");
	h->schema = cJSON_ParseWithLength((const char *)schema, schema_len);
	if (!h->schema)
		return lw_err_set(err, LW_EPARSE, "offset %zu: avro.schema is "
				  "not valid JSON", (size_t)(schema - p));
	static const char *const codecs[] = {"null", "deflate", "snappy",
		"bzip2", "xz", "zstandard", NULL};
	bool known = false;
	for (size_t i = 0; codecs[i]; i++)
		known |= strcmp(h->codec, codecs[i]) == 0;
	if (!known) {
		/* rows are still countable, but say what we saw */
		lw_avro_header_free(h);
		return lw_err_set(err, LW_EUNSUPPORTED, "unknown codec '%s'",
				  h->codec);
	}
	return LW_OK;
}

int lw_avro_header_parse(const uint8_t *p, size_t n, bool at_eof,
			 struct lw_avro_header *h, struct lw_err *err)
{
	memset(h, 0, sizeof *h);
	snprintf(h->codec, sizeof h->codec, "null");
	if (n < 4)
		return at_eof ? lw_err_set(err, LW_EPARSE, "offset 0: not an "
					   "Avro file (%zu bytes)", n)
			      : LW_ETOOBIG;
	if (memcmp(p, "Obj\x01", 4) != 0)
		return lw_err_set(err, LW_EPARSE, "offset 0: not an Avro "
				  "object container file (bad magic)");
	size_t pos = 4;
	const uint8_t *schema = NULL;
	size_t schema_len = 0;
	int rc = meta_map(p, n, &pos, at_eof, h, &schema, &schema_len, err);
	if (rc)
		return rc;
	if (n - pos < 16)
		return need_more(at_eof, pos, err);
	memcpy(h->sync, p + pos, 16);
	pos += 16;
	if ((rc = header_finish(p, h, schema, schema_len, err)))
		return rc;
	h->len = (int64_t)pos;
	return LW_OK;
}

/* ---- scanning -------------------------------------------------------- */

struct window {
	struct lw_buf b;
	int64_t start;		/* file offset of b.data[0] */
	int64_t size;		/* file size */
	lw_avro_read_fn rd;
	void *ud;
	int64_t *bytes_read;
};

/* Make [off, off+need) available (as far as the file goes). */
static int ensure(struct window *w, int64_t off, int64_t need,
		  struct lw_err *err)
{
	if (off >= w->start && off + need <= w->start + (int64_t)w->b.len)
		return LW_OK;
	int64_t len = need > (int64_t)LW_AVRO_WINDOW ? need
						     : (int64_t)LW_AVRO_WINDOW;
	if (off + len > w->size)
		len = w->size - off;
	lw_buf_reset(&w->b);
	w->start = off;
	if (len <= 0)
		return LW_OK;
	int rc = w->rd(w->ud, off, len, &w->b, err);
	*w->bytes_read += (int64_t)w->b.len;
	return rc;
}

static const uint8_t *wptr(struct window *w, int64_t off)
{
	return (const uint8_t *)w->b.data + (off - w->start);
}

static size_t wavail(struct window *w, int64_t off)
{
	return (size_t)(w->start + (int64_t)w->b.len - off);
}

/* The header: grow the read until it fits (info->hdr is info's). */
static int scan_header(struct window *w, int64_t size,
		       struct lw_avro_info *info, struct lw_err *err)
{
	int rc;
	for (int64_t want = 4096;; want *= 4) {
		if (want > (int64_t)LW_AVRO_MAX_HEADER)
			want = (int64_t)LW_AVRO_MAX_HEADER;
		w->start = -1;	/* force a fresh read */
		rc = ensure(w, 0, want, err);
		if (rc)
			return rc;
		bool eof = (int64_t)w->b.len >= size ||
			   want >= (int64_t)LW_AVRO_MAX_HEADER;
		rc = lw_avro_header_parse((const uint8_t *)w->b.data, w->b.len,
					  eof, &info->hdr, err);
		if (rc != LW_ETOOBIG)
			return rc;
		lw_avro_header_free(&info->hdr);
	}
}

/* The block at *off: its count added to info->rows, its sync marker
 * checked, *off moved past it. */
static int scan_block(struct window *w, int64_t size, int64_t *off,
		      struct lw_avro_info *info, struct lw_err *err)
{
	int rc = ensure(w, *off, 20, err);
	if (rc)
		return rc;
	const uint8_t *p = wptr(w, *off);
	size_t n = wavail(w, *off), pos = 0;
	int64_t count, bsize;
	if (get_long(p, n, &pos, &count) || get_long(p, n, &pos, &bsize))
		return lw_err_set(err, LW_EPARSE, "offset %lld: truncated "
				  "or bad header of block %lld",
				  (long long)*off, (long long)info->blocks + 1);
	if (count < 0 || bsize < 0)
		return lw_err_set(err, LW_EPARSE, "offset %lld: block "
				  "%lld has a negative count or size",
				  (long long)*off, (long long)info->blocks + 1);
	int64_t data = *off + (int64_t)pos;
	if (bsize > size - data || size - data - bsize < 16)
		return lw_err_set(err, LW_EPARSE, "offset %lld: block "
				  "%lld is truncated: it needs %lld bytes "
				  "and its sync marker, the file ends at "
				  "%lld", (long long)*off,
				  (long long)info->blocks + 1,
				  (long long)bsize, (long long)size);
	int64_t sync = data + bsize;
	rc = ensure(w, sync, 16, err);
	if (rc)
		return rc;
	if (wavail(w, sync) < 16 ||
	    memcmp(wptr(w, sync), info->hdr.sync, 16) != 0)
		return lw_err_set(err, LW_EPARSE, "offset %lld: sync "
				  "marker mismatch after block %lld",
				  (long long)sync, (long long)info->blocks + 1);
	info->blocks++;
	if (count > INT64_MAX - info->rows)
		return lw_err_set(err, LW_EPARSE, "offset %lld: row count "
				  "overflows", (long long)*off);
	info->rows += count;
	*off = sync + 16;
	return LW_OK;
}

int lw_avro_scan(lw_avro_read_fn rd, void *ud, int64_t size,
		 bool count_rows, struct lw_avro_info *info,
		 struct lw_err *err)
{
	memset(info, 0, sizeof *info);
	info->rows = -1;
	struct window w = {.start = 0, .size = size, .rd = rd, .ud = ud,
			   .bytes_read = &info->bytes_read};
	lw_buf_init(&w.b, LW_AVRO_MAX_HEADER + 64);
	int rc = scan_header(&w, size, info, err);
	if (rc == LW_OK && count_rows) {
		int64_t off = info->hdr.len;
		info->rows = 0;
		while (rc == LW_OK && off < size)
			rc = scan_block(&w, size, &off, info, err);
	}
	lw_buf_free(&w.b);
	return rc;
}

void lw_avro_info_free(struct lw_avro_info *info)
{
	lw_avro_header_free(&info->hdr);
}

/* ---- schema ---------------------------------------------------------- */

#define MAX_DEPTH 32

struct names {			/* named types seen so far */
	const char *name[256];
	enum lw_type type[256];
	size_t n;
};

struct ctype {
	enum lw_type t;
	bool nullable;
	int prec, scale;
	char phys[96];
};

static int to_ctype(const cJSON *s, struct names *nm, int depth,
		    struct ctype *out, struct lw_err *err);

static void remember(struct names *nm, const cJSON *s, enum lw_type t)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(s, "name");
	if (cJSON_IsString(n) && nm->n < 256) {
		nm->name[nm->n] = n->valuestring;
		nm->type[nm->n++] = t;
	}
}

static int primitive(const char *s, struct names *nm, struct ctype *o)
{
	static const struct { const char *n; enum lw_type t; } m[] = {
		{"null", LW_T_NULL}, {"boolean", LW_T_BOOLEAN},
		{"int", LW_T_INT32}, {"long", LW_T_INT64},
		{"float", LW_T_FLOAT}, {"double", LW_T_DOUBLE},
		{"bytes", LW_T_BINARY}, {"string", LW_T_STRING},
	};
	snprintf(o->phys, sizeof o->phys, "%s", s);
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strcmp(s, m[i].n) == 0) {
			o->t = m[i].t;
			return LW_OK;
		}
	for (size_t i = 0; i < nm->n; i++) {
		/* a reference may be full ("ns.Name") or short */
		const char *dot = strrchr(s, '.');
		if (strcmp(s, nm->name[i]) == 0 ||
		    (dot && strcmp(dot + 1, nm->name[i]) == 0)) {
			o->t = nm->type[i];
			return LW_OK;
		}
	}
	return LW_EPARSE;
}

static int record_fields(const cJSON *s, struct names *nm, int depth,
			 struct lw_schema *out, struct lw_err *err)
{
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(s, "fields");
	if (!cJSON_IsArray(fields))
		return lw_err_set(err, LW_EPARSE, "record without fields");
	const cJSON *f;
	cJSON_ArrayForEach(f, fields) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(f, "type");
		if (!cJSON_IsString(n) || !t)
			return lw_err_set(err, LW_EPARSE, "record field "
					  "without a name or type");
		struct ctype c;
		int rc = to_ctype(t, nm, depth + 1, &c, err);
		if (rc)
			return lw_err_prefix(err, "field %s", n->valuestring);
		if (out) {
			struct lw_column *col = lw_schema_add(out,
				n->valuestring, c.t, c.phys);
			col->nullable = c.nullable;
			col->precision = c.prec;
			col->scale = c.scale;
		}
	}
	return LW_OK;
}

/* A union: ["null", T] is a nullable T; other unions are validated and
 * shown as "union" (null only when every member is). */
static int union_ctype(const cJSON *s, struct names *nm, int depth,
		       struct ctype *o, struct lw_err *err)
{
	const cJSON *m, *other = NULL;
	int nother = 0;
	bool has_null = false;
	cJSON_ArrayForEach(m, s) {
		if (cJSON_IsString(m) && strcmp(m->valuestring, "null") == 0)
			has_null = true;
		else {
			other = m;
			nother++;
		}
	}
	if (nother == 1) {
		int rc = to_ctype(other, nm, depth + 1, o, err);
		o->nullable = o->nullable || has_null;
		return rc;
	}
	struct ctype tmp;	/* still validate the members */
	cJSON_ArrayForEach(m, s)
		if (to_ctype(m, nm, depth + 1, &tmp, err))
			return LW_EPARSE;
	o->t = nother ? LW_T_UNKNOWN : LW_T_NULL;
	o->nullable = has_null;
	snprintf(o->phys, sizeof o->phys, "union");
	return LW_OK;
}

/* A logicalType refining the base type in o (s is the type object); an
 * unknown one is ignored, as the specification asks. */
static void refine_logical(const cJSON *s, const char *l, struct ctype *o)
{
	char base[96];
	snprintf(base, sizeof base, "%s", o->phys);
	if (strcmp(l, "date") == 0 && o->t == LW_T_INT32)
		o->t = LW_T_DATE;
	else if ((strcmp(l, "timestamp-millis") == 0 ||
		  strcmp(l, "timestamp-micros") == 0 ||
		  strcmp(l, "timestamp-nanos") == 0 ||
		  strcmp(l, "local-timestamp-millis") == 0 ||
		  strcmp(l, "local-timestamp-micros") == 0) &&
		 o->t == LW_T_INT64)
		o->t = LW_T_TIMESTAMP;
	else if (strcmp(l, "decimal") == 0 && o->t == LW_T_BINARY) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(s,
								  "precision");
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(s, "scale");
		if (!cJSON_IsNumber(p) || p->valueint < 1)
			return;
		o->t = LW_T_DECIMAL;
		o->prec = p->valueint;
		o->scale = cJSON_IsNumber(sc) ? sc->valueint : 0;
	} else if (strcmp(l, "uuid") == 0 && o->t == LW_T_STRING) {
		/* stays a string */
	} else {
		return;
	}
	snprintf(o->phys, sizeof o->phys, "%.30s/%.60s", base, l);
}

/* A named or complex type object {"type": k, ...}: record, enum, array,
 * map, with *done set; the others (fixed and primitives) leave *done
 * false and o untouched. */
static int complex_ctype(const cJSON *s, const char *k, struct names *nm,
			 int depth, struct ctype *o, bool *done,
			 struct lw_err *err)
{
	*done = true;
	if (strcmp(k, "record") == 0 || strcmp(k, "error") == 0) {
		remember(nm, s, LW_T_STRUCT);
		o->t = LW_T_STRUCT;
		snprintf(o->phys, sizeof o->phys, "record");
		return record_fields(s, nm, depth, NULL, err);
	}
	if (strcmp(k, "enum") == 0) {
		remember(nm, s, LW_T_STRING);
		o->t = LW_T_STRING;
		snprintf(o->phys, sizeof o->phys, "enum");
		return LW_OK;
	}
	if (strcmp(k, "array") == 0 || strcmp(k, "map") == 0) {
		const cJSON *it = cJSON_GetObjectItemCaseSensitive(s,
			k[0] == 'a' ? "items" : "values");
		struct ctype tmp;
		if (!it || to_ctype(it, nm, depth + 1, &tmp, err))
			return lw_err_set(err, LW_EPARSE, "%s without a valid "
					  "item type", k);
		o->t = k[0] == 'a' ? LW_T_LIST : LW_T_MAP;
		snprintf(o->phys, sizeof o->phys, "%s<%.80s>", k, tmp.phys);
		return LW_OK;
	}
	*done = false;
	return LW_OK;
}

static int to_ctype(const cJSON *s, struct names *nm, int depth,
		    struct ctype *o, struct lw_err *err)
{
	memset(o, 0, sizeof *o);
	if (depth > MAX_DEPTH)
		return lw_err_set(err, LW_EPARSE, "schema nested too deeply");
	if (cJSON_IsString(s)) {
		if (primitive(s->valuestring, nm, o))
			return lw_err_set(err, LW_EPARSE, "unknown type '%s'",
					  s->valuestring);
		return LW_OK;
	}
	if (cJSON_IsArray(s))
		return union_ctype(s, nm, depth, o, err);
	if (!cJSON_IsObject(s))
		return lw_err_set(err, LW_EPARSE, "a type must be a name, an "
				  "object or a union");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "type");
	const cJSON *lt = cJSON_GetObjectItemCaseSensitive(s, "logicalType");
	if (!t)
		return lw_err_set(err, LW_EPARSE, "type object without type");
	if (!cJSON_IsString(t))		/* {"type": {...}} nests a type */
		return to_ctype(t, nm, depth + 1, o, err);
	const char *k = t->valuestring;
	bool done;
	int rc = complex_ctype(s, k, nm, depth, o, &done, err);
	if (done)
		return rc;
	if (strcmp(k, "fixed") == 0) {
		remember(nm, s, LW_T_BINARY);
		o->t = LW_T_BINARY;
		snprintf(o->phys, sizeof o->phys, "fixed");
	} else if (primitive(k, nm, o)) {
		return lw_err_set(err, LW_EPARSE, "unknown type '%s'", k);
	}
	if (cJSON_IsString(lt))
		refine_logical(s, lt->valuestring, o);
	return LW_OK;
}

int lw_avro_schema(const cJSON *schema, struct lw_schema *out,
		   struct lw_err *err)
{
	struct names nm = {.n = 0};
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(schema, "type");
	if (cJSON_IsObject(schema) && cJSON_IsString(t) &&
	    strcmp(t->valuestring, "record") == 0) {
		remember(&nm, schema, LW_T_STRUCT);
		return record_fields(schema, &nm, 0, out, err);
	}
	/* a file of bare values: one column named "value" */
	struct ctype c;
	int rc = to_ctype(schema, &nm, 0, &c, err);
	if (rc)
		return rc;
	struct lw_column *col = lw_schema_add(out, "value", c.t, c.phys);
	col->nullable = c.nullable;
	col->precision = c.prec;
	col->scale = c.scale;
	return LW_OK;
}

/* ---- the plug-in ----------------------------------------------------- */

struct lake_src {
	struct lw_lake *lake;
	const char *path;
};

static int lake_read(void *ud, int64_t off, int64_t len, struct lw_buf *out,
		     struct lw_err *err)
{
	struct lake_src *s = ud;
	return lw_lake_base(s->lake)->kind->read(s->lake, s->path, off, len,
						 out, err);
}

static int probe_file(const struct lw_file *f, const void *opts,
		      struct lw_file_obs *out, struct lw_err *err)
{
	(void)opts;
	struct lake_src src = {f->lake, f->entry->path};
	struct lw_avro_info info;
	int rc = lw_avro_scan(lake_read, &src, f->entry->size, f->count_rows,
			      &info, err);
	out->bytes_read += info.bytes_read;
	if (rc == LW_OK) {
		rc = lw_avro_schema(info.hdr.schema, &out->schema, err);
		if (rc)
			lw_err_prefix(err, "offset 4: avro.schema");
		else
			out->has_schema = true;
	}
	if (rc == LW_OK) {
		out->rows = info.rows;
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "codec", info.hdr.codec);
		if (f->count_rows) {
			cJSON_AddNumberToObject(d, "blocks",
						(double)info.blocks);
			cJSON_AddNumberToObject(d, "empty_files",
						info.blocks == 0 ? 1 : 0);
		}
		out->avro.present = true;
		out->avro.codec = lw_xstrdup(info.hdr.codec);
		out->avro.has_blocks = out->avro.has_empty_files =
			f->count_rows;
		out->avro.blocks = f->count_rows ? (int64_t)info.blocks : 0;
		out->avro.empty_files = f->count_rows && info.blocks == 0;
		out->detail = d;	/* the probe files it under "avro" */
	} else {
		lw_err_prefix(err, "%s", f->entry->path);
	}
	lw_avro_info_free(&info);
	return rc;
}

const struct lw_format lw_format_avro = {
	.name = "avro",
	.probe_file = probe_file,
	.default_include = "\\.avro$",
};
