/* auth.c - basic auth for the listener: an htpasswd -B file checked with
 * crypt(3) (libcrypt's bcrypt), and the listen address parser. */
#include <arpa/inet.h>
#include <assert.h>
#include <crypt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "lakewatch/util.h"
#include "serve_int.h"

struct auth_user {
	char *name, *hash;		/* owned */
	unsigned char ok[32];		/* SHA-256 of the password last verified */
	bool has_ok;
};

struct lw_auth {
	struct auth_user *u;		/* owned */
	size_t n;
	pthread_mutex_t mu;		/* guards every u[i].ok */
};

static bool bcrypt_hash(const char *h)
{
	return (lw_str_starts(h, "$2y$") || lw_str_starts(h, "$2b$") ||
		lw_str_starts(h, "$2a$")) && strlen(h) == 60;
}

/* One line "user:hash" into a (line is modified). */
static int auth_line(struct lw_auth *a, char *line, const char *path, int no,
		     struct lw_err *err)
{
	char *colon = strchr(line, ':');
	if (!colon || colon == line)
		return lw_err_set(err, LW_ECONFIG, "%s:%d: expected user:hash "
				  "(htpasswd -B)", path, no);
	*colon = '\0';
	const char *hash = colon + 1;
	if (!bcrypt_hash(hash))
		return lw_err_set(err, LW_ECONFIG, "%s:%d: user '%s': not a "
				  "bcrypt hash (make it with htpasswd -B)", path,
				  no, line);
	if (a->n >= LW_AUTH_MAX_USERS)
		return lw_err_set(err, LW_ECONFIG, "%s:%d: more than %d users",
				  path, no, LW_AUTH_MAX_USERS);
	a->u = lw_xrealloc(a->u, (a->n + 1) * sizeof *a->u);
	memset(&a->u[a->n], 0, sizeof *a->u);
	a->u[a->n].name = lw_xstrdup(line);
	a->u[a->n].hash = lw_xstrdup(hash);
	a->n++;
	return LW_OK;
}

/* *out is the caller's (lw_auth_free). */
int lw_auth_load(const char *path, struct lw_auth **out, struct lw_err *err)
{
	char *text = NULL;
	size_t len = 0;
	*out = NULL;
	if (lw_read_file(path, LW_AUTH_MAX_BYTES, &text, &len, err))
		return lw_err_prefix(err, "--auth-file"), LW_ECONFIG;
	struct lw_auth *a = lw_xcalloc(1, sizeof *a);
	pthread_mutex_init(&a->mu, NULL);
	int rc = LW_OK, no = 0;
	for (char *p = text, *nl; p && *p && rc == LW_OK; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		no++;
		size_t l = strlen(p);
		while (l && (p[l - 1] == '\r' || p[l - 1] == ' '))
			p[--l] = '\0';
		if (l && p[0] != '#')
			rc = auth_line(a, p, path, no, err);
	}
	free(text);
	if (rc == LW_OK && a->n == 0)
		rc = lw_err_set(err, LW_ECONFIG, "%s: no users (expected "
				"user:hash lines from htpasswd -B)", path);
	if (rc) {
		lw_auth_free(a);
		return LW_ECONFIG;
	}
	*out = a;
	return LW_OK;
}

static void sha256(const char *s, unsigned char out[32])
{
	unsigned int n = 32;
	EVP_Digest(s, strlen(s), out, &n, EVP_sha256(), NULL);
}

/* See serve_int.h. */
bool lw_auth_check(struct lw_auth *a, const char *user, const char *pass)
{
	struct auth_user *u = NULL;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->u[i].name, user) == 0)
			u = &a->u[i];
	if (!u)
		return false;
	unsigned char d[32];
	sha256(pass, d);
	pthread_mutex_lock(&a->mu);
	bool known = u->has_ok && CRYPTO_memcmp(u->ok, d, sizeof d) == 0;
	pthread_mutex_unlock(&a->mu);
	if (known)
		return true;
	struct crypt_data *cd = lw_xcalloc(1, sizeof *cd);
	const char *h = crypt_r(pass, u->hash, cd);
	bool ok = h && strlen(h) == strlen(u->hash) &&
		  CRYPTO_memcmp(h, u->hash, strlen(h)) == 0;
	free(cd);
	if (ok) {
		pthread_mutex_lock(&a->mu);
		memcpy(u->ok, d, sizeof d);
		u->has_ok = true;
		pthread_mutex_unlock(&a->mu);
	}
	return ok;
}

void lw_auth_free(struct lw_auth *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->u[i].name);
		OPENSSL_cleanse(a->u[i].hash, strlen(a->u[i].hash));
		free(a->u[i].hash);
	}
	free(a->u);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

static int parse_port(const char *s, const char *addr, int *port,
		      struct lw_err *err)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 0 || v > 65535)
		return lw_err_set(err, LW_ECONFIG, "--listen %s: bad port '%s' "
				  "(0 to 65535)", addr, s);
	*port = (int)v;
	return LW_OK;
}

/* See serve_int.h. */
int lw_listen_parse(const char *addr, struct sockaddr_storage *ss,
		    socklen_t *len, bool *loopback, struct lw_err *err)
{
	char host[128];
	const char *colon = strrchr(addr, ':');
	int port = 0;
	memset(ss, 0, sizeof *ss);
	if (!colon || (size_t)(colon - addr) >= sizeof host)
		return lw_err_set(err, LW_ECONFIG, "--listen '%s': expected "
				  "HOST:PORT (127.0.0.1:9464, [::1]:9464, :9464)",
				  addr);
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	if (parse_port(colon + 1, addr, &port, err))
		return LW_ECONFIG;
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return lw_err_set(err, LW_ECONFIG, "--listen '%s': not an "
					  "IPv6 address", addr);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof *s6;
		*loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
		return LW_OK;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*len = sizeof *s4;
	if (!*host) {
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
	} else if (strcmp(host, "localhost") == 0) {
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (inet_pton(AF_INET, host, &s4->sin_addr) != 1) {
		return lw_err_set(err, LW_ECONFIG, "--listen '%s': '%s' is not "
				  "a numeric address (say 127.0.0.1, [::1] or "
				  "0.0.0.0)", addr, host);
	}
	*loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	return LW_OK;
}
