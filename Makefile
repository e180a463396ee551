# mlw: model monitoring with Unix pipes.  See README.md.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic
LDLIBS   = -lm
PREFIX  ?= /usr/local
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=
BUILD   ?= build
BIN     ?= bin

PROGS = $(patsubst cmd/%.c,%,$(wildcard cmd/*.c))
LIBSRC = $(wildcard lib/*.c)
LIBOBJ = $(LIBSRC:lib/%.c=$(BUILD)/lib/%.o)
UNITS  = $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
HDRS   = $(wildcard lib/*.h)

all: $(PROGS:%=$(BIN)/%) $(BUILD)/mlw-gen

$(BUILD)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib -c -o $@ $<

$(BUILD)/libmlw.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

$(BIN)/%: cmd/%.c $(BUILD)/libmlw.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib -o $@ $< $(BUILD)/libmlw.a $(LDLIBS)

$(BUILD)/mlw-gen: scripts/mlw-gen.c $(BUILD)/libmlw.a
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib -o $@ scripts/mlw-gen.c $(BUILD)/libmlw.a $(LDLIBS)

# Unit tests; some read their cases from the tables of tests/tables.
$(BUILD)/unit/%: tests/unit/%.c tests/unit/tap.h tests/unit/table.h $(BUILD)/libmlw.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib -Itests/unit -DMLW_TABLES='"$(CURDIR)/tests/tables"' -o $@ $< $(BUILD)/libmlw.a $(LDLIBS)

units: $(UNITS)

# Fuzz targets. FUZZ: scripts/fuzz/fuzz_NAME.c, parsers and readers;
# FUZZ_PROGS: every program's whole main loop (scripts/fuzz/fuzz_prog.c
# with cmd/PROG.c; its command lines are in scripts/fuzz/progargs.h). All
# link scripts/fuzz/harness.c with -Wl,--wrap=exit, which turns exit()
# into a return so that mlw_fatal can be fuzzed. Replay drivers build with
# any compiler and replay the corpus (scripts/fuzz/corpus/TARGET) in the
# test suite; make fuzz runs each target (or FUZZ_TARGETS) under libFuzzer
# (clang) for FUZZ_SECONDS, with leak detection off (see harness.h).
FUZZ = json scalars expr rules alerttest psiref state mlflow
FUZZ_PROGS = $(PROGS)
FUZZ_TARGETS ?= $(FUZZ) $(FUZZ_PROGS)
FUZZ_SECONDS ?= 60
FUZZ_LIB = scripts/fuzz/harness.c scripts/fuzz/replay.c scripts/fuzz/harness.h
FUZZ_DEFS = -DMLW_FUZZ_FIXTURES='"$(CURDIR)/scripts/fuzz/fixtures"'
REPLAYS = $(FUZZ:%=$(BUILD)/fuzz/%-replay) $(FUZZ_PROGS:%=$(BUILD)/fuzz/%-replay)

$(BUILD)/fuzz/%-replay: scripts/fuzz/fuzz_%.c $(FUZZ_LIB) $(BUILD)/libmlw.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib -o $@ scripts/fuzz/fuzz_$*.c scripts/fuzz/harness.c scripts/fuzz/replay.c $(BUILD)/libmlw.a -Wl,--wrap=exit $(LDLIBS)

$(BUILD)/fuzz/mlw-%-replay: cmd/mlw-%.c scripts/fuzz/fuzz_prog.c scripts/fuzz/progargs.h $(FUZZ_LIB) $(BUILD)/libmlw.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib -Dmain=mlw_prog_main -c -o $(BUILD)/fuzz/mlw-$*.o cmd/mlw-$*.c
	$(CC) $(WARN) $(CFLAGS) -Ilib $(FUZZ_DEFS) -DMLW_FUZZ_PROG='"mlw-$*"' -o $@ $(BUILD)/fuzz/mlw-$*.o scripts/fuzz/fuzz_prog.c scripts/fuzz/harness.c scripts/fuzz/replay.c $(BUILD)/libmlw.a -Wl,--wrap=exit $(LDLIBS)

fuzz-replay: $(REPLAYS)

fuzz:
	@for t in $(FUZZ_TARGETS); do \
	    sh scripts/fuzz/fuzz-one $$t $(FUZZ_SECONDS) || exit $$?; \
	done

# make test: unit tests and bats suites, one summary line at the end.
test: all units fuzz-replay
	@MLW_BIN=$(CURDIR)/$(BIN) MLW_GEN=$(CURDIR)/$(BUILD)/mlw-gen \
	    MLW_FUZZ=$(CURDIR)/$(BUILD)/fuzz \
	    MLW_UNITS="$(UNITS)" sh scripts/run-tests

# The same suite with AddressSanitizer and UndefinedBehaviorSanitizer.
check-asan:
	$(MAKE) BUILD=build-asan BIN=build-asan/bin CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test

# Warning-free with both compilers, warnings as errors.
check-warnings:
	$(MAKE) -s BUILD=build-gcc BIN=build-gcc/bin CC=gcc CFLAGS="-O2 -Werror" all units
	$(MAKE) -s BUILD=build-clang BIN=build-clang/bin CC=clang CFLAGS="-O2 -Werror" all units

# Every program under valgrind: no invalid access, no definite leak.
check-valgrind: all
	@MLW_BIN=$(CURDIR)/$(BIN) MLW_GEN=$(CURDIR)/$(BUILD)/mlw-gen sh scripts/valgrind-check

demo: all
	@sh scripts/demo

bench: all
	@sh scripts/bench

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	for p in $(PROGS); do cp $(BIN)/$$p $(DESTDIR)$(PREFIX)/bin/$$p; done
	for p in $(PROGS); do cp man/$$p.1 $(DESTDIR)$(MANDIR)/man1/$$p.1; done
	cp man/mlw.7 $(DESTDIR)$(MANDIR)/man7/mlw.7

clean:
	rm -rf build build-asan build-gcc build-clang build-fuzz bin

.PHONY: all units fuzz fuzz-replay test check-asan check-warnings check-valgrind demo bench install clean
