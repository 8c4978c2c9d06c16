/* notify_int.h - what the notify/ files share and nobody else sees. */
#ifndef LAKEWATCH_NOTIFY_INT_H
#define LAKEWATCH_NOTIFY_INT_H

#include "lakewatch/notifier.h"

/* An outbox message read back into a batch (decode.c): the notices'
 * strings live in this, which the caller frees after rendering. */
struct lw_notify_decoded;
struct lw_notify_decoded *lw_notify_decode(const struct lw_config *cfg,
					   const struct lw_outbox_msg *m,
					   struct lw_notice_batch *b);
void lw_notify_decoded_free(struct lw_notify_decoded *d);

#endif
