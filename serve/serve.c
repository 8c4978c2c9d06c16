/* serve.c - the HTTP listener of `lakewatch watch` on libmicrohttpd:
 * /metrics (Prometheus text or OpenMetrics, by the Accept header),
 * /healthz and /readyz. See serve.h.
 *
 * A scrape never renders: it copies the text the poll loop published last,
 * under a mutex held only for that copy. Limits: connections, their memory
 * (which bounds the request line and headers), and an idle timeout.
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include "lakewatch/serve.h"
#include "lakewatch/util.h"
#include "serve_int.h"

#define CONN_LIMIT 64		/* connections at once */
#define CONN_MEMORY (32 * 1024)	/* per connection: request line + headers */
#define CONN_TIMEOUT 10		/* seconds a connection may idle */
#define PEM_MAX (1024 * 1024)

static const char CT_PROM[] = "text/plain; version=0.0.4; charset=utf-8";
static const char CT_OM[] =
	"application/openmetrics-text; version=1.0.0; charset=utf-8";

struct lw_serve {
	struct MHD_Daemon *d;
	struct lw_auth *auth;		/* owned, NULL: no basic auth */
	char *cert, *key;		/* owned PEM text, NULL without TLS */
	pthread_mutex_t mu;		/* guards prom and om */
	char *prom, *om;		/* owned, NULL until published */
	size_t prom_len, om_len;
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

static enum MHD_Result metrics(struct lw_serve *s, struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_ACCEPT);
	bool om = accept && strstr(accept, "application/openmetrics-text");
	pthread_mutex_lock(&s->mu);
	const char *src = om ? s->om : s->prom;
	size_t n = om ? s->om_len : s->prom_len;
	char *copy = src ? lw_xmalloc(n + 1) : NULL;
	if (copy)
		memcpy(copy, src, n);
	pthread_mutex_unlock(&s->mu);
	if (!copy)
		return answer(c, MHD_HTTP_SERVICE_UNAVAILABLE,
			      "no metrics published yet\n");
	struct MHD_Response *r = MHD_create_response_from_buffer(n, copy,
		MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(copy);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				om ? CT_OM : CT_PROM);
	enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
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
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT,
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

static char *dup_text(const char *p, size_t n)
{
	char *d = lw_xmalloc(n + 1);
	memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

/* Both texts are copied; the old ones freed outside the lock. */
int lw_serve_publish(struct lw_serve *s, const char *prom, size_t prom_len,
		     const char *om, size_t om_len, struct lw_err *err)
{
	(void)err;
	assert(s && prom && om);
	char *p = dup_text(prom, prom_len), *m = dup_text(om, om_len);
	pthread_mutex_lock(&s->mu);
	char *oldp = s->prom, *oldm = s->om;
	s->prom = p;
	s->prom_len = prom_len;
	s->om = m;
	s->om_len = om_len;
	pthread_mutex_unlock(&s->mu);
	free(oldp);
	free(oldm);
	return LW_OK;
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
	free(s->prom);
	free(s->om);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
