/* csv.c - the "csv" file-format plug-in: options, then the scanner of
 * csv_scan.c over a streamed object (row counts) or a head read (schema
 * only). See csv.h for the rules. */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/csv.h"
#include "lakewatch/decomp.h"
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

/* The scanner as a chunk sink: a fatal error (binary data) stops the
 * download early. */
static int feed_chunk(void *ud, const char *data, size_t len)
{
	return lw_csv_scan_feed(ud, data, len) ? LW_ESTOP : LW_OK;
}

static int csv_probe_file(const struct lw_file *f, const void *opts,
			  struct lw_file_obs *out, struct lw_err *err)
{
	struct lw_csv_opts def;
	struct lw_csv_scan s;
	struct lw_text_read r;
	int rc;

	if (lw_text_archive(f, out))
		return LW_OK;
	if (!opts) {
		lw_csv_opts_default(&def);
		opts = &def;
	}
	lw_csv_scan_init(&s, opts);
	rc = lw_text_read(f, LW_CSV_HEAD_BYTES, feed_chunk, &s, &r, err);
	lw_text_note(&r, out);
	if (rc == LW_ESTOP)
		rc = LW_OK;	/* the scanner's error follows */
	if (rc)		/* the lake's or the decoder's, already in err */
		goto done;
	rc = lw_csv_scan_finish(&s, r.eof);
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
	.default_include = "\\.(csv|tsv|txt)(\\.(" LW_DECOMP_EXT_RE "))?$|"
			   LW_ARCHIVE_EXT_RE,
};
