/* test_azure_auth.c - Shared Key signing, connection strings, SAS tokens.
 *
 * The signer is checked three independent ways: the HMAC against RFC 4231,
 * the string-to-sign against the examples in Microsoft's "Authorize with
 * Shared Key" page, and whole Authorization headers against requests the
 * official @azure/storage-blob SDK signed (tests/services/azure/
 * sign_vectors.mjs, run through node when it is there).
 */
#include "unit.h"
#include <stdio.h>
#include <strings.h>
#include <unistd.h>
#include <cJSON.h>
#include "lakewatch/azure.h"
#include "lakewatch/http.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

static char *sts_of(const char *method, const char *account, const char *url,
		    const struct lw_az_hdr *h, size_t nh)
{
	struct lw_buf b;
	struct lw_err err;
	lw_buf_init(&b, LW_BUF_1M);
	assert_int_equal(lw_az_string_to_sign(method, account, url, h, nh, &b,
					      &err), LW_OK);
	return lw_buf_steal(&b);
}

static void test_base64(void **state)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob",
					    "fooba", "foobar"};
	static const char *const enc[] = {"", "Zg==", "Zm8=", "Zm9v",
					  "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	char out[64];
	unsigned char dec[64];
	(void)state;
	for (int i = 0; i < 7; i++) {	/* RFC 4648 section 10 */
		assert_int_equal(lw_az_b64_encode((const unsigned char *)
			plain[i], strlen(plain[i]), out, sizeof(out)),
			(int)strlen(enc[i]));
		assert_string_equal(out, enc[i]);
		assert_int_equal(lw_az_b64_decode(enc[i], dec, sizeof(dec)),
				 (int)strlen(plain[i]));
		assert_memory_equal(dec, plain[i], strlen(plain[i]));
	}
	assert_int_equal(lw_az_b64_decode("Zm9", dec, sizeof(dec)), -1);
	assert_int_equal(lw_az_b64_decode("Zm9v!A==", dec, sizeof(dec)), -1);
	assert_int_equal(lw_az_b64_decode("Zg==Zg==", dec, sizeof(dec)), -1);
	assert_int_equal(lw_az_b64_decode("Zm9vYmFy", dec, 3), -1);
}

/* RFC 4231 test cases 1 and 2. */
static void test_hmac_rfc4231(void **state)
{
	char key[64], sig[64];
	unsigned char k1[20], raw[40];
	char hex[65];
	struct lw_err err;
	(void)state;

	memset(k1, 0x0b, sizeof(k1));
	lw_az_b64_encode(k1, sizeof(k1), key, sizeof(key));
	assert_int_equal(lw_az_hmac_b64(key, "Hi There", 8, sig, sizeof(sig),
					&err), LW_OK);
	assert_int_equal(lw_az_b64_decode(sig, raw, sizeof(raw)), 32);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", raw[i]);
	assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b"
				 "881dc200c9833da726e9376c2e32cff7");

	lw_az_b64_encode((const unsigned char *)"Jefe", 4, key, sizeof(key));
	assert_int_equal(lw_az_hmac_b64(key, "what do ya want for nothing?",
					28, sig, sizeof(sig), &err), LW_OK);
	assert_int_equal(lw_az_b64_decode(sig, raw, sizeof(raw)), 32);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", raw[i]);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c7"
				 "5a003f089d2739839dec58b964ec3843");

	assert_int_equal(lw_az_hmac_b64("not base64!", "x", 1, sig,
					sizeof(sig), &err), LW_ECONFIG);
	assert_non_null(strstr(err.msg, "base64"));
}

/* The canonicalized-resource examples of "Authorize with Shared Key". */
static void test_canonical_resource_doc(void **state)
{
	char *s;
	(void)state;
	s = sts_of("GET", "myaccount", "https://myaccount.blob.core.windows."
		   "net/mycontainer?restype=container&comp=metadata", NULL, 0);
	assert_string_equal(s, "GET\n\n\n\n\n\n\n\n\n\n\n\n"
			    "/myaccount/mycontainer\ncomp:metadata\n"
			    "restype:container");
	free(s);
	s = sts_of("GET", "myaccount", "https://myaccount.blob.core.windows."
		   "net/mycontainer?restype=container&comp=list&include="
		   "snapshots&include=metadata&include=uncommittedblobs",
		   NULL, 0);
	assert_non_null(strstr(s, "\n/myaccount/mycontainer\ncomp:list\n"
			       "include:metadata,snapshots,uncommittedblobs\n"
			       "restype:container"));
	free(s);
	/* the emulator's path-style URL keeps the account in the path */
	s = sts_of("GET", "devstoreaccount1", "http://127.0.0.1:10000/"
		   "devstoreaccount1/mycontainer/a%20b.csv", NULL, 0);
	assert_non_null(strstr(s, "\n/devstoreaccount1/devstoreaccount1/"
			       "mycontainer/a%20b.csv"));
	free(s);
	/* the account root */
	s = sts_of("GET", "myaccount", "https://myaccount.blob.core.windows."
		   "net?comp=list", NULL, 0);
	assert_non_null(strstr(s, "\n/myaccount/\ncomp:list"));
	free(s);
}

