/* test_serve.c - the /metrics listener (serve/): addresses, the loopback
 * rule, paths and methods, content negotiation, readiness, basic auth
 * with bcrypt lines, TLS options, the request size limit. Each listener
 * starts on 127.0.0.1:0 and is asked through libcurl. */
#include <crypt.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <zlib.h>
#include "unit.h"
#include "lakewatch/http.h"
#include "lakewatch/serve.h"
#include "lakewatch/util.h"
#include "../../serve/serve_int.h"

struct reply {
	long code;
	char body[4096];
	size_t len;
	char ctype[256];
	char allow[64];
	char www[128];
	char cenc[64];
	char vary[64];
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct reply *r = ud;
	size_t k = sz * n, room = sizeof r->body - 1 - r->len;
	memcpy(r->body + r->len, p, k < room ? k : room);
	r->len += k < room ? k : room;
	r->body[r->len] = '\0';
	return k;
}

static void header_value(const char *line, size_t n, const char *name,
			 char *dst, size_t dn)
{
	size_t l = strlen(name);
	if (n <= l || strncasecmp(line, name, l) != 0)
		return;
	size_t v = n - l;
	while (v && (line[l + v - 1] == '\r' || line[l + v - 1] == '\n'))
		v--;
	snprintf(dst, dn, "%.*s", (int)v, line + l);
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	struct reply *r = ud;
	header_value(p, sz * n, "content-type: ", r->ctype, sizeof r->ctype);
	header_value(p, sz * n, "allow: ", r->allow, sizeof r->allow);
	header_value(p, sz * n, "www-authenticate: ", r->www, sizeof r->www);
	header_value(p, sz * n, "content-encoding: ", r->cenc, sizeof r->cenc);
	header_value(p, sz * n, "vary: ", r->vary, sizeof r->vary);
	return sz * n;
}

