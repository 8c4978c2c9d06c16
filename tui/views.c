/* views.c - the registry of the dashboard's views (tab order) and the app
 * side of them: their state, which one is shown, and telling them about
 * new data. See view.h for how a view is added. */
#include <assert.h>
#include <stdlib.h>
#include "app.h"
#include "lakewatch/util.h"

const struct lw_view_ops *const lw_views[] = {
	&lw_view_overview,
	&lw_view_datasets,
	&lw_view_detail,
	&lw_view_events,
	&lw_view_incidents,
	&lw_view_pipelines,
	&lw_view_help,
};
const size_t lw_nviews = sizeof lw_views / sizeof lw_views[0];

size_t lw_view_index(const struct lw_view_ops *v)
{
	for (size_t i = 0; i < lw_nviews; i++)
		if (lw_views[i] == v)
			return i;
	assert(!"view not in lw_views");
	return 0;
}

/* Borrowed (static), or NULL when no view has that key. */
const struct lw_view_ops *lw_view_for_key(int key)
{
	for (size_t i = 0; i < lw_nviews; i++)
		if (lw_views[i]->key == key)
			return lw_views[i];
	return NULL;
}

void lw_app_views_init(struct lw_app *a)
{
	a->vst = lw_xcalloc(lw_nviews, sizeof *a->vst);
	for (size_t i = 0; i < lw_nviews; i++) {
		assert(lw_views[i]->init && lw_views[i]->draw);
		a->vst[i] = lw_views[i]->init(a);
	}
	a->cur = a->back = 0;
}

void lw_app_views_free(struct lw_app *a)
{
	if (!a->vst)
		return;
	for (size_t i = 0; i < lw_nviews; i++) {
		if (lw_views[i]->free)
			lw_views[i]->free(a->vst[i]);
		else
			free(a->vst[i]);
	}
	free(a->vst);
	a->vst = NULL;
}

const struct lw_view_ops *lw_app_view(const struct lw_app *a)
{
	assert(a->cur < lw_nviews);
	return lw_views[a->cur];
}

void *lw_app_state(const struct lw_app *a, const struct lw_view_ops *v)
{
	return a->vst[lw_view_index(v)];
}

bool lw_app_showing(const struct lw_app *a, const struct lw_view_ops *v)
{
	return lw_views[a->cur] == v;
}

void lw_app_show(struct lw_app *a, const struct lw_view_ops *v)
{
	size_t i = lw_view_index(v);

	if (a->cur != i)
		a->back = a->cur;
	a->cur = i;
}

void lw_app_views_on_run(struct lw_app *a)
{
	for (size_t i = 0; i < lw_nviews; i++)
		if (lw_views[i]->on_run)
			lw_views[i]->on_run(a, a->vst[i]);
}

void lw_app_views_on_history(struct lw_app *a)
{
	for (size_t i = 0; i < lw_nviews; i++)
		if (lw_views[i]->on_history)
			lw_views[i]->on_history(a, a->vst[i]);
}
