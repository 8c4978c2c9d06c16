/* test_lineage.c - upstream (explicit and the previous-layer default),
 * written_by links, and the root cause over a cascade: one root, the
 * datasets below it impacted, statuses untouched. */
#include "unit.h"
#include "lakewatch/engine.h"
#include "lakewatch/run.h"
#include "lakewatch/util.h"

#define LAKE "\"lakes\": {\"l\": {\"kind\": \"fs\", \"root\": \"/tmp\"}}," \
	"\"sources\": {\"s\": \"S\", \"t\": \"T\"},"
#define DS(name, src, layer, extra) "\"" name "\": {\"source\": \"" src \
	"\", \"layer\": \"" layer "\", \"lake\": \"l\", \"path\": \"" name \
	"\", \"format\": \"csv\"" extra "}"

/* bronze a,b (s), bronze x (t), silver c (s), gold d (s), powerbi e (s) */
static const char *const cascade =
	"{" LAKE "\"datasets\": {"
	DS("b.a", "s", "bronze", ", \"written_by\": [\"pl_a\", \"job.x\"]") ","
	DS("b.b", "s", "bronze", "") ","
	DS("job.x", "t", "bronze", "") ","
	DS("s.c", "s", "silver", "") ","
	DS("g.d", "s", "gold", "") ","
	DS("p.e", "s", "powerbi", "") "}}";

static struct lw_config *parse(const char *text)
{
	struct lw_buf errors;
	lw_buf_init(&errors, 1 << 16);
	struct lw_config *cfg = NULL;
	int rc = lw_config_parse(text, strlen(text), "t.json", &cfg, &errors);
	if (rc)
		fail_msg("config: %s", errors.data ? errors.data : "?");
	lw_buf_free(&errors);
	return cfg;
}

static void default_upstream(void **st)
{
	(void)st;
	struct lw_config *cfg = parse(cascade);
	const struct lw_dataset *a = lw_config_dataset(cfg, "b.a"),
		*c = lw_config_dataset(cfg, "s.c"),
		*e = lw_config_dataset(cfg, "p.e");
	assert_int_equal(a->nupstream, 0);
	assert_true(a->upstream_default);
	/* silver: both bronze of source s, not t's */
	assert_int_equal(c->nupstream, 2);
	assert_string_equal(cfg->datasets[c->upstream[0]].name, "b.a");
	assert_string_equal(cfg->datasets[c->upstream[1]].name, "b.b");
	assert_int_equal(e->nupstream, 1);
	assert_string_equal(cfg->datasets[e->upstream[0]].name, "g.d");
	/* writers: a name kept as written; linked when it is a dataset */
	assert_int_equal(a->nwritten_by, 2);
	assert_string_equal(a->written_by[0], "pl_a");
	assert_int_equal(a->writer_ds[0], -1);
	assert_string_equal(cfg->datasets[a->writer_ds[1]].name, "job.x");
	lw_config_free(cfg);
}

static void explicit_upstream(void **st)
{
	(void)st;
	struct lw_config *cfg = parse("{" LAKE "\"datasets\": {"
		DS("b.a", "s", "bronze", "") ","
		DS("g.d", "s", "gold", ", \"upstream\": [\"x.t\"]") ","
		DS("s.c", "s", "silver", ", \"upstream\": []") ","
		DS("x.t", "t", "silver", "") "}}");
	const struct lw_dataset *d = lw_config_dataset(cfg, "g.d"),
		*c = lw_config_dataset(cfg, "s.c"),
		*t = lw_config_dataset(cfg, "x.t");
	assert_false(d->upstream_default);
	assert_int_equal(d->nupstream, 1);
	assert_string_equal(cfg->datasets[d->upstream[0]].name, "x.t");
	assert_int_equal(c->nupstream, 0);	/* [] is none, not the default */
	/* a layer with nothing below it in its source: none */
	assert_int_equal(t->nupstream, 0);
	lw_config_free(cfg);
}

