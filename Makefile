# lees: a terminal reader.  `make` builds ./lees; `make run` and `make test` first install what
# is missing (scripts/deps.sh).  B is the build directory, so the sanitizer build can sit beside
# the normal one (make B=build/san SAN=1).

VERSION   = 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
B        ?= build

CFLAGS   ?= -O2 -g
WARN      = -std=c11 -Wall -Wextra -Wpedantic
CPPFLAGS += -Iinclude -I$(B) -D_DEFAULT_SOURCE -DLEES_VERSION='"$(VERSION)"'

ifeq ($(SAN),1)
CC        = clang
CFLAGS    = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif

NCURSES_CFLAGS = $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
NCURSES_LIBS   = $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)
MD4C_LIBS      = $(shell $(PKG_CONFIG) --libs md4c 2>/dev/null || echo -lmd4c)
CMOCKA_LIBS    = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
VTERM_LIBS     = $(shell $(PKG_CONFIG) --libs vterm 2>/dev/null || echo -lvterm)
XXHASH_LIBS    = $(shell $(PKG_CONFIG) --libs libxxhash 2>/dev/null || echo -lxxhash)
CORE_LIBS      = $(MD4C_LIBS) $(XXHASH_LIBS) -lunistring

# The reader links xxhash, libunistring and ncurses into itself when their archives are
# installed (Debian's -dev packages have them; md4c comes only shared): each shared library
# costs every start about 0.1 ms in the kernel and the loader, and the first screen is measured
# against less (bench/README.md).  STATIC=0, or a missing archive, links them shared (a fix to
# one then reaches lees without a rebuild).
STATIC        ?= 1
STATIC_ARCHIVES = xxhash unistring ncursesw tinfo
have_archive   = $(filter /%,$(shell $(CC) -print-file-name=lib$(1).a))
ifeq ($(STATIC)$(words $(foreach a,$(STATIC_ARCHIVES),$(call have_archive,$(a)))),14)
LEES_LIBS      = $(MD4C_LIBS) -Wl,-Bstatic $(XXHASH_LIBS) -lunistring $(NCURSES_LIBS) -Wl,-Bdynamic
else
LEES_LIBS      = $(CORE_LIBS) $(NCURSES_LIBS)
endif

# The core is every source file but the ui and main: a library the unit tests link without a
# terminal.
UI_SRC   = $(sort $(wildcard src/ui*.c))
CORE_SRC = $(filter-out $(UI_SRC) src/main.c,$(sort $(wildcard src/*.c)))
CORE_OBJ = $(CORE_SRC:src/%.c=$(B)/obj/%.o)
UI_OBJ   = $(UI_SRC:src/%.c=$(B)/obj/%.o)
APP_OBJ  = $(UI_OBJ) $(B)/obj/main.o $(B)/obj/builtin.o

UNIT_BINS   = $(patsubst tests/unit/test_%.c,$(B)/test-%,$(sort $(wildcard tests/unit/test_*.c)))
E2E_SRC     = $(sort $(wildcard tests/e2e/*.c))

.PHONY: all run test check tests lint install uninstall clean deps-build deps-test fuzz fuzz-replay \
	bench

all: lees

lees: $(B)/lees
	cp $(B)/lees lees.tmp && mv -f lees.tmp lees

$(B)/lees: $(APP_OBJ) $(B)/libleescore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LEES_LIBS)

$(B)/libleescore.a: $(CORE_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/obj/%.o: src/%.c $(wildcard include/lees/*.h) $(wildcard src/*.h) | $(B)/obj
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) $(if $(filter src/ui%,$<),$(NCURSES_CFLAGS)) -c -o $@ $<

$(B)/obj/builtin.o: $(B)/builtin.c | $(B)/obj
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/builtin.c: texts/handen-in-elkaar.md texts/handen-in-elkaar.terms $(B)/embed
	$(B)/embed builtin_text texts/handen-in-elkaar.md handen-in-elkaar.md \
		builtin_terms texts/handen-in-elkaar.terms handen-in-elkaar.terms > $@.tmp && mv $@.tmp $@

# A build tool, run on this machine: always the plain compiler, never the sanitizers.
$(B)/embed: tools/embed.c | $(B)/obj
	cc -std=c11 -O1 -o $@ $<

$(B)/obj:
	mkdir -p $@

$(B)/test-%: tests/unit/test_%.c tests/unit/cases.c tests/unit/support.c tests/unit/cases.h \
		tests/unit/unit.h $(B)/libleescore.a
	$(CC) $(WARN) $(CPPFLAGS) -Itests/unit -DCASES_DIR='"tests/unit/cases"' $(CFLAGS) $(LDFLAGS) \
		-o $@ $< tests/unit/cases.c tests/unit/support.c \
		$(B)/libleescore.a $(CORE_LIBS) $(CMOCKA_LIBS)

$(B)/test-e2e: $(E2E_SRC) $(wildcard tests/e2e/*.h) | $(B)/obj
	$(CC) $(WARN) -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 $(CFLAGS) $(LDFLAGS) -o $@ $(E2E_SRC) \
		$(VTERM_LIBS) $(CMOCKA_LIBS) -lutil

# libFuzzer targets: `make fuzz` runs each for FUZZ_TIME seconds; `make test` replays the corpora.
FUZZ_SRC   = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  = $(patsubst tests/fuzz/fuzz_%.c,build/fuzz/fuzz-%,$(FUZZ_SRC))
FUZZ_TIME ?= 60
FUZZ_FLAGS = -std=c11 -D_DEFAULT_SOURCE -Iinclude -g -O1 -fsanitize=fuzzer,address,undefined

build/fuzz/fuzz-%: tests/fuzz/fuzz_%.c $(CORE_SRC) $(wildcard include/lees/*.h src/*.h)
	@mkdir -p build/fuzz
	clang $(FUZZ_FLAGS) -o $@ $< $(CORE_SRC) $(CORE_LIBS)

fuzz: $(FUZZ_BINS)
	for t in $(FUZZ_BINS); do n=$${t##*/fuzz-}; mkdir -p build/fuzz/corpus-$$n; \
		$$t -max_total_time=$(FUZZ_TIME) build/fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; done

fuzz-replay: $(FUZZ_BINS)
	tests/fuzz/replay $(FUZZ_BINS)

# Timings against less (never part of make test): bench/README.md has a recorded table.
BENCH_MB ?= 100

build/bench: bench/bench.c tests/e2e/harness.c tests/e2e/harness.h | $(B)/obj
	$(CC) $(WARN) -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -O2 -o $@ bench/bench.c tests/e2e/harness.c \
		$(VTERM_LIBS) -lutil

build/bench-$(BENCH_MB).md: bench/gen texts/handen-in-elkaar.md
	bench/gen $(BENCH_MB) > $@.tmp && mv $@.tmp $@

build/bench-$(BENCH_MB).log: bench/gen
	bench/gen $(BENCH_MB) log > $@.tmp && mv $@.tmp $@

bench: lees build/bench build/bench-$(BENCH_MB).md build/bench-$(BENCH_MB).log
	LEES=./lees build/bench build/bench-$(BENCH_MB).md texts/handen-in-elkaar.md \
		build/bench-$(BENCH_MB).log

tests: $(B)/lees $(UNIT_BINS) $(if $(E2E_SRC),$(B)/test-e2e)

run: deps-build
	$(MAKE) lees
	./lees

# Everything, twice: a normal build and one under AddressSanitizer and UBSan.
test: deps-test
	$(MAKE) check

check:
	$(MAKE) lees tests
	$(MAKE) B=build/san SAN=1 tests
	$(MAKE) $(FUZZ_BINS)
	tests/run build build/san build/fuzz

deps-build:
	scripts/deps.sh build

deps-test:
	scripts/deps.sh test

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 --inline-suppr -Iinclude -Isrc src tests/unit tests/fuzz
	clang-format --dry-run --Werror src/*.c src/*.h include/lees/*.h tests/unit/*.c \
		tests/unit/*.h tests/e2e/*.c tests/e2e/*.h tests/fuzz/*.c tools/*.c

install: lees
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 lees $(DESTDIR)$(BINDIR)/lees
	install -m 644 man/lees.1 $(DESTDIR)$(MANDIR)/man1/lees.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/lees $(DESTDIR)$(MANDIR)/man1/lees.1

clean:
	rm -rf build lees
