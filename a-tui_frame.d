tui_frame.o: bench/tui_frame.c tui/app.h include/lakewatch/config.h \
 include/lakewatch/model.h /usr/include/cjson/cJSON.h \
 include/lakewatch/lake.h include/lakewatch/err.h include/lakewatch/buf.h \
 include/lakewatch/cfgctx.h include/lakewatch/jsonc.h \
 include/lakewatch/format.h include/lakewatch/check.h \
 include/lakewatch/engine.h include/lakewatch/history.h \
 include/lakewatch/theme.h include/lakewatch/tui.h \
 include/lakewatch/tui_layout.h include/lakewatch/util.h
tui/app.h:
include/lakewatch/config.h:
include/lakewatch/model.h:
/usr/include/cjson/cJSON.h:
include/lakewatch/lake.h:
include/lakewatch/err.h:
include/lakewatch/buf.h:
include/lakewatch/cfgctx.h:
include/lakewatch/jsonc.h:
include/lakewatch/format.h:
include/lakewatch/check.h:
include/lakewatch/engine.h:
include/lakewatch/history.h:
include/lakewatch/theme.h:
include/lakewatch/tui.h:
include/lakewatch/tui_layout.h:
include/lakewatch/util.h:
