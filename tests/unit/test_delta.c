/* test_delta.c - Delta snapshots against Delta Lake's own golden tables.
 *
 * Expected values are computed here independently of formats/delta*.c:
 * a plain linear replay of the JSON commits, with the adds of Parquet
 * checkpoints listed by DuckDB (node, @duckdb/node-api), and row counts
 * checked against the footers of the live data files (parquet.h).
 */
#include "unit.h"
#include <limits.h>
#include <stdio.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lakewatch/delta.h"
#include "lakewatch/parquet.h"
#include "lakewatch/lake.h"
#include "lakewatch/format.h"
#include "lakewatch/util.h"
#include "lakewatch/cfgctx.h"

static struct lw_lake *open_fs(const char *root)
{
	cJSON *cfg = cJSON_CreateObject();
	cJSON_AddStringToObject(cfg, "kind", "fs");
	cJSON_AddStringToObject(cfg, "root", root);
	struct lw_cfgctx cc;
	lw_cfgctx_init(&cc, "test", NULL);
	struct lw_lake *l = lw_lake_fs.open("t", cfg, &cc);
	lw_cfgctx_free(&cc);
	cJSON_Delete(cfg);
	assert_non_null(l);
	return l;
}

static char *delta_dir(void)
{
	return lw_xasprintf("%s/delta", lw_testdata());
}

static char *slurp(const char *path, size_t *n)
{
	char *t = NULL;
	size_t len = 0;
	if (lw_read_file(path, 1 << 26, &t, &len, NULL) != LW_OK)
		return NULL;
	if (n)
		*n = len;
	return t;
}

/* ---- the independent expectation ------------------------------------ */

struct xfile {
	char *key, *path;
	int64_t rows, dv;
};

struct expect {
	int64_t version;
	struct xfile *f;
	size_t n, cap;
	cJSON *metadata;
	bool ok, protocol;
};

static char *xkey(const cJSON *a)
{
	const char *p = cJSON_GetObjectItem(a, "path")->valuestring;
	if (strncmp(p, "file://", 7) == 0)
		p += 7;
	else if (strncmp(p, "file:", 5) == 0)
		p += 5;
	char *u = lw_delta_unescape(p);
	const cJSON *dv = cJSON_GetObjectItem(a, "deletionVector");
	char *k;
	if (cJSON_IsObject(dv)) {
		const cJSON *st = cJSON_GetObjectItem(dv, "storageType");
		const cJSON *pd = cJSON_GetObjectItem(dv, "pathOrInlineDv");
		const cJSON *of = cJSON_GetObjectItem(dv, "offset");
		k = lw_xasprintf("%s|%s|%s|%g", u,
				 cJSON_IsString(st) ? st->valuestring : "",
				 cJSON_IsString(pd) ? pd->valuestring : "",
				 cJSON_IsNumber(of) ? of->valuedouble : -1.0);
	} else {
		k = lw_xstrdup(u);
	}
	free(u);
	return k;
}

static void x_remove(struct expect *x, const cJSON *a)
{
	char *k = xkey(a);
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->f[i].key, k) == 0) {
			free(x->f[i].key);
			free(x->f[i].path);
			x->f[i] = x->f[--x->n];
			break;
		}
	free(k);
}

static void x_add(struct expect *x, const cJSON *a)
{
	x_remove(x, a);
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 16;
		x->f = realloc(x->f, x->cap * sizeof *x->f);
	}
	struct xfile *f = &x->f[x->n++];
	f->key = xkey(a);
	f->path = lw_xstrdup(cJSON_GetObjectItem(a, "path")->valuestring);
	f->rows = -1;
	f->dv = 0;
	const cJSON *st = cJSON_GetObjectItem(a, "stats");
	if (cJSON_IsString(st)) {
		cJSON *s = cJSON_Parse(st->valuestring);
		const cJSON *nr = cJSON_GetObjectItem(s, "numRecords");
		if (cJSON_IsNumber(nr))
			f->rows = (int64_t)nr->valuedouble;
		cJSON_Delete(s);
	}
	const cJSON *dv = cJSON_GetObjectItem(a, "deletionVector");
	const cJSON *c = cJSON_GetObjectItem(dv, "cardinality");
	if (cJSON_IsNumber(c))
		f->dv = (int64_t)c->valuedouble;
}

static void x_line(struct expect *x, cJSON *j, bool cp)
{
	const cJSON *a;
	if ((a = cJSON_GetObjectItem(j, "add")) && cJSON_IsObject(a))
		x_add(x, a);
	else if ((a = cJSON_GetObjectItem(j, "remove")) && !cp)
		x_remove(x, a);
	else if ((a = cJSON_GetObjectItem(j, "metaData"))) {
		cJSON_Delete(x->metadata);
		x->metadata = cJSON_Duplicate(a, true);
	} else if (cJSON_GetObjectItem(j, "protocol")) {
		x->protocol = true;
	}
}

static void x_lines(struct expect *x, const char *text, bool cp)
{
	char *t = lw_xstrdup(text), *save = NULL;
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		cJSON *j = cJSON_Parse(l);
		if (j)
			x_line(x, j, cp);
		cJSON_Delete(j);
	}
	free(t);
}

