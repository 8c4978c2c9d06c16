/* act.c - what a person does about a problem: `lakewatch ack`, `mute`,
 * `unmute` and `accept`. Each is recorded in the history with the user's name and the
 * time; none changes a check's status or an exit code. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lakewatch/cli.h"
#include "lakewatch/config.h"
#include "lakewatch/history_incidents.h"
#include "lakewatch/util.h"

#define EXIT_NOTHING 1	/* nothing to act on (no incident, no baseline) */
#define EXIT_HISTORY 3	/* the history could not be read or written */

struct act_opts {
	const char *cmd;		/* "ack", "mute", "unmute", "accept" */
	const char *config, *history, *note, *until_s, *for_s;
	bool undo;
	const char *dataset, *check;
};

static void act_usage(FILE *f, const char *cmd)
{
	if (strcmp(cmd, "ack") == 0)
		fputs("usage: lakewatch ack DATASET [CHECK] [--note TEXT]\n"
		      "Acknowledge the open incidents of DATASET (or of one "
		      "check): they stay\nvisible, marked as acknowledged by "
		      "you.\n", f);
	else if (strcmp(cmd, "mute") == 0)
		fputs("usage: lakewatch mute DATASET [CHECK] (--for 2h | "
		      "--until TIME)\nHide DATASET's incidents (or one "
		      "check's) from the default views until\nthe mute ends. "
		      "Statuses and exit codes do not change.\n", f);
	else if (strcmp(cmd, "unmute") == 0)
		fputs("usage: lakewatch unmute DATASET [CHECK]\n"
		      "End DATASET's mutes now (or CHECK's own mute), recorded "
		      "with your name\nand the time: its incidents are back in "
		      "the default views.\n", f);
	else
		fputs("usage: lakewatch accept [--undo] DATASET [CHECK]\n"
		      "Accept DATASET's last observed schema and row count as "
		      "its baseline\n(CHECK schema or change: only that one; "
		      "anomaly: the current level\nbecomes the anomaly rule's "
		      "normal); --undo takes the last accept back.\n", f);
	fputs("\n  -c, --config FILE   config file\n"
	      "      --history FILE  history database (default: the "
	      "config's)\n"
	      "Exit: 0 done, 1 nothing to act on, 3 history error, 4 usage "
	      "or config error.\n", f);
}

static int parse_act(int argc, char **argv, struct act_opts *o)
{
	enum { O_HISTORY = 256, O_NOTE, O_FOR, O_UNTIL, O_UNDO };
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"history", required_argument, NULL, O_HISTORY},
		{"note", required_argument, NULL, O_NOTE},
		{"for", required_argument, NULL, O_FOR},
		{"until", required_argument, NULL, O_UNTIL},
		{"undo", no_argument, NULL, O_UNDO},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool ack = strcmp(o->cmd, "ack") == 0, mute = strcmp(o->cmd, "mute")
		   == 0;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case O_HISTORY: o->history = optarg; break;
		case O_NOTE: if (!ack) goto bad; o->note = optarg; break;
		case O_FOR: if (!mute) goto bad; o->for_s = optarg; break;
		case O_UNTIL: if (!mute) goto bad; o->until_s = optarg; break;
		case O_UNDO: if (ack || mute) goto bad; o->undo = true; break;
		case 'h': act_usage(stdout, o->cmd); return -1;
		default: act_usage(stderr, o->cmd); return LW_EXIT_USAGE;
		}
	}
	if (optind < argc)
		o->dataset = argv[optind++];
	if (optind < argc)
		o->check = argv[optind++];
	if (!o->dataset || optind < argc) {
		fprintf(stderr, "lakewatch %s: %s\n", o->cmd, o->dataset ?
			"too many arguments" : "which dataset?");
		act_usage(stderr, o->cmd);
		return LW_EXIT_USAGE;
	}
	if (mute && !o->for_s == !o->until_s) {
		fprintf(stderr, "lakewatch mute: give --for DURATION or --until "
			"TIME (one of them)\n");
		return LW_EXIT_USAGE;
	}
	return 0;