static void cycle_named(void **st)
{
	(void)st;
	const char *text = "{" LAKE "\"datasets\": {"
		DS("b.a", "s", "bronze", ", \"upstream\": [\"g.d\"]") ","
		DS("g.d", "s", "gold", ", \"upstream\": [\"b.a\"]") "}}";
	struct lw_buf errors;
	lw_buf_init(&errors, 1 << 16);
	struct lw_config *cfg = NULL;
	assert_int_equal(lw_config_parse(text, strlen(text), "t.json", &cfg,
					 &errors), LW_ECONFIG);
	assert_null(cfg);
	assert_non_null(strstr(errors.data, "lineage cycle: b.a → g.d → b.a"));
	assert_non_null(strstr(errors.data, "t.json:1:"));
	lw_buf_free(&errors);
}

/* A run over cfg with the given statuses (config order). */
static void make_run(const struct lw_config *cfg, struct lw_run *run,
		     const enum lw_status *st)
{
	memset(run, 0, sizeof *run);
	run->ds = lw_xcalloc(cfg->ndatasets, sizeof *run->ds);
	for (size_t i = 0; i < cfg->ndatasets; i++) {
		run->ds[run->n].ds = &cfg->datasets[i];
		run->ds[run->n++].status = st[i];
	}
}

static void cascade_root(void **st)
{
	(void)st;
	struct lw_config *cfg = parse(cascade);
	struct lw_run run;
	/* b.a stale; silver, gold and Power BI fail after it; b.b, job.x ok */
	enum lw_status s[] = {LW_FAIL, LW_PASS, LW_PASS, LW_FAIL, LW_WARN,
			      LW_ERROR};
	make_run(cfg, &run, s);
	lw_lineage_mark(cfg, &run);
	assert_false(run.ds[0].impacted);
	assert_null(run.ds[0].root);
	for (int i = 3; i < 6; i++) {
		assert_true(run.ds[i].impacted);
		assert_ptr_equal(run.ds[i].root, &run.ds[0]);
		assert_int_equal(run.ds[i].status, s[i]);	/* untouched */
	}
	assert_false(run.ds[1].impacted);
	/* the writer fails too: it is the root of all four */
	run.ds[2].status = LW_FAIL;
	lw_lineage_mark(cfg, &run);
	assert_true(run.ds[0].impacted);
	for (int i = 3; i < 6; i++)
		assert_ptr_equal(run.ds[i].root, &run.ds[2]);
	assert_ptr_equal(run.ds[0].root, &run.ds[2]);
	assert_false(run.ds[2].impacted);
	/* a passing gold between: Power BI's root is still bronze (transitive),
	 * and a passing dataset is never impacted */
	run.ds[2].status = LW_PASS;
	run.ds[4].status = LW_PASS;
	lw_lineage_mark(cfg, &run);
	assert_ptr_equal(run.ds[5].root, &run.ds[0]);
	assert_false(run.ds[4].impacted);
	assert_null(run.ds[4].root);
	/* two roots: a FAIL next door wins over a WARN farther up */
	struct lw_config *c2 = parse("{" LAKE "\"datasets\": {"
		DS("b.a", "s", "bronze", "") ","
		DS("s.c", "s", "silver", ", \"upstream\": [\"b.a\"]") ","
		DS("s.o", "t", "silver", "") ","
		DS("g.d", "s", "gold", ", \"upstream\": [\"s.c\", \"s.o\"]")
		"}}");
	struct lw_run r2;
	enum lw_status s2[] = {LW_WARN, LW_PASS, LW_FAIL, LW_FAIL};
	make_run(c2, &r2, s2);
	lw_lineage_mark(c2, &r2);
	assert_ptr_equal(r2.ds[3].root, &r2.ds[2]);
	r2.ds[0].status = LW_FAIL;	/* equal: the farther one */
	lw_lineage_mark(c2, &r2);
	assert_ptr_equal(r2.ds[3].root, &r2.ds[0]);
	free(r2.ds);
	lw_config_free(c2);
	free(run.ds);
	lw_config_free(cfg);
}

/* A filtered run (only gold and Power BI): nothing upstream is judged, so
 * nothing is impacted. */
