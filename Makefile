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

$(BUILD)/unit/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libmlw.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib -Itests/unit -o $@ $< $(BUILD)/libmlw.a $(LDLIBS)

units: $(UNITS)

# Fuzz targets (scripts/fuzz/fuzz_*.c). Replay drivers build with any
# compiler and run the seed corpus in the test suite; make fuzz runs each
# target under libFuzzer (clang) for FUZZ_SECONDS.
FUZZ = json scalars expr rules
FUZZ_SECONDS ?= 60
REPLAYS = $(FUZZ:%=$(BUILD)/fuzz/%-replay)

$(BUILD)/fuzz/%-replay: scripts/fuzz/fuzz_%.c scripts/fuzz/replay.c $(BUILD)/libmlw.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Ilib -o $@ scripts/fuzz/fuzz_$*.c scripts/fuzz/replay.c $(BUILD)/libmlw.a $(LDLIBS)

fuzz-replay: $(REPLAYS)

fuzz:
	@mkdir -p build-fuzz
	@for t in $(FUZZ); do \
	    clang $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
	        -fno-sanitize-recover=all -Ilib \
	        -o build-fuzz/$$t scripts/fuzz/fuzz_$$t.c lib/*.c -lm || exit 2; \
	    mkdir -p build-fuzz/corpus-$$t; rm -f build-fuzz/crash-$$t-*; \
	    cp scripts/fuzz/corpus/$$t/* build-fuzz/corpus-$$t/; \
	    echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
	    build-fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -artifact_prefix=build-fuzz/crash-$$t- -print_final_stats=1 \
	        build-fuzz/corpus-$$t 2>&1 | grep -E '^(stat::number_of_executed_units|==|SUMMARY|artifact)' ; \
	    if ls build-fuzz/crash-$$t-* >/dev/null 2>&1; then \
	        echo "fuzz $$t: crash, see build-fuzz/crash-$$t-*"; exit 1; fi; \
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
