/* azure_auth.c - connection strings, Shared Key signing and SAS tokens.
 *
 * Shared Key follows "Authorize with Shared Key" (Blob service, version
 * 2009-09-19 and later): the signature is Base64(HMAC-SHA256(key,
 * string-to-sign)), computed with OpenSSL's libcrypto.
 */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lakewatch/azure.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include <openssl/crypto.h>

#define CONN_MAX 8192		/* longer is not a connection string */

/* --- base64 --- */

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int lw_az_b64_encode(const unsigned char *in, size_t n, char *out,
		     size_t room)
{
	size_t need = (n + 2) / 3 * 4 + 1, o = 0;
	if (room < need)
		return -1;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

/* Strict: length a multiple of 4, padding only at the end. */
int lw_az_b64_decode(const char *in, unsigned char *out, size_t room)
{
	size_t n = strlen(in), o = 0;
	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad) {
				return -1;	/* data after '=' */
			} else if ((v[k] = b64_val(in[i + k])) < 0) {
				return -1;
			}
		}
		unsigned w = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 |
			     (unsigned)v[2] << 6 | (unsigned)v[3];
		if (o + 3 - (size_t)pad > room)
			return -1;
		out[o++] = (unsigned char)(w >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(w >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)w;
	}
	return (int)o;
}

int lw_az_hmac_b64(const char *key_b64, const char *msg, size_t len,
		   char *sig, size_t n, struct lw_err *err)
{
	unsigned char key[256], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int kl = lw_az_b64_decode(key_b64, key, sizeof(key));

	unsigned char *ok = NULL;
	int enc = -1;

	/* every path below scrubs the decoded key (a failed decode may have
	 * written part of it) */
	if (kl > 0)
		ok = HMAC(EVP_sha256(), key, kl, (const unsigned char *)msg,
			  len, md, &mdlen);
	OPENSSL_cleanse(key, sizeof(key));
	if (kl <= 0)
		return lw_err_set(err, LW_ECONFIG, "the account key is not "
				  "valid base64 (copy it again from the "
				  "portal's Access keys)");
	if (!ok)
		return lw_err_set(err, LW_EIO, "HMAC-SHA256 failed");
	enc = lw_az_b64_encode(md, mdlen, sig, n);
	OPENSSL_cleanse(md, sizeof(md));
	if (enc < 0)
		return lw_err_set(err, LW_ETOOBIG, "signature buffer small");
	return LW_OK;
}

/* --- string-to-sign --- */

static const char *hdr_find(const struct lw_az_hdr *h, size_t nh,
			    const char *name)
{
	for (size_t i = 0; i < nh; i++)
		if (strcasecmp(h[i].name, name) == 0)
			return h[i].value;
	return NULL;
}

static int hdr_cmp(const void *a, const void *b)
{
	const struct lw_az_hdr *x = *(const struct lw_az_hdr *const *)a;
	const struct lw_az_hdr *y = *(const struct lw_az_hdr *const *)b;
	return strcasecmp(x->name, y->name);
}

/* "name:value" with the value's runs of whitespace folded to one space
 * and its ends trimmed, as the canonical form asks. LW_ETOOBIG past out's
 * max (out is then failed, see buf.h). */
