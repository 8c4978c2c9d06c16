/* test_azure_list.c - the streaming List Blobs parser and error answers. */
#include "unit.h"
#include <time.h>
#include "lakewatch/azure.h"
#include "lakewatch/util.h"

/* A page shaped like the service's (trimmed), as in the List Blobs
 * reference: properties in the service's order, a directory marker of an
 * ADLS Gen2 account, an Encoded name, and a NextMarker. */
static const char page[] =
	"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<EnumerationResults ServiceEndpoint=\"https://acme.blob.core."
	"windows.net/\" ContainerName=\"lake\">\n"
	"  <Prefix>gold/</Prefix><MaxResults>5000</MaxResults>\n"
	"  <Blobs>\n"
	"    <Blob><Name>gold/sales/part-0.parquet</Name>\n"
	"      <Properties><Creation-Time>Tue, 03 Nov 2026 10:00:00 GMT"
	"</Creation-Time>\n"
	"        <Last-Modified>Wed, 04 Nov 2026 09:08:07 GMT</Last-Modified>"
	"<Etag>0x8D</Etag>\n"
	"        <Content-Length>123456</Content-Length>"
	"<Content-Type>application/octet-stream</Content-Type>"
	"<BlobType>BlockBlob</BlobType></Properties>\n"
	"      <Metadata/><OrMetadata/></Blob>\n"
	"    <Blob><Name>gold/sales</Name><Properties>"
	"<Last-Modified>Wed, 04 Nov 2026 09:00:00 GMT</Last-Modified>"
	"<Content-Length>0</Content-Length></Properties>"
	"<Metadata><hdi_isfolder>true</hdi_isfolder></Metadata></Blob>\n"
	"    <Blob><Name Encoded=\"true\">gold/odd%01name%20%C3%A4.csv</Name>"
	"<Properties><Last-Modified>Thu, 05 Nov 2026 23:59:59 GMT"
	"</Last-Modified><Content-Length>0</Content-Length></Properties>"
	"</Blob>\n"
	"    <BlobPrefix><Name>gold/x/</Name></BlobPrefix>\n"
	"  </Blobs>\n"
	"  <NextMarker>2!96!MDAwMDQ0IWdvbGQvc2FsZXM-</NextMarker>\n"
	"</EnumerationResults>\n";

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

static void check_page(struct lw_az_list *p)
{
	size_t n;
	const struct lw_az_blob *b = lw_az_list_blobs(p, &n);
	assert_int_equal(n, 3);
	assert_string_equal(b[0].name, "gold/sales/part-0.parquet");
	assert_int_equal(b[0].size, 123456);
	assert_int_equal(b[0].mtime, utc(2026, 11, 4, 9, 8, 7));
	assert_false(b[0].is_dir);
	assert_string_equal(b[1].name, "gold/sales");
	assert_true(b[1].is_dir);
	assert_string_equal(b[2].name, "gold/odd\x01name \xC3\xA4.csv");
	assert_int_equal(b[2].size, 0);
	assert_int_equal(b[2].mtime, utc(2026, 11, 5, 23, 59, 59));
	assert_string_equal(lw_az_list_next_marker(p),
			    "2!96!MDAwMDQ0IWdvbGQvc2FsZXM-");
	/* a delimiter listing's folder: a prefix, not a blob */
	const char *const *pf = lw_az_list_prefixes(p, &n);
	assert_int_equal(n, 1);
	assert_string_equal(pf[0], "gold/x/");
}

/* Folders of a delimiter listing, one Encoded, between blobs; a reset
 * forgets them. */
static void test_prefixes(void **state)
{
	static const char doc[] =
		"<EnumerationResults><Blobs>"
		"<BlobPrefix><Name>t/date=1/</Name></BlobPrefix>"
		"<Blob><Name>t/date=1.csv</Name><Properties><Content-Length>"
		"3</Content-Length></Properties></Blob>"
		"<BlobPrefix><Name Encoded=\"true\">t/d%20x/</Name></BlobPrefix>"
		"</Blobs><NextMarker/></EnumerationResults>";
	struct lw_az_list *p = lw_az_list_new();
	struct lw_err err;
	size_t n;
	(void)state;
	assert_int_equal(lw_az_list_feed(p, doc, strlen(doc), true, &err),
			 LW_OK);
	const char *const *pf = lw_az_list_prefixes(p, &n);
	assert_int_equal(n, 2);
	assert_string_equal(pf[0], "t/date=1/");
	assert_string_equal(pf[1], "t/d x/");
	assert_string_equal(lw_az_list_blobs(p, &n)[0].name, "t/date=1.csv");
	assert_int_equal(n, 1);
	lw_az_list_reset(p);
	lw_az_list_prefixes(p, &n);
	assert_int_equal(n, 0);
	lw_az_list_free(p);
}

