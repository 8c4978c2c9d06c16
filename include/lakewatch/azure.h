/* azure.h - the pieces of the "azure" lake kind (lw_lake_azure in lake.h):
 * connection strings, Shared Key signing, SAS tokens (azure_auth.c) and
 * the List Blobs / error XML parsers (azure_list.c). Shared by azure.c,
 * the unit tests and the fuzzers.
 *
 * The lake talks to the Blob service API (List Blobs, Get Blob with a
 * range): it works on ADLS Gen2 accounts and on Azurite alike.
 */
#ifndef LAKEWATCH_AZURE_H
#define LAKEWATCH_AZURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "lakewatch/buf.h"
#include "lakewatch/err.h"

/* The API version sent with every request. */
#define LW_AZ_VERSION "2021-12-02"
/* Azurite's well-known development account. */
#define LW_AZ_DEV_ACCOUNT "devstoreaccount1"
#define LW_AZ_DEV_KEY "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu" \
	"Fq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
#define LW_AZ_DEV_ENDPOINT "http://127.0.0.1:10000/devstoreaccount1"

/* --- connection strings (azure_auth.c) --- */

/* "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;
 * EndpointSuffix=core.windows.net", "BlobEndpoint=...;SharedAccess
 * Signature=...", "UseDevelopmentStorage=true". Keys are matched without
 * regard to case; unknown keys (QueueEndpoint...) are ignored. */
struct lw_az_conn {
	char *account;		/* owned, may be NULL (SAS with endpoint) */
	char *key;		/* owned, base64 account key, may be NULL */
	char *sas;		/* owned, without a leading '?', may be NULL */
	char *endpoint;		/* owned: the blob endpoint, no trailing '/' */
};

/* Parse s into c (zeroed first). Every secret found is registered with
 * secret.h. Errors name the key and say what is wrong, never the value. */
int lw_az_conn_parse(const char *s, struct lw_az_conn *c, struct lw_err *err);
void lw_az_conn_free(struct lw_az_conn *c);

/* --- Shared Key (azure_auth.c) --- */

struct lw_az_hdr {
	const char *name;	/* as sent: "x-ms-date", "Content-Type" */
	const char *value;
};

/* The Blob service string-to-sign (API 2009-09-19 and later) for a
 * request: VERB, the eleven standard headers, canonicalized x-ms-*
 * headers, and the canonicalized resource "/account/path\nk:v...".
 * Appended to out. url is the full URL as sent. */
int lw_az_string_to_sign(const char *method, const char *account,
			 const char *url, const struct lw_az_hdr *h,
			 size_t nh, struct lw_buf *out, struct lw_err *err);
/* Base64(HMAC-SHA256(Base64Decode(key_b64), msg)) into sig (at least
 * 45 bytes). LW_ECONFIG when the key is not valid base64. */
int lw_az_hmac_b64(const char *key_b64, const char *msg, size_t len,
		   char *sig, size_t n, struct lw_err *err);
/* Base64 helpers; return the output length or -1 (bad input/room). */
int lw_az_b64_encode(const unsigned char *in, size_t n, char *out,
		     size_t room);
int lw_az_b64_decode(const char *in, unsigned char *out, size_t room);

/* A SAS token as users paste it ("?sv=...&sig=..." or "sv=..."), trimmed
 * and without the '?'. Checks it has a sig=; registers it and its
 * signature as secrets. Caller frees *out. */
int lw_az_sas_clean(const char *in, char **out, struct lw_err *err);

/* --- XML (azure_list.c) --- */

struct lw_az_blob {
	char *name;		/* owned: full blob name */
	int64_t size;
	int64_t mtime;		/* epoch seconds */
	uint64_t etag;		/* lw_hash64 of <Etag>, 0 when absent */
	bool is_dir;		/* ADLS Gen2 directory marker (hdi_isfolder,
				 * ResourceType directory): not a file */
};

struct lw_az_list;	/* a streaming List Blobs page parser */

/* Owner: caller (lw_az_list_free). */
struct lw_az_list *lw_az_list_new(void);
void lw_az_list_free(struct lw_az_list *p);
/* Forget the page so far (a retried request starts over). */
void lw_az_list_reset(struct lw_az_list *p);
/* Feed the next part of the page; final = no more data. Errors name what
 * is wrong and where (line). After an error, only reset/free. */
int lw_az_list_feed(struct lw_az_list *p, const char *data, size_t len,
		    bool final, struct lw_err *err);
/* The <BlobPrefix> names of a page listed with a delimiter (folders,
 * each ending with it), in order; owned by p. */
const char *const *lw_az_list_prefixes(const struct lw_az_list *p,
					size_t *n);
/* After the final feed: the page's blobs (owned by p) and the marker for
 * the next page (owned by p; NULL or "" when this was the last). */
const struct lw_az_blob *lw_az_list_blobs(const struct lw_az_list *p,
					  size_t *n);
const char *lw_az_list_next_marker(const struct lw_az_list *p);

/* The <Error><Code>..</Code><Message>..</Message></Error> of an error
 * answer. code and msg get "" when absent; msg keeps its first line. */
void lw_az_error_parse(const char *xml, size_t len, char *code, size_t cn,
		       char *msg, size_t mn);

#endif
