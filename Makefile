# lakewatch - plain Makefile; dependencies come from pkg-config.
#
#   make                 build ./lakewatch (the release binary: no test hooks)
#   make test            unit, layer, end-to-end, dashboard (tmux), service
#                        and install tests, all on the testing build (below)
#   make unit|e2e|tui-test|service-test   one suite, on the testing build
#   make test-build      only build the testing binary and unit tests
#   make layers          the include/symbol order check alone
#   make SANITIZE=1 ...  the same with ASan+UBSan (objects in build-san/)
#   make fuzz            every libFuzzer target for FUZZ_SECONDS each
#   make bench-build     build every benchmark without running it
#   make bench [BENCH="parquet delta azure tui"]   build, then run them
#   make install PREFIX=/usr/local
#
# Sources are found by wildcard: a new file in a pipeline folder is built
# without touching this file. cli/ holds main(); every other folder forms
# its own lib<folder>.a, which the tests and fuzzers link (make flags
# prints the list, in link order, as LWLIBS).
#
# The testing build. Test hooks (LAKEWATCH_NOW pins the clock,
# LAKEWATCH_FS_DELAY_MS slows the fs lake) exist only in code compiled
# with -DLW_TESTING, never in ./lakewatch or what `make install` copies.
# Every test target re-runs this Makefile with LW_TESTING=1, which puts
# the testing build in $(TEST_B) (build/test/, build-san/test/, ...): the
# binary $(TEST_BIN), its folder libraries, the unit tests and results.txt.
# Only the sources that mention LW_TESTING are compiled a second time;
# every other object is a copy of the release object in $(B)/, so the
# tests exercise the very code that ships, and asserts stay on in both
# (the release build does not define NDEBUG). LW_TESTING may appear in .c
# files only: a header using it would change objects that are copied.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/lakewatch
MANDIR   ?= $(PREFIX)/share/man
UNITDIR  ?= $(PREFIX)/lib/systemd/system
CC       ?= cc
PKGS     := ncursesw libcurl libcjson libpcre2-8 sqlite3 expat libcrypto zlib libzstd \
            liblz4 libbrotlidec libmicrohttpd
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.1.0)
FUZZ_SECONDS ?= 60

ifeq ($(SANITIZE),1)
B        := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      := -O1 -g
else
B        := build
SANFLAGS :=
OPT      ?= -O2 -g
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lsnappy -lbz2 -lcrypt -lpthread -lm
CFLAGS   ?= $(OPT)
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-missing-field-initializers \
            -Iinclude $(PKG_CFLAGS) $(SANFLAGS) \
            -DLW_VERSION='"$(VERSION)"' -DLW_DATADIR='"$(DATADIR)"' -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS)

