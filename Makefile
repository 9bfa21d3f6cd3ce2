# memlog: watch and record a job's memory over time.
#
#   make            build ./memlog
#   make demo       install what is missing, build, and watch the demo workload
#   make test       install what is missing, build, and run every test
#   make bench      run the benchmarks in bench/ (figures in README.md)
#   make check-layers  every file of src/ includes only the layers it may (src/README.md)
#
# Variables: BUILD (object directory), SAN (sanitizer flags), WERROR=1.

CC      ?= cc
BUILD   ?= build
SAN     ?=
WERROR  ?= 0
PREFIX  ?= /usr/local
# lnav reads formats from /etc/lnav/formats (and ~/.lnav/formats) only.
SYSCONFDIR ?= /etc

WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
ifeq ($(WERROR),1)
WARN   += -Werror
endif
NCURSES_CFLAGS := $(shell pkg-config --cflags ncursesw 2>/dev/null)
NCURSES_LIBS   := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(WARN) $(SAN) -pthread -D_GNU_SOURCE $(NCURSES_CFLAGS) -Isrc
MHD_LIBS       := $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
LDLIBS  = $(SAN) -pthread -lcsv $(NCURSES_LIBS) $(MHD_LIBS) -lutil -lm

# src/ holds the commands; the layers below them are its folders (src/README.md).
SRCS     := $(sort $(wildcard src/*.c src/*/*.c))
HDRS     := $(wildcard src/*.h src/*/*.h)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
LIB_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
UNIT_SRCS:= $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS:= $(patsubst tests/unit/%.c,$(BUILD)/%,$(UNIT_SRCS))

# Debian packages: to build, and in addition to test.
BUILD_PKGS = gcc make pkg-config libc6-dev libncurses-dev libcsv-dev libmicrohttpd-dev
TEST_PKGS  = $(BUILD_PKGS) libcmocka-dev tmux python3 python3-pandas procps util-linux libxml2-utils coreutils \
             groff-base man-db xz-utils lnav

.PHONY: all unit deps test-deps demo test test-unit test-e2e bench clean install check-layers
.DELETE_ON_ERROR:

all: memlog-in-$(BUILD)

memlog-in-$(BUILD): $(BUILD)/memlog
	@if [ "$(BUILD)" = build ]; then cp $(BUILD)/memlog memlog; fi
.PHONY: memlog-in-$(BUILD)

$(BUILD)/memlog: $(LIB_OBJS) $(BUILD)/obj/main.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

unit: $(UNIT_BINS)

# Programs with known memory behaviour, for the end-to-end tests and the demo.
$(BUILD)/workload: tests/workloads/workload.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g $(WARN) -o $@ $<

