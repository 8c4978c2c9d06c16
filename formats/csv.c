/* csv.c - the "csv" file-format plug-in: options, then the scanner of
 * csv_scan.c over a streamed object (row counts) or a head read (schema
 * only). See csv.h for the rules. */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/csv.h"
#include "lakewatch/format.h"
#include "lakewatch/util.h"

/* One character option: "x", "\t" or "tab" (delimiter), "" (quote: none). */
static int opt_char(struct lw_cfgctx *cc, const cJSON *node, const char *key,
		    bool allow_none, char *out)
{
	const char *v = NULL;
	int rc = lw_cfg_str(cc, node, key, false, &v);

	if (rc || !v)
		return rc;
	if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0)
		*out = '\t';
	else if (allow_none && *v == '\0')
		*out = '\0';
	else if (strlen(v) == 1 && v[0] != '\n' && v[0] != '\r')
		*out = v[0];
	else
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(node,
				    key), "format_options.%s must be one "
				    "character%s", key, allow_none ?
				    " or \"\" (none)" : " or \"tab\"");
	return LW_OK;
}

static int csv_options(const cJSON *node, void **opts, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"delimiter", "quote", "header",
					   NULL};
	struct lw_csv_opts *o = lw_xmalloc(sizeof(*o));
	int rc;

	lw_csv_opts_default(o);
	*opts = o;
	if (!node || cJSON_IsNull(node))
		return LW_OK;
	rc = lw_cfg_keys(cc, node, "format_options", keys);
	if (rc)
		return rc;
	rc = opt_char(cc, node, "delimiter", false, &o->delim);
	if (!rc)
		rc = opt_char(cc, node, "quote", true, &o->quote);
	if (!rc)
		rc = lw_cfg_bool(cc, node, "header", false, &o->header);
	if (!rc && o->delim == o->quote)
		rc = lw_cfg_error(cc, node, "format_options: delimiter and "
				  "quote must differ");
	return rc;
}

static void csv_free_options(void *opts)
{
	free(opts);
}

struct feed {
	struct lw_csv_scan *s;
	int64_t bytes;
};

static int feed_chunk(void *ud, const char *data, size_t len)
{
	struct feed *f = ud;

	f->bytes += (int64_t)len;
	/* a fatal error (binary data) stops the download early */
	return lw_csv_scan_feed(f->s, data, len) ? LW_ESTOP : LW_OK;
}

/* Stream the whole object (count_rows) or read its head, into s.
 * Sets *eof when the scanner saw the whole file. */
static int csv_read(const struct lw_file *f, struct lw_csv_scan *s,
		    int64_t *bytes, bool *eof, struct lw_err *err)
{
	const struct lw_lake_kind *k = lw_lake_base(f->lake)->kind;
	struct lw_buf head;
	int rc;

	if (f->count_rows) {
		struct feed fd = {s, 0};
		rc = k->stream(f->lake, f->entry->path, feed_chunk, &fd, err);
		*bytes = fd.bytes;
		*eof = true;
		if (rc != LW_OK && s->rc)
			return LW_OK;	/* the scanner's error follows */
		return rc;
	}
	lw_buf_init(&head, (size_t)LW_CSV_HEAD_BYTES + 1024);
	rc = k->read(f->lake, f->entry->path, 0, LW_CSV_HEAD_BYTES, &head, err);
	if (rc == LW_OK) {
		*bytes = (int64_t)head.len;
		*eof = head.len < (size_t)LW_CSV_HEAD_BYTES ||
		       (int64_t)head.len >= f->entry->size;
		lw_csv_scan_feed(s, head.data ? head.data : "", head.len);
	}
	lw_buf_free(&head);
	return rc;
}

static int csv_probe_file(const struct lw_file *f, const void *opts,
			  struct lw_file_obs *out, struct lw_err *err)
{
	struct lw_csv_opts def;
	struct lw_csv_scan s;
	int64_t bytes = 0;
	bool eof = false;
	int rc;

	if (!opts) {
		lw_csv_opts_default(&def);
		opts = &def;
	}
	lw_csv_scan_init(&s, opts);
	rc = csv_read(f, &s, &bytes, &eof, err);
	out->bytes_read += bytes;
	if (rc)		/* the lake's error, already in err */
		goto done;
	rc = lw_csv_scan_finish(&s, eof);
	if (rc) {
		lw_err_set(err, rc, "%s", s.err.msg);
		goto done;
	}
	out->rows = f->count_rows ? lw_csv_scan_rows(&s) : -1;
	out->has_schema = lw_csv_scan_schema(&s, &out->schema);
done:
	lw_csv_scan_free(&s);
	return rc;
}

const struct lw_format lw_format_csv = {
	.name = "csv",
	.options = csv_options,
	.free_options = csv_free_options,
	.probe_file = csv_probe_file,
	.default_include = "\\.(csv|tsv|txt)$",
};