bad:
	fprintf(stderr, "lakewatch %s: option '%s' does not apply here\n",
		o->cmd, argv[optind - 1]);
	return LW_EXIT_USAGE;
}

/* $USER, else the password entry, else the uid. Static storage. */
static const char *user_name(void)
{
	static char buf[64];
	const char *u = getenv("USER");
	if (u && *u)
		return u;
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	snprintf(buf, sizeof buf, "uid %ld", (long)getuid());
	return buf;
}

/* The dataset and check must exist: a typo must not record nothing. */
static int known(const struct lw_config *cfg, const struct act_opts *o)
{
	const struct lw_dataset *ds = lw_config_dataset(cfg, o->dataset);
	if (!ds) {
		fprintf(stderr, "lakewatch %s: no dataset '%s' in %s\n", o->cmd,
			o->dataset, cfg->file);
		return LW_EXIT_USAGE;
	}
	if (!o->check || !strcmp(o->check, "readable") ||
	    !strcmp(o->check, "observe"))
		return 0;
	for (size_t i = 0; i < ds->nchecks; i++)
		if (strcmp(ds->checks[i].name, o->check) == 0)
			return 0;
	fprintf(stderr, "lakewatch %s: dataset '%s' has no check '%s'\n",
		o->cmd, o->dataset, o->check);
	return LW_EXIT_USAGE;
}

static int exit_for(const char *cmd, const struct lw_err *err)
{
	fprintf(stderr, "lakewatch %s: %s\n", cmd, err->msg);
	return err->code == LW_ENOTFOUND ? EXIT_NOTHING : EXIT_HISTORY;
}

static int do_ack(struct lw_history *h, const struct act_opts *o,
		  const char *user, int64_t now)
{
	struct lw_incident *v = NULL;
	size_t n = 0;
	struct lw_err err;
	char age[32], when[32];
	if (lw_history_ack(h, o->dataset, o->check, user, o->note, now, &v, &n,
			   &err))
		return exit_for(o->cmd, &err);
	for (size_t i = 0; i < n; i++) {
		const struct lw_incident *inc = &v[i];
		if (inc->resolved)
			printf("incident #%lld (%s %s) already resolved at %s; "
			       "acknowledgement recorded for the record\n",
			       (long long)inc->id, inc->dataset, inc->check,
			       lw_time_fmt(inc->resolved, when, sizeof when));
		else
			printf("acknowledged incident #%lld (%s %s, %s for %s) "
			       "as %s\n", (long long)inc->id, inc->dataset,
			       inc->check, lw_status_name(inc->current),
			       lw_incident_age_fmt(inc, now, age, sizeof age),
			       user);
	}
	lw_incidents_free(v, n);
	return 0;
}

static int do_mute(struct lw_history *h, const struct act_opts *o,
		   const char *user, int64_t now)
{
	int64_t until = 0, d = 0;
	struct lw_err err;
	char when[32];
	if (o->for_s && (lw_duration_parse(o->for_s, &d) || d <= 0)) {
		fprintf(stderr, "lakewatch mute: --for: '%s' is not a duration "
			"such as 30m, 2h or 1d\n", o->for_s);
		return LW_EXIT_USAGE;
	}
	if (o->until_s && lw_time_parse(o->until_s, &until)) {
		fprintf(stderr, "lakewatch mute: --until: '%s' is not a time "
			"such as 2026-11-21T08:00:00Z\n", o->until_s);
		return LW_EXIT_USAGE;
	}
	if (o->for_s)
		until = now + d;
	if (until <= now) {
		fprintf(stderr, "lakewatch mute: --until %s is not in the "
			"future\n", o->until_s);
		return LW_EXIT_USAGE;
	}
	if (lw_history_mute(h, o->dataset, o->check, user, now, until, &err))
		return exit_for(o->cmd, &err);
	printf("muted %s %s until %s as %s (statuses and exit codes "
	       "unchanged)\n", o->dataset, o->check ? o->check :
	       "(every check)", lw_time_fmt(until, when, sizeof when), user);
	return 0;
}