/* method NULL: GET. extra: request headers ('\n' between), or NULL. */
static struct reply ask(int port, const char *method, const char *path,
			const char *extra, const char *userpwd)
{
	struct reply r = {0};
	char url[256];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	/* extra may hold several headers, one a line */
	for (const char *e = extra; e && *e;) {
		const char *nl = strchr(e, '\n');
		size_t k = nl ? (size_t)(nl - e) : strlen(e);
		char *one = lw_xasprintf("%.*s", (int)k, e);
		h = curl_slist_append(h, one);
		free(one);
		e = nl ? nl + 1 : e + k;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	if (h)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (method && strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (userpwd)
		curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return r;
}

static struct lw_serve *start(const struct lw_listen_opts *o)
{
	struct lw_serve *s = NULL;
	struct lw_err err;
	lw_err_clear(&err);
	int rc = lw_serve_start(o, &s, &err);
	if (rc)
		fail_msg("lw_serve_start: %s", err.msg);
	assert_true(lw_serve_port(s) > 0);
	return s;
}

static void addresses(void **state)
{
	(void)state;
	struct sockaddr_storage ss;
	socklen_t len;
	bool lo;
	struct lw_err err;
	assert_int_equal(lw_listen_parse("127.0.0.1:9464", &ss, &len, &lo, &err), 0);
	assert_true(lo);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 9464);
	assert_int_equal(lw_listen_parse("127.1.2.3:1", &ss, &len, &lo, &err), 0);
	assert_true(lo);
	assert_int_equal(lw_listen_parse("[::1]:9464", &ss, &len, &lo, &err), 0);
	assert_true(lo);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(lw_listen_parse("localhost:0", &ss, &len, &lo, &err), 0);
	assert_true(lo);
	assert_int_equal(lw_listen_parse(":9464", &ss, &len, &lo, &err), 0);
	assert_false(lo);
	assert_int_equal(lw_listen_parse("0.0.0.0:9464", &ss, &len, &lo, &err), 0);
	assert_false(lo);
	assert_int_equal(lw_listen_parse("[::]:9464", &ss, &len, &lo, &err), 0);
	assert_false(lo);
	assert_int_equal(lw_listen_parse("10.1.2.3:80", &ss, &len, &lo, &err), 0);
	assert_false(lo);
	assert_int_equal(lw_listen_parse("127.0.0.1", &ss, &len, &lo, &err),
			 LW_ECONFIG);
	assert_non_null(strstr(err.msg, "expected HOST:PORT"));
	assert_int_equal(lw_listen_parse("127.0.0.1:70000", &ss, &len, &lo,
					 &err), LW_ECONFIG);
	assert_non_null(strstr(err.msg, "bad port '70000'"));
	assert_int_equal(lw_listen_parse("127.0.0.1:", &ss, &len, &lo, &err),
			 LW_ECONFIG);
	assert_int_equal(lw_listen_parse("example.org:80", &ss, &len, &lo,
					 &err), LW_ECONFIG);
	assert_non_null(strstr(err.msg, "not a numeric address"));
	assert_int_equal(lw_listen_parse("[zz]:80", &ss, &len, &lo, &err),
			 LW_ECONFIG);
}

static void paths_methods_negotiation(void **state)
{
	(void)state;
	struct lw_listen_opts o = {.addr = "127.0.0.1:0"};
	struct lw_serve *s = start(&o);
	int port = lw_serve_port(s);
	struct reply r = ask(port, NULL, "/healthz", NULL, NULL);
	assert_int_equal(r.code, 200);
	assert_int_equal(ask(port, NULL, "/readyz", NULL, NULL).code, 503);
	assert_int_equal(ask(port, NULL, "/metrics", NULL, NULL).code, 503);
	struct lw_err err;
	const char prom[] = "a 1\n", om[] = "a 1\n# EOF\n";
	assert_int_equal(lw_serve_publish(s, prom, strlen(prom), om, strlen(om),
					  &err), 0);
	lw_serve_set_ready(s, true);
	assert_int_equal(ask(port, NULL, "/readyz", NULL, NULL).code, 200);
	r = ask(port, NULL, "/metrics", NULL, NULL);
	assert_int_equal(r.code, 200);
	assert_string_equal(r.body, prom);
	assert_string_equal(r.ctype, "text/plain; version=0.0.4; charset=utf-8");
	r = ask(port, NULL, "/metrics", "Accept: application/openmetrics-text;"
		"version=1.0.0,text/plain;version=0.0.4;q=0.5", NULL);
	assert_int_equal(r.code, 200);
	assert_string_equal(r.body, om);
	assert_string_equal(r.ctype, "application/openmetrics-text; "
			    "version=1.0.0; charset=utf-8");
	r = ask(port, NULL, "/metrics", "Accept: text/plain", NULL);
	assert_string_equal(r.body, prom);
	r = ask(port, "HEAD", "/metrics", NULL, NULL);
	assert_int_equal(r.code, 200);
	assert_int_equal(r.len, 0);
	assert_int_equal(ask(port, NULL, "/", NULL, NULL).code, 404);
	assert_int_equal(ask(port, NULL, "/metrics/x", NULL, NULL).code, 404);
	assert_int_equal(ask(port, "POST", "/nope", NULL, NULL).code, 404);
	r = ask(port, "POST", "/metrics", NULL, NULL);
	assert_int_equal(r.code, 405);
	assert_string_equal(r.allow, "GET, HEAD");
	assert_int_equal(ask(port, "PUT", "/healthz", NULL, NULL).code, 405);
	assert_int_equal(ask(port, "DELETE", "/readyz", NULL, NULL).code, 405);
	/* a newer publication replaces the old one whole */
	assert_int_equal(lw_serve_publish(s, "b 2\n", 4, "b 2\n# EOF\n", 10,
					  &err), 0);
	assert_string_equal(ask(port, NULL, "/metrics", NULL, NULL).body, "b 2\n");
	lw_serve_stop(s);
}

/* A request whose headers pass the per-connection memory limit is not
 * served. */
static void request_size_limit(void **state)
{
	(void)state;
	struct lw_listen_opts o = {.addr = "127.0.0.1:0"};
	struct lw_serve *s = start(&o);
	size_t n = 64 * 1024;
	char *big = lw_xmalloc(n + 16);
	memcpy(big, "X-Big: ", 7);
	memset(big + 7, 'a', n);
	big[n + 7] = '\0';
	struct reply r = ask(lw_serve_port(s), NULL, "/healthz", big, NULL);
	assert_true(r.code != 200);
	free(big);
	/* and the listener still answers the next one */
	assert_int_equal(ask(lw_serve_port(s), NULL, "/healthz", NULL, NULL).code,
			 200);
	lw_serve_stop(s);
}

/* A connection that sends half a request and then nothing is closed
 * after the idle timeout (a slow client cannot hold one of the 64
 * connections for ever); the listener answers the next client. */
static void idle_timeout(void **state)
{
	(void)state;
	struct lw_listen_opts o = {.addr = "127.0.0.1:0", .idle_timeout_s = 1};
	struct lw_serve *s = start(&o);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)lw_serve_port(s)),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	const char *half = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
	assert_true(write(fd, half, strlen(half)) > 0);
	struct timeval tv = {6, 0};	/* the test's own bound */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	int64_t t0 = lw_http_now_ms();
	char buf[256];
	ssize_t n = read(fd, buf, sizeof buf);
	int64_t took = lw_http_now_ms() - t0;
	assert_true(n <= 0);		/* closed (or reset), never answered */
	assert_true(took >= 500 && took < 4000);
	close(fd);
	assert_int_equal(ask(lw_serve_port(s), NULL, "/healthz", NULL, NULL).code,
			 200);
	lw_serve_stop(s);
}

