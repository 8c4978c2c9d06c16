/* azure_int.h - the "azure" lake kind's internals, shared by its files
 * only: azure.c (config, open, close, the ops table), azure_cred.c (the
 * "auth" config), azure_req.c (names, URLs, signing, errors),
 * azure_walk.c (list), azure_from.c (list_from), azure_read.c (read, stream), azure_prefetch.c
 * (prefetch_tails) and azure_sizes.c (remembered blob sizes).
 * The public pieces (connection strings, signing, XML) are in azure.h.
 */
#ifndef LAKEWATCH_AZURE_INT_H
#define LAKEWATCH_AZURE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "lakewatch/azure.h"
#include "lakewatch/entra.h"
#include "lakewatch/http.h"
#include "lakewatch/lake.h"

enum auth { A_KEY, A_SAS, A_BEARER, A_ANON };

/* A prefetched tail of one file. */
struct tail {
	char *path;		/* owned, lake path */
	int64_t size;		/* blob size the listing gave */
	int64_t off;		/* where data starts in the blob */
	struct lw_buf data;
	int rc;			/* LW_OK: data valid */
	struct lw_err err;	/* rc != LW_OK: why (read() says so again
				 * rather than paying a second schedule) */
};

/* Remembered blob sizes (from listings), so a suffix read becomes an
 * absolute range: Get Blob has no suffix ranges. Open addressing. */
struct size_map {
	char **keys;
	int64_t *vals;
	size_t cap, n;
};

struct lw_lake {
	struct lw_lake_base base;
	char *account, *container, *endpoint, *root;	/* root: "" or "a/b" */
	enum auth auth;
	char *key, *sas;
	struct lw_entra *entra;
	struct lw_http *http;
	int64_t poll_timeout_ms;	/* the whole poll's; > 0 */
	int64_t poll_deadline;	/* lw_http_now_ms() when it ends; 0 = none
				 * started (lw_az_deadline starts one) */
	struct tail *tails;	/* sorted by path */
	size_t ntails;
	struct lw_az_listed *lists;	/* listings made ahead, not yet taken */
	size_t nlists;
	struct size_map sizes;
	int parallel;		/* requests in flight at most ("parallel") */
};

/* One request and what the lake needs around it. */
struct azreq {
	struct lw_http_req r;
	struct lw_lake *l;
	char range[80];		/* x-ms-range value, "" = none */
	struct lw_az_list *parser;	/* listing pages */
	/* stream(): */
	lw_chunk_cb cb;
	void *cbud;
	int64_t delivered, attempt_start;
	bool checked;		/* this attempt's status checked */
	bool own_err;		/* stream_err is the lake's, not the reader's */
	int64_t listed;		/* the blob's size by the listing, -1 */
	int64_t page_bytes;	/* this attempt's List Blobs page so far */
	char etag[160];
	struct lw_err stream_err;
	struct tail *t;		/* prefetch_tails() */
};

/* --- the lake's ops, for the table in azure.c --- */

/* azure_walk.c */
int lw_az_op_list(struct lw_lake *l, const char *prefix, lw_entry_cb cb,
		  void *ud, struct lw_err *err);
/* azure_from.c */
int lw_az_op_list_from(struct lw_lake *l, const char *dir, const char *after,
		       lw_entry_cb cb, void *ud, struct lw_err *err);
/* azure_read.c */
int lw_az_op_read(struct lw_lake *l, const char *path, int64_t off,
		  int64_t len, struct lw_buf *out, struct lw_err *err);
int lw_az_op_stream(struct lw_lake *l, const char *path, lw_chunk_cb cb,
		    void *ud, struct lw_err *err);
/* azure_prefetch.c */
int lw_az_op_prefetch(struct lw_lake *l, const struct lw_entry *e, size_t n,
		      int64_t tail, struct lw_err *err);

/* --- the "auth" config (azure_cred.c) --- */

/* Read "auth" (or the environment) into l: account, key, sas or entra.
 * Config errors go to cc. *conn_endpoint gets the connection string's
 * blob endpoint, owned by the caller, or stays NULL. */
int lw_az_open_auth(struct lw_lake *l, const cJSON *cfg,
		    struct lw_cfgctx *cc, const char *ca_bundle,
		    char **conn_endpoint);

/* --- names, URLs, requests, errors (azure_req.c) --- */

/* Drop the empty and "." segments of a '/'-separated path, in place.
 * Returns s. */
char *lw_az_norm_path(char *s);
/* Cut every leading and trailing char of chars off s, in place.
 * Returns s. */
