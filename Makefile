# netdiag — plain Makefile with pkg-config.
#   make            build ./netdiag
#   make check      ASan+UBSan build, unit + end-to-end tests, "N passed, N failed"
#   make demo       diagnose the bundled example (text, then its HTML report)
#   make bench      benchmarks (bench/README.md)
#   make fuzz       libFuzzer targets (clang)
#   make image      OCI image (buildah, offline): $(O)/image/oci, $(O)/image/netdiag.oci.tar;
#                   its root filesystem as a folder: make rootfs ($(O)/rootfs)
# DEV=1 turns warnings into errors; SANITIZE=address,undefined instruments.

CC      ?= cc
PREFIX  ?= /usr/local
O       ?= build
PKG_CONFIG ?= pkg-config

# Libraries each reached through one module of ours.
PKGS    := libcurl yaml-0.1 libmicrohttpd libcares openssl libarchive zlib
TESTPKGS := cmocka

CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wvla \
           -Wno-unused-parameter -Wno-missing-field-initializers
ifeq ($(DEV),1)
WARN    += -Werror
endif
OPT     ?= -O2 -g
CFLAGS_ALL = $(CSTD) $(OPT) $(WARN) -Isrc -I$(O)/gen \
             -DLOCALEDIR='"$(PREFIX)/share/locale"' $(CFLAGS)
LDLIBS_ALL = $(LDLIBS) -lm -lpthread
ifneq ($(strip $(PKGS)),)
CFLAGS_ALL += $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS_ALL += $(shell $(PKG_CONFIG) --libs $(PKGS))
endif
ifneq ($(SANITIZE),)
CFLAGS_ALL += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRC := $(sort $(shell find src -name '*.c' ! -name main.c))
LIB_OBJ := $(patsubst src/%.c,$(O)/obj/%.o,$(LIB_SRC)) $(O)/obj/catalogue_gen.o \
           $(O)/obj/manifest_gen.o $(O)/obj/egress_data_gen.o
MANIFEST_TPL := $(sort $(wildcard deploy/templates/*.yaml.in))
FINDING_DOCS := $(sort $(wildcard docs/findings/*.md docs/findings/it/*.md))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRC))
# every fuzz target, linked with the replay driver (no engine): make check runs its seeds
REPLAY_BIN := $(patsubst fuzz/%.c,$(O)/replay/%,$(sort $(wildcard fuzz/fuzz_*.c)))
# Message catalogues (po/LINGUAS), written next to the binary: $(O)/locale.
PO_LANGS := $(shell cat po/LINGUAS)
MO_FILES := $(patsubst %,$(O)/locale/%/LC_MESSAGES/netdiag.mo,$(PO_LANGS))

.PHONY: replays all check unit e2e demo bench fuzz fuzz-replay clean deps install man rootfs image

all: netdiag

netdiag: $(O)/netdiag
	ln -sf $(O)/netdiag netdiag
	ln -sf netdiag kubectl-netdiag

$(O)/netdiag: $(O)/obj/main.o $(O)/libnetdiag.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(O)/netdiag: | $(MO_FILES)

$(O)/locale/%/LC_MESSAGES/netdiag.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@.$$$$.tmp $< && mv -f $@.$$$$.tmp $@

$(O)/libnetdiag.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(O)/obj/%.o: src/%.c $(O)/gen/catalogue_gen.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

# the folders too: removing a page changes only their time
$(O)/gen/catalogue_gen.c: scripts/gencatalogue $(FINDING_DOCS) docs/findings docs/findings/it
	@mkdir -p $(dir $@)
	sh scripts/gencatalogue docs/findings > $@.tmp && mv $@.tmp $@

$(O)/obj/catalogue_gen.o: $(O)/gen/catalogue_gen.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# AKS's outbound destinations (data/aks-egress.json), compiled in: the binary stays self-contained
$(O)/gen/egress_data.c: scripts/embed data/aks-egress.json
	@mkdir -p $(dir $@)
	sh scripts/embed data/aks-egress.json nd_egress_builtin > $@.tmp && mv $@.tmp $@

$(O)/obj/egress_data_gen.o: $(O)/gen/egress_data.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# the manifest templates (src/manifest.h), the folder too: removing one changes only its time
$(O)/gen/manifest_gen.c: scripts/genmanifests $(MANIFEST_TPL) deploy/templates
	@mkdir -p $(dir $@)
	sh scripts/genmanifests deploy/templates > $@.tmp && mv $@.tmp $@

$(O)/obj/manifest_gen.o: $(O)/gen/manifest_gen.c src/manifest.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(O)/tests/%: tests/unit/%.c $(O)/libnetdiag.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(shell $(PKG_CONFIG) --cflags $(TESTPKGS)) $(LDFLAGS) -o $@ $< \
		$(O)/libnetdiag.a $(shell $(PKG_CONFIG) --libs $(TESTPKGS)) $(LDLIBS_ALL)

deps:
	@sh scripts/install-deps --check || sh scripts/install-deps

# The test build: its own object directory, sanitizers on, warnings fatal.
check: deps
	$(MAKE) O=build/check SANITIZE=address,undefined DEV=1 OPT='-O1 -g' build/check/netdiag units replays
	O=build/check sh tests/run.sh

units: $(UNIT_BIN)

replays: $(REPLAY_BIN)

$(O)/replay/%: fuzz/%.c fuzz/replay_main.c $(O)/libnetdiag.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< fuzz/replay_main.c $(O)/libnetdiag.a $(LDLIBS_ALL)

# The whole report, then the verdict block again so it is what the screen ends
# with, and the HTML report of the same run.
demo: deps netdiag
	./netdiag diagnose --snapshot examples/aks-kubenet-broken --html $(O)/demo-report.html; \
		test $$? -le 1
	@echo
	@./netdiag diagnose --snapshot examples/aks-kubenet-broken --brief; test $$? -le 1
	@echo "HTML report: $(O)/demo-report.html"

bench: deps netdiag
	sh bench/run.sh

fuzz: deps
	$(MAKE) -C fuzz

fuzz-replay: deps
	$(MAKE) -C fuzz replay

install: netdiag
	install -D -m 0755 $(O)/netdiag $(DESTDIR)$(PREFIX)/bin/netdiag
	ln -sf netdiag $(DESTDIR)$(PREFIX)/bin/kubectl-netdiag
	for l in $(PO_LANGS); do \
		install -D -m 0644 $(O)/locale/$$l/LC_MESSAGES/netdiag.mo \
			$(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/netdiag.mo || exit 1; \
	done
	install -D -m 0644 docs/netdiag.1 $(DESTDIR)$(PREFIX)/share/man/man1/netdiag.1

# The image: netdiag, the libraries ldd names and what it reads at run time
# (scripts/mkrootfs says what), packed by buildah from scratch. IMAGE names it.
IMAGE ?= netdiag:$(shell sed -n 's/^#define ND_VERSION "\(.*\)"/\1/p' src/cmd.h)

rootfs: deps netdiag
	sh scripts/mkrootfs $(O)/netdiag $(O)/locale $(PREFIX) $(O)/rootfs

image:
	@sh scripts/install-deps --image --check || sh scripts/install-deps --image
	$(MAKE) rootfs
	sh scripts/mkimage $(O)/rootfs $(IMAGE) $(PREFIX) $(O)/image

# The man page is generated from the option tables (src/cmd.c) and checked in,
# so 'man ./docs/netdiag.1' works from a clean checkout; tests/e2e/t_options.sh
# fails when it is stale.
man: netdiag
	$(O)/netdiag --help-man > docs/netdiag.1

clean:
	rm -rf build netdiag kubectl-netdiag

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
