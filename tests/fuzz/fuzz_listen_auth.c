/* fuzz_listen_auth.c - what `lakewatch watch` reads from its command line
 * and files for the listener: the --listen address, and the --auth-file
 * (htpasswd -B lines), on arbitrary bytes. A loaded file must answer a
 * check without crashing; only bcrypt hashes are ever accepted. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "lakewatch/err.h"
#include "../../serve/serve_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct sockaddr_storage ss;
	socklen_t len = 0;
	bool loopback = false;
	struct lw_err err;
	lw_err_clear(&err);
	lw_listen_parse(s, &ss, &len, &loopback, &err);
	char path[] = "/tmp/fuzz-auth-XXXXXX";
	int fd = mkstemp(path);
	if (fd >= 0) {
		if (write(fd, data, size) == (ssize_t)size) {
			struct lw_auth *a = NULL;
			lw_err_clear(&err);
			if (lw_auth_load(path, &a, &err) == LW_OK && a) {
				/* a user no line can name never passes (and
				 * costs no bcrypt round, whatever the file's
				 * hash costs say) */
				if (lw_auth_check(a, "a\nb", ""))
					abort();
				lw_auth_free(a);
			}
		}
		close(fd);
		unlink(path);
	}
	free(s);
	return 0;
}