static int add_canon_header(struct lw_buf *out, const struct lw_az_hdr *h)
{
	const char *v = h->value ? h->value : "";
	bool space = false;
	int rc = LW_OK;
	for (const char *p = h->name; *p && rc == LW_OK; p++)
		rc = lw_buf_addc(out, (char)tolower((unsigned char)*p));
	if (rc == LW_OK)
		rc = lw_buf_addc(out, ':');
	while (isspace((unsigned char)*v))
		v++;
	for (; *v && rc == LW_OK; v++) {
		if (isspace((unsigned char)*v)) {
			space = true;
			continue;
		}
		if (space)
			rc = lw_buf_addc(out, ' ');
		space = false;
		if (rc == LW_OK)
			rc = lw_buf_addc(out, *v);
	}
	return rc ? rc : lw_buf_addc(out, '\n');
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode [s, s+n) into a new string. */
static char *pct_decode(const char *s, size_t n)
{
	char *d = lw_xmalloc(n + 1), *o = d;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
			*o++ = (char)(hexv(s[i + 1]) << 4 | hexv(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return d;
}

struct qparam {
	char *name, *value;
};

static int qp_cmp(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->value, y->value);
}

/* The method and the standard headers, one line each. */
static int sign_std_headers(const char *method, const struct lw_az_hdr *h,
			    size_t nh, struct lw_buf *out)
{
	static const char *const std[] = {
		"Content-Encoding", "Content-Language", "Content-Length",
		"Content-MD5", "Content-Type", "Date", "If-Modified-Since",
		"If-Match", "If-None-Match", "If-Unmodified-Since", "Range",
	};
	int rc = lw_buf_adds(out, method);
	if (rc == LW_OK)
		rc = lw_buf_addc(out, '\n');
	for (size_t i = 0; i < sizeof(std) / sizeof(std[0]) && !rc; i++) {
		const char *v = hdr_find(h, nh, std[i]);
		/* since 2015-02-21 a zero Content-Length is signed empty */
		if (v && !(i == 2 && strcmp(v, "0") == 0))
			rc = lw_buf_adds(out, v);
		if (rc == LW_OK)
			rc = lw_buf_addc(out, '\n');
	}
	return rc;
}

/* The x-ms-* headers, sorted by name, in canonical form. */
static int sign_xms_headers(const struct lw_az_hdr *h, size_t nh,
			    struct lw_buf *out)
{
	const struct lw_az_hdr **xms = lw_xcalloc(nh + 1, sizeof(*xms));
	size_t nx = 0;
	int rc = LW_OK;
	for (size_t i = 0; i < nh; i++)
		if (strncasecmp(h[i].name, "x-ms-", 5) == 0)
			xms[nx++] = &h[i];
	lw_sort(xms, nx, sizeof(*xms), hdr_cmp);
	for (size_t i = 0; i < nx && rc == LW_OK; i++)
		rc = add_canon_header(out, xms[i]);
	free(xms);
	return rc;
}

/* Query parameters from q (after the '?'): names lowercased and sorted,
 * values decoded, a repeated name's values sorted and joined with ','. */
static int sign_query(const char *q, struct lw_buf *out)
{
	struct qparam *qp = NULL;
	size_t nq = 0, capq = 0;
	int rc = LW_OK;
	const char *s = q;

	while (*s && *s != '#') {
		size_t len = strcspn(s, "&#");
		const char *eq = memchr(s, '=', len);
		size_t nl = eq ? (size_t)(eq - s) : len;
		if (len) {
			lw_xgrow((void **)&qp, &capq, nq, sizeof(*qp));
			qp[nq].name = pct_decode(s, nl);
			for (char *c = qp[nq].name; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			qp[nq].value = eq ? pct_decode(eq + 1, len - nl - 1)
					  : lw_xstrdup("");
			nq++;
		}
		s += len;
		if (*s == '&')
			s++;
	}
	lw_sort(qp, nq, sizeof(*qp), qp_cmp);
	for (size_t i = 0; i < nq && rc == LW_OK; i++) {
		if (i == 0 || strcmp(qp[i].name, qp[i - 1].name)) {
			rc = lw_buf_addc(out, '\n');
			if (rc == LW_OK)
				rc = lw_buf_adds(out, qp[i].name);
			if (rc == LW_OK)
				rc = lw_buf_addc(out, ':');
		} else {
			rc = lw_buf_addc(out, ',');
		}
		if (rc == LW_OK)
			rc = lw_buf_adds(out, qp[i].value);
	}
	for (size_t i = 0; i < nq; i++) {
		free(qp[i].name);
		free(qp[i].value);
	}
	free(qp);
	return rc;
}

int lw_az_string_to_sign(const char *method, const char *account,
			 const char *url, const struct lw_az_hdr *h,
			 size_t nh, struct lw_buf *out, struct lw_err *err)
{
	const char *p, *path, *q;
	int rc;

	assert(method && account && url && out);
	rc = sign_std_headers(method, h, nh, out);
	if (rc == LW_OK)
		rc = sign_xms_headers(h, nh, out);

	/* the resource: "/" account, then the path exactly as sent */
	p = strstr(url, "://");
	if (!p)
		return lw_err_set(err, LW_EPARSE, "not an absolute URL");
	p += 3;
	path = p + strcspn(p, "/?#");
	q = path + strcspn(path, "?#");
	if (rc == LW_OK)
		rc = lw_buf_addc(out, '/');
	if (rc == LW_OK)
		rc = lw_buf_adds(out, account);
	if (rc == LW_OK)
		rc = q == path ? lw_buf_addc(out, '/')
			       : lw_buf_add(out, path, (size_t)(q - path));
	if (rc == LW_OK && *q == '?')
		rc = sign_query(q + 1, out);
	if (rc != LW_OK)
		return lw_err_set(err, rc, "the string to sign is longer than "
				  "%zu bytes", out->max);
	return LW_OK;
}

/* --- SAS --- */

int lw_az_sas_clean(const char *in, char **out, struct lw_err *err)
{
	const char *s = in, *e;
	char *t, *sig;

	*out = NULL;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '?')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	t = lw_xstrndup(s, (size_t)(e - s));
	for (char *c = t; *c; c++)
		if (isspace((unsigned char)*c) || *c == '#') {
			lw_secret_free(t);
			return lw_err_set(err, LW_ECONFIG, "the SAS token has "
					  "a space or '#' in it");
		}
	sig = strstr(t, "sig=");
	if (!sig || (sig != t && sig[-1] != '&') || !sig[4]) {
		lw_secret_free(t);
		return lw_err_set(err, LW_ECONFIG, "the SAS token has no "
				  "sig= (paste the whole query string, "
				  "sv=...&sig=...)");
	}
	lw_secret_register(t);
	{
		size_t n = strcspn(sig + 4, "&");
		char *v = lw_xstrndup(sig + 4, n);
		char *d = pct_decode(v, n);
		lw_secret_register(v);
		lw_secret_register(d);
		lw_secret_free(v);
		lw_secret_free(d);
	}
	*out = t;
	return LW_OK;
}

/* --- connection strings --- */

void lw_az_conn_free(struct lw_az_conn *c)
{
	if (!c)
		return;
	free(c->account);
	lw_secret_free(c->key);
	lw_secret_free(c->sas);
	free(c->endpoint);
	memset(c, 0, sizeof(*c));
}

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return lw_xstrndup(s, n);
}

static char *strip_slashes(char *s)
{
	size_t n = strlen(s);
	while (n && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* What a connection string says besides the account, key and SAS. */
struct conn_parts {
	char *proto, *suffix, *blob;	/* owned */
	bool dev;
};

/* Keep *v as *slot (an earlier value of the same key goes); *v taken. */
static void keep(char **slot, char **v)
{
	free(*slot);
	*slot = *v;
	*v = NULL;
}

/* One Key=Value pair (part number npairs) into c and cp. Takes *v when it
 * keeps it (then *v is NULL); k and what is left of *v are the caller's. */
static int conn_pair(struct lw_az_conn *c, struct conn_parts *cp,
		     const char *k, char **v, int npairs, struct lw_err *err)
{
	int rc = LW_OK;
	if (!*k) {
		rc = lw_err_set(err, LW_ECONFIG, "connection string: "
				"part %d has an empty key", npairs);
	} else if (strcasecmp(k, "AccountName") == 0) {
		keep(&c->account, v);
	} else if (strcasecmp(k, "AccountKey") == 0) {
		lw_secret_register(*v);
		lw_secret_free(c->key);
		c->key = *v;
		*v = NULL;
	} else if (strcasecmp(k, "SharedAccessSignature") == 0) {
		char *t = NULL;
		lw_secret_register(*v);
		rc = lw_az_sas_clean(*v, &t, err);
		if (rc == LW_OK) {
			lw_secret_free(c->sas);
			c->sas = t;
		} else {
			lw_err_prefix(err, "connection string "
				      "SharedAccessSignature");
		}
	} else if (strcasecmp(k, "BlobEndpoint") == 0) {
		keep(&cp->blob, v);
	} else if (strcasecmp(k, "DefaultEndpointsProtocol") == 0) {
		if (strcasecmp(*v, "https") && strcasecmp(*v, "http"))
			rc = lw_err_set(err, LW_ECONFIG, "connection "
				"string: DefaultEndpointsProtocol must "
				"be http or https");
		keep(&cp->proto, v);
	} else if (strcasecmp(k, "EndpointSuffix") == 0) {
		keep(&cp->suffix, v);
	} else if (strcasecmp(k, "UseDevelopmentStorage") == 0) {
		if (strcasecmp(*v, "true") == 0)
			cp->dev = true;
		else if (strcasecmp(*v, "false") != 0)
			rc = lw_err_set(err, LW_ECONFIG, "connection "
				"string: UseDevelopmentStorage must "
				"be true or false");
	}
	/* QueueEndpoint, TableEndpoint, ...: not ours */
	return rc;
}

/* The pairs of s into c and cp; *npairs counts them. */
static int conn_pairs(const char *s, struct lw_az_conn *c,
		      struct conn_parts *cp, int *npairs, struct lw_err *err)
{
	const char *p = s;
	int rc = LW_OK;
	while (*p && rc == LW_OK) {
		size_t len = strcspn(p, ";");
		const char *eq = memchr(p, '=', len);
		if (!eq) {
			char *tk = trimmed(p, len);
			if (*tk)
				rc = lw_err_set(err, LW_ECONFIG,
					"connection string: part %d has no "
					"'=' (expected Key=Value;...)",
					*npairs + 1);
			lw_secret_free(tk);	/* may be a pasted key */
		} else {
			char *k = trimmed(p, (size_t)(eq - p));
			/* values may contain '=' (base64 padding, SAS) */
			char *v = trimmed(eq + 1, len - (size_t)(eq - p) - 1);
			++*npairs;
			rc = conn_pair(c, cp, k, &v, *npairs, err);
			free(k);
			/* any value may be secret (a SAS left here, a key
			 * under a typo) */
			lw_secret_free(v);
		}
		p += len;
		if (*p)
			p++;
	}
	return rc;
}

/* The endpoint: BlobEndpoint, or built from the account and suffix. */
static int conn_endpoint(struct lw_az_conn *c, struct conn_parts *cp,
			 struct lw_err *err)
{
	if (cp->blob) {
		if (!lw_str_starts(cp->blob, "http://") &&
		    !lw_str_starts(cp->blob, "https://"))
			return lw_err_set(err, LW_ECONFIG, "connection "
				"string: BlobEndpoint must start with "
				"http:// or https://");
		c->endpoint = strip_slashes(cp->blob);
		cp->blob = NULL;
		return LW_OK;
	}
	if (c->account) {
		c->endpoint = lw_xasprintf("%s://%s.blob.%s",
			cp->proto ? cp->proto : "https", c->account,
			cp->suffix ? cp->suffix : "core.windows.net");
		return LW_OK;
	}
	return lw_err_set(err, LW_ECONFIG, "connection string "
			  "has neither AccountName nor BlobEndpoint");
}

/* What the pairs together must say. */
static int conn_check(struct lw_az_conn *c, struct conn_parts *cp,
		      struct lw_err *err)
{
	if (cp->dev) {
		if (!c->account)
			c->account = lw_xstrdup(LW_AZ_DEV_ACCOUNT);
		if (!c->key && !c->sas)
			c->key = lw_xstrdup(LW_AZ_DEV_KEY);
		if (!cp->blob)
			cp->blob = lw_xstrdup(LW_AZ_DEV_ENDPOINT);
	}
	if (c->key && !c->account)
		return lw_err_set(err, LW_ECONFIG, "connection string has an "
				  "AccountKey but no AccountName");
	if (!c->key && !c->sas && !cp->dev)
		return lw_err_set(err, LW_ECONFIG, "connection string has "
				  "neither AccountKey nor "
				  "SharedAccessSignature");
	int rc = conn_endpoint(c, cp, err);
	if (rc == LW_OK && c->key) {
		unsigned char tmp[256];
		int kl = lw_az_b64_decode(c->key, tmp, sizeof(tmp));
		OPENSSL_cleanse(tmp, sizeof(tmp));	/* the key itself */
		if (kl <= 0)
			rc = lw_err_set(err, LW_ECONFIG, "connection string: "
					"AccountKey is not valid base64");
	}
	return rc;
}

int lw_az_conn_parse(const char *s, struct lw_az_conn *c, struct lw_err *err)
{
	struct conn_parts cp = {0};
	int rc, npairs = 0;

	memset(c, 0, sizeof(*c));
	if (strlen(s) > CONN_MAX)
		return lw_err_set(err, LW_ECONFIG, "connection string is "
				  "longer than %d characters", CONN_MAX);
	rc = conn_pairs(s, c, &cp, &npairs, err);
	if (rc == LW_OK && npairs == 0)
		rc = lw_err_set(err, LW_ECONFIG, "connection string is empty");
	if (rc == LW_OK)
		rc = conn_check(c, &cp, err);
	free(cp.proto);
	free(cp.suffix);
	free(cp.blob);
	if (rc != LW_OK)
		lw_az_conn_free(c);
	return rc;
}
