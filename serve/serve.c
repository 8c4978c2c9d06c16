/* serve.c - the HTTP listener of `lakewatch watch` on libmicrohttpd:
 * /metrics (Prometheus text or OpenMetrics, by the Accept header),
 * /healthz and /readyz. See serve.h.
 *
 * A scrape never renders nor copies: each publication builds its MHD
 * responses once (plain text of both formats, and their gzip copies made on
 * the poll thread), and a scrape queues one of them under a mutex held only
 * for that (MHD counts the connections sending a response, so an old
 * publication is freed when its last scrape is done). Limits: connections,
 * their memory (which bounds the request line and headers), and an idle
 * timeout.
 */
#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include <zlib.h>
#include "lakewatch/serve.h"
#include "lakewatch/util.h"
#include "serve_int.h"

#define CONN_LIMIT 64		/* connections at once */
#define CONN_MEMORY (32 * 1024)	/* per connection: request line + headers */
#define CONN_TIMEOUT 10		/* seconds a connection may idle */
#define PEM_MAX (1024 * 1024)
/* zlib level of the gzip copies: 1 compresses a 16 MB exposition about as
 * small as 6 does (it is very repetitive), in a fraction of the time; see
 * bench/README.md "serve_gzip". */
#define GZIP_LEVEL 1

static const char CT_PROM[] = "text/plain; version=0.0.4; charset=utf-8";
static const char CT_OM[] =
	"application/openmetrics-text; version=1.0.0; charset=utf-8";

struct lw_serve {
	struct MHD_Daemon *d;
	struct lw_auth *auth;		/* owned, NULL: no basic auth */
	char *cert, *key;		/* owned PEM text, NULL without TLS */
	pthread_mutex_t mu;		/* guards pub */
	struct MHD_Response *pub[4];	/* owned refs, indexed by pub_index();
					 * NULL until published, and the gzip
					 * ones when compression failed */
	atomic_bool ready;
};

/* Queue a fixed text answer (copied by MHD). */
static enum MHD_Result answer(struct MHD_Connection *c, unsigned code,
			      const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result rc = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return rc;
}

/* Whether the request carries a user and password of the auth file. */
static bool authorised(struct lw_serve *s, struct MHD_Connection *c)
{
	if (!s->auth)
		return true;
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(c, &pass);
	bool ok = user && pass && lw_auth_check(s->auth, user, pass);
	if (pass) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return ok;
}

/* pub[] slots: the format, plus 2 for the gzip copy. */
static int pub_index(bool om, bool gz)
{
	return (om ? 1 : 0) + (gz ? 2 : 0);
}

static enum MHD_Result metrics(struct lw_serve *s, struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_ACCEPT);
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_ACCEPT_ENCODING);
	bool om = accept && strstr(accept, "application/openmetrics-text");
	bool gz = lw_accepts_gzip(ae);
	enum MHD_Result rc = MHD_NO;
	pthread_mutex_lock(&s->mu);
	struct MHD_Response *r = s->pub[pub_index(om, gz)];
	if (!r)		/* not published, or its gzip copy failed */
		r = s->pub[pub_index(om, false)];
	if (r)		/* MHD takes its own reference */
		rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	pthread_mutex_unlock(&s->mu);
	if (!r)
		return answer(c, MHD_HTTP_SERVICE_UNAVAILABLE,
			      "no metrics published yet\n");
	return rc;
}