/* The adds (and metaData) of a Parquet file, as DuckDB reads them. */
static void x_duckdb(struct expect *x, const char *parquet)
{
	char *cmd = lw_xasprintf(
		"node -e 'const {DuckDBInstance}=require(\"@duckdb/node-api\");"
		"(async()=>{const i=await DuckDBInstance.create(\":memory:\");"
		"const c=await i.connect();const f=process.argv[1];"
		"let r=await c.runAndReadAll(`SELECT to_json(add) FROM "
		"read_parquet(\\x27${f}\\x27) WHERE add IS NOT NULL`);"
		"for(const w of r.getRows())console.log(JSON.stringify({add:"
		"JSON.parse(w[0])}));"
		"for(const k of [\"metaData\",\"protocol\"]){"
		"r=await c.runAndReadAll(`SELECT * FROM (DESCRIBE SELECT * "
		"FROM read_parquet(\\x27${f}\\x27)) WHERE column_name=\\x27${k}\\x27`);"
		"if(r.getRows().length){r=await c.runAndReadAll(`SELECT "
		"to_json(${k}) FROM read_parquet(\\x27${f}\\x27) WHERE "
		"${k} IS NOT NULL`);for(const w of r.getRows())"
		"console.log(JSON.stringify({[k]:JSON.parse(w[0])}));}}"
		"})()' '%s'", parquet);
	FILE *p = popen(cmd, "r");
	free(cmd);
	assert_non_null(p);
	char line[1 << 16];
	while (fgets(line, sizeof line, p)) {
		cJSON *j = cJSON_Parse(line);
		if (j)
			x_line(x, j, true);
		cJSON_Delete(j);
	}
	assert_int_equal(pclose(p), 0);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay table's log without lakewatch's code. x->ok false when the
 * table should not load (no log, gap, no metadata). */
static void expect_table(const char *dir, struct expect *x)
{
	memset(x, 0, sizeof *x);
	x->version = -1;
	char *log = lw_xasprintf("%s/_delta_log", dir);
	DIR *d = opendir(log);
	if (!d) {
		free(log);
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = lw_xstrdup(de->d_name);
	}
	closedir(d);
	lw_sort(names, n, sizeof *names, name_cmp);
	int64_t cpv = -1, maxv = -1;
	const char *cpname = NULL;
	for (size_t i = 0; i < n; i++) {
		long long v;
		char rest[200];
		if (sscanf(names[i], "%20lld.%199s", &v, rest) != 2 ||
		    strlen(names[i]) < 21 || names[i][20] != '.')
			continue;
		if (strcmp(rest, "json") == 0 && v > maxv)
			maxv = v;
		if (strncmp(rest, "checkpoint.", 11) == 0 && v >= cpv) {
			cpv = v;
			cpname = names[i];
		}
	}
	if (cpname) {
		char *p = lw_xasprintf("%s/%s", log, cpname);
		if (lw_str_ends(cpname, ".json")) {
			char *t = slurp(p, NULL);
			x_lines(x, t, true);
			cJSON *sc;
			char *save = NULL;	/* the sidecars */
			for (char *l = strtok_r(t, "\n", &save); l;
			     l = strtok_r(NULL, "\n", &save)) {
				sc = cJSON_Parse(l);
				const cJSON *s = cJSON_GetObjectItem(sc, "sidecar");
				if (s) {
					char *q = lw_xasprintf("%s/_sidecars/%s", log,
						cJSON_GetObjectItem(s, "path")->valuestring);
					x_duckdb(x, q);
					free(q);
				}
				cJSON_Delete(sc);
			}
			free(t);
		} else {
			x_duckdb(x, p);
		}
		free(p);
	}
	x->version = cpv > maxv ? cpv : maxv;
	x->ok = x->version >= 0;
	for (int64_t v = cpv + 1; v <= maxv && x->ok; v++) {
		char *p = lw_xasprintf("%s/%020lld.json", log, (long long)v);
		char *t = slurp(p, NULL);
		free(p);
		if (!t) {
			x->ok = false;	/* a gap */
			break;
		}
		x_lines(x, t, false);
		free(t);
	}
	if (!x->metadata || !x->protocol)
		x->ok = false;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(log);
}

static void expect_free(struct expect *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->f[i].key);
		free(x->f[i].path);
	}
	free(x->f);
	cJSON_Delete(x->metadata);
}

/* ---- golden tables --------------------------------------------------- */

static int tables_checked, rows_checked, footers_checked;

