/* parquet_tail.c - find the footer in a file: the magic and length word
 * at its end, then one or two suffix reads through the lake.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/parquet.h"
#include "lakewatch/util.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int lw_parquet_tail(const void *tail, size_t n, int64_t file_size,
		    int64_t *footer_len, struct lw_err *err)
{
	const uint8_t *p = tail;
	if (n < 8 || (file_size >= 0 && file_size < 12))
		return lw_err_set(err, LW_EPARSE, "truncated: %lld bytes is "
				  "too short for a Parquet file",
				  (long long)(file_size >= 0 ? file_size :
					      (int64_t)n));
	const uint8_t *magic = p + n - 4;
	if (!memcmp(magic, "PARE", 4))
		return lw_err_set(err, LW_EUNSUPPORTED, "encrypted footer "
				  "(PARE): cannot be read without keys");
	if (memcmp(magic, "PAR1", 4))
		return lw_err_set(err, LW_EPARSE, "not a Parquet file: bad "
				  "magic at the end (truncated or not "
				  "Parquet)");
	int64_t len = le32(p + n - 8);
	if (len < 2)
		return lw_err_set(err, LW_EPARSE, "corrupt: footer length "
				  "%lld", (long long)len);
	if (file_size >= 0 && len + 12 > file_size)
		return lw_err_set(err, LW_EPARSE, "corrupt or truncated: "
				  "footer length %lld does not fit in %lld "
				  "bytes", (long long)len,
				  (long long)file_size);
	if (len > LW_PQ_MAX_FOOTER)
		return lw_err_set(err, LW_ETOOBIG, "footer of %lld bytes is "
				  "over the %lld limit", (long long)len,
				  (long long)LW_PQ_MAX_FOOTER);
	*footer_len = len;
	return LW_OK;
}

int lw_parquet_read_meta(struct lw_lake *lake, const char *path,
			 int64_t file_size, struct lw_parquet_meta *m,
			 int64_t *bytes_read, struct lw_err *err)
{
	const struct lw_lake_kind *k = lw_lake_base(lake)->kind;
	struct lw_buf b;
	int64_t flen, got;
	int rc;

	memset(m, 0, sizeof *m);
	m->file_size = -1;
	if (bytes_read)
		*bytes_read = 0;
	lw_buf_init(&b, LW_PQ_TAIL);
	if ((rc = k->read(lake, path, -LW_PQ_TAIL, -1, &b, err)))
		goto out;
	got = (int64_t)b.len;
	if (bytes_read)
		*bytes_read += got;
	/* A short answer to a suffix read is the whole file. */
	if (got < LW_PQ_TAIL) {
		if (file_size >= 0 && file_size != got) {
			rc = lw_err_set(err, LW_EPARSE, "truncated: read %lld "
					"of %lld bytes", (long long)got,
					(long long)file_size);
			goto out;
		}
		file_size = got;
	}
	if ((rc = lw_parquet_tail(b.data, b.len, file_size, &flen, err)))
		goto out;
	if (got == file_size && memcmp(b.data, "PAR1", 4)) {
		rc = lw_err_set(err, LW_EPARSE, "not a Parquet file: bad "
				"magic at the start");
		goto out;
	}
	if (flen + 8 > got) {
		lw_buf_free(&b);
		lw_buf_init(&b, (size_t)flen + 8);
		if ((rc = k->read(lake, path, -(flen + 8), -1, &b, err)))
			goto out;
		if (bytes_read)
			*bytes_read += (int64_t)b.len;
		if ((int64_t)b.len != flen + 8) {
			rc = lw_err_set(err, LW_EPARSE, "truncated: footer of "
					"%lld bytes but the file has %zu",
					(long long)flen, b.len);
			goto out;
		}
	}
	rc = lw_parquet_meta_parse(b.data + b.len - 8 - flen, (size_t)flen,
				   m, err);
	if (!rc) {
		m->footer_len = flen;
		m->file_size = file_size;
	}
out:
	lw_buf_free(&b);
	return rc;
}
