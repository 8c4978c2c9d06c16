/* notify.c - `lakewatch notify test [--channel NAME]`: send a test notice
 * to each channel (or one) right away, without the outbox, and print what
 * each answered. Exit 0 only when every channel took it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/cli.h"
#include "lakewatch/engine.h"
#include "lakewatch/log.h"
#include "lakewatch/notifier.h"
#include "lakewatch/util.h"

#define NOTIFY_FAILED 1

static void notify_usage(FILE *f)
{
	fputs("usage: lakewatch notify test [--channel NAME] [--config FILE]\n"
	      "Sends a test notice to every channel of the config's \"notify\"\n"
	      "section (or to NAME only) now, and prints what each answered.\n"
	      "Exit: 0 when every channel took it, 1 when one did not, 4 on a\n"
	      "usage or config error.\n", f);
}

/* One line per channel; returns how many did not take it. */
static int test_channels(const struct lw_config *cfg, const char *only)
{
	int bad = 0;
	for (size_t i = 0; i < cfg->notify->nchannels; i++) {
		const struct lw_notify_channel *c = &cfg->notify->channels[i];
		if (only && strcmp(only, c->name))
			continue;
		char answer[200];
		enum lw_deliver d = lw_notify_send_test(cfg, i, answer,
							sizeof answer);
		printf("%s (%s): %s: %s\n", c->name, c->kind->name,
		       d == LW_DELIVERED ? "delivered" : d == LW_RETRY ?
		       "failed (would be retried)" : "rejected", answer);
		bad += d != LW_DELIVERED;
	}
	return bad;
}

int lw_cmd_notify(int argc, char **argv)
{
	enum { O_CHANNEL = 256 };
	static const struct option opts[] = {
		LW_CLI_COMMON_OPTIONS,
		{"channel", required_argument, NULL, O_CHANNEL},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct lw_cli_common co = {0};
	const char *only = NULL;
	int c, k;
	while ((c = getopt_long(argc, argv, LW_CLI_COMMON_SHORT "h", opts,
				NULL)) != -1) {
		if ((k = lw_cli_common_opt(c, optarg, &co)) != 0) {
			if (k < 0)
				return 0;
			continue;
		}
		if (c == O_CHANNEL) {
			only = optarg;
		} else if (c == 'h') {
			notify_usage(stdout);
			return 0;
		} else {
			notify_usage(stderr);
			return LW_EXIT_USAGE;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "test") ||
	    optind + 1 < argc) {
		notify_usage(stderr);
		return LW_EXIT_USAGE;
	}
	int rc = lw_cli_open_log("notify", &co);
	if (rc)
		return rc;
	struct lw_config *cfg = NULL;
	if ((rc = lw_cli_load_config(co.config, &cfg, NULL)) != 0) {
		lw_log_close();
		return rc;
	}
	if (!cfg->notify || !cfg->notify->nchannels) {
		fprintf(stderr, "lakewatch notify: %s has no \"notify\" "
			"channels\n", cfg->file);
		rc = LW_EXIT_USAGE;
	} else if (only && lw_notify_channel_index(cfg->notify, only) < 0) {
		fprintf(stderr, "lakewatch notify: no channel \"%s\" in %s\n",
			only, cfg->file);
		rc = LW_EXIT_USAGE;
	} else {
		rc = test_channels(cfg, only) ? NOTIFY_FAILED : 0;
	}
	lw_config_free(cfg);
	lw_log_close();
	return rc;
}
