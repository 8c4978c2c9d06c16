/* test_fs.c - the fs lake kind on what a directory may hold besides
 * files: a FIFO must be an error, at once, never a read that waits for a
 * writer. */
#include "unit.h"
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lakewatch/lake.h"
#include "lakewatch/cfgctx.h"
#include "lakewatch/util.h"

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

static int count(void *ud, const struct lw_entry *e)
{
	(void)e;
	++*(int *)ud;
	return LW_OK;
}

static void fifo_is_not_a_file(void **st)
{
	(void)st;
	char dir[] = "/tmp/lw_fs_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *fifo = lw_xasprintf("%s/_last_checkpoint", dir);
	char *reg = lw_xasprintf("%s/a.csv", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	FILE *f = fopen(reg, "w");
	fputs("x\n1\n", f);
	fclose(f);

	struct lw_lake *l = open_fs(dir);
	struct lw_buf b;
	struct lw_err err = {0};
	lw_buf_init(&b, 1 << 20);
	alarm(20);	/* before the fix the read blocked here */
	assert_int_equal(lw_lake_fs.read(l, "_last_checkpoint", 0, -1, &b,
					 &err), LW_EIO);
	assert_non_null(strstr(err.msg, "not a regular file"));
	assert_int_equal(lw_lake_fs.read(l, "a.csv", 0, -1, &b, &err), LW_OK);
	assert_int_equal(b.len, 4);
	int n = 0;	/* the listing shows regular files only */
	assert_int_equal(lw_lake_fs.list(l, "", count, &n, &err), LW_OK);
	assert_int_equal(n, 1);
	n = 0;		/* and a FIFO named as a dataset path is an error */
	assert_int_equal(lw_lake_fs.list(l, "_last_checkpoint", count, &n,
					 &err), LW_EIO);
	assert_int_equal(n, 0);
	alarm(0);
	lw_buf_free(&b);
	lw_lake_fs.close(l);
	unlink(fifo);
	unlink(reg);
	rmdir(dir);
	free(fifo);
	free(reg);
}

/* FIFOs, sockets and dangling symlinks are not data, but they are not
 * passed over silently: the listing counts them and names the first. */
static void special_entries_counted(void **st)
{
	(void)st;
	char dir[] = "/tmp/lw_fs_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *cmd = lw_xasprintf("cd %s && mkdir d && printf 'x\\n' > d/a.csv "
				 "&& mkfifo d/b.pipe && ln -s nowhere d/c.csv "
				 "&& python3 -c 'import socket; socket.socket("
				 "socket.AF_UNIX).bind(\"d/e.sock\")'", dir);
	assert_int_equal(system(cmd), 0);
	struct lw_lake *l = open_fs(dir);
	struct lw_err err = {0};
	int n = 0;
	int64_t skipped = -1;
	const char *first = NULL, *what = NULL;
	assert_int_equal(lw_lake_fs.list(l, "d", count, &n, &err), LW_OK);
	assert_int_equal(n, 1);
	lw_lake_fs.skipped(l, &skipped, &first, &what);
	assert_int_equal(skipped, 3);
	assert_non_null(first);
	assert_true(strcmp(first, "d/b.pipe") == 0 ? strcmp(what, "FIFO") == 0 :
		    strcmp(first, "d/c.csv") == 0 ?
		    strcmp(what, "dangling symlink") == 0 :
		    strcmp(first, "d/e.sock") == 0 && strcmp(what, "socket") == 0);
	char *rm = lw_xasprintf("rm %s/d/b.pipe %s/d/c.csv %s/d/e.sock", dir,
				dir, dir);
	assert_int_equal(system(rm), 0);
	assert_int_equal(lw_lake_fs.list(l, "d", count, &n, &err), LW_OK);
	lw_lake_fs.skipped(l, &skipped, &first, &what);
	assert_int_equal(skipped, 0);	/* counted per listing */
	assert_null(first);
	lw_lake_fs.close(l);
	free(rm);
	free(cmd);
	cmd = lw_xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* A directory symlink that leads back up is named once, as a loop, not
 * as a path 64 levels deep. */
static void symlink_loop_named_once(void **st)
{
	(void)st;
	char dir[] = "/tmp/lw_fs_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *cmd = lw_xasprintf("cd %s && mkdir -p d/x && printf 'x\\n' > "
				 "d/x/a.csv && ln -s .. d/x/up", dir);
	assert_int_equal(system(cmd), 0);
	struct lw_lake *l = open_fs(dir);
	struct lw_err err = {0};
	int n = 0;
	assert_int_equal(lw_lake_fs.list(l, "d", count, &n, &err), LW_EIO);
	assert_string_equal(err.msg, "d/x/up: a symlink loop back to d");
	lw_lake_fs.close(l);
	free(cmd);
	cmd = lw_xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fifo_is_not_a_file),
		cmocka_unit_test(special_entries_counted),
		cmocka_unit_test(symlink_loop_named_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
