/* parquet_rle.c - the RLE / bit-packed hybrid encoding of levels,
 * dictionary indices and RLE booleans. Runs are read one at a time, so
 * a run header claiming billions of values costs nothing until used. */
#include <string.h>
#include "parquet_int.h"

int lw_pq_bit_width(uint32_t max)
{
	int w = 0;
	while (max) {
		w++;
		max >>= 1;
	}
	return w;
}

int lw_pq_rle_init(struct lw_pq_rle *r, const uint8_t *p, size_t n, int bw,
		   struct lw_err *err)
{
	if (bw < 0 || bw > 32)
		return lw_err_set(err, LW_EPARSE, "bit width %d over 32", bw);
	r->p = p;
	r->end = p + n;
	r->bw = bw;
	r->left = 0;
	r->packed = false;
	r->val = 0;
	r->bp = NULL;
	r->bit = 0;
	return LW_OK;
}

static int next_run(struct lw_pq_rle *r, struct lw_err *err)
{
	while (r->left == 0) {
		uint64_t h = 0;
		int shift = 0;
		for (;;) {
			if (r->p >= r->end)
				return lw_err_set(err, LW_EPARSE, "levels or "
						  "indices run out");
			uint8_t b = *r->p++;
			h |= (uint64_t)(b & 0x7f) << shift;
			if (!(b & 0x80))
				break;
			if ((shift += 7) > 35)
				return lw_err_set(err, LW_EPARSE, "bad run "
						  "header");
		}
		if (h & 1) {
			uint64_t groups = h >> 1;
			uint64_t bytes = groups * (uint64_t)r->bw;
			uint64_t avail = (uint64_t)(r->end - r->p);
			uint64_t vals = groups * 8;
			/* A last run cut short by the writer: keep the
			 * values that are there. */
			if (bytes > avail) {
				vals = r->bw ? avail * 8 / (uint64_t)r->bw : 0;
				bytes = avail;
			}
			if (vals > UINT32_MAX)
				vals = UINT32_MAX;
			r->packed = true;
			r->bp = r->p;
			r->bit = 0;
			r->left = (uint32_t)vals;
			r->p += bytes;
		} else {
			int nb = (r->bw + 7) / 8;
			if (r->end - r->p < nb)
				return lw_err_set(err, LW_EPARSE, "truncated "
						  "RLE run");
			uint32_t v = 0;
			for (int i = 0; i < nb; i++)
				v |= (uint32_t)r->p[i] << (8 * i);
			r->p += nb;
			r->packed = false;
			r->val = v;
			h >>= 1;
			r->left = h > UINT32_MAX ? UINT32_MAX : (uint32_t)h;
		}
	}
	return LW_OK;
}

int lw_pq_rle_next(struct lw_pq_rle *r, uint32_t *v, struct lw_err *err)
{
	if (r->left == 0) {
		int rc = next_run(r, err);
		if (rc)
			return rc;
	}
	r->left--;
	if (!r->packed) {
		*v = r->val;
		return LW_OK;
	}
	/* Values are packed from the least significant bit; the run's
	 * value count was cut to whole bytes present, so the bytes read
	 * here are inside the run. */
	uint64_t byte = r->bit >> 3;
	int sh = (int)(r->bit & 7);
	int need = (sh + r->bw + 7) / 8;
	uint64_t acc = 0;
	for (int k = 0; k < need; k++)
		acc |= (uint64_t)r->bp[byte + k] << (8 * k);
	*v = r->bw ? (uint32_t)((acc >> sh) &
				((r->bw == 32) ? 0xffffffffu :
				 ((1u << r->bw) - 1))) : 0;
	r->bit += (uint64_t)r->bw;
	return LW_OK;
}

/* ---- DELTA_BINARY_PACKED ----------------------------------------------- */

static int uvarint(const uint8_t **p, const uint8_t *end, uint64_t *v,
		   struct lw_err *err)
{
	uint64_t r = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return lw_err_set(err, LW_EPARSE, "delta encoding: "
					  "truncated varint");
		uint8_t b = *(*p)++;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return LW_OK;
		}
	}
	return lw_err_set(err, LW_EPARSE, "delta encoding: bad varint");
}