/* MHD's access handler: auth, then the path, then the method. A request
 * body (none is expected) is never read: anything but GET or HEAD is
 * answered at the first call, and its connection closed. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct lw_serve *s = cls;
	static int seen;
	(void)version; (void)upload; (void)upload_size;
	bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
		   strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	/* A GET is answered on the second call, once MHD has the whole
	 * request: an answer on the first (headers only) makes MHD close
	 * the connection, and a scraper would reconnect every time. */
	if (get && !*con_cls) {
		*con_cls = &seen;
		return MHD_YES;
	}
	if (!authorised(s, c)) {
		struct MHD_Response *r = MHD_create_response_from_buffer(
			13, (void *)"unauthorised\n", MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		enum MHD_Result rc = MHD_queue_basic_auth_fail_response(c,
			"lakewatch", r);
		MHD_destroy_response(r);
		return rc;
	}
	bool is_metrics = strcmp(url, "/metrics") == 0;
	bool is_health = strcmp(url, "/healthz") == 0;
	bool is_ready = strcmp(url, "/readyz") == 0;
	if (!is_metrics && !is_health && !is_ready)
		return answer(c, MHD_HTTP_NOT_FOUND,
			      "not found: try /metrics, /healthz or /readyz\n");
	if (!get)
		return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			      "method not allowed: GET or HEAD\n");
	if (is_health)
		return answer(c, MHD_HTTP_OK, "ok\n");
	if (is_ready)
		return atomic_load(&s->ready) ?
			answer(c, MHD_HTTP_OK, "ready\n") :
			answer(c, MHD_HTTP_SERVICE_UNAVAILABLE,
			       "not ready: no poll has completed yet\n");
	return metrics(s, c);
}

/* TLS, auth and the loopback rule, before anything is bound. */
static int load_security(struct lw_serve *s, const struct lw_listen_opts *o,
			 bool loopback, struct lw_err *err)
{
	size_t n;
	if (!o->tls_cert != !o->tls_key)
		return lw_err_set(err, LW_ECONFIG, "--tls-cert and --tls-key go "
				  "together: give both or neither");
	if (o->tls_cert) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
			return lw_err_set(err, LW_ECONFIG, "--tls-cert: this "
					  "libmicrohttpd has no TLS support");
		if (lw_read_file(o->tls_cert, PEM_MAX, &s->cert, &n, err))
			return lw_err_prefix(err, "--tls-cert"), LW_ECONFIG;
		if (lw_read_file(o->tls_key, PEM_MAX, &s->key, &n, err))
			return lw_err_prefix(err, "--tls-key"), LW_ECONFIG;
	}
	if (o->auth_file && lw_auth_load(o->auth_file, &s->auth, err))
		return LW_ECONFIG;
	if (!loopback && !s->cert && !s->auth && !o->insecure)
		return lw_err_set(err, LW_ECONFIG, "--listen %s: refusing a "
				  "non-loopback address without TLS "
				  "(--tls-cert/--tls-key) or basic auth "
				  "(--auth-file); --insecure-listen allows it",
				  o->addr);
	return LW_OK;
}

/* *out is the caller's (lw_serve_stop). */
int lw_serve_start(const struct lw_listen_opts *o, struct lw_serve **out,
		   struct lw_err *err)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	bool loopback;
	*out = NULL;
	assert(o && o->addr);
	if (lw_listen_parse(o->addr, &ss, &sl, &loopback, err))
		return LW_ECONFIG;
	struct lw_serve *s = lw_xcalloc(1, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
	atomic_init(&s->ready, false);
	if (load_security(s, o, loopback, err)) {
		lw_serve_stop(s);
		return LW_ECONFIG;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (s->cert)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem tls[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, s->key},
		{MHD_OPTION_END, 0, NULL},
	};
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(o->idle_timeout_s > 0 ?
			o->idle_timeout_s : CONN_TIMEOUT),
		MHD_OPTION_THREAD_POOL_SIZE, 2u,
		MHD_OPTION_ARRAY, s->cert ? tls : tls + 2,
		MHD_OPTION_END);
	if (!s->d) {
		lw_serve_stop(s);
		return lw_err_set(err, LW_ECONFIG, "--listen %s: cannot listen "
				  "there (address in use, not this host's, or "
				  "the TLS files are not a matching PEM "
				  "certificate and key)", o->addr);
	}
	*out = s;
	return LW_OK;
}

/* gzip (RFC 1952) of text[0..n) into a new buffer, the caller's (free);
 * NULL with err set when zlib fails. */
static char *gzip_text(const char *text, size_t n, size_t *out_len,
		       struct lw_err *err)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	int level = GZIP_LEVEL;
#ifdef LW_TESTING
	/* LAKEWATCH_GZIP_FAIL: a level zlib refuses, so the tests see a
	 * failed compression. A release build has no such knob. */
	if (getenv("LAKEWATCH_GZIP_FAIL"))
		level = 42;