static void test_page_whole(void **state)
{
	struct lw_az_list *p = lw_az_list_new();
	struct lw_err err;
	(void)state;
	assert_int_equal(lw_az_list_feed(p, page, sizeof(page) - 1, true,
					 &err), LW_OK);
	check_page(p);
	lw_az_list_free(p);
}

/* Streaming: byte by byte gives the same page; reset starts over. */
static void test_page_bytewise_and_reset(void **state)
{
	struct lw_az_list *p = lw_az_list_new();
	struct lw_err err;
	(void)state;
	/* half a page, then a reset (a retried request) */
	assert_int_equal(lw_az_list_feed(p, page, 400, false, &err), LW_OK);
	lw_az_list_reset(p);
	for (size_t i = 0; i < sizeof(page) - 1; i++)
		assert_int_equal(lw_az_list_feed(p, page + i, 1, false, &err),
				 LW_OK);
	assert_int_equal(lw_az_list_feed(p, "", 0, true, &err), LW_OK);
	check_page(p);
	lw_az_list_free(p);
}

static void test_last_page(void **state)
{
	static const char last[] =
		"<EnumerationResults><Blobs/><NextMarker/></EnumerationResults>";
	struct lw_az_list *p = lw_az_list_new();
	struct lw_err err;
	size_t n = 9;
	(void)state;
	assert_int_equal(lw_az_list_feed(p, last, strlen(last), true, &err),
			 LW_OK);
	lw_az_list_blobs(p, &n);
	assert_int_equal(n, 0);
	assert_string_equal(lw_az_list_next_marker(p), "");
	lw_az_list_free(p);
}

/* Many blobs, as one 5,000-blob page would bring. */
static void test_big_page(void **state)
{
	struct lw_buf b;
	struct lw_az_list *p = lw_az_list_new();
	struct lw_err err;
	size_t n;
	const struct lw_az_blob *bl;
	(void)state;
	lw_buf_init(&b, 64 * LW_BUF_1M);
	assert_int_equal(lw_buf_adds(&b, "<EnumerationResults><Blobs>"), LW_OK);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(lw_buf_addf(&b, "<Blob><Name>d/f%05d.csv</Name><Properties>"
			    "<Last-Modified>Mon, 02 Nov 2026 00:00:%02d GMT"
			    "</Last-Modified><Content-Length>%d"
			    "</Content-Length></Properties></Blob>", i,
			    i % 60, i * 7), LW_OK);
	assert_int_equal(lw_buf_adds(&b, "</Blobs><NextMarker></NextMarker>"
		    "</EnumerationResults>"), LW_OK);
	/* in uneven pieces, as the network delivers */
	for (size_t off = 0; off < b.len; off += 1337) {
		size_t len = b.len - off < 1337 ? b.len - off : 1337;
		assert_int_equal(lw_az_list_feed(p, b.data + off, len, false,
						 &err), LW_OK);
	}
	assert_int_equal(lw_az_list_feed(p, "", 0, true, &err), LW_OK);
	bl = lw_az_list_blobs(p, &n);
	assert_int_equal(n, 5000);
	assert_string_equal(bl[4321].name, "d/f04321.csv");
	assert_int_equal(bl[4321].size, 4321 * 7);
	assert_int_equal(bl[4321].mtime, utc(2026, 11, 2, 0, 0, 4321 % 60));
	lw_buf_free(&b);
	lw_az_list_free(p);
}