static void check_table(struct lw_lake *lake, const char *root,
			const char *name)
{
	char *dir = lw_xasprintf("%s/%s", root, name);
	struct expect x;
	expect_table(dir, &x);
	struct lw_delta_snapshot s;
	struct lw_err err;
	lw_err_clear(&err);
	lw_delta_snapshot_init(&s);
	int rc = lw_delta_snapshot_load(lake, name, &s, &err);
	bool proto_ok = true;
	if (rc == LW_EUNSUPPORTED)
		proto_ok = false;	/* checked by its own test */
	if (!x.ok) {
		if (rc == LW_OK)
			fail_msg("%s: loaded but the log is not loadable", name);
		goto out;
	}
	if (!proto_ok)
		goto out;
	if (rc != LW_OK)
		fail_msg("%s: %s", name, err.msg);
	tables_checked++;
	if (s.version != x.version)
		fail_msg("%s: version %lld, expected %lld", name,
			 (long long)s.version, (long long)x.version);
	if (s.nlive != x.n)
		fail_msg("%s: %zu live files, expected %zu", name, s.nlive, x.n);

	struct lw_obs o;
	lw_obs_init(&o);
	if (lw_delta_fill_obs(&s, name, &o, &err) != LW_OK)
		fail_msg("%s: %s", name, err.msg);
	int64_t xrows = 0;
	for (size_t i = 0; i < x.n && xrows >= 0; i++)
		xrows = x.f[i].rows < 0 ? -1 : xrows + x.f[i].rows - x.f[i].dv;
	if (o.rows != xrows)
		fail_msg("%s: rows %lld, expected %lld", name,
			 (long long)o.rows, (long long)xrows);
	if (xrows >= 0)
		rows_checked++;

	/* schema names agree with the log's last schemaString */
	const cJSON *xs = cJSON_GetObjectItem(x.metadata, "schemaString");
	assert_int_equal(o.has_schema, cJSON_IsString(xs));
	cJSON *sch = cJSON_IsString(xs) ? cJSON_Parse(xs->valuestring) : NULL;
	const cJSON *fl;
	size_t k = 0;
	cJSON_ArrayForEach(fl, cJSON_GetObjectItem(sch, "fields")) {
		assert_true(k < o.schema.n);
		assert_string_equal(o.schema.cols[k].name,
				    cJSON_GetObjectItem(fl, "name")->valuestring);
		k++;
	}
	cJSON_Delete(sch);

	/* footers of the live files, when they are all there */
	int64_t frows = 0;
	bool all = o.nentries > 0 && xrows >= 0;
	size_t it = 0;
	const struct lw_delta_file *f;
	for (size_t i = 0; all && (f = lw_delta_next(&s, &it)); i++) {
		char *p = lw_xasprintf("%s/%s", root, o.entries[i].path);
		struct stat st;
		all = f->path[0] != '/' && !strchr(f->path, ':') &&
		      stat(p, &st) == 0;
		free(p);
		if (!all)
			break;
		struct lw_parquet_meta m;
		memset(&m, 0, sizeof m);
		struct lw_err e2;
		if (lw_parquet_read_meta(lake, o.entries[i].path, -1, &m, NULL,
					 &e2) != LW_OK)
			fail_msg("%s: %s: %s", name, o.entries[i].path, e2.msg);
		frows += m.num_rows - f->dv_cardinality;
		lw_parquet_meta_free(&m);
	}
	if (all) {
		if (frows != o.rows)
			fail_msg("%s: rows %lld, footers say %lld", name,
				 (long long)o.rows, (long long)frows);
		footers_checked++;
	}
	lw_obs_free(&o);
out:
	lw_delta_snapshot_free(&s);
	expect_free(&x);
	free(dir);
}

static void test_golden_tables(void **state)
{
	(void)state;
	char *root = delta_dir();
	struct lw_lake *lake = open_fs(root);
	DIR *d = opendir(root);
	if (!d) {
		lw_needs(root);
		free(root);
		skip();
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "LICENSE.txt"))
			check_table(lake, root, de->d_name);
	closedir(d);
	print_message("delta: %d tables, %d row counts, %d footer checks\n",
		      tables_checked, rows_checked, footers_checked);
	assert_true(tables_checked >= 50);
	assert_true(footers_checked >= 20);
	lw_lake_fs.close(lake);
	free(root);
}

/* load one golden table; returns rc, fills obs when it loads */
static int load_obs(const char *root, const char *table, struct lw_obs *o,
		    struct lw_err *err)
{
	struct lw_lake *lake = open_fs(root);
	lw_err_clear(err);
	lw_obs_init(o);
	int rc = lw_format_delta.probe_table(lake, table, NULL, o, err);
	lw_lake_fs.close(lake);
	return rc;
}

static void test_errors(void **state)
{
	(void)state;
	char *root = delta_dir();
	struct lw_obs o;
	struct lw_err err;
	assert_int_equal(load_obs(root, "deltalog-invalid-protocol-version",
				  &o, &err), LW_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "reader version 99"));
	lw_obs_free(&o);
	assert_int_equal(load_obs(root, "versions-not-contiguous", &o, &err),
			 LW_EPARSE);
	assert_non_null(strstr(err.msg, "version 1 is missing"));
	lw_obs_free(&o);
	assert_int_equal(load_obs(root, "no-delta-log-folder", &o, &err),
			 LW_ENOTFOUND);
	assert_non_null(strstr(err.msg, "_delta_log"));
	lw_obs_free(&o);
	assert_int_not_equal(load_obs(root, "deltalog-state-reconstruction-"
				      "without-metadata", &o, &err), LW_OK);
	assert_non_null(strstr(err.msg, "metaData"));
	lw_obs_free(&o);
	assert_int_not_equal(load_obs(root, "deltalog-state-reconstruction-"
				      "without-protocol", &o, &err), LW_OK);
	assert_non_null(strstr(err.msg, "protocol"));
	lw_obs_free(&o);
	free(root);
}

static void test_detail_and_checkpoint(void **state)
{
	(void)state;
	char *root = delta_dir();
	struct lw_obs o;
	struct lw_err err;
	/* checkpoint at 10, commits up to 14 */
	assert_int_equal(load_obs(root, "basic-with-inserts-deletes-checkpoint",
				  &o, &err), LW_OK);
	cJSON *d = cJSON_GetObjectItem(o.detail, "delta");
	assert_non_null(d);
	assert_int_equal(cJSON_GetObjectItem(d, "checkpoint_version")->valueint,
			 10);
	assert_true(cJSON_GetObjectItem(d, "version")->valueint > 10);
	assert_non_null(cJSON_GetObjectItem(d, "last_operation"));
	assert_true(o.newest_mtime > 1500000000);
	lw_obs_free(&o);

	/* only a checkpoint at 2, no later commit: commitInfo from 2.json */
	assert_int_equal(load_obs(root, "only-checkpoint-files", &o, &err),
			 LW_OK);
	d = cJSON_GetObjectItem(o.detail, "delta");
	assert_int_equal(cJSON_GetObjectItem(d, "version")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(d, "checkpoint_version")->valueint,
			 2);
	assert_int_equal(cJSON_GetObjectItem(d, "commits_replayed")->valueint,
			 0);
	assert_non_null(cJSON_GetObjectItem(d, "last_operation"));
	lw_obs_free(&o);

	/* V2 JSON checkpoint with two Parquet sidecars */
	assert_int_equal(load_obs(root, "v2-checkpoint-json", &o, &err), LW_OK);
	d = cJSON_GetObjectItem(o.detail, "delta");
	assert_string_equal(cJSON_GetObjectItem(d, "checkpoint_kind")->valuestring,
			    "v2-json");
	cJSON *rf = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "protocol"),
					"reader_features");
	assert_string_equal(cJSON_GetArrayItem(rf, 0)->valuestring,
			    "v2Checkpoint");
	assert_true(o.files > 0);
	lw_obs_free(&o);

	/* deletion vectors + column mapping: partitions by logical name */
	assert_int_equal(load_obs(root, "dv-with-columnmapping", &o, &err),
			 LW_OK);
	assert_true(o.nparts > 0);
	assert_null(strstr(o.parts[0].key, "col-"));
	assert_non_null(strchr(o.parts[0].key, '='));
	assert_true(o.rows >= 0);
	lw_obs_free(&o);
	free(root);
}