/* A scraper's connection is kept between requests (Prometheus reuses
 * it): the second GET on one handle opens no new connection. */
static void keep_alive(void **state)
{
	(void)state;
	struct lw_listen_opts o = {.addr = "127.0.0.1:0"};
	struct lw_serve *s = start(&o);
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/healthz", lw_serve_port(s));
	CURL *c = curl_easy_init();
	struct reply r = {0};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	long code = 0, connects = -1;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(curl_easy_perform(c), CURLE_OK);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		assert_int_equal(code, 200);
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
		assert_int_equal(connects, i == 0 ? 1 : 0);
	}
	curl_easy_cleanup(c);
	lw_serve_stop(s);
}

/* [::1] is loopback too, served over IPv6. */
static void ipv6_loopback(void **state)
{
	(void)state;
	struct lw_listen_opts o = {.addr = "[::1]:0"};
	struct lw_serve *s = start(&o);
	char url[128];
	long code = 0;
	snprintf(url, sizeof url, "http://[::1]:%d/healthz", lw_serve_port(s));
	CURL *c = curl_easy_init();
	struct reply r = {0};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	assert_int_equal(code, 200);
	assert_string_equal(r.body, "ok\n");
	lw_serve_stop(s);
}

static void loopback_rule(void **state)
{
	(void)state;
	struct lw_listen_opts o = {.addr = "0.0.0.0:0"};
	struct lw_serve *s = NULL;
	struct lw_err err;
	assert_int_equal(lw_serve_start(&o, &s, &err), LW_ECONFIG);
	assert_null(s);
	assert_non_null(strstr(err.msg, "--listen 0.0.0.0:0: refusing a "
			       "non-loopback address"));
	assert_non_null(strstr(err.msg, "--insecure-listen"));
	o.insecure = true;
	s = start(&o);
	assert_int_equal(ask(lw_serve_port(s), NULL, "/healthz", NULL, NULL).code,
			 200);
	lw_serve_stop(s);
	o = (struct lw_listen_opts){.addr = "127.0.0.1:0", .tls_cert = "x.pem"};
	assert_int_equal(lw_serve_start(&o, &s, &err), LW_ECONFIG);
	assert_non_null(strstr(err.msg, "give both or neither"));
	o = (struct lw_listen_opts){.addr = "127.0.0.1:0",
		.tls_cert = "/nonexistent/c.pem", .tls_key = "/nonexistent/k.pem"};
	assert_int_equal(lw_serve_start(&o, &s, &err), LW_ECONFIG);
	assert_non_null(strstr(err.msg, "--tls-cert"));
}

static char *write_file(const char *text)
{
	char *p = lw_xasprintf("/tmp/lw_serve_XXXXXX");
	int fd = mkstemp(p);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return p;
}

static char *bcrypt_of(const char *pass)
{
	char salt[64];
	assert_non_null(crypt_gensalt_rn("$2b$", 4, NULL, 0, salt, sizeof salt));
	struct crypt_data cd;
	memset(&cd, 0, sizeof cd);
	const char *h = crypt_r(pass, salt, &cd);
	assert_non_null(h);
	return lw_xstrdup(h);
}

