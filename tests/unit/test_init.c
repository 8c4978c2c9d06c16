/* test_init.c - cJSON allocates through the project's abort-on-OOM
 * allocator from the first line of main() on (core/init.c). */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>
#include <cJSON.h>
#include "lakewatch/init.h"

static bool done_before_main;
static char self_path[4096];

static void installed_before_main(void **st)
{
	(void)st;
	/* nothing in this binary called lw_init(): the library did, at load */
	assert_true(done_before_main);
	lw_init();	/* idempotent */
	assert_true(lw_init_done());
}

/* The child: allocate more than any machine has through cJSON. Plain
 * malloc would give NULL; lw_xmalloc says so and aborts. */
static int oom_child(void)
{
	void *p = cJSON_malloc((size_t)-1 / 2);
	return p ? 10 : 11;
}

static void cjson_oom_aborts_with_message(void **st)
{
	(void)st;
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* a fresh image, so a sanitizer build reads this setting:
		 * its allocator then answers NULL like libc's instead of
		 * stopping the process itself */
		char *argv[] = {self_path, "--oom-child", NULL};
		char *envp[] = {"ASAN_OPTIONS=allocator_may_return_null=1",
				NULL};
		dup2(fd[1], 2);
		close(fd[0]);
		execve(self_path, argv, envp);
		_exit(12);
	}
	close(fd[1]);
	char msg[4096] = "";
	size_t got = 0;
	ssize_t n;
	while (got < sizeof msg - 1 &&
	       (n = read(fd[0], msg + got, sizeof msg - 1 - got)) > 0)
		got += (size_t)n;
	close(fd[0]);
	msg[got] = '\0';
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_non_null(strstr(msg, "lakewatch: out of memory"));
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

int main(int argc, char **argv)
{
	done_before_main = lw_init_done();
	if (argc > 1 && strcmp(argv[1], "--oom-child") == 0)
		return oom_child();
	ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
	if (n <= 0)
		return 1;
	self_path[n] = '\0';
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(installed_before_main),
		cmocka_unit_test(cjson_oom_aborts_with_message),
		cmocka_unit_test(cjson_works_through_hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