static void filtered_run(void **st)
{
	(void)st;
	struct lw_config *cfg = parse(cascade);
	struct lw_run run = {0};
	struct lw_ds_run dr[2] = {{0}};
	dr[0].ds = lw_config_dataset(cfg, "g.d");
	dr[1].ds = lw_config_dataset(cfg, "p.e");
	dr[0].status = dr[1].status = LW_FAIL;
	run.ds = dr;
	run.n = 2;
	lw_lineage_mark(cfg, &run);
	assert_true(dr[1].impacted);
	assert_ptr_equal(dr[1].root, &dr[0]);
	assert_false(dr[0].impacted);
	assert_ptr_equal(lw_run_dataset(cfg, &run, 4), &dr[0]);
	assert_null(lw_run_dataset(cfg, &run, 0));
	lw_config_free(cfg);
}

/* A run dataset (a Data Factory pipeline, here declared above bronze) has
 * no layer: no default upstream (which would loop through the bronze
 * table it writes), none for the others either; a failed run is the root
 * of the data it writes and what is made from it. */
static void run_root(void **st)
{
	(void)st;
	struct lw_config *cfg = parse("{\"lakes\": {"
		"\"l\": {\"kind\": \"fs\", \"root\": \"/tmp\"},"
		"\"adf\": {\"kind\": \"datafactory\", \"subscription\": \"s\","
		" \"resource_group\": \"rg\", \"factory\": \"f\","
		" \"auth\": {\"method\": \"managed_identity\"}}},"
		"\"sources\": {\"s\": \"S\"}, \"datasets\": {"
		DS("b.sales", "s", "bronze",
		   ", \"written_by\": [\"pl_load_sales\"]") ","
		/* data whose path is the pipeline's name: the run wins */
		"\"x.copy\": {\"source\": \"s\", \"layer\": \"bronze\","
		" \"lake\": \"l\", \"path\": \"pl_load_sales\","
		" \"format\": \"csv\"},"
		"\"adf.load\": {\"source\": \"s\", \"layer\": \"silver\","
		" \"lake\": \"adf\", \"pipeline\": \"pl_load_sales\"},"
		DS("g.d", "s", "gold", "") "}}");
	assert_non_null(cfg);
	const struct lw_dataset *b = lw_config_dataset(cfg, "b.sales"),
		*r = lw_config_dataset(cfg, "adf.load"),
		*g = lw_config_dataset(cfg, "g.d");
	assert_true(r->runs);
	assert_false(b->runs);
	assert_int_equal(r->nupstream, 0);
	assert_false(r->upstream_default);
	/* linked by the pipeline (its path) */
	assert_int_equal(b->nwritten_by, 1);
	assert_ptr_equal(&cfg->datasets[b->writer_ds[0]], r);
	/* gold skips the run's "layer" for bronze's data */
	assert_int_equal(g->nupstream, 2);
	assert_ptr_equal(&cfg->datasets[g->upstream[0]], b);
	struct lw_run run;
	enum lw_status s[] = {LW_FAIL, LW_PASS, LW_FAIL, LW_FAIL};
	make_run(cfg, &run, s);
	lw_lineage_mark(cfg, &run);
	assert_false(run.ds[2].impacted);
	assert_true(run.ds[0].impacted);
	assert_ptr_equal(run.ds[0].root, &run.ds[2]);
	assert_true(run.ds[3].impacted);
	assert_ptr_equal(run.ds[3].root, &run.ds[2]);
	/* the run succeeded: bronze is its own root again */
	run.ds[2].status = LW_PASS;
	lw_lineage_mark(cfg, &run);
	assert_false(run.ds[0].impacted);
	assert_ptr_equal(run.ds[3].root, &run.ds[0]);
	free(run.ds);
	lw_config_free(cfg);
}

/* Gold datasets published as a SQL endpoint and a lake path; the Power
 * BI dataset p.e (default upstream: both gold) and p.f (configured). */
static const char *const published =
	"{" LAKE "\"datasets\": {"
	DS("g.sql", "s", "gold", ", \"published_as\": {\"server\": "
	   "\"ws.sql.azuresynapse.net\", \"database\": \"gold\"}") ","
	DS("g.adls", "s", "gold", ", \"published_as\": [{\"path\": "
	   "\"https://acct.dfs.core.windows.net/gold/adls/\"}]") ","
	DS("p.e", "s", "powerbi", "") ","
	DS("p.f", "s", "powerbi", ", \"upstream\": [\"g.adls\"]") "}}";