static void basic_auth(void **state)
{
	(void)state;
	char *ha = bcrypt_of("pw-alice"), *hb = bcrypt_of("pw-bob");
	char *text = lw_xasprintf("# users\n\nalice:%s\r\nbob:%s\n", ha, hb);
	char *path = write_file(text);
	struct lw_listen_opts o = {.addr = "0.0.0.0:0", .auth_file = path};
	struct lw_serve *s = start(&o);	/* auth: beyond loopback allowed */
	int port = lw_serve_port(s);
	struct reply r = ask(port, NULL, "/healthz", NULL, NULL);
	assert_int_equal(r.code, 401);
	assert_non_null(strstr(r.www, "Basic"));
	assert_int_equal(ask(port, NULL, "/healthz", NULL, "alice:nope").code, 401);
	assert_int_equal(ask(port, NULL, "/healthz", NULL, "eve:pw-alice").code, 401);
	assert_int_equal(ask(port, NULL, "/healthz", NULL, "bob:pw-alice").code, 401);
	assert_int_equal(ask(port, NULL, "/healthz", NULL, "alice:pw-alice").code, 200);
	/* remembered, still checked: a right one again, a wrong one after */
	assert_int_equal(ask(port, NULL, "/healthz", NULL, "alice:pw-alice").code, 200);
	assert_int_equal(ask(port, NULL, "/healthz", NULL, "alice:pw-alicE").code, 401);
	assert_int_equal(ask(port, NULL, "/nope", NULL, "bob:pw-bob").code, 404);
	lw_serve_stop(s);
	unlink(path);
	free(path);
	free(text);
	free(ha);
	free(hb);
}

static void auth_file_errors(void **state)
{
	(void)state;
	struct lw_auth *a = NULL;
	struct lw_err err;
	char *p = write_file("alice:$apr1$abc$def\n");
	assert_int_equal(lw_auth_load(p, &a, &err), LW_ECONFIG);
	assert_null(a);
	char *want = lw_xasprintf("%s:1: user 'alice': not a bcrypt hash", p);
	assert_non_null(strstr(err.msg, want));
	unlink(p);
	free(p);
	free(want);
	p = write_file("# nobody\n");
	assert_int_equal(lw_auth_load(p, &a, &err), LW_ECONFIG);
	assert_non_null(strstr(err.msg, "no users"));
	unlink(p);
	free(p);
	p = write_file("no colon here\n");
	assert_int_equal(lw_auth_load(p, &a, &err), LW_ECONFIG);
	assert_non_null(strstr(err.msg, ":1: expected user:hash"));
	unlink(p);
	free(p);
	assert_int_equal(lw_auth_load("/nonexistent/htpasswd", &a, &err),
			 LW_ECONFIG);
	assert_non_null(strstr(err.msg, "--auth-file"));
}

/* A gzip body (raw, as the listener sent it) inflated into out; its
 * length, or -1 when it is not one whole gzip stream. */
static long gunzip(const struct reply *r, char *out, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 31), Z_OK);
	z.next_in = (Bytef *)r->body;
	z.avail_in = (uInt)r->len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	int zr = inflate(&z, Z_FINISH);
	long n = zr == Z_STREAM_END ? (long)z.total_out : -1;
	inflateEnd(&z);
	return n;
}

/* Text of n bytes, exposition-like (compresses well); the caller's. */
static char *fake_exposition(size_t n, const char *tail)
{
	size_t t = strlen(tail);
	char *p = lw_xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		p[i] = i % 40 == 39 ? '\n' :
		       "lakewatch_dataset_status{ds=\"x\"} 1 "[i % 35];
	memcpy(p + n - t, tail, t);
	p[n] = '\0';
	return p;
}

static const char CT_PROM_WANT[] = "text/plain; version=0.0.4; charset=utf-8";

/* Accept-Encoding chooses gzip or plain; Accept still chooses the format;
 * the gzip body inflates to exactly the published text. */
