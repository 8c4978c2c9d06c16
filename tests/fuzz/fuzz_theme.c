/* fuzz_theme.c - the theme file parser must never crash, leak or read past
 * its input, and an accepted theme must have every colour in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/theme.h"
#include "lakewatch/tui_layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_theme t;
	struct lw_err err = { 0 };
	char *s, buf[64];

	if (lw_theme_parse((const char *)data, size, "fuzz", &t, &err) ==
	    LW_OK) {
		for (int r = 0; r < LW_R_NROLES; r++)
			if (t.role[r].fg < -1 || t.role[r].fg > 255 ||
			    t.role[r].bg < -1 || t.role[r].bg > 255 ||
			    lw_color_to8(t.role[r].fg) > 7)
				abort();
	} else if (!err.msg[0]) {
		abort();	/* a failure always says why */
	}
	/* the text fitter sees dataset names and messages from lakes */
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	for (int w = 0; w < 12; w += 5) {
		int used = lw_tui_fit(buf, sizeof buf, s, w, w & 1);

		if (used > w || strlen(buf) >= sizeof buf)
			abort();
	}
	free(s);
	return 0;
}