/* The commits kept for the anomaly rule's cold start: every one of the
 * golden tables that log operationMetrics, in version order, those before
 * the checkpoint read for their commitInfo; training_commits 0 keeps only
 * what is replayed. Where every commit says its change of the row count,
 * the changes add up to the table's row count. */
static void test_commits_kept(void **state)
{
	(void)state;
	char *root = delta_dir();
	static const char *const tables[] = {
		"checkpoint", "basic-with-inserts-deletes-checkpoint",
		"125-iterator-bug", "dv-with-columnmapping",
		"data-skipping-change-stats-collected-across-versions", NULL
	};
	int summed = 0, loads = 0;
	for (size_t t = 0; tables[t]; t++) {
		struct lw_obs o;
		struct lw_err err;
		assert_int_equal(load_obs(root, tables[t], &o, &err), LW_OK);
		const struct lw_delta_facts *d = &o.delta;
		assert_true(d->ncommits >= 5);
		assert_int_equal(d->commits[0].version, 0);
		assert_int_equal(d->commits[d->ncommits - 1].version,
				 d->version);
		int64_t sum = 0;
		bool known = true;
		for (size_t i = 0; i < d->ncommits; i++) {
			const struct lw_delta_commit *c = &d->commits[i];
			assert_int_equal(c->version, (int64_t)i);
			assert_true(c->at > 1500000000);
			loads += c->rows >= 0;
			if (c->net == LW_DELTA_NET_UNKNOWN)
				known = false;
			else
				sum += c->net;
		}
		if (known && o.rows >= 0) {
			assert_int_equal(sum, o.rows);
			summed++;
		}
		lw_obs_free(&o);
	}
	assert_true(summed >= 3);
	assert_true(loads >= 20);

	/* only what is replayed: commits 11 to 14 after the checkpoint */
	struct lw_lake *lake = open_fs(root);
	struct lw_delta_opts opts = {.footer_rows_max_files = 0,
				     .training_commits = 0};
	struct lw_obs o;
	struct lw_err err;
	lw_obs_init(&o);
	assert_int_equal(lw_format_delta.probe_table(lake, "checkpoint", &opts,
						     &o, &err), LW_OK);
	assert_int_equal(o.delta.ncommits, 4);
	assert_int_equal(o.delta.commits[0].version, 11);
	lw_obs_free(&o);
	/* -1 (the default) reads none unless an anomaly check wants them */
	opts.training_commits = -1;
	lw_obs_init(&o);
	assert_int_equal(lw_format_delta.probe_table(lake, "checkpoint", &opts,
						     &o, &err), LW_OK);
	assert_int_equal(o.delta.ncommits, 4);
	lw_obs_free(&o);
	opts.for_anomaly = true;
	lw_obs_init(&o);
	assert_int_equal(lw_format_delta.probe_table(lake, "checkpoint", &opts,
						     &o, &err), LW_OK);
	assert_int_equal(o.delta.ncommits, 15);
	lw_obs_free(&o);
	lw_lake_fs.close(lake);
	free(root);
}

static void test_special_partitions(void **state)
{
	(void)state;
	char *root = delta_dir();
	struct lw_obs o;
	struct lw_err err;
	assert_int_equal(load_obs(root, "data-reader-partition-values", &o,
				  &err), LW_OK);
	assert_true(o.nparts > 1);
	for (size_t i = 0; i < o.nparts; i++) {
		/* every key splits into name=value segments */
		char *k = lw_xstrdup(o.parts[i].key), *save = NULL;
		for (char *seg = strtok_r(k, "/", &save); seg;
		     seg = strtok_r(NULL, "/", &save))
			assert_non_null(strchr(seg, '='));
		free(k);
	}
	lw_obs_free(&o);
	assert_int_equal(load_obs(root, "data-reader-escaped-chars", &o, &err),
			 LW_OK);
	lw_obs_free(&o);
	free(root);
}

/* ---- temporary tables ------------------------------------------------ */

static char *tmp_copy(const char *table)
{
	char tmpl[] = "/tmp/lw-delta-XXXXXX";
	char *t = mkdtemp(tmpl);
	assert_non_null(t);
	char *root = delta_dir();
	char *cmd = lw_xasprintf("cp -r '%s/%s' '%s/t' && chmod -R u+w '%s'",
				 root, table, t, t);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(root);
	return lw_xstrdup(t);
}

static void rm_tmp(char *t)
{
	char *cmd = lw_xasprintf("rm -rf '%s'", t);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(t);
}

