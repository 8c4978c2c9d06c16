/* test_init.c - cJSON allocates through the project's abort-on-OOM
 * allocator from the first line of main() on (core/init.c). */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cJSON.h>
#include "lakewatch/init.h"

static bool done_before_main;

static void installed_before_main(void **st)
{
	(void)st;
	/* nothing in this binary called lw_init(): the library did, at load */
	assert_true(done_before_main);
	lw_init();	/* idempotent */
	assert_true(lw_init_done());
}

#if defined(__SANITIZE_ADDRESS__)
#define LW_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LW_ASAN 1
#endif
#endif

static void cjson_oom_aborts_with_message(void **st)
{
	(void)st;
#ifdef LW_ASAN
	skip();	/* ASan's allocator reports huge requests itself */
#else
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], 2);
		close(fd[0]);
		/* plain malloc would give NULL here; lw_xmalloc aborts */
		void *p = cJSON_malloc((size_t)-1 / 2);
		_exit(p ? 10 : 11);
	}
	close(fd[1]);
	char msg[256] = "";
	ssize_t n = read(fd[0], msg, sizeof msg - 1);
	close(fd[0]);
	msg[n > 0 ? n : 0] = '\0';
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_non_null(strstr(msg, "lakewatch: out of memory"));
#endif
}

static void cjson_works_through_hooks(void **st)
{
	(void)st;
	/* custom hooks switch cJSON's printer from realloc to malloc+copy:
	 * a document longer than its first guess still prints whole */
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < 2000; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString("abcdefghij"));
	char *s = cJSON_PrintUnformatted(a);
	assert_non_null(s);
	assert_int_equal(strlen(s), 2 + 2000 * 12 + 1999);
	cJSON *back = cJSON_Parse(s);
	assert_int_equal(cJSON_GetArraySize(back), 2000);
	cJSON_free(s);
	cJSON_Delete(back);
	cJSON_Delete(a);
}

int main(void)
{
	done_before_main = lw_init_done();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(installed_before_main),
		cmocka_unit_test(cjson_oom_aborts_with_message),
		cmocka_unit_test(cjson_works_through_hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
