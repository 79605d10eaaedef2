# ctiboard: a terminal dashboard for OVH telephony (CTI) events.
#
#   make            build ./ctiboard
#   make demo       install what is missing, build, run the built-in demo call centre
#   make check      build and run every test
#   make deps       install the Debian packages the build and the tests need
#   make install    install into $(DESTDIR)$(PREFIX)

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man/man1

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
CORE_CFLAGS := $(call pkg,--cflags,libcjson libcurl,-I/usr/include/cjson)
CORE_LIBS   := $(call pkg,--libs,libcjson libcurl,-lcjson -lcurl) -lpthread
# ncursesw's pkg-config asks for _XOPEN_SOURCE=600; the project's 700 includes it
UI_CFLAGS   := $(filter-out -D_XOPEN_SOURCE%,$(call pkg,--cflags,ncursesw,))
UI_LIBS     := $(call pkg,--libs,ncursesw,-lncursesw)
TEST_LIBS   := $(call pkg,--libs,cmocka,-lcmocka)

ALL_CPPFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 \
                -DCTIBOARD_VERSION='"$(VERSION)"' -Iinclude $(CPPFLAGS)
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
BIN      := ctiboard
ifneq ($(O_SAN),)
BIN      := $(BUILD)/ctiboard
endif

DEB_PKGS := gcc make pkg-config libcurl4-openssl-dev libcjson-dev libcmocka-dev libncurses-dev \
            locales tzdata openssl python3 python3-pytest tmux

.PHONY: all check check-unit check-py demo deps install uninstall clean format

all: $(BIN)

$(BIN): $(MAIN_OBJ) $(UI_OBJ) $(BUILD)/libctiboard.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(UI_OBJ) $(BUILD)/libctiboard.a $(UI_LIBS) $(CORE_LIBS)

$(BUILD)/libctiboard.a: $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CORE_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/ui/%.o: ui/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CORE_CFLAGS) $(UI_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libctiboard.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CORE_CFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		$(BUILD)/libctiboard.a $(TEST_LIBS) $(CORE_LIBS)

check: check-unit check-py

# A locale with a decimal comma, built for the tests that prove parsing is locale-proof.
$(BUILD)/locale/fr_FR.UTF-8/LC_NUMERIC:
	@mkdir -p $(BUILD)/locale
	localedef -i fr_FR -f UTF-8 $(BUILD)/locale/fr_FR.UTF-8 || [ -f $@ ]

check-unit: $(TEST_BIN) $(BUILD)/locale/fr_FR.UTF-8/LC_NUMERIC
	@fail=0; for t in $(TEST_BIN); do echo "== $$t"; \
		LOCPATH=$(abspath $(BUILD)/locale) CTIBOARD_TEST_LOCALE=1 $$t || fail=1; done; \
	if [ $$fail -ne 0 ]; then echo "unit tests: FAILED"; exit 1; fi

check-py: $(BIN)
	CTIBOARD_BIN=$(abspath $(BIN)) $(PYTHON) -m pytest -q tests

demo: deps $(BIN)
	./$(BIN) --demo

deps:
	@missing=; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' \
			|| missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all present"; exit 0; fi; \
	sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	echo "deps: installing$$missing"; \
	$$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends $$missing

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/ctiboard
	install -m 644 ctiboard.1 $(DESTDIR)$(MANDIR)/ctiboard.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ctiboard $(DESTDIR)$(MANDIR)/ctiboard.1

format:
	clang-format -i $(wildcard src/*.c ui/*.[ch] include/*.h tests/unit/*.[ch] tests/fuzz/*.c)

clean:
	rm -rf build build-* ctiboard

-include $(CORE_OBJ:.o=.d) $(UI_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

# ---- the console's golden screens (tests/test_ui.py) ----
# Regenerate tests/golden/*.txt from the program itself, then review them with git diff.
.PHONY: goldens
goldens: $(BIN)
	CTIBOARD_REGEN=1 CTIBOARD_BIN=$(abspath $(BIN)) $(PYTHON) -m pytest -q tests/test_ui.py tests/test_wallboard.py

# ---- screenshots: regenerated from the program itself (not needed by make check) ----
SHOT_PKGS := tmux chromium fonts-dejavu-core

.PHONY: screenshots screenshot-deps
screenshots: $(BIN)
	CTIBOARD_BIN=$(abspath $(BIN)) $(PYTHON) tests/screenshots.py --out screenshots

screenshot-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(SHOT_PKGS)"