/* The documented whole string-to-sign with headers: standard headers in
 * their slots, x-ms-* sorted, lowercased, whitespace folded, and a zero
 * Content-Length signed empty. */
static void test_string_to_sign_doc(void **state)
{
	struct lw_az_hdr h[] = {
		{"x-ms-version", "2015-02-21"},
		{"X-MS-Date", "Fri, 26 Jun 2015 23:39:12 GMT"},
		{"x-ms-meta-b", "  two   words  "},
		{"Content-Length", "0"},
		{"Range", "bytes=0-99"},
		{"Content-Type", "text/plain"},
		{"User-Agent", "ignored"},
	};
	char *s;
	(void)state;
	s = sts_of("PUT", "myaccount", "https://myaccount.blob.core.windows."
		   "net/mycontainer?restype=container&timeout=20", h, 7);
	assert_string_equal(s,
		"PUT\n"
		"\n"		/* Content-Encoding */
		"\n"		/* Content-Language */
		"\n"		/* Content-Length 0 -> empty */
		"\n"		/* Content-MD5 */
		"text/plain\n"
		"\n"		/* Date */
		"\n\n\n\n"	/* If-* */
		"bytes=0-99\n"
		"x-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\n"
		"x-ms-meta-b:two words\n"
		"x-ms-version:2015-02-21\n"
		"/myaccount/mycontainer\nrestype:container\ntimeout:20");
	free(s);
}

static char *run_node(const char *script)
{
	char cmd[512];
	struct lw_buf b;
	FILE *f;
	char chunk[4096];
	size_t n;
	snprintf(cmd, sizeof(cmd), "node %s 2>/dev/null", script);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	lw_buf_init(&b, 4 * LW_BUF_1M);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(lw_buf_add(&b, chunk, n), LW_OK);
	if (pclose(f) != 0) {
		lw_buf_free(&b);
		return NULL;
	}
	return lw_buf_steal(&b);
}

/* Sign what the SDK signed; the Authorization headers must be equal. */
static void test_sdk_vectors(void **state)
{
	char *out;
	cJSON *arr, *it;
	int n = 0;
	(void)state;
	if (access("node_modules/@azure/storage-blob", F_OK) != 0 ||
	    !(out = run_node("tests/services/azure/sign_vectors.mjs"))) {
		lw_skip_needs("node node_modules/@azure/storage-blob");
		return;
	}
	arr = cJSON_Parse(out);
	assert_true(cJSON_IsArray(arr));
	cJSON_ArrayForEach(it, arr) {
		const char *acct = cJSON_GetObjectItem(it, "account")->valuestring;
		const char *key = cJSON_GetObjectItem(it, "key")->valuestring;
		const char *method = cJSON_GetObjectItem(it, "method")->valuestring;
		const char *url = cJSON_GetObjectItem(it, "url")->valuestring;
		cJSON *hs = cJSON_GetObjectItem(it, "headers"), *hv;
		struct lw_az_hdr h[32];
		size_t nh = 0;
		const char *want = NULL;
		char sig[64], got[200];
		struct lw_err err;
		char *sts;
		cJSON_ArrayForEach(hv, hs) {
			if (!strcasecmp(hv->string, "authorization")) {
				want = hv->valuestring;
				continue;
			}
			if (nh < 32)
				h[nh++] = (struct lw_az_hdr){hv->string,
							     hv->valuestring};
		}
		assert_non_null(want);
		sts = sts_of(method, acct, url, h, nh);
		assert_int_equal(lw_az_hmac_b64(key, sts, strlen(sts), sig,
						sizeof(sig), &err), LW_OK);
		snprintf(got, sizeof(got), "SharedKey %s:%s", acct, sig);
		if (strcmp(got, want))
			fprintf(stderr, "url %s\nsts:\n%s\n", url, sts);
		assert_string_equal(got, want);
		free(sts);
		n++;
	}
	assert_true(n >= 8);
	cJSON_Delete(arr);
	free(out);
}