static void test_corrupt_last_checkpoint(void **state)
{
	(void)state;
	char *root = delta_dir();
	struct lw_obs good, o;
	struct lw_err err;
	if (load_obs(root, "corrupted-last-checkpoint", &good, &err) != LW_OK)
		fail_msg("%s", err.msg);
	char *t = tmp_copy("corrupted-last-checkpoint");
	char *p = lw_xasprintf("%s/t/_delta_log/_last_checkpoint", t);
	FILE *f = fopen(p, "w");
	fputs("{\"version\":10,\"si", f);	/* cut short */
	fclose(f);
	if (load_obs(t, "t", &o, &err) != LW_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(o.rows, good.rows);
	assert_int_equal(o.files, good.files);
	cJSON *d = cJSON_GetObjectItem(o.detail, "delta");
	assert_int_equal(cJSON_GetObjectItem(d, "checkpoint_version")->valueint,
			 10);
	lw_obs_free(&o);
	unlink(p);	/* missing altogether: the listing finds it */
	assert_int_equal(load_obs(t, "t", &o, &err), LW_OK);
	assert_int_equal(o.rows, good.rows);
	lw_obs_free(&o);
	free(p);
	lw_obs_free(&good);
	rm_tmp(t);
	free(root);
}

/* Write text over path (a file of a temp table copy). */
static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A deletion vector hiding more rows than its file's numRecords is a
 * corrupt log: an error naming the version and the file, not 0 rows. */
static void test_dv_beyond_records(void **state)
{
	(void)state;
	struct lw_obs o;
	struct lw_err err;
	char *t = tmp_copy("dv-with-columnmapping");
	char *p = lw_xasprintf("%s/t/_delta_log/00000000000000000015.json", t);
	char *cmd = lw_xasprintf("sed -i 's/\"cardinality\":1}/"
				 "\"cardinality\":1000}/' '%s'", p);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(load_obs(t, "t", &o, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "00000000000000000015.json: version "
			       "15 line "));
	assert_non_null(strstr(err.msg, "part-00001-0878dadb-c875-4347-92a3-"
			       "8739c303d7bd.c000.snappy.parquet: deletion "
			       "vector cardinality 1000 but the file has "
			       "numRecords "));
	assert_non_null(strstr(err.msg, "(corrupt log)"));
	lw_obs_free(&o);
	free(cmd);
	free(p);
	rm_tmp(t);
}

/* An empty commit file is not a version: an error naming it. */
static void test_empty_commit(void **state)
{
	(void)state;
	struct lw_obs o;
	struct lw_err err;
	char *t = tmp_copy("basic-with-inserts-updates");
	char *p = lw_xasprintf("%s/t/_delta_log/00000000000000000001.json", t);
	put_file(p, "");
	assert_int_equal(load_obs(t, "t", &o, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "t/_delta_log/00000000000000000001"
			       ".json: version 1: empty commit file (corrupt "
			       "log)"));
	lw_obs_free(&o);
	put_file(p, " \n\n");		/* whitespace holds no action either */
	assert_int_equal(load_obs(t, "t", &o, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "empty commit file"));
	lw_obs_free(&o);
	free(p);
	rm_tmp(t);
}

/* A truncated checkpoint whose commits are all still there: read from the
 * commits (the same snapshot) with a warning naming the checkpoint. With
 * a commit before it gone, the checkpoint's error stands. */
static void test_truncated_checkpoint(void **state)
{
	(void)state;
	struct lw_obs good, o;
	struct lw_err err;
	char *root = delta_dir();
	if (load_obs(root, "basic-with-inserts-deletes-checkpoint", &good,
		     &err) != LW_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(good.nfwarns, 0);
	char *t = tmp_copy("basic-with-inserts-deletes-checkpoint");
	char *p = lw_xasprintf("%s/t/_delta_log/00000000000000000010.checkpoint"
			       ".parquet", t);
	assert_int_equal(truncate(p, 100), 0);
	if (load_obs(t, "t", &o, &err) != LW_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(o.rows, good.rows);
	assert_int_equal(o.files, good.files);
	assert_int_equal(o.nferrs, 0);
	assert_int_equal(o.nfwarns, 1);
	assert_string_equal(o.fwarns[0].path, "t/_delta_log/000000000000000000"
			    "10.checkpoint.parquet");
	assert_true(lw_str_starts(o.fwarns[0].msg, "checkpoint of version 10 "
				  "unreadable, read from commits 0 to 10 "
				  "instead: "));
	lw_obs_free(&o);
	char *c3 = lw_xasprintf("%s/t/_delta_log/00000000000000000003.json", t);
	assert_int_equal(unlink(c3), 0);
	assert_int_equal(load_obs(t, "t", &o, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "10.checkpoint.parquet"));
	lw_obs_free(&o);
	free(c3);
	free(p);
	lw_obs_free(&good);
	rm_tmp(t);
	free(root);
}

/* Split a classic checkpoint into a 2-part one with DuckDB. */
static void test_multipart(void **state)
{
	(void)state;
	char *root = delta_dir();
	struct lw_obs good, o;
	struct lw_err err;
	assert_int_equal(load_obs(root, "checkpoint", &good, &err), LW_OK);
	char *t = tmp_copy("checkpoint");
	char *log = lw_xasprintf("%s/t/_delta_log", t);
	char *cmd = lw_xasprintf(
		"node -e 'const {DuckDBInstance}=require(\"@duckdb/node-api\");"
		"(async()=>{const i=await DuckDBInstance.create(\":memory:\");"
		"const c=await i.connect();const d=process.argv[1];"
		"const s=d+\"/00000000000000000010.checkpoint.parquet\";"
		"await c.run(`COPY (SELECT * FROM read_parquet(\\x27${s}\\x27) "
		"WHERE add IS NULL) TO \\x27${d}/00000000000000000010.checkpoint."
		"0000000001.0000000002.parquet\\x27 (FORMAT parquet)`);"
		"await c.run(`COPY (SELECT * FROM read_parquet(\\x27${s}\\x27) "
		"WHERE add IS NOT NULL) TO \\x27${d}/00000000000000000010.checkpoint."
		"0000000002.0000000002.parquet\\x27 (FORMAT parquet)`);"
		"})()' '%s' && rm '%s/00000000000000000010.checkpoint.parquet' "
		"'%s/_last_checkpoint'", log, log, log);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_int_equal(load_obs(t, "t", &o, &err), LW_OK);
	cJSON *d = cJSON_GetObjectItem(o.detail, "delta");
	assert_string_equal(cJSON_GetObjectItem(d, "checkpoint_kind")->valuestring,
			    "multi-part");
	assert_int_equal(cJSON_GetObjectItem(d, "checkpoint_version")->valueint,
			 10);
	assert_int_equal(o.rows, good.rows);
	assert_int_equal(o.files, good.files);
	assert_int_equal(o.bytes, good.bytes);
	lw_obs_free(&o);

	/* part 2 gone: incomplete, so replay from version 0 instead */
	char *p2 = lw_xasprintf("%s/00000000000000000010.checkpoint."
				"0000000002.0000000002.parquet", log);
	unlink(p2);
	free(p2);
	assert_int_equal(load_obs(t, "t", &o, &err), LW_OK);
	d = cJSON_GetObjectItem(o.detail, "delta");
	assert_null(cJSON_GetObjectItem(d, "checkpoint_version"));
	assert_int_equal(o.rows, good.rows);
	assert_int_equal(o.files, good.files);
	lw_obs_free(&o);
	lw_obs_free(&good);
	free(log);
	rm_tmp(t);
	free(root);
}

/* ---- pieces ---------------------------------------------------------- */

static void test_log_names(void **state)
{
	(void)state;
	struct lw_delta_log_name n;
	lw_delta_log_name("00000000000000000010.json", &n);
	assert_int_equal(n.kind, LW_DLOG_COMMIT);
	assert_int_equal(n.version, 10);
	lw_delta_log_name("00000000000000000010.checkpoint.parquet", &n);
	assert_int_equal(n.kind, LW_DLOG_CHECKPOINT);
	lw_delta_log_name("00000000000000000010.checkpoint.0000000002."
			  "0000000003.parquet", &n);
	assert_int_equal(n.kind, LW_DLOG_MULTIPART);
	assert_int_equal(n.part, 2);
	assert_int_equal(n.parts, 3);
	lw_delta_log_name("00000000000000000010.checkpoint.0000000004."
			  "0000000003.parquet", &n);
	assert_int_equal(n.kind, LW_DLOG_OTHER);
	lw_delta_log_name("00000000000000000002.checkpoint.6374b053-df23-479b-"
			  "b2cf-c9c550132b49.json", &n);
	assert_int_equal(n.kind, LW_DLOG_V2_JSON);
	lw_delta_log_name("00000000000000000002.checkpoint.6374b053-df23-479b-"
			  "b2cf-c9c550132b49.parquet", &n);
	assert_int_equal(n.kind, LW_DLOG_V2_PARQUET);
	lw_delta_log_name("00000000000000000002.crc", &n);
	assert_int_equal(n.kind, LW_DLOG_OTHER);
	lw_delta_log_name("0000000000000000002.json", &n);
	assert_int_equal(n.kind, LW_DLOG_OTHER);
	lw_delta_log_name("00000000000000000001.00000000000000000009."
			  "compacted.json", &n);
	assert_int_equal(n.kind, LW_DLOG_OTHER);
	/* 20 digits past INT64_MAX: not a version (strtoll would saturate
	 * and "version + 1" overflow) */
	lw_delta_log_name("99999999999999999999.json", &n);
	assert_int_equal(n.kind, LW_DLOG_OTHER);
	lw_delta_log_name("09223372036854775807.checkpoint.parquet", &n);
	assert_int_equal(n.kind, LW_DLOG_OTHER);
	lw_delta_log_name("00000000000000000010.checkpoint.0000000001."
			  "4294967297.parquet", &n);	/* parts past INT_MAX */
	assert_int_equal(n.kind, LW_DLOG_OTHER);
	lw_delta_log_name("00000000000000000010.checkpoint.2147483647."
			  "2147483647.parquet", &n);
	assert_int_equal(n.kind, LW_DLOG_MULTIPART);
	assert_int_equal(n.part, INT_MAX);
	lw_delta_log_name("09223372036854775806.json", &n);
	assert_int_equal(n.kind, LW_DLOG_COMMIT);
	assert_true(n.version == INT64_MAX - 1);
}

static void test_last_cp_parse(void **state)
{
	(void)state;
	struct lw_delta_last_cp c;
	const char *ok = "{\"version\":12,\"size\":3,\"parts\":2}";
	assert_int_equal(lw_delta_last_cp_parse(ok, strlen(ok), &c, NULL),
			 LW_OK);
	assert_int_equal(c.version, 12);
	assert_int_equal(c.parts, 2);
	lw_delta_last_cp_free(&c);
	const char *bad[] = {"", "{", "[]", "{\"version\":\"x\"}",
			     "{\"version\":-1}", "{\"version\":1.5}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(lw_delta_last_cp_parse(bad[i], strlen(bad[i]),
							&c, NULL), LW_EPARSE);
}

static void test_protocol(void **state)
{
	(void)state;
	struct lw_err err;
	cJSON *p = cJSON_Parse("{\"minReaderVersion\":3,\"minWriterVersion\":7,"
			       "\"readerFeatures\":[\"deletionVectors\","
			       "\"catalogManaged\"]}");
	assert_int_equal(lw_delta_check_protocol(p, &err), LW_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "catalogManaged"));
	cJSON_Delete(p);
	p = cJSON_Parse("{\"minReaderVersion\":3,\"readerFeatures\":"
			"[\"columnMapping\",\"v2Checkpoint\",\"timestampNtz\"]}");
	assert_int_equal(lw_delta_check_protocol(p, &err), LW_OK);
	cJSON_Delete(p);
	p = cJSON_Parse("{\"minReaderVersion\":2}");
	assert_int_equal(lw_delta_check_protocol(p, &err), LW_OK);
	cJSON_Delete(p);
	p = cJSON_Parse("{\"minReaderVersion\":4}");
	assert_int_equal(lw_delta_check_protocol(p, &err), LW_EUNSUPPORTED);
	cJSON_Delete(p);
}

static void test_schema(void **state)
{
	(void)state;
	const char *ss = "{\"type\":\"struct\",\"fields\":["
		"{\"name\":\"id\",\"type\":\"long\",\"nullable\":false,"
		"\"metadata\":{\"delta.columnMapping.physicalName\":\"col-1\"}},"
		"{\"name\":\"amt\",\"type\":\"decimal(10,2)\",\"nullable\":true,"
		"\"metadata\":{}},"
		"{\"name\":\"ts\",\"type\":\"timestamp_ntz\",\"nullable\":true,"
		"\"metadata\":{}},"
		"{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"elementType\":"
		"\"string\",\"containsNull\":true},\"nullable\":true,\"metadata\":{}}"
		"]}";
	struct lw_schema s;
	lw_schema_init(&s);
	assert_int_equal(lw_delta_schema(ss, &s, NULL), LW_OK);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.cols[0].type, LW_T_INT64);
	assert_false(s.cols[0].nullable);
	assert_int_equal(s.cols[1].type, LW_T_DECIMAL);
	assert_int_equal(s.cols[1].precision, 10);
	assert_int_equal(s.cols[1].scale, 2);
	assert_int_equal(s.cols[2].type, LW_T_TIMESTAMP);
	assert_int_equal(s.cols[3].type, LW_T_LIST);
	assert_string_equal(s.cols[3].physical, "array<string>");
	lw_schema_free(&s);
	cJSON *j = cJSON_Parse(ss);
	assert_string_equal(lw_delta_logical_name(j, "col-1"), "id");
	assert_null(lw_delta_logical_name(j, "col-2"));
	cJSON_Delete(j);
	lw_schema_init(&s);
	assert_int_equal(lw_delta_schema("{\"type\":\"struct\"}", &s, NULL),
			 LW_EPARSE);
	lw_schema_free(&s);
}