char *lw_az_strip(char *s, const char *chars);
/* Full blob name of a lake path; caller frees. */
char *lw_az_blob_name(const struct lw_lake *l, const char *path);
/* URL of a blob, or of the container when name is NULL; query (may be
 * NULL) goes first, then the SAS. Caller frees. */
char *lw_az_url(const struct lw_lake *l, const char *name,
		const char *query);
/* When the poll must be over (lw_http_now_ms). */
int64_t lw_az_deadline(struct lw_lake *l);
/* The lake's begin_poll and gone ops. */
void lw_az_begin_poll(struct lw_lake *l);
bool lw_az_gone(struct lw_lake *l, char *msg, size_t n);
/* Put what gone() says into err when the lake is gone (returns true):
 * a request that failed because of it names the cause. */
bool lw_az_gone_err(struct lw_lake *l, struct lw_err *err);
/* Start q for l on url, which q then owns; signed per attempt.
 * lw_az_req_free frees what q owns (not q itself). */
void lw_az_req_init(struct azreq *q, struct lw_lake *l, char *url);
void lw_az_req_free(struct azreq *q);
/* Turn q's failed answer into an error a person can act on; what names
 * the operation ("Get Blob"). Returns the error code. */
int lw_az_explain(struct lw_lake *l, struct azreq *q, const char *what,
		  struct lw_err *err);

/* --- remembered blob sizes (azure_sizes.c) --- */

void lw_az_sizes_clear(struct size_map *m);
void lw_az_sizes_put(struct size_map *m, const char *k, int64_t v);
/* The size of blob k, or -1 when not known. */
int64_t lw_az_sizes_get(const struct size_map *m, const char *k);

/* --- listings (azure_walk.c, azure_lists.c) --- */

/* Set up q for one List Blobs page of blobs under bprefix (from marker,
 * NULL first; at most max; delim: with delimiter '/', so the folders
 * below come as prefixes), ready for lw_http_do or lw_http_add. */
void lw_az_page_start(struct lw_lake *l, struct azreq *q, const char *bprefix,
		      const char *marker, int max, bool delim);
/* What q's page came to, given the request's rc: LW_OK with the blobs in
 * q->parser, or the error, named as a listing's (err). */
int lw_az_page_end(struct lw_lake *l, struct azreq *q, int rc,
		   struct lw_err *err);
/* Called with each List Blobs page's blobs (owned by the page, valid
 * during the call); anything but LW_OK stops the walk and is returned. */
typedef int (*lw_az_page_cb)(void *ud, const struct lw_az_blob *b, size_t n);
/* Every page of blobs whose names start with bprefix, in order, following
 * NextMarker until the last page or deadline dl (a repeated marker, too
 * many pages or blobs are errors naming bprefix). */
int lw_az_walk_prefix(struct lw_lake *l, const char *bprefix, int64_t dl,
		      lw_az_page_cb cb, void *ud, struct lw_err *err);
/* The blob-name prefix a listing of blob name full walks ("" or
 * full + "/"). Caller frees. */
char *lw_az_list_prefix(const char *full);

/* A listing made ahead (prefetch_lists): every blob of every page, in
 * order, and how many; or the error the listing ended with. */
struct lw_az_listed {
	char *prefix;		/* owned: the lake path as given */
	struct lw_az_blob *b;	/* owned, names too */
	size_t n, cap;
	int64_t total;
	int rc;
	struct lw_err err;
};
/* The lake's prefetch_lists op. */
int lw_az_op_prefetch_lists(struct lw_lake *l, const char *const *prefixes,
			    size_t n, struct lw_err *err);
/* Owner: the caller (lw_az_listed_free). The listing of lake path prefix
 * made now, split at its folders (one delimiter listing, then each folder
 * listed side by side within "parallel"), the blobs in the order one
 * flat listing gives; NULL when it is not split (parallel 1, or it could
 * not be kept: list() walks it page after page). */
struct lw_az_listed *lw_az_lists_split(struct lw_lake *l, const char *prefix);
/* The listing of prefix made ahead, taken from l (the caller frees it
 * with lw_az_listed_free), or NULL. */
struct lw_az_listed *lw_az_lists_take(struct lw_lake *l, const char *prefix);
void lw_az_listed_free(struct lw_az_listed *c);
/* Drop every listing made ahead. */
void lw_az_lists_clear(struct lw_lake *l);

/* --- prefetched tails (azure_prefetch.c) --- */

void lw_az_tails_clear(struct lw_lake *l);
/* The prefetched tail of lake path path, owned by l, or NULL. */
struct tail *lw_az_tail_find(struct lw_lake *l, const char *path);

#endif
