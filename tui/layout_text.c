/* layout_text.c - text for the terminal without curses: display width of
 * UTF-8, fitting into columns with an ellipsis, status glyphs, sparklines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <time.h>
#include <math.h>
#include "lakewatch/util.h"
#include "lakewatch/tui_layout.h"

/* Decode one UTF-8 code point at *p (NUL-terminated). Invalid or
 * overlong sequences give U+FFFD and consume one byte, so every byte is
 * accounted for and we never read past the NUL. */
static uint32_t next_cp(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint32_t c = p[0];
	int len, i;

	if (c < 0x80) {
		*pp = p + 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) { len = 2; c &= 0x1f; }
	else if (c >= 0xe0 && c <= 0xef) { len = 3; c &= 0x0f; }
	else if (c >= 0xf0 && c <= 0xf4) { len = 4; c &= 0x07; }
	else goto bad;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*pp = p + len;
	return c;
bad:
	*pp = p + 1;
	return 0xfffd;
}

/* Columns one code point takes, and whether it must be drawn as '?'. */
static int cp_width(uint32_t c, bool ascii, bool *subst)
{
	int w;

	*subst = false;
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
	    (ascii && c >= 0x80)) {
		*subst = true;
		return 1;
	}
	if (c < 0x80)
		return 1;
	w = wcwidth((wchar_t)c);
	if (w < 0) {
		*subst = true;
		return 1;
	}
	return w;
}

int lw_tui_width(const char *s, bool ascii)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int w = 0;
	bool sub;

	while (*p)
		w += cp_width(next_cp(&p), ascii, &sub);
	return w;
}

int lw_tui_fit(char *dst, size_t n, const char *s, int width, bool ascii)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const char *ell = ascii ? "~" : "\xe2\x80\xa6";
	size_t o = 0, ellen = strlen(ell);
	int used = 0, room;
	bool cut, sub;

	if (!n)
		return 0;
	if (width < 0)
		width = 0;
	cut = lw_tui_width(s, ascii) > width;
	room = cut ? width - 1 : width;
	while (*p) {
		const unsigned char *start = p;
		uint32_t c = next_cp(&p);
		int w = cp_width(c, ascii, &sub);
		size_t blen = sub ? 1 : (size_t)(p - start);

		if (used + w > room || o + blen + ellen + 1 > n)
			break;
		if (sub)
			dst[o] = '?';
		else
			memcpy(dst + o, start, blen);
		o += blen;
		used += w;
	}
	if (cut && width > 0 && o + ellen + 1 <= n) {
		memcpy(dst + o, ell, ellen);
		o += ellen;
		used++;
	}
	dst[o] = 0;
	return used;
}

size_t lw_tui_wrap_part(char *dst, size_t n, const char *s, int width,
			bool ascii)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t cut = 0, brk = 0;	/* bytes taken; last space seen */
	int used = 0;
	bool sub;

	if (!n)
		return 0;
	while (p[cut]) {
		const unsigned char *q = p + cut;
		uint32_t c = next_cp(&q);
		int w = cp_width(c, ascii, &sub);

		if (cut && used + w > width)
			break;
		if (c == ' ')
			brk = cut;
		used += w;
		cut = (size_t)(q - p);
	}
	if (p[cut] && brk)
		cut = brk;	/* break at the last space, when cut */
	{
		char piece[1024];	/* a line is never wider than this */

		snprintf(piece, sizeof piece, "%.*s", (int)cut,
			 (const char *)p);
		lw_tui_fit(dst, n, piece, width, ascii);
	}
	return cut;
}

const char *lw_tui_glyph(enum lw_status s, bool ascii)
{
	return lw_status_glyph(s, !ascii);	/* core's one table */
}