static void test_replay_dv(void **state)
{
	(void)state;
	struct lw_delta_snapshot s;
	struct lw_err err;
	lw_delta_snapshot_init(&s);
	const char *c0 =
		"{\"add\":{\"path\":\"a%20b.parquet\",\"size\":10,"
		"\"stats\":\"{\\\"numRecords\\\":5}\"}}\n"
		"{\"add\":{\"path\":\"c.parquet\",\"size\":20,"
		"\"stats\":\"{\\\"numRecords\\\":7}\"}}\n";
	assert_int_equal(lw_delta_apply_json(&s, c0, strlen(c0), 0, false,
					     NULL, NULL, &err), LW_OK);
	/* DELETE via a DV: the old entry goes, the new one carries it */
	const char *c1 =
		"{\"remove\":{\"path\":\"file:a b.parquet\"}}\n"
		"{\"add\":{\"path\":\"a%20b.parquet\",\"size\":10,"
		"\"stats\":\"{\\\"numRecords\\\":5}\",\"deletionVector\":"
		"{\"storageType\":\"u\",\"pathOrInlineDv\":\"xyz\",\"offset\":1,"
		"\"sizeInBytes\":30,\"cardinality\":2}}}\n"
		"{\"commitInfo\":{\"timestamp\":1700000000000,"
		"\"operation\":\"DELETE\"}}\n";
	assert_int_equal(lw_delta_apply_json(&s, c1, strlen(c1), 1, false,
					     NULL, NULL, &err), LW_OK);
	assert_int_equal(s.nlive, 2);
	assert_int_equal(s.commit_ms, 1700000000000LL);
	int64_t rows = 0;
	size_t it = 0;
	const struct lw_delta_file *f;
	while ((f = lw_delta_next(&s, &it)))
		rows += f->num_records - f->dv_cardinality;
	assert_int_equal(rows, 10);
	/* a remove naming the old DV-less entry again changes nothing;
	 * naming the DV removes it */
	const char *c2 = "{\"remove\":{\"path\":\"a%20b.parquet\"}}\n"
		"{\"remove\":{\"path\":\"a%20b.parquet\",\"deletionVector\":"
		"{\"storageType\":\"u\",\"pathOrInlineDv\":\"xyz\",\"offset\":1}}}";
	assert_int_equal(lw_delta_apply_json(&s, c2, strlen(c2), 2, false,
					     NULL, NULL, &err), LW_OK);
	assert_int_equal(s.nlive, 1);
	const char *bad = "{\"add\":{\"path\":\"x\"}}\n{oops";
	assert_int_equal(lw_delta_apply_json(&s, bad, strlen(bad), 3, false,
					     NULL, NULL, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "version 3 line 1"));
	lw_delta_snapshot_free(&s);

	cJSON *ci = cJSON_Parse("{\"operation\":\"MERGE\",\"operationMetrics\":"
				"{\"numTargetRowsInserted\":\"3\","
				"\"numTargetRowsUpdated\":\"4\"}}");
	assert_int_equal(lw_delta_load_rows(ci), 7);
	cJSON_Delete(ci);
	ci = cJSON_Parse("{\"operation\":\"DELETE\",\"operationMetrics\":"
			 "{\"numDeletedRows\":\"3\"}}");
	assert_int_equal(lw_delta_load_rows(ci), -1);
	cJSON_Delete(ci);
	/* a writer's nonsense metrics must not overflow the sum */
	ci = cJSON_Parse("{\"operation\":\"MERGE\",\"operationMetrics\":"
			 "{\"numTargetRowsInserted\":\"9223372036854775807\","
			 "\"numTargetRowsUpdated\":\"5\"}}");
	assert_int_equal(lw_delta_load_rows(ci), -1);
	cJSON_Delete(ci);
}

