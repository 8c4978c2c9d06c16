/* http_errors.c - naming what went wrong: LW_* codes for curl results
 * and HTTP statuses, and messages that say which host to look at. */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>

#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "http_int.h"

int lw_http_curl_rc(CURLcode c)
{
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT:
		return LW_ETIMEOUT;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_WRITE_ERROR:
		return LW_EIO;
	default:
		return LW_ENET;
	}
}

int lw_http_status_rc(long s)
{
	switch (s) {
	case 401: return LW_EAUTH;
	case 403: return LW_EPERM;
	case 404: return LW_ENOTFOUND;
	case 408: case 504: return LW_ETIMEOUT;
	default: return LW_EIO;
	}
}

/* Describe a transport failure naming the host, so a DNS or TLS problem
 * says where to look. */
void lw_http_curl_msg(struct lw_http_req *r, CURLcode c, char *buf,
		      size_t n)
{
	char *where = lw_http_url_where(r->url);
	char *slash = strchr(where, '/');
	if (slash)
		*slash = '\0';
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(buf, n, "cannot resolve host '%s' (DNS)", where);
		break;
	case CURLE_COULDNT_CONNECT:
		snprintf(buf, n, "cannot connect to '%s'", where);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
		snprintf(buf, n, "TLS with '%s' failed: %s (check the "
			 "certificate, or set \"ca_bundle\")", where,
			 curl_easy_strerror(c));
		break;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(buf, n, "no complete answer from '%s' in time", where);
		break;
	case CURLE_PARTIAL_FILE:
		snprintf(buf, n, "answer from '%s' was cut short", where);
		break;
	default:
		snprintf(buf, n, "%s (host '%s')", curl_easy_strerror(c), where);
	}
	free(where);
}

