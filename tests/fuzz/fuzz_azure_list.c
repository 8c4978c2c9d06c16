/* fuzz_azure_list.c - the List Blobs page parser and the error parser.
 * The input is fed in two pieces (split where its first byte says), so the
 * streaming path is exercised as the network would. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "lakewatch/azure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_az_list *p;
	struct lw_err err;
	size_t cut, n;
	const struct lw_az_blob *b;
	char code[64], msg[128];

	if (size < 1)
		return 0;
	cut = data[0] % (size);
	data++;
	size--;
	if (cut > size)
		cut = size;
	p = lw_az_list_new();
	if (lw_az_list_feed(p, (const char *)data, cut, false, &err) ==
	    LW_OK &&
	    lw_az_list_feed(p, (const char *)data + cut, size - cut, true,
			    &err) == LW_OK) {
		b = lw_az_list_blobs(p, &n);
		for (size_t i = 0; i < n; i++)
			if (!b[i].name || b[i].size < 0)
				__builtin_trap();
		(void)lw_az_list_next_marker(p);
	}
	lw_az_list_reset(p);
	(void)lw_az_list_feed(p, (const char *)data, size, true, &err);
	lw_az_list_free(p);
	lw_az_error_parse((const char *)data, size, code, sizeof(code), msg,
			  sizeof(msg));
	return 0;
}