static void test_bad_pages(void **state)
{
	static const struct { const char *xml, *says; int rc; } bad[] = {
		{"", "empty", LW_EPARSE},
		{"<Error><Code>X</Code></Error>", "root element is <Error>",
		 LW_EPARSE},
		{"<EnumerationResults><Blobs><Blob><Name>a</Name><Properties>"
		 "</Properties></Blob></Blobs></EnumerationResults>",
		 "blob 'a' has no <Content-Length>", LW_EPARSE},
		{"<EnumerationResults><Blobs><Blob><Properties><Content-Length>"
		 "1</Content-Length></Properties></Blob></Blobs>"
		 "</EnumerationResults>", "has no <Name>", LW_EPARSE},
		{"<EnumerationResults><Blobs><Blob><Name>a</Name><Properties>"
		 "<Content-Length>12x</Content-Length></Properties></Blob>"
		 "</Blobs></EnumerationResults>", "'12x'", LW_EPARSE},
		{"<EnumerationResults><Blobs><Blob><Name>a</Name><Properties>"
		 "<Content-Length>99999999999999999999</Content-Length>"
		 "</Properties></Blob></Blobs></EnumerationResults>",
		 "not a size", LW_EPARSE},
		{"<EnumerationResults><Blobs><Blob><Name>a</Name><Properties>"
		 "<Last-Modified>yesterday</Last-Modified><Content-Length>1"
		 "</Content-Length></Properties></Blob></Blobs>"
		 "</EnumerationResults>", "not an HTTP date", LW_EPARSE},
		{"<EnumerationResults><Blobs><Blob><Name>a</Na",
		 "line 1", LW_EPARSE},
		{"<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaa\">"
		 "<!ENTITY b \"&a;&a;&a;&a;\">]>\n<EnumerationResults>&b;"
		 "</EnumerationResults>", "DOCTYPE", LW_EPARSE},
		{"<EnumerationResults>\n</Blobs>", "line 2", LW_EPARSE},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lw_az_list *p = lw_az_list_new();
		struct lw_err err;
		lw_err_clear(&err);
		assert_int_equal(lw_az_list_feed(p, bad[i].xml,
				 strlen(bad[i].xml), true, &err), bad[i].rc);
		if (!strstr(err.msg, bad[i].says))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
				 bad[i].says);
		lw_az_list_free(p);
	}
}

static void test_deep_nesting(void **state)
{
	struct lw_buf b;
	struct lw_az_list *p = lw_az_list_new();
	struct lw_err err;
	(void)state;
	lw_buf_init(&b, LW_BUF_1M);
	assert_int_equal(lw_buf_adds(&b, "<EnumerationResults>"), LW_OK);
	for (int i = 0; i < 100; i++)
		assert_int_equal(lw_buf_adds(&b, "<a>"), LW_OK);
	assert_int_equal(lw_az_list_feed(p, b.data, b.len, false, &err),
			 LW_EPARSE);
	assert_non_null(strstr(err.msg, "nested"));
	lw_buf_free(&b);
	lw_az_list_free(p);
}

static void test_error_doc(void **state)
{
	static const char doc[] =
		"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error>"
		"<Code>AuthorizationPermissionMismatch</Code><Message>This "
		"request is not authorized to perform this operation using "
		"this permission.\nRequestId:1c3f\nTime:2026-11-27T08:00:00Z"
		"</Message></Error>";
	char code[64], msg[200], small[8];
	(void)state;
	lw_az_error_parse(doc, strlen(doc), code, sizeof(code), msg,
			  sizeof(msg));
	assert_string_equal(code, "AuthorizationPermissionMismatch");
	assert_string_equal(msg, "This request is not authorized to perform "
			    "this operation using this permission.");
	lw_az_error_parse(doc, strlen(doc), small, sizeof(small), msg,
			  sizeof(msg));
	assert_string_equal(small, "Authori");	/* bounded */
	lw_az_error_parse("not xml", 7, code, sizeof(code), msg, sizeof(msg));
	assert_string_equal(code, "");
	assert_string_equal(msg, "");
	lw_az_error_parse(NULL, 0, code, sizeof(code), msg, sizeof(msg));
	assert_string_equal(code, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_whole),
		cmocka_unit_test(test_page_bytewise_and_reset),
		cmocka_unit_test(test_last_page),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_big_page),
		cmocka_unit_test(test_bad_pages),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_error_doc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
