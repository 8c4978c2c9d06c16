/* secret.c - redaction of secrets from every text that leaves the process. */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include <openssl/crypto.h>

#define MAX_SECRETS 64
#define MIN_SECRET 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *secrets[MAX_SECRETS];
static size_t nsecrets;

void lw_secret_register(const char *s)
{
	if (!s || strlen(s) < MIN_SECRET)
		return;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], s) == 0)
			goto out;
	if (nsecrets == MAX_SECRETS) {
		/* The first half stays: keys and client secrets are
		 * registered when the config loads, while bearer tokens
		 * (one per refresh) keep coming for as long as the dashboard
		 * runs and would push them out. The oldest of the rest goes;
		 * the shapes below still catch the usual forms. */
		size_t keep = MAX_SECRETS / 2;
		lw_secret_free(secrets[keep]);
		memmove(secrets + keep, secrets + keep + 1,
			(MAX_SECRETS - keep - 1) * sizeof *secrets);
		nsecrets--;
	}
	secrets[nsecrets++] = lw_xstrdup(s);
	assert(nsecrets <= MAX_SECRETS);
out:
	pthread_mutex_unlock(&lock);
}

void lw_secret_clear_all(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nsecrets; i++)
		lw_secret_free(secrets[i]);
	nsecrets = 0;
	pthread_mutex_unlock(&lock);
}

void lw_secret_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

/* Takes s. */
void lw_secret_free(char *s)
{
	if (s)
		lw_secret_wipe(s, strlen(s));
	free(s);
}

/* Replace s[a, b) by "***" (or as many '*' when shorter); never grows s. */
static size_t mask(char *s, size_t a, size_t b)
{
	assert(a <= b && b <= strlen(s));
	size_t n = b - a, m = n < 3 ? n : 3;
	memset(s + a, '*', m);
	memmove(s + a + m, s + b, strlen(s + b) + 1);
	return a + m;
}

static bool value_end(char c, const char *stops)
{
	return c == '\0' || strchr(stops, c) != NULL;
}

/* A SAS inside a percent-encoded URL (a copy source passed as a query
 * value): "sig%3D" then the value up to "%26" (an encoded '&') or a stop
 * char. The value itself holds escapes (%2B, %2F), so '%' cannot stop it. */
static void mask_sig_encoded(char *s)
{
	static const char key[] = "sig%3D";
	size_t kl = sizeof key - 1, i = 0;
	while (s[i]) {
		if (strncasecmp(s + i, key, kl) != 0) {
			i++;
			continue;
		}
		size_t a = i + kl, b = a;
		while (!value_end(s[b], "&; \t\r\n\"'<>") &&
		       strncasecmp(s + b, "%26", 3) != 0)
			b++;
		if (b > a && !(b - a == 3 && strncmp(s + a, "***", 3) == 0))
			i = mask(s, a, b);
		else
			i = b;
	}
}

/* After each case-insensitive `key`, mask the value up to a stop char. */
static void mask_after(char *s, const char *key, const char *stops)
{
	size_t kl = strlen(key), i = 0;
	while (s[i]) {
		if (strncasecmp(s + i, key, kl) != 0) {
			i++;
			continue;
		}
		size_t a = i + kl, b = a;
		while (!value_end(s[b], stops))
			b++;
		if (b > a && !(b - a == 3 && strncmp(s + a, "***", 3) == 0))
			i = mask(s, a, b);
		else
			i = b;
	}
}

void lw_redact(char *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&lock);
	for (size_t k = 0; k < nsecrets; k++) {
		size_t l = strlen(secrets[k]);
		char *p;
		while ((p = strstr(s, secrets[k])) != NULL)
			mask(s, (size_t)(p - s), (size_t)(p - s) + l);
	}
	pthread_mutex_unlock(&lock);
	static const char url[] = "&; \t\r\n\"'<>";
	mask_after(s, "sig=", url);
	mask_sig_encoded(s);
	mask_after(s, "AccountKey=", ";\"' \t\r\n");
	mask_after(s, "SharedAccessSignature=", ";\"' \t\r\n");
	mask_after(s, "client_secret=", url);
	mask_after(s, "Bearer ", "\"' \t\r\n,;");
	mask_after(s, "\"access_token\":\"", "\"");
	mask_after(s, "\"access_token\": \"", "\"");
	/* `az account get-access-token` (a Power BI token_file) */
	mask_after(s, "\"accessToken\":\"", "\"");
	mask_after(s, "\"accessToken\": \"", "\"");
	mask_after(s, "\"refresh_token\":\"", "\"");
	mask_after(s, "\"refresh_token\": \"", "\"");
	/* "SharedKey account:signature": keep the account, mask the signature */
	char *p = s;
	while ((p = strcasestr(p, "SharedKey ")) != NULL) {
		char *c = p + 10;
		while (*c && *c != ':' && *c != ' ' && *c != '\n')
			c++;
		if (*c != ':') {
			p = c;
			continue;
		}
		size_t a = (size_t)(c + 1 - s), b = a;
		while (!value_end(s[b], "\"' \t\r\n,;"))
			b++;
		p = s + (b > a ? mask(s, a, b) : b);
	}
}

/* Caller owns the copy. */
char *lw_redact_dup(const char *s)
{
	char *d = lw_xstrdup(s ? s : "");
	lw_redact(d);
	return d;
}