/* Live files whose sizes add up past INT64_MAX: the byte count saturates
 * (no overflow), the files are all there. */
static void test_huge_sizes(void **state)
{
	(void)state;
	struct lw_delta_snapshot s;
	struct lw_err err;
	struct lw_obs o;
	lw_delta_snapshot_init(&s);
	const char *log =
		"{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
		"{\"metaData\":{\"id\":\"x\",\"partitionColumns\":[\"p\"]}}\n"
		"{\"add\":{\"path\":\"p=1/a\",\"size\":9000000000000000000,"
		"\"partitionValues\":{\"p\":\"1\"}}}\n"
		"{\"add\":{\"path\":\"p=1/b\",\"size\":9000000000000000000,"
		"\"partitionValues\":{\"p\":\"1\"}}}\n"
		"{\"add\":{\"path\":\"p=2/c\",\"size\":\"9000000000000000000\","
		"\"partitionValues\":{\"p\":\"2\"}}}\n";
	assert_int_equal(lw_delta_apply_json(&s, log, strlen(log), 0, false,
					     NULL, NULL, &err), LW_OK);
	lw_obs_init(&o);
	assert_int_equal(lw_delta_fill_obs(&s, "t", &o, &err), LW_OK);
	assert_int_equal(o.files, 3);
	assert_true(o.bytes == INT64_MAX);
	assert_int_equal(o.nparts, 2);
	assert_true(o.parts[0].bytes == INT64_MAX);
	assert_true(o.parts[1].bytes == 9000000000000000000LL);
	lw_obs_free(&o);
	lw_delta_snapshot_free(&s);
}