#endif
	int zr = deflateInit2(&z, level, Z_DEFLATED, 31, 8,
			      Z_DEFAULT_STRATEGY);
	if (zr != Z_OK) {
		lw_err_set(err, LW_ENOMEM, "gzip: deflateInit2: %s (serving "
			   "plain text only)", zError(zr));
		return NULL;
	}
	uLong cap = deflateBound(&z, (uLong)n);
	char *out = lw_xmalloc(cap);
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	zr = deflate(&z, Z_FINISH);	/* one call: out holds deflateBound */
	*out_len = z.total_out;
	deflateEnd(&z);
	if (zr != Z_STREAM_END) {
		free(out);
		lw_err_set(err, LW_EIO, "gzip: deflate: %s (serving plain "
			   "text only)", zError(zr));
		return NULL;
	}
	return out;
}

/* A response owning buf (freed with it); NULL when MHD cannot make one. */
static struct MHD_Response *make_response(char *buf, size_t n,
					  const char *ctype, bool gz)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(n, buf,
		MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (gz)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
					"gzip");
	return r;
}

/* One format's plain and gzip responses into pub[]. The gzip one stays
 * NULL when compression fails (err says why): plain is still served. */
static int build(struct MHD_Response **pub, bool om, const char *text,
		 size_t n, struct lw_err *err)
{
	const char *ct = om ? CT_OM : CT_PROM;
	char *plain = lw_xmalloc(n + 1);
	memcpy(plain, text, n);
	pub[pub_index(om, false)] = make_response(plain, n, ct, false);
	if (!pub[pub_index(om, false)])
		return lw_err_set(err, LW_ENOMEM, "cannot make an HTTP "
				  "response of %zu bytes", n);
	if (n > UINT_MAX)	/* one deflate call takes a uInt */
		return lw_err_set(err, LW_ETOOBIG, "gzip: %zu bytes is more "
				  "than one deflate call takes (serving "
				  "plain text only)", n);
	size_t zn = 0;
	char *z = gzip_text(text, n, &zn, err);
	if (!z)
		return err->code;
	pub[pub_index(om, true)] = make_response(z, zn, ct, true);
	if (!pub[pub_index(om, true)])
		return lw_err_set(err, LW_ENOMEM, "gzip: cannot make an HTTP "
				  "response (serving plain text only)");
	return LW_OK;
}

/* Both texts are copied and compressed here, on the caller's (the poll)
 * thread; the old responses are released outside the lock (MHD frees each
 * once its last scrape is sent). An error still publishes what was built:
 * a failed gzip copy leaves plain text only, and err says why. */
int lw_serve_publish(struct lw_serve *s, const char *prom, size_t prom_len,
		     const char *om, size_t om_len, struct lw_err *err)
{
	assert(s && prom && om);
	struct MHD_Response *pub[4] = {0}, *old[4];
	int rc = build(pub, false, prom, prom_len, err);
	struct lw_err err2;
	lw_err_clear(&err2);
	int rc2 = build(pub, true, om, om_len, rc ? &err2 : err);
	if (!pub[pub_index(false, false)] || !pub[pub_index(true, false)]) {
		for (int i = 0; i < 4; i++)	/* keep the last whole one */
			if (pub[i])
				MHD_destroy_response(pub[i]);
		return rc ? rc : rc2;
	}
	pthread_mutex_lock(&s->mu);
	memcpy(old, s->pub, sizeof old);
	memcpy(s->pub, pub, sizeof pub);
	pthread_mutex_unlock(&s->mu);
	for (int i = 0; i < 4; i++)
		if (old[i])
			MHD_destroy_response(old[i]);
	return rc ? rc : rc2;
}

void lw_serve_set_ready(struct lw_serve *s, bool ready)
{
	atomic_store(&s->ready, ready);
}

int lw_serve_port(const struct lw_serve *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d,
		MHD_DAEMON_INFO_BIND_PORT);
	return i ? (int)i->port : -1;
}

void lw_serve_stop(struct lw_serve *s)
{
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d);
	lw_auth_free(s->auth);
	free(s->cert);
	if (s->key) {
		explicit_bzero(s->key, strlen(s->key));
		free(s->key);
	}
	for (int i = 0; i < 4; i++)
		if (s->pub[i])
			MHD_destroy_response(s->pub[i]);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
