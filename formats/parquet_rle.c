/* parquet_rle.c - the RLE / bit-packed hybrid encoding of levels,
 * dictionary indices and RLE booleans. Runs are read one at a time, so
 * a run header claiming billions of values costs nothing until used. */
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