/* Give dr's observation one datasource (server/database or path). */
static void one_source(struct lw_ds_run *dr, const char *server,
		       const char *db, const char *path)
{
	struct lw_powerbi_facts *f = &dr->obs.powerbi;
	lw_powerbi_sources_free(f);
	f->present = true;
	f->has_sources = true;
	f->sources = lw_xcalloc(2, sizeof *f->sources);
	f->nsources = 1;
	f->sources[0].server = server ? lw_xstrdup(server) : NULL;
	f->sources[0].database = db ? lw_xstrdup(db) : NULL;
	f->sources[0].path = path ? lw_xstrdup(path) : NULL;
}

static void learned_upstream(void **st)
{
	(void)st;
	struct lw_config *cfg = parse(published);
	struct lw_run run;
	enum lw_status s[] = {LW_FAIL, LW_PASS, LW_FAIL, LW_FAIL};
	make_run(cfg, &run, s);
	struct lw_ds_run *e = &run.ds[2], *f = &run.ds[3];
	size_t n;
	/* the SQL endpoint, spelled as Power BI may: a learned root */
	one_source(e, "tcp:WS.sql.azuresynapse.net,1433", "Gold", NULL);
	one_source(f, "ws.sql.azuresynapse.net", "gold", NULL);
	lw_lineage_mark(cfg, &run);
	const int *up = lw_ds_upstream(e->ds, e, &n);
	assert_int_equal(e->up_from, LW_UP_SERVICE);
	assert_int_equal(n, 1);
	assert_string_equal(cfg->datasets[up[0]].name, "g.sql");
	assert_true(e->impacted);
	assert_ptr_equal(e->root, &run.ds[0]);
	/* the config wins over what the service says */
	assert_int_equal(f->up_from, LW_UP_CONFIG);
	up = lw_ds_upstream(f->ds, f, &n);
	assert_string_equal(cfg->datasets[up[0]].name, "g.adls");
	assert_false(f->impacted);
	/* a path under the published one: the lake dataset, which passes */
	one_source(e, NULL, NULL, "https://ACCT.dfs.core.windows.net/gold/adls/"
		   "part-0.parquet");
	lw_lineage_mark(cfg, &run);
	up = lw_ds_upstream(e->ds, e, &n);
	assert_int_equal(n, 1);
	assert_string_equal(cfg->datasets[up[0]].name, "g.adls");
	assert_false(e->impacted);
	/* no match, and a refusal: the previous layer, and why */
	one_source(e, "other", "gold", "https://acct.dfs.core.windows.net/gold/adlsx");
	lw_lineage_mark(cfg, &run);
	assert_int_equal(e->up_from, LW_UP_LAYER);
	assert_string_equal(e->up_note, "no dataset's published_as is one of "
			    "its 1 datasources");
	assert_int_equal(lw_ds_upstream(e->ds, e, &n)[0], 0);
	assert_int_equal(n, 2);
	assert_ptr_equal(e->root, &run.ds[0]);
	lw_powerbi_sources_free(&e->obs.powerbi);
	e->obs.powerbi.sources_error = lw_xstrdup("Power BI: no access (403)");
	lw_lineage_mark(cfg, &run);
	assert_int_equal(e->up_from, LW_UP_LAYER);
	assert_string_equal(e->up_note, "the service did not say its "
			    "datasources: Power BI: no access (403)");
	assert_string_equal(lw_up_from_text(LW_UP_SERVICE),
			    "from the service's datasources");
	for (size_t i = 0; i < run.n; i++) {
		lw_powerbi_sources_free(&run.ds[i].obs.powerbi);
		free(run.ds[i].learned);
		free(run.ds[i].up_note);
	}
	free(run.ds);
	lw_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_upstream),
		cmocka_unit_test(explicit_upstream),
		cmocka_unit_test(cycle_named),
		cmocka_unit_test(cascade_root),
		cmocka_unit_test(filtered_run),
		cmocka_unit_test(run_root),
		cmocka_unit_test(learned_upstream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
