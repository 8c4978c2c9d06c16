# lakewatch - plain Makefile; dependencies come from pkg-config.
#
#   make                 build ./lakewatch
#   make test            unit, end-to-end, dashboard (tmux) and service tests
#   make SANITIZE=1 ...  the same with ASan+UBSan (objects in build-san/)
#   make fuzz            every libFuzzer target for FUZZ_SECONDS each
#   make install PREFIX=/usr/local
#
# Sources are found by wildcard: a new file in a pipeline folder is built
# without touching this file. cli/ holds main(); everything else forms
# liblakewatch.a, which the tests and fuzzers link.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/lakewatch
MANDIR   ?= $(PREFIX)/share/man
CC       ?= cc
PKGS     := ncursesw libcurl libcjson libpcre2-8 sqlite3 expat libcrypto zlib libzstd
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
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lsnappy -lpthread -lm
CFLAGS   ?= $(OPT)
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-missing-field-initializers \
            -Iinclude $(PKG_CFLAGS) $(SANFLAGS) \
            -DLW_VERSION='"$(VERSION)"' -DLW_DATADIR='"$(DATADIR)"' -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS)

# Plug-ins are found through registries, not symbol references, so the whole
# archive is linked.
WHOLE    := -Wl,--whole-archive
NOWHOLE  := -Wl,--no-whole-archive
LIBDIRS  := core lakes formats probes checks history report
ifneq ($(NO_TUI),1)
LIBDIRS  += tui
else
B        := $(B)-notui
endif
LIB_SRC  := $(foreach d,$(LIBDIRS),$(wildcard $(d)/*.c))
CLI_SRC  := $(wildcard cli/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
ifeq ($(NO_TUI),1)
UNIT_SRC := $(filter-out tests/unit/test_tui% tests/unit/test_theme%,$(UNIT_SRC))
endif
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

ifeq ($(SANITIZE)$(NO_TUI),)
BIN := lakewatch
else
BIN := $(B)/lakewatch
endif

.PHONY: all test unit e2e tui-test service-test fuzz fuzz-build install clean flags bench
all: $(BIN)

$(BIN): $(CLI_OBJ) $(B)/liblakewatch.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(WHOLE) $(B)/liblakewatch.a $(NOWHOLE) $(LDLIBS)

$(B)/liblakewatch.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(B)/liblakewatch.a tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(WHOLE) $(B)/liblakewatch.a $(NOWHOLE) $(LDFLAGS) $(LDLIBS) -lcmocka

$(B)/bench/tui_frame: bench/tui_frame.c $(B)/liblakewatch.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(WHOLE) $(B)/liblakewatch.a $(NOWHOLE) $(LDFLAGS) $(LDLIBS)

$(B)/bench/anomaly: bench/anomaly.c $(B)/liblakewatch.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(B)/liblakewatch.a $(LDFLAGS) $(LDLIBS)

# Print the flags, for compiling one file by hand.
flags:
	@echo CFLAGS=$(CFLAGS)
	@echo LDLIBS=$(LDLIBS) -lcmocka

unit: $(UNIT_BIN)
	@rm -f $(B)/results.txt
	@LW_BUILD=$(B) tests/unit/run.sh $(UNIT_BIN)

e2e: $(BIN)
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/e2e/run.sh

tui-test: $(BIN)
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/tui/run.sh

service-test: $(BIN)
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/services/run.sh

test: $(BIN) $(UNIT_BIN)
	@rm -f $(B)/results.txt
	@LW_BUILD=$(B) tests/unit/run.sh $(UNIT_BIN) || true
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/e2e/run.sh || true
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/tui/run.sh || true
	@LW_BIN=$(abspath $(BIN)) LW_BUILD=$(B) tests/services/run.sh || true
	@LW_BUILD=$(B) tests/install/run.sh || true
	@tests/summary.sh $(B)/results.txt

# --- fuzzing: clang's libFuzzer, with ASan+UBSan --------------------------
FB        := build-fuzz
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude $(PKG_CFLAGS) \
               -fsanitize=fuzzer-no-link,address,undefined -DLW_FUZZING \
               -DLW_VERSION='"$(VERSION)"' -DLW_DATADIR='"$(DATADIR)"' -MMD -MP
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FB)/%.o)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(FB)/%)

$(FB)/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c -o $@ $<
$(FB)/liblakewatch.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(FB)/fuzz_%: tests/fuzz/fuzz_%.c $(FB)/liblakewatch.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(WHOLE) $(FB)/liblakewatch.a $(NOWHOLE) $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)
fuzz: $(FUZZ_BIN)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_BIN)

bench: $(BIN)
	bench/run.sh $(BENCH)

install: lakewatch
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(MANDIR)/man1
	install -m 755 lakewatch $(DESTDIR)$(BINDIR)/lakewatch
	install -m 644 themes/*.theme $(DESTDIR)$(DATADIR)/themes/
	install -m 644 man/lakewatch.1 $(DESTDIR)$(MANDIR)/man1/lakewatch.1

clean:
	rm -rf build build-san build-fuzz build-notui build-san-notui lakewatch

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
# fuzz objects too: a changed header (a struct grew) must rebuild them, or
# the fuzzers link objects that disagree about its layout
-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BIN:=.d)