static void gzip_answers(void **state)
{
	(void)state;
	struct lw_listen_opts o = {.addr = "127.0.0.1:0"};
	struct lw_serve *s = start(&o);
	int port = lw_serve_port(s);
	size_t n = 30000;
	char *prom = fake_exposition(n, "a 1\n"), *om = fake_exposition(n,
		"a 1\n# EOF\n");
	struct lw_err err;
	lw_err_clear(&err);
	assert_int_equal(lw_serve_publish(s, prom, n, om, n, &err), 0);
	static char out[65536];
	struct reply r = ask(port, NULL, "/metrics", "Accept-Encoding: gzip",
			     NULL);
	assert_int_equal(r.code, 200);
	assert_string_equal(r.cenc, "gzip");
	assert_string_equal(r.vary, "Accept-Encoding");
	assert_string_equal(r.ctype, CT_PROM_WANT);
	assert_true(r.len < n / 4);	/* it is compressed */
	assert_int_equal(gunzip(&r, out, sizeof out), (long)n);
	assert_memory_equal(out, prom, n);
	r = ask(port, NULL, "/metrics", "Accept: application/openmetrics-text\n"
		"Accept-Encoding: deflate, gzip;q=0.5", NULL);
	assert_string_equal(r.cenc, "gzip");
	assert_int_equal(gunzip(&r, out, sizeof out), (long)n);
	assert_memory_equal(out, om, n);
	/* HEAD: the same headers, no body */
	r = ask(port, "HEAD", "/metrics", "Accept-Encoding: gzip", NULL);
	assert_int_equal(r.code, 200);
	assert_string_equal(r.cenc, "gzip");
	assert_string_equal(r.vary, "Accept-Encoding");
	assert_int_equal(r.len, 0);
	/* plain: no header, refused, or another coding only */
	const char *plain[] = {NULL, "Accept-Encoding: gzip;q=0",
		"Accept-Encoding: gzip; q=0.000, *", "Accept-Encoding: br",
		"Accept-Encoding: identity"};
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
		r = ask(port, NULL, "/metrics", plain[i], NULL);
		assert_int_equal(r.code, 200);
		assert_string_equal(r.cenc, "");
		assert_string_equal(r.vary, "Accept-Encoding");
		assert_int_equal(r.len, sizeof r.body - 1 < n ?
				 sizeof r.body - 1 : n);
		assert_memory_equal(r.body, prom, r.len);
	}
	lw_serve_stop(s);
	free(prom);
	free(om);
}

static void accept_encoding_parse(void **state)
{
	(void)state;
	assert_false(lw_accepts_gzip(NULL));
	assert_false(lw_accepts_gzip(""));
	assert_true(lw_accepts_gzip("gzip"));
	assert_true(lw_accepts_gzip("GZIP"));
	assert_true(lw_accepts_gzip("x-gzip"));
	assert_true(lw_accepts_gzip("deflate, gzip"));
	assert_true(lw_accepts_gzip("gzip;q=1.0, identity; q=0.5, *;q=0"));
	assert_true(lw_accepts_gzip(" gzip ; q=0.001"));
	assert_true(lw_accepts_gzip("*"));
	assert_true(lw_accepts_gzip("br;q=1, *;q=0.1"));
	assert_false(lw_accepts_gzip("gzip;q=0"));
	assert_false(lw_accepts_gzip("gzip;Q=0.0"));
	assert_false(lw_accepts_gzip("gzip ; q = 0.000"));
	assert_false(lw_accepts_gzip("gzip;q=0, *"));	/* named wins */
	assert_false(lw_accepts_gzip("*;q=0"));
	assert_false(lw_accepts_gzip("identity"));
	assert_false(lw_accepts_gzip("gzipx, xgzip"));
	assert_false(lw_accepts_gzip("deflate;q=0.5, br"));
}

/* A failed compression still publishes the plain text, and says why. */
static void gzip_failure(void **state)
{
	(void)state;
	struct lw_listen_opts o = {.addr = "127.0.0.1:0"};
	struct lw_serve *s = start(&o);
	int port = lw_serve_port(s);
	struct lw_err err;
	lw_err_clear(&err);
	setenv("LAKEWATCH_GZIP_FAIL", "1", 1);
	int rc = lw_serve_publish(s, "a 1\n", 4, "a 1\n# EOF\n", 10, &err);
	unsetenv("LAKEWATCH_GZIP_FAIL");
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(err.msg, "gzip: deflateInit2"));
	assert_non_null(strstr(err.msg, "serving plain text only"));
	struct reply r = ask(port, NULL, "/metrics", "Accept-Encoding: gzip",
			     NULL);
	assert_int_equal(r.code, 200);
	assert_string_equal(r.cenc, "");
	assert_string_equal(r.body, "a 1\n");
	/* the next publication compresses again */
	assert_int_equal(lw_serve_publish(s, "b 2\n", 4, "b 2\n# EOF\n", 10,
					  &err), 0);
	r = ask(port, NULL, "/metrics", "Accept-Encoding: gzip", NULL);
	assert_string_equal(r.cenc, "gzip");
	lw_serve_stop(s);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addresses),
		cmocka_unit_test(paths_methods_negotiation),
		cmocka_unit_test(request_size_limit),
		cmocka_unit_test(idle_timeout),
		cmocka_unit_test(keep_alive),
		cmocka_unit_test(ipv6_loopback),
		cmocka_unit_test(loopback_rule),
		cmocka_unit_test(basic_auth),
		cmocka_unit_test(auth_file_errors),
		cmocka_unit_test(gzip_answers),
		cmocka_unit_test(accept_encoding_parse),
		cmocka_unit_test(gzip_failure),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
