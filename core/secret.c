/* secret.c - redaction of secrets from every text that leaves the process. */
#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include <openssl/crypto.h>
#include <openssl/evp.h>

#define MAX_SECRETS 512	/* each secret takes up to 9 slots (its forms) */
#define MIN_SECRET 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *secrets[MAX_SECRETS];
static size_t nsecrets;

/* Remember one form of a secret (copied). */
static void register_one(const char *s)
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

/* s percent-encoded: every byte but the unreserved ones as %XX (hex in
 * upper or lower case); form: a space as '+', as HTML forms send it.
 * Caller frees. */
static char *pct(const char *s, bool lower, bool form)
{
	const char *hex = lower ? "0123456789abcdef" : "0123456789ABCDEF";
	char *d = lw_xmalloc(strlen(s) * 3 + 1), *w = d;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			*w++ = (char)*p;
		} else if (form && *p == ' ') {
			*w++ = '+';
		} else {
			*w++ = '%';
			*w++ = hex[*p >> 4];
			*w++ = hex[*p & 15];
		}
	}
	*w = '\0';
	return d;
}

/* s in standard base64 (with padding). Caller frees. */
static char *b64(const char *s)
{
	size_t n = strlen(s);
	char *d = lw_xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)d, (const unsigned char *)s, (int)n);
	return d;
}

/* The base64 of s inside a longer text: encoded at an offset of k bytes
 * (0-2) from a 3-byte group, the characters that depend on s alone (the
 * groups wholly inside it). An echo of "Bearer TOKEN" in base64 holds
 * TOKEN's k = 1 form, not its own base64. NULL when s is too short to
 * fill a group. Caller frees. */
static char *b64_mid(const char *s, size_t k)
{
	size_t n = strlen(s), total = k + n;
	unsigned char *in = lw_xcalloc(1, total + 1);
	memcpy(in + k, s, n);
	char *e = lw_xmalloc(4 * ((total + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)e, in, (int)total);
	lw_secret_wipe(in, total);
	free(in);
	size_t from = k ? 4 : 0, to = 4 * (total / 3);
	char *mid = to > from ? lw_xstrndup(e + from, to - from) : NULL;
	lw_secret_free(e);
	return mid;
}

/* s as it stands inside a JSON string ('"' and '\\' escaped, '/' too as
 * some writers do). Caller frees. */
static char *json_esc(const char *s)
{
	char *d = lw_xmalloc(strlen(s) * 2 + 1), *w = d;
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '/')
			*w++ = '\\';
		*w++ = *s;
	}
	*w = '\0';
	return d;
}

/* A secret and every form it can leave in: as it is, URL-encoded (both
 * hex cases), form-encoded, base64 (alone, and inside a longer encoded
 * text at each of the three alignments) and JSON-escaped. An echoing
 * endpoint sends the form body or the Authorization header back; a log
 * may hold the Basic header. */
void lw_secret_register(const char *s)
{
	char *forms[8];
	if (!s || strlen(s) < MIN_SECRET)
		return;
	register_one(s);
	forms[0] = pct(s, false, false);
	forms[1] = pct(s, true, false);
	forms[2] = pct(s, false, true);
	forms[3] = b64(s);
	forms[4] = json_esc(s);
	for (size_t k = 0; k < 3; k++)
		forms[5 + k] = b64_mid(s, k);
	for (size_t i = 0; i < 8; i++) {
		if (forms[i] && strcmp(forms[i], s) != 0)
			register_one(forms[i]);
		lw_secret_free(forms[i]);
	}
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
	/* longest first: a secret that starts with another one is masked
	 * whole, not left with its tail showing */
	size_t order[MAX_SECRETS], lens[MAX_SECRETS];
	for (size_t k = 0; k < nsecrets; k++) {
		size_t j = k, l = strlen(secrets[k]);
		while (j > 0 && lens[j - 1] < l) {
			order[j] = order[j - 1];
			lens[j] = lens[j - 1];
			j--;
		}
		order[j] = k;
		lens[j] = l;
	}
	for (size_t k = 0; k < nsecrets; k++) {
		const char *sec = secrets[order[k]];
		char *p;
		while ((p = strstr(s, sec)) != NULL)
			mask(s, (size_t)(p - s), (size_t)(p - s) + lens[k]);
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

/* Format, redact the whole text, and only then cut it to n bytes: a
 * secret across the cut would otherwise leave its start behind. */
void lw_redact_vfmt(char *dst, size_t n, const char *fmt, va_list ap)
{
	char *full = NULL;
	assert(dst && n > 0);
	if (vasprintf(&full, fmt, ap) < 0 || !full) {
		dst[0] = '\0';
		return;
	}
	lw_redact(full);
	snprintf(dst, n, "%s", full);
	lw_secret_free(full);
}

void lw_redact_fmt(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lw_redact_vfmt(dst, n, fmt, ap);
	va_end(ap);
}
