# memlog: watch and record a job's memory over time.
#
#   make            build ./memlog
#   make demo       install what is missing, build, and watch the demo workload
#   make test       install what is missing, build, and run every test
#   make bench      run the benchmarks in bench/ (figures in README.md)
#
# Variables: BUILD (object directory), SAN (sanitizer flags), WERROR=1.

CC      ?= cc
BUILD   ?= build
SAN     ?=
WERROR  ?= 0
PREFIX  ?= /usr/local

WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
ifeq ($(WERROR),1)
WARN   += -Werror
endif
NCURSES_CFLAGS := $(shell pkg-config --cflags ncursesw 2>/dev/null)
NCURSES_LIBS   := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(WARN) $(SAN) -pthread -D_GNU_SOURCE $(NCURSES_CFLAGS) -Isrc
LDLIBS  = $(SAN) -pthread -lcsv $(NCURSES_LIBS) -lutil

SRCS     := $(sort $(wildcard src/*.c))
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
LIB_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
UNIT_SRCS:= $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS:= $(patsubst tests/unit/%.c,$(BUILD)/%,$(UNIT_SRCS))

# Debian packages: to build, and in addition to test.
BUILD_PKGS = gcc make pkg-config libc6-dev libncurses-dev libcsv-dev
TEST_PKGS  = $(BUILD_PKGS) libcmocka-dev tmux python3 procps util-linux

.PHONY: all unit deps test-deps demo test test-unit test-e2e bench clean install
.DELETE_ON_ERROR:

all: memlog-in-$(BUILD)

memlog-in-$(BUILD): $(BUILD)/memlog
	@if [ "$(BUILD)" = build ]; then cp $(BUILD)/memlog memlog; fi
.PHONY: memlog-in-$(BUILD)

$(BUILD)/memlog: $(LIB_OBJS) $(BUILD)/obj/main.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj:
	mkdir -p $@

unit: $(UNIT_BINS)

# Programs with known memory behaviour, for the end-to-end tests and the demo.
$(BUILD)/workload: tests/workloads/workload.c | $(BUILD)/obj
	$(CC) -std=gnu11 -O1 -g $(WARN) -o $@ $<

$(BUILD)/test_%: tests/unit/test_%.c $(LIB_OBJS) $(wildcard tests/unit/*.h)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

# Installs missing Debian packages (apt-get when root; otherwise prints the command).
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "memlog needs these Debian packages; run:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

deps:
	$(call install_missing,$(BUILD_PKGS))

test-deps:
	$(call install_missing,$(TEST_PKGS))

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

bench: deps all
	bash bench/run.sh

install: all
	install -D -m 755 memlog $(DESTDIR)$(PREFIX)/bin/memlog

clean:
	rm -rf build memlog