/* A check's own mute ends; a mute of every check of the dataset still
 * covers it, and the message says so and how to end that one. */
static int do_unmute(struct lw_history *h, const struct act_opts *o,
		     const char *user, int64_t now)
{
	struct lw_err err, err2;
	int ended = 0;
	int64_t still = 0;
	char when[32];
	int rc = lw_history_unmute(h, o->dataset, o->check, user, now, &ended,
				   &err);
	if (rc != LW_OK && rc != LW_ENOTFOUND)
		return exit_for(o->cmd, &err);
	if (o->check && lw_history_muted_until(h, o->dataset, o->check, now,
					       &still, &err2) != LW_OK)
		return exit_for(o->cmd, &err2);
	if (rc == LW_OK)
		printf("unmuted %s %s as %s (%d mute%s ended)\n", o->dataset,
		       o->check ? o->check : "(every check)", user, ended,
		       ended == 1 ? "" : "s");
	if (still) {
		fprintf(stderr, "lakewatch unmute: %s %s is still muted until "
			"%s by the mute of every check of %s; 'lakewatch "
			"unmute %s' ends that one\n", o->dataset, o->check,
			lw_time_fmt(still, when, sizeof when), o->dataset,
			o->dataset);
		return EXIT_NOTHING;
	}
	return rc == LW_OK ? 0 : exit_for(o->cmd, &err);
}

static int do_accept(struct lw_history *h, const struct act_opts *o,
		     const char *user, int64_t now)
{
	struct lw_err err;
	char *what = NULL;
	if (o->check && strcmp(o->check, "schema") && strcmp(o->check,
		"change") && strcmp(o->check, "anomaly")) {
		fprintf(stderr, "lakewatch accept: only the schema, change and "
			"anomaly checks keep a baseline, not '%s'\n",
			o->check);
		return LW_EXIT_USAGE;
	}
	if (o->undo) {
		if (lw_history_accept_undo(h, o->dataset, o->check, now, &err))
			return exit_for(o->cmd, &err);
		printf("took back the last accepted baseline of %s%s%s\n",
		       o->dataset, o->check ? " " : "", o->check ? o->check :
		       "");
		return 0;
	}
	if (lw_history_accept(h, o->dataset, o->check, user, now, &what, &err))
		return exit_for(o->cmd, &err);
	printf("accepted %s as the baseline of %s%s%s, as %s; the next poll "
	       "compares with it\n", what ? what : "the last observation",
	       o->dataset, o->check ? " " : "", o->check ? o->check : "",
	       user);
	free(what);
	return 0;
}

/* ack, mute and accept: argv[0] names which. */
int lw_cmd_act(int argc, char **argv)
{
	struct act_opts o = {.cmd = argv[0]};
	int rc = parse_act(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct lw_config *cfg = NULL;
	if ((rc = lw_cli_load_config(o.config, &cfg, NULL)) != 0)
		return rc;
	if ((rc = known(cfg, &o)) != 0) {
		lw_config_free(cfg);
		return rc;
	}
	struct lw_history *h = NULL;
	struct lw_err err;
	const char *hp = o.history ? o.history : cfg->history_path;
	if (lw_history_open(hp, false, &h, &err)) {
		fprintf(stderr, "lakewatch %s: history: %s\n", o.cmd, err.msg);
		lw_config_free(cfg);
		return EXIT_HISTORY;
	}
	const char *user = user_name();
	int64_t now = lw_now();
	if (strcmp(o.cmd, "ack") == 0)
		rc = do_ack(h, &o, user, now);
	else if (strcmp(o.cmd, "mute") == 0)
		rc = do_mute(h, &o, user, now);
	else if (strcmp(o.cmd, "unmute") == 0)
		rc = do_unmute(h, &o, user, now);
	else
		rc = do_accept(h, &o, user, now);
	lw_history_close(h);
	lw_config_free(cfg);
	return rc;
}
