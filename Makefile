# ctiboard: a terminal dashboard for OVH telephony (CTI) events.
#
#   make            build ./ctiboard
#   make demo       install what building and running need, build, run the built-in demo
#   make check      install what the tests need, build and run every test
#   make deps       install the Debian packages the build and the tests need
#   make run-deps   install only those the build and a run need (no test tools)
#   make install    install the program, its man page and the wallboard's systemd unit into
#                   $(DESTDIR)$(PREFIX)

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man/man1
UNITDIR   ?= $(PREFIX)/lib/systemd/system

CC         ?= cc
PKG_CONFIG ?= pkg-config
PYTHON     ?= /usr/bin/python3
BUILD      ?= build

# Feature switches: O_SAN=address,undefined or O_SAN=thread builds a sanitised variant in its
# own directory; O_WERROR=1 turns warnings into errors (CI).
O_SAN    ?=
O_WERROR ?= 0

CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
            -Wpointer-arith -Wcast-qual -Wundef -Wvla -Wwrite-strings -Wnull-dereference \
            -Wdouble-promotion -Wimplicit-fallthrough
ifeq ($(O_WERROR),1)
WARNINGS += -Werror
endif

comma := ,
pkg = $(shell $(PKG_CONFIG) $(1) $(2) 2>/dev/null || echo $(3))
CORE_CFLAGS := $(call pkg,--cflags,libcjson libcurl libcrypto libmicrohttpd,-I/usr/include/cjson)
CORE_LIBS   := $(call pkg,--libs,libcjson libcurl libcrypto libmicrohttpd,-lcjson -lcurl -lcrypto -lmicrohttpd) -lpthread
# ncursesw's pkg-config asks for _XOPEN_SOURCE=600; the project's 700 includes it
UI_CFLAGS   := $(filter-out -D_XOPEN_SOURCE%,$(call pkg,--cflags,ncursesw,))
UI_LIBS     := $(call pkg,--libs,ncursesw,-lncursesw)
TEST_LIBS   := $(call pkg,--libs,cmocka,-lcmocka)

# include/ is the core's interface (what ui/ and main.c use); src/ holds the core and the headers
# private to it, seen by the core, its tests, fuzz targets and benchmarks but never by ui/.
ALL_CPPFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 \
                -DCTIBOARD_VERSION='"$(VERSION)"' -Iinclude $(CPPFLAGS)