static int64_t unzz(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

int lw_pq_delta_init(struct lw_pq_delta *d, const uint8_t *p, size_t n,
		     struct lw_err *err)
{
	uint64_t first;
	int rc;
	memset(d, 0, sizeof *d);
	d->p = p;
	d->end = p + n;
	if ((rc = uvarint(&d->p, d->end, &d->block, err)) ||
	    (rc = uvarint(&d->p, d->end, &d->nmini, err)) ||
	    (rc = uvarint(&d->p, d->end, &d->total, err)) ||
	    (rc = uvarint(&d->p, d->end, &first, err)))
		return rc;
	if (d->nmini == 0 || d->nmini > 256 || d->block == 0 ||
	    d->block % d->nmini || (d->block / d->nmini) % 8 ||
	    d->block > (1u << 20))
		return lw_err_set(err, LW_EPARSE, "delta encoding: bad block "
				  "sizes %llu/%llu",
				  (unsigned long long)d->block,
				  (unsigned long long)d->nmini);
	d->per_mini = d->block / d->nmini;
	d->last = unzz(first);
	d->first = d->total > 0;
	d->mini = d->nmini;	/* no block read yet */
	return LW_OK;
}

static int next_block(struct lw_pq_delta *d, struct lw_err *err)
{
	uint64_t u;
	int rc = uvarint(&d->p, d->end, &u, err);
	if (rc)
		return rc;
	d->min_delta = unzz(u);
	if ((uint64_t)(d->end - d->p) < d->nmini)
		return lw_err_set(err, LW_EPARSE, "delta encoding: truncated "
				  "block header");
	memcpy(d->widths, d->p, d->nmini);
	d->p += d->nmini;
	for (uint64_t i = 0; i < d->nmini; i++)
		if (d->widths[i] > 64)
			return lw_err_set(err, LW_EPARSE, "delta encoding: "
					  "bit width %d", d->widths[i]);
	d->mini = 0;
	d->in_mini = 0;
	d->mp = d->p;
	return LW_OK;
}

int lw_pq_delta_next(struct lw_pq_delta *d, int64_t *v, struct lw_err *err)
{
	int rc;
	if (d->done >= d->total)
		return lw_err_set(err, LW_EPARSE, "delta encoding: values run "
				  "out");
	d->done++;
	if (d->first) {
		d->first = false;
		*v = d->last;
		return LW_OK;
	}
	if (d->mini >= d->nmini || d->in_mini == d->per_mini) {
		if (d->mini < d->nmini) {
			/* Finished a miniblock: step over its data. */
			d->mini++;
			d->in_mini = 0;
			d->mp = d->p;
		}
		if (d->mini >= d->nmini && (rc = next_block(d, err)))
			return rc;
	}
	int w = d->widths[d->mini];
	uint64_t bytes = d->per_mini * (uint64_t)w / 8;
	if (d->in_mini == 0) {
		if ((uint64_t)(d->end - d->mp) < bytes)
			return lw_err_set(err, LW_EPARSE, "delta encoding: "
					  "truncated miniblock");
		d->p = d->mp + bytes;	/* where the next miniblock starts */
	}
	uint64_t bit = d->in_mini * (uint64_t)w, x = 0;
	for (int k = 0; k < w; k++, bit++)
		x |= (uint64_t)((d->mp[bit >> 3] >> (bit & 7)) & 1) << k;
	d->in_mini++;
	/* Two's-complement wrap-around is how writers encode the deltas. */
	d->last = (int64_t)((uint64_t)d->last + (uint64_t)d->min_delta + x);
	*v = d->last;
	return LW_OK;
}

int lw_pq_delta_end(struct lw_pq_delta *d, const uint8_t **end,
		    struct lw_err *err)
{
	/* Whole miniblocks at a time, not value by value: a header may
	 * claim 2^62 values in zero-width miniblocks (2 bytes per million
	 * values), which one by one would never finish. The walk is the
	 * one lw_pq_delta_next makes; the values themselves (d->last) are
	 * not computed, so the decoder is spent afterwards. */
	uint64_t left = d->total - d->done;
	int rc;
	if (left && d->first) {
		d->first = false;
		d->done++;
		left--;
	}
	while (left) {
		if (d->mini >= d->nmini || d->in_mini == d->per_mini) {
			if (d->mini < d->nmini) {
				d->mini++;
				d->in_mini = 0;
				d->mp = d->p;
			}
			if (d->mini >= d->nmini && (rc = next_block(d, err)))
				return rc;
		}
		uint64_t bytes = d->per_mini * (uint64_t)d->widths[d->mini] / 8;
		if (d->in_mini == 0) {
			if ((uint64_t)(d->end - d->mp) < bytes)
				return lw_err_set(err, LW_EPARSE, "delta "
						  "encoding: truncated "
						  "miniblock");
			d->p = d->mp + bytes;
		}
		uint64_t take = d->per_mini - d->in_mini;
		if (take > left)
			take = left;
		d->in_mini += take;
		d->done += take;
		left -= take;
	}
	/* The rest of the last miniblock that was started is padding. */
	*end = d->p;
	return LW_OK;
}
