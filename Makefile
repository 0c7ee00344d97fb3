# partc: one Makefile.  `make` builds ./partc; see README.md for the rest.
CC      ?= cc
PKGS    := yaml-0.1 libpcre2-8
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Wshadow \
           -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lyaml -lpcre2-8)

# The date partitions are planned for when examples are compiled into out/.
AS_OF   := 2026-11-22

BUILD   ?= build
SRCS    := $(filter-out compiler/embed_templates.c compiler/check_templates.c compiler/main.c,$(wildcard compiler/*.c))
OBJS    := $(SRCS:compiler/%.c=$(BUILD)/%.o) $(BUILD)/templates_embedded.o
TEMPLATES := $(sort $(wildcard templates/*.sql))
UNIT_SRCS := $(wildcard tests/unit/*.c)

# Debian packages: what the build needs, and what the tests need on top.
BUILD_DEBS := gcc make pkg-config libyaml-dev libpcre2-dev
TEST_DEBS  := postgresql-15 postgresql-client-15 postgresql-15-cron postgresql-15-plpgsql-check diffutils libpq-dev \
              valgrind time faketime

.PHONY: all run test san bench install clean deps test-deps unit out fuzz fuzz-regressions valgrind
all: partc

partc: $(BUILD)/main.o $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/%.o: compiler/%.c $(wildcard compiler/*.h) compiler/steps.def | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Icompiler -c $< -o $@

$(BUILD)/embed_templates: compiler/embed_templates.c | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

# The build fails when a template and its row in compiler/steps.def disagree
# on the placeholders (check_templates says which).
$(BUILD)/check_templates: compiler/check_templates.c compiler/steps.def | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

$(BUILD)/templates_embedded.c: $(BUILD)/embed_templates $(BUILD)/check_templates $(TEMPLATES)
	$(BUILD)/check_templates $(TEMPLATES)
	$(BUILD)/embed_templates $(TEMPLATES) > $@.tmp && mv $@.tmp $@

$(BUILD)/templates_embedded.o: $(BUILD)/templates_embedded.c
	$(CC) $(WARN) $(CFLAGS) -Icompiler -c $< -o $@

$(BUILD)/unit: $(UNIT_SRCS) $(OBJS) $(wildcard tests/unit/*.h)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Icompiler -Itests/unit -o $@ $(UNIT_SRCS) $(OBJS) $(PKG_LIBS)

# Sends a migration file as one simple query, as a runner does (tests only).
$(BUILD)/pgexec: tests/tools/pgexec.c | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql) -o $@ $< \
	    $(shell pkg-config --libs libpq 2>/dev/null || echo -lpq)

$(BUILD):
	mkdir -p $(BUILD)

# Install what the build needs when it is missing (Debian; needs root or sudo).
deps:
	@sh tests/install-debs.sh $(BUILD_DEBS)

test-deps: deps
	@sh tests/install-debs.sh $(TEST_DEBS)
	@command -v npm >/dev/null || sh tests/install-debs.sh nodejs npm

run: deps
	$(MAKE) partc
	./partc compile specs --out out --as-of $(AS_OF)
	./partc lint specs

# Regenerate out/ from scratch after a change to specs/ or templates/.
out: partc
	rm -rf out && ./partc compile specs --out out --as-of $(AS_OF)

unit: $(BUILD)/unit
	$(BUILD)/unit

test: test-deps
	$(MAKE) partc $(BUILD)/unit $(BUILD)/pgexec
	AS_OF=$(AS_OF) PARTC=$(CURDIR)/partc UNIT=$(CURDIR)/$(BUILD)/unit PGEXEC=$(CURDIR)/$(BUILD)/pgexec sh tests/run.sh

# Figures and ratios on a throwaway cluster (BENCH_ROWS=N to change the size);
# never a pass/fail on timing.
bench: test-deps
	$(MAKE) partc
	PARTC=$(CURDIR)/partc sh tests/bench/scale.sh
	PARTC=$(CURDIR)/partc sh tests/bench/backfill.sh
	PARTC=$(CURDIR)/partc sh tests/bench/writers.sh
	PARTC=$(CURDIR)/partc sh tests/bench/methods.sh
	PARTC=$(CURDIR)/partc sh tests/bench/rewire.sh

# The whole suite with AddressSanitizer and UndefinedBehaviorSanitizer.
san: test-deps
	$(MAKE) $(BUILD)/pgexec
	$(MAKE) BUILD=build-san CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" partc-san build-san/unit
	AS_OF=$(AS_OF) PARTC=$(CURDIR)/partc-san UNIT=$(CURDIR)/build-san/unit PGEXEC=$(CURDIR)/$(BUILD)/pgexec \
	    PARTC_NO_ULIMIT=1 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 sh tests/run.sh

partc-san: $(BUILD)/main.o $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# libFuzzer (clang) over load, validate, lint, plan, render and layout, for
# FUZZ_SECONDS; crashes land in build-fuzz/crashes.  FUZZ_JOBS=2 uses both cores.
FUZZ_SECONDS ?= 60
fuzz: deps
	@sh tests/install-debs.sh clang libclang-rt-14-dev
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# The inputs the fuzzer once crashed or hung on (also part of `make test`).
fuzz-regressions: partc
	PARTC=$(CURDIR)/partc sh tests/fuzz/regressions.sh

# Every golden and hostile case under valgrind (also part of `make test`).
valgrind: partc
	PARTC=$(CURDIR)/partc sh tests/valgrind.sh

PREFIX ?= /usr/local
install: partc
	install -D -m 0755 partc $(DESTDIR)$(PREFIX)/bin/partc

clean:
	rm -rf build build-san build-fuzz partc partc-san