CORE_CPPFLAGS := $(ALL_CPPFLAGS) -Isrc
# Programs outside src/ and ui/ (tests, fuzz targets, benchmarks), built in one step from one file:
# their dependency file is named after the program.
DEPFLAGS = -MMD -MP -MF $@.d -MT $@
ALL_CFLAGS   := $(WARNINGS) $(CFLAGS)
ALL_LDFLAGS  := $(LDFLAGS)
ifneq ($(O_SAN),)
BUILD        := $(BUILD)-$(subst $(comma),-,$(O_SAN))
ALL_CFLAGS   += -fsanitize=$(O_SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_LDFLAGS  += -fsanitize=$(O_SAN)
endif

CORE_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
UI_SRC   := $(wildcard ui/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
UI_OBJ   := $(UI_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/main.o
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UI_LIB   := $(BUILD)/libctiboard-ui.a
BIN      := ctiboard
ifneq ($(O_SAN),)
BIN      := $(BUILD)/ctiboard
endif

# What building and running the program need (make demo, make run-deps), and what the tests
# need on top (make deps, make check): cmocka, pytest, tmux, openssl and the locales the tests
# use, promtool (Debian's prometheus package, which also installs a Prometheus server).
RUN_PKGS  := gcc make pkg-config libcurl4-openssl-dev libcjson-dev libncurses-dev libssl-dev \
             libmicrohttpd-dev tzdata
TEST_PKGS := libcmocka-dev locales openssl python3 python3-pytest tmux prometheus
DEB_PKGS  := $(RUN_PKGS) $(TEST_PKGS)

.PHONY: all check check-headers check-unit check-py demo deps run-deps install uninstall clean \
        format

all: $(BIN)

$(BIN): $(MAIN_OBJ) $(UI_OBJ) $(BUILD)/libctiboard.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(UI_OBJ) $(BUILD)/libctiboard.a $(UI_LIBS) $(CORE_LIBS)

$(BUILD)/libctiboard.a: $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# The screen's units, for the tests of the ones that use no curses (bigfont, wblayout).
$(UI_LIB): $(UI_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CORE_CPPFLAGS) $(CORE_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/ui/%.o: ui/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CORE_CFLAGS) $(UI_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(UI_LIB) $(BUILD)/libctiboard.a
	@mkdir -p $(@D)
	$(CC) $(CORE_CPPFLAGS) -Iui $(CORE_CFLAGS) $(UI_CFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) \
		$(ALL_LDFLAGS) -o $@ $< $(UI_LIB) $(BUILD)/libctiboard.a $(TEST_LIBS) $(UI_LIBS) $(CORE_LIBS)

# A fresh machine needs only `make check`: what the tests need is installed first (a no-op when
# it is there), then the suites run in a sub-make that reads the freshly installed pkg-config.
check: deps
	@$(MAKE) --no-print-directory check-headers check-unit check-py

# Every header compiles on its own (included twice, for its guard) with only the include paths
# of its users: include/ with include/ alone, src/ with the core's, ui/ with the screen's.
HEADERS := $(wildcard include/*.h src/*.h ui/*.h)
check-headers:
	@fail=0; for h in $(HEADERS); do \
		case $$h in include/*) flags="$(ALL_CPPFLAGS)";; src/*) flags="$(CORE_CPPFLAGS)";; \
		ui/*) flags="$(ALL_CPPFLAGS) -Iui $(UI_CFLAGS)";; esac; \
		printf '#include "%s"\n#include "%s"\n' $$h $$h | \
		$(CC) $$flags $(CORE_CFLAGS) $(WARNINGS) -I. -fsyntax-only -x c - \
			|| { echo "$$h: does not compile on its own"; fail=1; }; \
	done; [ $$fail -eq 0 ] && echo "headers: $(words $(HEADERS)) compile on their own"

# A locale with a decimal comma, built for the tests that prove parsing is locale-proof.
$(BUILD)/locale/fr_FR.UTF-8/LC_NUMERIC:
	@mkdir -p $(BUILD)/locale
	localedef -i fr_FR -f UTF-8 $(BUILD)/locale/fr_FR.UTF-8 || [ -f $@ ]

check-unit: $(TEST_BIN) $(BUILD)/locale/fr_FR.UTF-8/LC_NUMERIC
	@fail=0; for t in $(TEST_BIN); do echo "== $$t"; \
		LOCPATH=$(abspath $(BUILD)/locale) CTIBOARD_TEST_LOCALE=1 $$t || fail=1; done; \
	if [ $$fail -ne 0 ]; then echo "unit tests: FAILED"; exit 1; fi

# The LD_PRELOAD shim of tests/shim/faults.c: faults the tests cannot make otherwise.
$(BUILD)/tests/libfaults.so: tests/shim/faults.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O1 -g -fPIC -shared $(CORE_CFLAGS) -o $@ $< -ldl

check-py: $(BIN) $(BUILD)/tests/libfaults.so
	CTIBOARD_BIN=$(abspath $(BIN)) CTIBOARD_FAULTS=$(abspath $(BUILD)/tests/libfaults.so) \
		$(PYTHON) -m pytest -q tests

demo: run-deps
	@$(MAKE) --no-print-directory $(BIN)
	./$(BIN) --demo

run-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(RUN_PKGS)"

deps:
	@missing=; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' \
			|| missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all present"; exit 0; fi; \
	sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	echo "deps: installing$$missing"; \
	$$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends $$missing

# The wallboard's systemd unit goes where systemd looks for the units of PREFIX
# (/usr/local/lib/systemd/system by default), its ExecStart pointing at BINDIR.
install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(UNITDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/ctiboard
	install -m 644 ctiboard.1 $(DESTDIR)$(MANDIR)/ctiboard.1
	sed 's|^ExecStart=/usr/local/bin/ctiboard |ExecStart=$(BINDIR)/ctiboard |' \
		docs/ctiboard-wallboard.service > $(DESTDIR)$(UNITDIR)/ctiboard-wallboard.service
	chmod 644 $(DESTDIR)$(UNITDIR)/ctiboard-wallboard.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ctiboard $(DESTDIR)$(MANDIR)/ctiboard.1 \
		$(DESTDIR)$(UNITDIR)/ctiboard-wallboard.service

format:
	clang-format -i $(wildcard src/*.[ch] ui/*.[ch] include/*.h tests/unit/*.[ch] tests/fuzz/*.[ch])

clean:
	rm -rf build build-* ctiboard

-include $(CORE_OBJ:.o=.d) $(UI_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_BIN:=.d)

# ---- the console's golden screens (tests/test_ui.py) ----
# Regenerate tests/golden/*.txt from the program itself, then review them with git diff.
.PHONY: goldens
goldens: $(BIN)
	CTIBOARD_REGEN=1 CTIBOARD_BIN=$(abspath $(BIN)) $(PYTHON) -m pytest -q tests/test_ui.py tests/test_wallboard.py \
		tests/test_callbacks_ui.py

# ---- screenshots: regenerated from the program itself (not needed by make check) ----
SHOT_PKGS := tmux chromium fonts-dejavu-core

.PHONY: screenshots screenshot-deps
screenshots: $(BIN)
	CTIBOARD_BIN=$(abspath $(BIN)) $(PYTHON) tests/screenshots.py --out screenshots

screenshot-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(SHOT_PKGS)"

# ==================================================================================================
# Quality: sanitizers, fuzzing, static analysis, valgrind, soak and benchmarks (docs/quality.md).
#
#   make check-full   everything below that CI runs after `make check` (about 8 minutes)
#   make check-asan   unit + pytest suites, fuzz corpora and a UI run under ASan+UBSan
#   make check-tsan   the same under ThreadSanitizer (threads: feed, replay, ticker, snapshot, UI)
#   make fuzz         each libFuzzer target for FUZZ_TIME seconds (clang), seed FUZZ_SEED
#   make fuzz-regress replay the checked-in corpora (and past crashes) without libFuzzer
#   make lint         cppcheck + clang-tidy (.clang-tidy) on src/ and ui/, zero findings
#   make valgrind     memcheck on a replay run and a live run against tests/ovh_server.py
#   make soak         minutes of events at a high rate with reconnects; RSS, fds, threads
#   make bench        the benchmark table (docs/bench.md); make bench-deps installs its peers
#   make bench-scale  its scale figures alone (ONLY=ingest,bound,console,memory,snapshot)
#   make check-warnings  every program built with gcc and clang at -O0, -O2, -O3 and -Werror
#   make coverage     make check on an instrumented build, then the line coverage of src/ and ui/
# ==================================================================================================

QUALITY_PKGS := clang libclang-rt-14-dev cppcheck clang-tidy valgrind jq tmux time gcovr
FUZZ_CC      ?= clang
FUZZ_TIME    ?= 60
FUZZ_SEED    ?= 1
FUZZ_BUILD   := build-fuzz
FUZZ_TARGETS := fuzz_ingest fuzz_replay fuzz_config
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJ     := $(CORE_SRC:%.c=$(FUZZ_BUILD)/%.o)

# Sanitizer run-time options: every report fails the run. LOCPATH's glibc leak is suppressed.
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:abort_on_error=0 \
           LSAN_OPTIONS=suppressions=$(abspath tests/sanitizer/lsan.supp):print_suppressions=0 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
           TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:exitcode=66:suppressions=$(abspath tests/sanitizer/tsan.supp)
.PHONY: check-full check-asan check-tsan fuzz fuzz-build fuzz-regress lint cppcheck clang-tidy \
        valgrind soak bench bench-scale bench-deps quality-deps programs check-warnings coverage

check-full: check-asan check-tsan fuzz lint valgrind

quality-deps bench-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(QUALITY_PKGS)"

# tests/test_core.py looks for its decimal-comma locale in build/locale whatever O_SAN is.
check-asan: $(BUILD)/locale/fr_FR.UTF-8/LC_NUMERIC
	$(SAN_ENV) $(MAKE) --no-print-directory O_SAN=address,undefined check fuzz-regress
	$(SAN_ENV) $(PYTHON) tests/sanitizer/ui_run.py build-address-undefined/ctiboard

check-tsan: $(BUILD)/locale/fr_FR.UTF-8/LC_NUMERIC
	$(SAN_ENV) $(MAKE) --no-print-directory O_SAN=thread check
	$(SAN_ENV) $(PYTHON) tests/sanitizer/ui_run.py build-thread/ctiboard

# The fuzz targets linked with a plain main() over files: corpora as regression tests, in the
# build of the current O_SAN (make O_SAN=address,undefined fuzz-regress).
$(BUILD)/fuzz/run_corpus.o: tests/fuzz/run_corpus.c
	@mkdir -p $(@D)
	$(CC) $(CORE_CPPFLAGS) $(CORE_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/fuzz/run_corpus.o $(BUILD)/libctiboard.a
	@mkdir -p $(@D)
	$(CC) $(CORE_CPPFLAGS) $(CORE_CFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		$(BUILD)/fuzz/run_corpus.o $(BUILD)/libctiboard.a $(CORE_LIBS)

fuzz-regress: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
	@for t in $(FUZZ_TARGETS); do $(BUILD)/fuzz/$$t tests/fuzz/corpus/$$t || exit 1; done

# libFuzzer builds: the core compiled again with clang's coverage instrumentation.
$(FUZZ_BUILD)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CORE_CPPFLAGS) $(CORE_CFLAGS) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP \
		-c -o $@ $<

$(FUZZ_BUILD)/libctiboard.a: $(FUZZ_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(FUZZ_BUILD)/libctiboard.a
	$(FUZZ_CC) $(CORE_CPPFLAGS) $(CORE_CFLAGS) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer $(DEPFLAGS) \
		-o $@ $< $(FUZZ_BUILD)/libctiboard.a $(CORE_LIBS)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

-include $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%.d) $(BUILD)/fuzz/run_corpus.d
-include $(FUZZ_OBJ:.o=.d) $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%.d)

# Each target runs FUZZ_TIME seconds from its seed corpus; new inputs go to build-fuzz/corpus.
# A crash leaves build-fuzz/artifacts/<target>-crash-*: copy it into tests/fuzz/corpus/<target>/
# so that fuzz-regress replays it from then on.
fuzz: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/artifacts
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
		echo "== $$t: $(FUZZ_TIME) s, seed $(FUZZ_SEED)"; \
		$(SAN_ENV) $(FUZZ_BUILD)/$$t -seed=$(FUZZ_SEED) -max_total_time=$(FUZZ_TIME) \
			-timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- \
			$$(case $$t in fuzz_config) ;; *) echo -dict=tests/fuzz/events.dict;; esac) \
			$(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t > $(FUZZ_BUILD)/$$t.log 2>&1; \
		rc=$$?; grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs|stat::peak_rss)' $(FUZZ_BUILD)/$$t.log; \
		if [ $$rc -ne 0 ]; then tail -60 $(FUZZ_BUILD)/$$t.log; \
			echo "fuzz: $$t FAILED (see $(FUZZ_BUILD)/$$t.log)"; exit 1; fi; \
	done

LINT_CPPFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 \
                 -DCTIBOARD_VERSION='"$(VERSION)"' -Iinclude -isystem /usr/include/cjson

# Both analysers run even when the first finds something.
lint:
	@rc=0; $(MAKE) --no-print-directory cppcheck || rc=1; \
	$(MAKE) --no-print-directory clang-tidy || rc=1; exit $$rc

cppcheck:
	cppcheck --std=c11 --enable=warning,style,performance,portability --inline-suppr --quiet \
		--error-exitcode=1 --suppressions-list=tests/sanitizer/cppcheck.supp \
		--template='{file}:{line}: {severity}({id}): {message}' \
		-Iinclude -Isrc -Iui -D_POSIX_C_SOURCE=200809L -DCTIBOARD_VERSION='"$(VERSION)"' src ui

clang-tidy:
	@fail=0; for f in $(CORE_SRC) src/main.c; do \
		clang-tidy --quiet $$f -- $(LINT_CPPFLAGS) -Isrc 2>/dev/null || fail=1; \
	done; \
	for f in $(UI_SRC); do \
		clang-tidy --quiet $$f -- $(LINT_CPPFLAGS) $(UI_CFLAGS) 2>/dev/null || fail=1; \
	done; \
	if [ $$fail -ne 0 ]; then echo "clang-tidy: findings above"; exit 1; fi; echo "clang-tidy: clean"

VALGRIND := valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
            --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes \
            --suppressions=$(abspath tests/sanitizer/valgrind.supp) --quiet

valgrind: $(BIN)
	$(VALGRIND) ./$(BIN) --replay tests/data/day.jsonl --speed 0 --headless --no-journal \
		--snapshot $(BUILD)/valgrind-snapshot.json
	VALGRIND="$(VALGRIND)" $(PYTHON) tests/sanitizer/live_run.py ./$(BIN)

SOAK_S ?= 180
soak: $(BIN)
	$(PYTHON) bench/soak.py --seconds $(SOAK_S) ./$(BIN)

BENCH_BUILD := $(BUILD)/bench
BENCH_BIN   := $(BENCH_BUILD)/bench_ingest $(BENCH_BUILD)/bench_cjson
$(BENCH_BUILD)/%: bench/%.c $(BUILD)/libctiboard.a
	@mkdir -p $(@D)
	$(CC) $(CORE_CPPFLAGS) $(CORE_CFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		$(BUILD)/libctiboard.a $(CORE_LIBS)

-include $(BENCH_BIN:=.d)

bench: $(BIN) $(BENCH_BIN)
	$(PYTHON) bench/bench.py --bin ./$(BIN) --tools $(BENCH_BUILD) --work $(BUILD)/bench-data

# the scale figures alone (figure 9 of make bench), a few minutes
bench-scale: $(BIN) $(BENCH_BUILD)/bench_ingest
	$(PYTHON) bench/bench_scale.py --bin ./$(BIN) --tools $(BENCH_BUILD) \
		--work $(BUILD)/bench-data $(if $(ONLY),--only $(ONLY))

# Every program of the tree in the current build: the dashboard, unit tests, fuzz regressions and
# benchmarks.
programs: $(BIN) $(TEST_BIN) $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%) $(BENCH_BIN)

# Zero warnings with gcc and clang at -O0, -O2 and -O3 (each optimisation level finds its own),
# every build with -Werror in its own directory.
WARN_CCS  ?= gcc clang
WARN_OPTS ?= 0 2 3
check-warnings:
	@for cc in $(WARN_CCS); do for o in $(WARN_OPTS); do \
		echo "== $$cc -O$$o"; \
		$(MAKE) --no-print-directory CC=$$cc CFLAGS="-O$$o -g" O_WERROR=1 BUILD=build-$$cc-O$$o \
			BIN=build-$$cc-O$$o/ctiboard programs check-headers || exit 1; \
	done; done

# Line coverage of src/ and ui/ over the whole of make check (unit tests and the program's
# tests), from a build of its own with gcc's instrumentation; the per-file table, then the total.
COV_BUILD := build-coverage
COV_MIN   ?= 90
coverage: $(BUILD)/locale/fr_FR.UTF-8/LC_NUMERIC
	@mkdir -p $(COV_BUILD)
	@find $(COV_BUILD) -name '*.gcda' -delete
	@$(MAKE) --no-print-directory BUILD=$(COV_BUILD) BIN=$(COV_BUILD)/ctiboard \
		CFLAGS="-O0 -g --coverage" LDFLAGS=--coverage check; rc=$$?; \
	gcovr --root . --object-directory $(COV_BUILD) --filter 'src/' --filter 'ui/' \
		--exclude-unreachable-branches --print-summary --fail-under-line $(COV_MIN) \
		> $(COV_BUILD)/coverage.txt; cov=$$?; cat $(COV_BUILD)/coverage.txt; \
	if [ $$rc -ne 0 ]; then echo "coverage: make check FAILED, the figures are partial"; fi; \
	if [ $$cov -ne 0 ]; then echo "coverage: lines of src/ and ui/ below $(COV_MIN) %"; fi; \
	[ $$rc -eq 0 ] && [ $$cov -eq 0 ]