/* A truncated schemaString names the table and the version and says it
 * is not valid JSON; valid JSON that is not a struct says that. */
static void test_schema_string_messages(void **state)
{
	(void)state;
	const char *logs[] = {
		"{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
		"{\"metaData\":{\"id\":\"x\",\"schemaString\":"
		"\"{\\\"type\\\":\\\"struct\\\",\\\"fie\","
		"\"partitionColumns\":[]}}\n",
		"{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
		"{\"metaData\":{\"id\":\"x\",\"schemaString\":\"[1]\","
		"\"partitionColumns\":[]}}\n"};
	const char *want[] = {"is not valid JSON", "not a struct type"};
	for (int i = 0; i < 2; i++) {
		struct lw_delta_snapshot s;
		struct lw_err err;
		struct lw_obs o;
		lw_err_clear(&err);
		lw_delta_snapshot_init(&s);
		assert_int_equal(lw_delta_apply_json(&s, logs[i],
			strlen(logs[i]), 7, false, NULL, NULL, &err), LW_OK);
		s.version = 7;
		lw_obs_init(&o);
		assert_int_equal(lw_delta_fill_obs(&s, "gold/t", &o, &err),
				 LW_EPARSE);
		if (!strstr(err.msg, "table gold/t") ||
		    !strstr(err.msg, "version 7") || !strstr(err.msg, want[i]))
			fail_msg("message: %s", err.msg);
		lw_obs_free(&o);
		lw_delta_snapshot_free(&s);
	}
}

/* A missing sidecar is named once, not by both the lake and the reader. */
static void test_missing_sidecar(void **state)
{
	(void)state;
	char *root = delta_dir();
	char *src = lw_xasprintf("%s/v2-checkpoint-json", root);
	struct stat st;
	free(root);
	if (stat(src, &st) != 0) {
		lw_needs(src);
		free(src);
		skip();
	}
	free(src);
	char *t = tmp_copy("v2-checkpoint-json");
	char *cmd = lw_xasprintf("rm '%s'/t/_delta_log/_sidecars/*", t);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	struct lw_obs o;
	struct lw_err err;
	assert_int_not_equal(load_obs(t, "t", &o, &err), LW_OK);
	const char *p = strstr(err.msg, "_sidecars/");
	assert_non_null(p);
	assert_null(strstr(p + 1, "_sidecars/"));
	assert_non_null(strstr(err.msg, "sidecar missing"));
	lw_obs_free(&o);
	rm_tmp(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_names),
		cmocka_unit_test(test_huge_sizes),
		cmocka_unit_test(test_last_cp_parse),
		cmocka_unit_test(test_protocol),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_replay_dv),
		cmocka_unit_test(test_golden_tables),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_detail_and_checkpoint),
		cmocka_unit_test(test_special_partitions),
		cmocka_unit_test(test_corrupt_last_checkpoint),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_dv_beyond_records),
		cmocka_unit_test(test_empty_commit),
		cmocka_unit_test(test_truncated_checkpoint),
		cmocka_unit_test(test_schema_string_messages),
		cmocka_unit_test(test_missing_sidecar),
		cmocka_unit_test(test_commits_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
