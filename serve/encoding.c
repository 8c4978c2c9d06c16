/* encoding.c - whether a request's Accept-Encoding lets /metrics answer
 * gzip (RFC 9110 12.5.3): a list of codings, each with an optional
 * ";q=VALUE" weight, where q=0 means "not acceptable". See serve_int.h. */
#include <string.h>
#include <strings.h>
#include "serve_int.h"

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A weight's value is zero: "0", "0.", "0.0", "0.000". Anything else
 * (including a malformed one) counts as acceptable. */
static bool q_is_zero(const char *v, size_t n)
{
	if (n == 0 || v[0] != '0')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(i == 1 && v[i] == '.') && v[i] != '0')
			return false;
	return true;
}

/* One element "coding *( OWS ; OWS param )" of p[0..n): its coding name
 * (*name, *nlen) and whether its q refuses it. */
static void element(const char *p, size_t n, const char **name, size_t *nlen,
		    bool *refused)
{
	const char *end = p + n;
	p = skip_ows(p);
	const char *semi = memchr(p, ';', (size_t)(end - p));
	const char *ne = semi ? semi : end;
	while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
		ne--;
	*name = p;
	*nlen = (size_t)(ne - p);
	*refused = false;
	while (semi) {
		const char *q = skip_ows(semi + 1);
		semi = memchr(q, ';', (size_t)(end - q));
		const char *pe = semi ? semi : end;
		if (pe - q < 2 || (q[0] != 'q' && q[0] != 'Q'))
			continue;
		q = skip_ows(q + 1);
		if (q >= pe || *q != '=')
			continue;
		q = skip_ows(q + 1);
		const char *ve = pe;
		while (ve > q && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		*refused = q_is_zero(q, (size_t)(ve - q));
	}
}

bool lw_accepts_gzip(const char *ae)
{
	if (!ae)
		return false;
	int gzip = -1, star = -1;	/* -1: not named, 0: refused, 1: ok */
	const char *p = ae;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *name;
		size_t nl;
		bool refused;
		element(p, n, &name, &nl, &refused);
		if ((nl == 4 && strncasecmp(name, "gzip", 4) == 0) ||
		    (nl == 6 && strncasecmp(name, "x-gzip", 6) == 0))
			gzip = !refused;
		else if (nl == 1 && name[0] == '*')
			star = !refused;
		if (!comma)
			break;
		p = comma + 1;
	}
	return gzip >= 0 ? gzip == 1 : star == 1;
}