const char *lw_tui_spark(char *dst, size_t n, const int64_t *v, size_t nv,
			 int width, bool ascii)
{
	static const char ramp[] = "_.:-=+*#";
	size_t first, i, o = 0;
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	if (!n)
		return dst;
	dst[0] = 0;
	if (width <= 0 || !v)
		return dst;
	first = nv > (size_t)width ? nv - (size_t)width : 0;
	for (i = first; i < nv; i++) {
		if (v[i] < 0)
			continue;
		if (v[i] < lo) lo = v[i];
		if (v[i] > hi) hi = v[i];
	}
	for (i = first; i < nv; i++) {
		int lvl;

		if (o + 4 >= n)
			break;
		if (v[i] < 0) {
			dst[o++] = ' ';
			continue;
		}
		if (hi == lo)
			lvl = 3;
		else
			lvl = (int)((double)(v[i] - lo) * 7.0 /
				    (double)(hi - lo) + 0.5);
		if (ascii) {
			dst[o++] = ramp[lvl];
		} else {
			/* U+2581..U+2588: e2 96 81..88 */
			dst[o++] = (char)0xe2;
			dst[o++] = (char)0x96;
			dst[o++] = (char)(0x81 + lvl);
		}
	}
	dst[o] = 0;
	return dst;
}

/* One cell of a band sparkline: the bar's eighths filled (0-8), else the
 * band's shade when it covers the cell. Appends to dst at *o. */
static void band_cell(char *dst, size_t *o, int fill, bool band, bool ascii)
{
	static const char ramp[] = " _.:-=+*#";
	if (ascii) {
		dst[(*o)++] = fill ? ramp[fill] : band ? '|' : ' ';
		return;
	}
	if (!fill) {
		if (band) {	/* U+2591 light shade: e2 96 91 */
			dst[(*o)++] = (char)0xe2;
			dst[(*o)++] = (char)0x96;
			dst[(*o)++] = (char)0x91;
		} else
			dst[(*o)++] = ' ';
		return;
	}
	dst[(*o)++] = (char)0xe2;	/* U+2581..U+2588 */
	dst[(*o)++] = (char)0x96;
	dst[(*o)++] = (char)(0x80 + fill);
}

/* The scale of the shown points: min and max over their values and
 * bands, with a margin so neither sits on an edge. False: nothing known. */
static bool bands_scale(const struct lw_tui_bpoint *p, size_t first,
			size_t np, double *mn, double *mx)
{
	bool any = false;
	for (size_t i = first; i < np; i++) {
		if (p[i].has_v) {
			*mn = any ? fmin(*mn, p[i].v) : p[i].v;
			*mx = any ? fmax(*mx, p[i].v) : p[i].v;
			any = true;
		}
		if (p[i].has_band) {
			*mn = any ? fmin(*mn, p[i].lo) : p[i].lo;
			*mx = any ? fmax(*mx, p[i].hi) : p[i].hi;
			any = true;
		}
	}
	if (!any)
		return false;
	double pad = *mx > *mn ? (*mx - *mn) / 10 : fmax(1, fabs(*mx) / 10);
	*mn -= pad;
	*mx += pad;
	return true;
}

void lw_tui_spark_bands(char *top, char *bot, size_t n,
			const struct lw_tui_bpoint *p, size_t np, int width,
			bool ascii)
{
	size_t first, ot = 0, ob = 0;
	double mn = 0, mx = 0;

	if (!n)
		return;
	top[0] = bot[0] = 0;
	if (width <= 0 || !p)
		return;
	first = np > (size_t)width ? np - (size_t)width : 0;
	if (!bands_scale(p, first, np, &mn, &mx))
		mn = 0, mx = 1;
	double span = mx - mn;
	for (size_t i = first; i < np && ot + 4 < n && ob + 4 < n; i++) {
		/* the point's own band in sixteenths of the height (at least
		 * a sliver); none when the rule had no range for it */
		bool hb = p[i].has_band && p[i].lo <= p[i].hi;
		double b0 = hb ? (p[i].lo - mn) * 16 / span : 0;
		double b1 = hb ? (p[i].hi - mn) * 16 / span : 0;
		if (hb && b1 - b0 < 0.5)
			b1 = b0 + 0.5;
		/* the value as a mark at its height (1..16); the row it is
		 * not in shows the band when the band covers it */
		int lvl = !p[i].has_v ? 0 : 1 + (int)((p[i].v - mn) * 15 /
						      span + 0.5);
		band_cell(bot, &ob, lvl && lvl <= 8 ? lvl : 0,
			  hb && b0 < 8 && b1 > 0, ascii);
		band_cell(top, &ot, lvl > 8 ? lvl - 8 : 0, hb && b1 > 8 &&
			  b0 < 16, ascii);
	}
	top[ot] = bot[ob] = 0;
}