$(BUILD)/test_%: tests/unit/test_%.c $(LIB_OBJS) $(wildcard tests/unit/*.h)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

# Installs missing Debian packages (apt-get when root; otherwise prints the
# command): those of $(1), which must be there, and those of $(2), which
# may not be (a note says so, and what needs them skips). apt-get update
# runs once, and only when something is missing.
define install_missing
	@missing=""; optional=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	for p in $(2); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || optional="$$optional $$p"; \
	done; \
	if [ -n "$$missing$$optional" ] && [ "$$(id -u)" = 0 ]; then \
	  echo "installing:$$missing$$optional"; \
	  apt-get update -qq || exit 1; \
	  if [ -n "$$missing" ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  fi; \
	  if [ -n "$$optional" ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$optional >/dev/null || \
	      echo "could not install$$optional: the checks that need it are skipped"; \
	  fi; \
	elif [ -n "$$missing" ]; then \
	  echo "memlog needs these Debian packages; run:"; \
	  echo "  sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	elif [ -n "$$optional" ]; then \
	  echo "without$$optional (sudo apt-get install -y$$optional) the checks that need it are skipped"; \
	fi
endef

deps:
	$(call install_missing,$(BUILD_PKGS))

# Prometheus (and its promtool) for tests/e2e/metrics.sh, which says so and
# skips those checks where it cannot be installed.
OPTIONAL_TEST_PKGS = prometheus

test-deps:
	$(call install_missing,$(TEST_PKGS),$(OPTIONAL_TEST_PKGS))

demo: deps
	$(MAKE) --no-print-directory all build/workload
	./memlog run -o demo.csv -- build/workload demo

# Every test: warnings as errors, unit tests plain and under ASan+UBSan, the
# sampler and series tests under ThreadSanitizer, then the end-to-end tests
# on the real binary. Ends with one line: "N passed, N failed".
test: test-deps
	$(MAKE) --no-print-directory WERROR=1 all unit build/workload
	$(MAKE) --no-print-directory WERROR=1 BUILD=build/asan CFLAGS="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" build/asan/memlog unit
	$(MAKE) --no-print-directory WERROR=1 BUILD=build/tsan CFLAGS="-O1 -g" \
	  SAN="-fsanitize=thread" build/tsan/test_series build/tsan/test_sampler
	@bash tests/run.sh

# Part of `make test` too (tests/run.sh counts its lines).
check-layers:
	@bash -o pipefail -c "bash tools/check-layers.sh src | { grep -v '^ok ' || true; }"

# The benchmarks build their own copy in build/bench; the comparisons need
# pidstat (sysstat), mprof (python3-memory-profiler) and GNU time.
bench:
	$(call install_missing,$(BUILD_PKGS) sysstat python3-memory-profiler python3-pandas time procps tmux)
	bash bench/run.sh

# make install PREFIX=/usr DESTDIR=/tmp/pkg: the binary, the man page, the
# bash completion (where bash-completion loads it on first use) and the lnav
# format of the .log (where lnav looks for formats).
install: all
	install -D -m 755 memlog $(DESTDIR)$(PREFIX)/bin/memlog
	install -D -m 644 man/memlog.1 $(DESTDIR)$(PREFIX)/share/man/man1/memlog.1
	install -D -m 644 completion/memlog.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/memlog
	install -D -m 644 lnav/memlog_log.json $(DESTDIR)$(SYSCONFDIR)/lnav/formats/memlog/memlog_log.json

clean:
	rm -rf build memlog

# Fuzzing (libFuzzer, Debian's clang), never part of `make test`:
#   make fuzz                        build build/fuzz/fuzz_NAME for every tests/fuzz/fuzz_NAME.c
#   make fuzz-run FUZZ_SECONDS=600   run each for that long, niced, on a copy of
#                                    tests/fuzz/corpus_NAME/ in build/fuzz/ (FUZZERS=NAME for some)
#   make fuzz-merge                  add the new inputs that reach new code to tests/fuzz/corpus_NAME/
# The fuzzers link every src/*.c but main.c, built with the same sanitizers.
FUZZ_PKGS    = clang libclang-rt-14-dev $(BUILD_PKGS)
FUZZ_CC      = clang
FUZZ_DIR     = build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_NICE    ?= nice -n 19
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  = -std=gnu11 -O1 -g $(WARN) $(FUZZ_SAN) -pthread -D_GNU_SOURCE $(NCURSES_CFLAGS) -Isrc
FUZZ_LIBS    = -pthread -lcsv $(NCURSES_LIBS) $(MHD_LIBS) -lutil -lm
FUZZ_SRCS   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
FUZZERS     ?= $(FUZZ_NAMES)
FUZZ_BINS   := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))
FUZZ_OBJS   := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRCS))

.PHONY: fuzz fuzz-deps fuzz-run fuzz-merge
.SECONDARY: $(FUZZ_OBJS)

fuzz-deps:
	$(call install_missing,$(FUZZ_PKGS))

fuzz: fuzz-deps
	$(MAKE) --no-print-directory $(FUZZ_BINS)

# Library code gets coverage instrumentation but not libFuzzer's main.
$(FUZZ_DIR)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(FUZZ_LIBS)

# Runs each fuzzer in turn; new inputs go to build/fuzz/corpus_NAME, crashes
# to build/fuzz/crash_NAME/, the log to build/fuzz/NAME.log. Fails if any crashed.
fuzz-run: fuzz
	@status=0; for n in $(FUZZERS); do \
	  work=$(FUZZ_DIR)/corpus_$$n; crashes=$(FUZZ_DIR)/crash_$$n; log=$(FUZZ_DIR)/$$n.log; \
	  mkdir -p $$work $$crashes; \
	  if [ -d tests/fuzz/corpus_$$n ]; then cp -n tests/fuzz/corpus_$$n/* $$work/ 2>/dev/null || true; fi; \
	  echo "fuzz_$$n: $(FUZZ_SECONDS) s on $$work, log in $$log"; \
	  if $(FUZZ_NICE) $(FUZZ_DIR)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	       -artifact_prefix=$$crashes/ $$work >$$log 2>&1; then \
	    echo "  ok: $$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' $$log | grep -o '[0-9]*$$') runs," \
	         "$$(ls $$work | wc -l) inputs in the corpus"; \
	  else \
	    status=1; echo "  FAILED:"; grep -E -m5 'ERROR|SUMMARY|fuzz_[a-z]+:|runtime error' $$log | sed 's/^/    /'; \
	    ls $$crashes | sed "s|^|    $$crashes/|"; \
	  fi; \
	done; exit $$status

fuzz-merge: fuzz
	@for n in $(FUZZERS); do \
	  mkdir -p tests/fuzz/corpus_$$n; \
	  $(FUZZ_DIR)/fuzz_$$n -merge=1 tests/fuzz/corpus_$$n $(FUZZ_DIR)/corpus_$$n 2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true; \
	done