static void test_conn_string(void **state)
{
	struct lw_az_conn c;
	struct lw_err err;
	const char *key = "c2VjcmV0IGtleSBvZiB0aGlydHktdHdvIGJ5dGVzIQ==";
	char *s = lw_xasprintf("DefaultEndpointsProtocol=https; AccountName="
			       "acme;AccountKey=%s;EndpointSuffix=core."
			       "chinacloudapi.cn;QueueEndpoint=x", key);
	char msg[300];
	(void)state;
	assert_int_equal(lw_az_conn_parse(s, &c, &err), LW_OK);
	assert_string_equal(c.account, "acme");
	assert_string_equal(c.key, key);
	assert_null(c.sas);
	assert_string_equal(c.endpoint,
			    "https://acme.blob.core.chinacloudapi.cn");
	lw_az_conn_free(&c);
	/* the key is now a secret */
	snprintf(msg, sizeof(msg), "oops %s", key);
	lw_redact(msg);
	assert_null(strstr(msg, "c2VjcmV0"));
	free(s);

	assert_int_equal(lw_az_conn_parse("UseDevelopmentStorage=true", &c,
					  &err), LW_OK);
	assert_string_equal(c.account, LW_AZ_DEV_ACCOUNT);
	assert_string_equal(c.key, LW_AZ_DEV_KEY);
	assert_string_equal(c.endpoint, LW_AZ_DEV_ENDPOINT);
	lw_az_conn_free(&c);

	assert_int_equal(lw_az_conn_parse("BlobEndpoint=http://127.0.0.1:9/"
		"devstoreaccount1/;SharedAccessSignature=sv=2021-12-02&ss=b&"
		"sig=AbCdEfGh%2Bxyz%3D", &c, &err), LW_OK);
	assert_null(c.account);
	assert_null(c.key);
	assert_string_equal(c.sas, "sv=2021-12-02&ss=b&sig=AbCdEfGh%2Bxyz%3D");
	assert_string_equal(c.endpoint, "http://127.0.0.1:9/devstoreaccount1");
	lw_az_conn_free(&c);
	snprintf(msg, sizeof(msg), "GET x?sig=AbCdEfGh%%2Bxyz%%3D and "
		 "AbCdEfGh+xyz=");
	lw_redact(msg);
	assert_null(strstr(msg, "AbCdEfGh"));
}

static void test_conn_string_errors(void **state)
{
	static const struct { const char *in, *says; } bad[] = {
		{"", "empty"},
		{"AccountName=a", "neither AccountKey"},
		{"AccountKey=Zm9vYmFy", "no AccountName"},
		{"AccountName=a;AccountKey=@@not-base64@@", "base64"},
		{"AccountName=a;AccountKey=Zm9v;garbage", "no '='"},
		{"AccountName=a;AccountKey=Zm9v;BlobEndpoint=ftp://x",
		 "http:// or https://"},
		{"DefaultEndpointsProtocol=gopher;AccountName=a;AccountKey=Zm9v",
		 "http or https"},
		{"BlobEndpoint=https://x;SharedAccessSignature=sv=1&se=2",
		 "no sig="},
		{"UseDevelopmentStorage=maybe", "true or false"},
		{"=x;AccountName=a", "empty key"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lw_az_conn c;
		struct lw_err err;
		lw_err_clear(&err);
		assert_int_equal(lw_az_conn_parse(bad[i].in, &c, &err),
				 LW_ECONFIG);
		if (!strstr(err.msg, bad[i].says))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].in,
				 err.msg, bad[i].says);
		assert_null(c.account);
		assert_null(strstr(err.msg, "not-base64"));
	}
}

static void test_sas(void **state)
{
	char *t = NULL;
	struct lw_err err;
	char msg[256];
	(void)state;
	assert_int_equal(lw_az_sas_clean("  ?sv=2021-12-02&sp=rl&sig=Zz9Yy8"
					 "Xx7Ww6%2F%3D\n", &t, &err), LW_OK);
	assert_string_equal(t, "sv=2021-12-02&sp=rl&sig=Zz9Yy8Xx7Ww6%2F%3D");
	free(t);
	snprintf(msg, sizeof(msg), "failed: http://h/c/b?sv=2021-12-02&sp=rl"
		 "&sig=Zz9Yy8Xx7Ww6%%2F%%3D and Zz9Yy8Xx7Ww6/=");
	lw_redact(msg);
	assert_null(strstr(msg, "Zz9Yy8"));
	assert_int_equal(lw_az_sas_clean("sv=1&se=2", &t, &err), LW_ECONFIG);
	assert_null(t);
	assert_int_equal(lw_az_sas_clean("sv=1&xsig=abc", &t, &err),
			 LW_ECONFIG);
	assert_int_equal(lw_az_sas_clean("sv=1 &sig=abcdefgh", &t, &err),
			 LW_ECONFIG);
}

/* The helpers that keep secrets out of messages about URLs. */
static void test_url_where(void **state)
{
	char *w;
	(void)state;
	w = lw_http_url_where("https://user:pw@acct.blob.core.windows.net/c/"
			      "a.csv?sv=1&sig=SECRETSECRET#frag");
	assert_string_equal(w, "acct.blob.core.windows.net/c/a.csv");
	free(w);
	w = lw_http_escape("dir one/ä+b.csv", true);
	assert_string_equal(w, "dir%20one/%C3%A4%2Bb.csv");
	free(w);
	w = lw_http_escape("a/b", false);
	assert_string_equal(w, "a%2Fb");
	free(w);
	assert_int_equal(lw_http_retry_after("7", 0), 7);
	assert_int_equal(lw_http_retry_after("Fri, 27 Nov 2026 08:00:10 GMT",
					     1795766400), 10);
	assert_int_equal(lw_http_retry_after("soon", 0), -1);
	assert_int_equal(lw_http_retry_after(NULL, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_canonical_resource_doc),
		cmocka_unit_test(test_string_to_sign_doc),
		cmocka_unit_test(test_sdk_vectors),
		cmocka_unit_test(test_conn_string),
		cmocka_unit_test(test_conn_string_errors),
		cmocka_unit_test(test_sas),
		cmocka_unit_test(test_url_where),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