# One static library per folder, linked in stage order: the composition
# layer (engine/) first, the ground floor (core/) last, so each archive only
# needs symbols from the ones after it (tests/layers/run.sh checks the
# includes follow the same order). The registries name every plug-in, so
# no --whole-archive is needed.
# serve/ and notify/ join once they hold sources.
NEWDIRS  := $(foreach d,serve notify,$(if $(wildcard $(d)/*.c),$(d)))
ifneq ($(NO_TUI),1)
SHOWDIRS := $(NEWDIRS) tui report
else
SHOWDIRS := $(NEWDIRS) report
B        := $(B)-notui
CFLAGS   += -DLW_NO_TUI
endif
LIBDIRS  := engine $(SHOWDIRS) history checks probes formats lakes core

# --- testing build (see the top): B moves to TEST_B, -DLW_TESTING is added
TEST_DEFS := -DLW_TESTING
TEST_B    := $(B)/test
TEST_BIN  := $(TEST_B)/lakewatch
ifeq ($(LW_TESTING),1)
REL_B     := $(B)
B         := $(TEST_B)
CFLAGS    += $(TEST_DEFS)
endif

LIB_SRC  := $(foreach d,$(LIBDIRS),$(wildcard $(d)/*.c))
CLI_SRC  := $(wildcard cli/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
LIBS     := $(LIBDIRS:%=$(B)/lib%.a)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
ifeq ($(NO_TUI),1)
UNIT_SRC := $(filter-out tests/unit/test_tui% tests/unit/test_theme%,$(UNIT_SRC))
endif
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

ifeq ($(SANITIZE)$(NO_TUI)$(LW_TESTING),)
BIN := lakewatch
else
BIN := $(B)/lakewatch
endif

.PHONY: all libs test unit layers e2e tui-test service-test test-build fuzz fuzz-build install \
        clean flags bench bench-build
all: $(BIN)
libs: $(LIBS)

$(BIN): $(CLI_OBJ) $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBS) $(LDLIBS)

# $(call folder_lib,BUILD_DIR,FOLDER): BUILD_DIR/libFOLDER.a from FOLDER/*.c
define folder_lib
$(1)/lib$(2).a: $(patsubst %.c,$(1)/%.o,$(wildcard $(2)/*.c))
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach d,$(LIBDIRS),$(eval $(call folder_lib,$(B),$(d))))

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(LIBS) tests/unit/unit.h tests/unit/dirlake.h tests/unit/notices.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIBS) $(LDFLAGS) $(LDLIBS) -lcmocka

# Benchmarks link the release libraries; tui_frame also reads the
# dashboard's internal headers (tui/).
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(B)/bench/%)
$(B)/bench/%: bench/%.c $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itui -o $@ $< $(LIBS) $(LDFLAGS) $(LDLIBS)

# Print the flags, for compiling one file by hand.
flags:
	@echo CFLAGS=$(CFLAGS)
	@echo LDLIBS=$(LDLIBS) -lcmocka
	@echo LWLIBS=$(LIBS)

# --- the test suites: on the testing build, in a LW_TESTING=1 sub-make
TEST_GOALS := test-build unit layers e2e tui-test service-test test
ifneq ($(LW_TESTING),1)
# one sub-make for all of them (make -j unit e2e must not build twice at once)
$(TEST_GOALS): testing-submake
	@:
testing-submake:
	+@$(MAKE) --no-print-directory LW_TESTING=1 $(or $(filter $(TEST_GOALS),$(MAKECMDGOALS)),test-build)
.PHONY: testing-submake
else
# Objects of sources without test hooks: copies of the release objects,
# which are made (and their header dependencies read) as usual.
TESTING_SRC := $(shell grep -l LW_TESTING $(LIB_SRC) $(CLI_SRC))
HOOK_HDRS   := $(shell grep -l LW_TESTING include/*/*.h $(addsuffix /*.h,$(LIBDIRS) cli) 2>/dev/null)
ifneq ($(HOOK_HDRS),)
$(error LW_TESTING in a header ($(HOOK_HDRS)): keep test hooks in .c files)
endif
SHARED_SRC  := $(filter-out $(TESTING_SRC),$(LIB_SRC) $(CLI_SRC))
REL_OBJ     := $(SHARED_SRC:%.c=$(REL_B)/%.o)
$(SHARED_SRC:%.c=$(B)/%.o): $(B)/%.o: $(REL_B)/%.o
	@mkdir -p $(dir $@)
	cp -f $< $@
$(REL_B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(filter-out $(TEST_DEFS),$(CFLAGS)) -c -o $@ $<
-include $(REL_OBJ:.o=.d)

# The dashboard looks for themes next to its binary (tui/theme.c), as it
# finds them next to ./lakewatch.
$(BIN): | $(B)/themes
$(B)/themes:
	@mkdir -p $(dir $@)
	ln -sfn $(abspath themes) $@

test-build: $(BIN) $(UNIT_BIN)

unit: $(UNIT_BIN)
	@rm -f $(B)/results.txt
	@LW_BUILD=$(B) tests/unit/run.sh $(UNIT_BIN)

# Includes and archive symbols follow the stage order (tests/layers/run.sh).
layers: $(LIBS)
	@LW_BUILD=$(B) tests/layers/run.sh

e2e: $(BIN)
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/e2e/run.sh

tui-test: $(BIN)
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/tui/run.sh

service-test: $(BIN)
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/services/run.sh

test: $(BIN) $(UNIT_BIN)
	@rm -f $(B)/results.txt
	@LW_BUILD=$(B) tests/unit/run.sh $(UNIT_BIN) || true
	@LW_BUILD=$(B) tests/layers/run.sh || true
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/e2e/run.sh || true
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/tui/run.sh || true
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/services/run.sh || true
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/install/run.sh || true
	@tests/summary.sh $(B)/results.txt

endif

# --- fuzzing: clang's libFuzzer, with ASan+UBSan --------------------------
FB        := build-fuzz
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude $(PKG_CFLAGS) \
               -fsanitize=fuzzer-no-link,address,undefined -DLW_FUZZING \
               -DLW_VERSION='"$(VERSION)"' -DLW_DATADIR='"$(DATADIR)"' -MMD -MP
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FB)/%.o)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(FB)/%)
FUZZ_LIBS := $(LIBDIRS:%=$(FB)/lib%.a)

$(FB)/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c -o $@ $<
$(foreach d,$(LIBDIRS),$(eval $(call folder_lib,$(FB),$(d))))
$(FB)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIBS)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIBS) $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)
fuzz: $(FUZZ_BIN)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_BIN)

# bench-build (tests/run, so none rots): the binary, every bench/*.c, and
# a syntax check of the node scripts the benchmarks run.
bench-build: $(BIN) $(BENCH_BIN)
	@if command -v node >/dev/null; then \
		for f in bench/*.mjs; do node --check $$f || exit 1; done; fi
bench: bench-build
	bench/run.sh $(BENCH)

install: lakewatch
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(MANDIR)/man1
	install -m 755 lakewatch $(DESTDIR)$(BINDIR)/lakewatch
	install -m 644 themes/*.theme $(DESTDIR)$(DATADIR)/themes/
	install -m 644 man/lakewatch.1 $(DESTDIR)$(MANDIR)/man1/lakewatch.1
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/lakewatch.service > $(DESTDIR)$(UNITDIR)/lakewatch.service
	chmod 644 $(DESTDIR)$(UNITDIR)/lakewatch.service

clean:
	rm -rf build build-san build-fuzz build-notui build-san-notui lakewatch

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(BENCH_BIN:=.d)
# fuzz objects too: a changed header (a struct grew) must rebuild them, or
# the fuzzers link objects that disagree about its layout
-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BIN:=.d)
