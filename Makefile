# signet: one GNU Makefile.  Out-of-tree builds into $(BUILD).
#
#   make                 build/signet, libsignet.a, libsignet.so
#   make test            every unit test, the CLI regress script, conformance
#   make check           the whole suite under ASan + UBSan, fuzz-corpus
#                        replay, checksrc, header self-containment
#   make fuzz            libFuzzer harnesses (clang); make fuzz-run
#   make bench           verification speed figures
#   make test-device     the fido tests against a real security key
#                        (SIGNET_TEST_FIDO_DEVICE=/dev/hidrawN), the pkcs11
#                        token tests against SIGNET_TEST_PKCS11_URI
#   make demo            a guided run of signet on the shipped sample bundles
#   make install PREFIX=/usr/local DESTDIR=  (signet.pc written for PREFIX)
#
# Dependencies come from Debian packages through pkg-config.  make, make
# install and every other target only check them (scripts/deps.sh --check
# --build) and stop with the list of what is missing; make deps, demo,
# test, check and bench install what is missing first (scripts/deps.sh).

# make VERIFY_ONLY=1 [BUILD=DIR]: a signet that verifies only (below).
ifeq ($(VERIFY_ONLY),1)
BUILD		?= build-verify-only
endif
BUILD		?= build
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
MANDIR		?= $(PREFIX)/share/man
CC		?= cc
SANITIZER	?=
VERSION		:= 0.1.0
SOVERSION	:= 0

AREAS		:= core json http keys fido pkcs11 x509 trust tlog bundle dsse manifest rekor tsa fulcio oidc verify sign tuf attest
PC_REQUIRES	:= libcrypto libcjson libsodium libpcre2-8
# Loaded with dlopen() on first use (pkg/http, pkg/fido): headers only.
# libcbor: for the test support only (pkg/fido/testsupport).  p11-kit-1:
# the PKCS#11 header, and the proxy module used when no module is named.
DL_REQUIRES	:= libcurl libfido2 libcbor p11-kit-1

WARN	:= -std=c11 -Wall -Wextra -Werror -Wshadow -Wcast-qual \
	   -Wwrite-strings -Wmissing-prototypes -Wbad-function-cast \
	   -Wimplicit-fallthrough -Wconversion -Wsign-conversion \
	   -Wformat=2 -Wstrict-prototypes -Wno-format-truncation
# Message truncation by snprintf is deliberate (one-line, capped errors).
ifneq ($(shell $(CC) --version 2>/dev/null | grep -c clang),0)
WARN	+= -Wno-unknown-warning-option
endif
HARDEN	:= -fstack-protector-all -fPIC -fvisibility=hidden
DEFS	:= -D_GNU_SOURCE -DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED \
	   -DSGN_VERSION='"$(VERSION)"'
# The project's headers are on the quote path only: "fido.h" is pkg/fido's,
# <fido.h> is libfido2's.
INCS	:= $(addprefix -iquote pkg/,$(AREAS)) -I$(BUILD)/gen
OPT	?= -O2 -g

ifneq ($(SANITIZER),)
OPT	:= -O1 -g -fno-omit-frame-pointer
HARDEN	+= -fsanitize=$(SANITIZER) -fno-sanitize-recover=all
SANLD	:= -fsanitize=$(SANITIZER)
else
DEFS	+= -D_FORTIFY_SOURCE=2
endif

LDHARDEN := -Wl,-z,relro,-z,now,-z,noexecstack

# Quiet by default; `make V=1` shows the commands.
ifeq ($(V),1)
Q	:=
say	:= @true
else
Q	:= @
say	:= @printf '  %-6s %s\n'
endif

# The goals that install what is missing (scripts/deps.sh) do it here,
# while the Makefile is read: before $(BUILD)/config.mk is remade and
# included, and before any prerequisite runs (make -n installs nothing).
DEPS_GOALS	:= deps demo test check bench
ifneq ($(filter $(DEPS_GOALS),$(MAKECMDGOALS)),)
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS))),)
DEPS_RC		:= $(shell scripts/deps.sh >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error scripts/deps.sh could not install what is missing)
endif
endif
endif

# Flags from pkg-config, computed once and cached; the build's packages
# are checked first, never installed (scripts/deps.sh --check --build).
-include $(BUILD)/config.mk
# pkg/pkcs11's module when neither the URI nor SIGNET_PKCS11_MODULE names one.
ifneq ($(P11_PROXY),)
DEFS	+= -DSGN_P11_PROXY_MODULE='"$(P11_PROXY)"'
endif

CFLAGS_ALL	= $(OPT) $(WARN) $(HARDEN) $(DEFS) $(INCS) $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL	= $(SANLD) $(LDHARDEN) $(LDFLAGS)

LIB_SRCS	:= $(filter-out %_test.c %_fuzz.c %_bench.c %_tool.c,$(wildcard pkg/*/*.c))
LIB_OBJS	:= $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) \
		   $(BUILD)/obj/gen/embedded.o
CMD_SRCS	:= $(wildcard cmd/signet/*.c)
CMD_OBJS	:= $(patsubst %.c,$(BUILD)/obj/%.o,$(CMD_SRCS))
# VERIFY_ONLY=1: $(BUILD)/signet verifies (verify, verify-bundle,
# verify-blob, digest, trust show/export, trust update --from DIR) and
# refuses the rest; no network client and no FIDO2 device code is compiled
# in, so libcurl and libfido2 are never loaded (as minisign's VERIFY_ONLY).
ifeq ($(VERIFY_ONLY),1)
DEFS		+= -DSGN_VERIFY_ONLY
VO_LIB_OUT	:= pkg/http/% pkg/core/dl.c pkg/fido/dl.c pkg/fido/fido.c \
		   pkg/fulcio/% pkg/oidc/% pkg/sign/% pkg/rekor/client.c \
		   pkg/rekor/read.c pkg/tsa/tsa_request.c pkg/pkcs11/%
VO_CMD_OUT	:= cmd/signet/sign.c cmd/signet/key.c cmd/signet/tlog.c \
		   cmd/signet/model_sign.c cmd/signet/attest.c \
		   cmd/signet/keyref_pkcs11.c
LIB_SRCS	:= $(filter-out $(VO_LIB_OUT),$(LIB_SRCS))
LIB_OBJS	:= $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) \
		   $(BUILD)/obj/gen/embedded.o
CMD_SRCS	:= $(filter-out $(VO_CMD_OUT),$(CMD_SRCS))
CMD_OBJS	:= $(patsubst %.c,$(BUILD)/obj/%.o,$(CMD_SRCS))
endif
HEADERS		:= $(foreach a,$(AREAS),pkg/$(a)/$(a).h) \
		   pkg/rekor/rekor_client.h pkg/tsa/tsa_client.h
# Installed, and exported from libsignet.so (SGN_API_BEGIN): these include
# no other header of the tree.  json.h (cJSON), http.h, the clients and
# the *_int.h headers stay private.
PUBLIC_AREAS	:= core bundle keys x509 trust verify sign manifest tuf
PUBLIC_HEADERS	:= $(foreach a,$(PUBLIC_AREAS),pkg/$(a)/$(a).h)
TEST_AREAS	:= $(sort $(patsubst pkg/%/,%,$(dir $(wildcard pkg/*/*_test.c))))
TEST_BINS	:= $(addprefix $(BUILD)/test/,$(addsuffix _test,$(TEST_AREAS)))
EMBED_SRCS	:= third_party/sigstore/trusted_root.json \
		   third_party/sigstore/staging_trusted_root.json \
		   third_party/sigstore/signing_config.v0.2.json \
		   third_party/sigstore/signing_config_rekor_v2.v0.2.json \
		   third_party/sigstore/tuf/production_root.json \
		   third_party/sigstore/tuf/staging_root.json

.PHONY: all test check fuzz fuzz-run bench demo install uninstall clean \
	deps deps-test fuzz-test format-check shellcheck checksrc headers exports purity install-test verify-only-test conformance regress format test-device

all: $(BUILD)/signet $(BUILD)/libsignet.a $(BUILD)/libsignet.so

# Done while the Makefile was read (DEPS_GOALS, above).
deps:
	@true

$(BUILD)/config.mk: scripts/deps.sh Makefile
	@scripts/deps.sh --check --build
	@mkdir -p $(BUILD)
	@c=$$(pkg-config --cflags $(PC_REQUIRES) $(DL_REQUIRES)) && \
	    l=$$(pkg-config --libs $(PC_REQUIRES)) && \
	    b=$$(pkg-config --libs libcbor) && \
	    x=$$(pkg-config --variable=proxy_module p11-kit-1) && \
	    { echo "PKG_CFLAGS := $$c"; echo "PKG_LIBS := $$l"; \
	      echo "CBOR_LIBS := $$b"; echo "P11_PROXY := $$x"; } > $@.tmp && \
	    mv $@.tmp $@

# Criterion is a test package (scripts/deps.sh installs it for make test):
# asked for when a test binary is linked, never cached without it.
CRIT_LIBS	= $(shell pkg-config --libs criterion)

$(BUILD)/gen/embedded.c: scripts/embed.sh $(EMBED_SRCS) Makefile
	@mkdir -p $(dir $@)
	scripts/embed.sh $(EMBED_SRCS) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(HARDEN) -c $< -o $@

$(BUILD)/obj/%.o: %.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

-include $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d)

$(BUILD)/libsignet.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libsignet.so: $(LIB_OBJS) scripts/libsignet.map
	$(CC) -shared -Wl,-soname,libsignet.so.$(SOVERSION) \
	    -Wl,--version-script=scripts/libsignet.map $(LDFLAGS_ALL) \
	    -o $@ $(LIB_OBJS) $(PKG_LIBS)

$(BUILD)/signet: $(CMD_OBJS) $(BUILD)/libsignet.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(CMD_OBJS) $(BUILD)/libsignet.a $(PKG_LIBS)

# Test support (pkg/*/testsupport/: the software authenticator "soft:"):
# an archive linked whole (its constructor adds the device) into the unit
# tests and into the test binary $(BUILD)/test/signet, never into
# libsignet or $(BUILD)/signet (scripts/check-product.sh checks both).
TSUP_SRCS	:= $(filter-out pkg/core/testsupport/%,\
		   $(wildcard pkg/*/testsupport/*.c))
TSUP_OBJS	:= $(patsubst %.c,$(BUILD)/obj/%.o,$(TSUP_SRCS))
TSUP_LIB	:= $(BUILD)/test/libsignet-test.a
TSUP_LINK	= -Wl,--whole-archive $(TSUP_LIB) -Wl,--no-whole-archive

$(TSUP_LIB): $(TSUP_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $^

-include $(TSUP_OBJS:.o=.d)

# The unit tests' helpers (pkg/core/testsupport/: testutil.h, the
# allocation-failure injection), which use Criterion: an archive linked
# into the unit tests only, members pulled in as they are used.
TUTIL_SRCS	:= $(wildcard pkg/core/testsupport/*.c)
TUTIL_OBJS	:= $(patsubst %.c,$(BUILD)/obj/%.o,$(TUTIL_SRCS))
TUTIL_LIB	:= $(BUILD)/test/libsignet-testutil.a

$(TUTIL_LIB): $(TUTIL_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $^

-include $(TUTIL_OBJS:.o=.d)

# The test binary: build/signet's sources plus the test support.
$(BUILD)/test/signet: $(CMD_OBJS) $(TSUP_LIB) $(BUILD)/libsignet.a
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(CMD_OBJS) $(TSUP_LINK) \
	    $(BUILD)/libsignet.a $(PKG_LIBS) $(CBOR_LIBS)

# Unit tests: one Criterion binary per area, from pkg/<area>/*_test.c.
define test_rule
$(BUILD)/test/$(1)_test: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard pkg/$(1)/*_test.c)) $(TSUP_LIB) $(TUTIL_LIB) $(BUILD)/libsignet.a
	@mkdir -p $$(dir $$@)
	$$(say) LD $$@
	$$(Q)$$(CC) $$(LDFLAGS_ALL) $$(TEST_LDFLAGS_$(1)) -o $$@ $$(filter %.o,$$^) $$(TSUP_LINK) \
	    -Wl,--start-group $(BUILD)/libsignet.a $(TUTIL_LIB) -Wl,--end-group \
	    $$(PKG_LIBS) $$(CBOR_LIBS) $$(CRIT_LIBS)
endef
$(foreach a,$(TEST_AREAS),$(eval $(call test_rule,$(a))))

# core_test holds pkg/core/allocfail_test.c: libsignet's allocations go
# through the injection of pkg/core/testsupport/allocfail.c.
TEST_LDFLAGS_core := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc \
	-Wl,--wrap=reallocarray,--wrap=strdup,--wrap=strndup

-include $(patsubst %.c,$(BUILD)/obj/%.d,$(wildcard pkg/*/*_test.c))

# Test tools (pkg/<area>/<name>_tool.c): programs the tests and outside
# suites drive, never installed (the TUF conformance suite's client).
TOOL_BINS	:= $(BUILD)/tools/tuf-conformance-client $(BUILD)/tools/mkfiles

$(BUILD)/tools/tuf-conformance-client: $(BUILD)/obj/pkg/tuf/conformance_tool.o $(BUILD)/libsignet.a
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libsignet.a $(PKG_LIBS)

-include $(BUILD)/obj/pkg/tuf/conformance_tool.d

# mkfiles: many small files, fast and deterministic (the manifest test of
# 100,000 files, scripts/bench.sh).
$(BUILD)/tools/mkfiles: $(BUILD)/obj/pkg/manifest/mkfiles_tool.o
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $<

-include $(BUILD)/obj/pkg/manifest/mkfiles_tool.d

# manifest_test runs it (next to itself: ../tools/mkfiles).
$(BUILD)/test/manifest_test: $(BUILD)/tools/mkfiles

test: deps all $(TEST_BINS) $(TOOL_BINS) $(BUILD)/test/signet
	@BUILD=$(BUILD) scripts/run-tests.sh $(TEST_BINS)

# The fido tests against a real authenticator (scripts/test-device.sh);
# skipped with a message when SIGNET_TEST_FIDO_DEVICE is not set.
test-device: $(BUILD)/test/fido_test $(BUILD)/test/pkcs11_test
	@scripts/test-device.sh $(BUILD)/test/fido_test \
	    $(BUILD)/test/pkcs11_test

check: checksrc shellcheck deps-test fuzz-test format-check headers exports purity install-test \
	verify-only-test
	ASAN_OPTIONS=exitcode=99:detect_leaks=1 \
	    UBSAN_OPTIONS=halt_on_error=1:exitcode=99:print_stacktrace=1 \
	    $(MAKE) BUILD=build-asan SANITIZER=address,undefined test
	$(MAKE) fuzz-replay

regress: all $(BUILD)/test/signet
	scripts/regress.sh $(BUILD)/signet

conformance: all
	scripts/conformance $(BUILD)/signet testdata/conformance/bundle-verify

checksrc:
	scripts/checksrc.sh

# Every shell script, sourced files followed (-x).
SHELL_SCRIPTS	:= $(wildcard scripts/*.sh) scripts/testbed scripts/testbed-selftest \
		   scripts/conformance .ci/run testdata/tsa/extract.sh

shellcheck:
	shellcheck -x $(SHELL_SCRIPTS)

# make, make install and make test with packages missing, against fakes
# (scripts/deps-test.sh): nothing is installed.
deps-test:
	@scripts/deps-test.sh

# scripts/fuzz.sh counts failing harnesses, against fake ones.
fuzz-test:
	@scripts/fuzz-test.sh

# libsignet.so exports the public headers' functions, as scripts/exports.txt
# lists them (and the public headers declare them), and no data.
exports: $(BUILD)/libsignet.so
	@scripts/exports.sh $(BUILD)/libsignet.so scripts/exports.txt \
	    "$(CC)" "$(INCS) $(DEFS)" $(PUBLIC_HEADERS)

# pkg/verify includes pure headers only: it cannot reach the network.
purity: $(BUILD)/config.mk
	@scripts/purity.sh "$(CC)" "$(INCS) $(PKG_CFLAGS) $(DEFS)" \
	    $(wildcard pkg/verify/*.c)

# The public headers as installed, with only themselves on the include
# path (a public header including a private one fails); then the others.
headers: $(BUILD)/config.mk
	@rm -rf $(BUILD)/include && mkdir -p $(BUILD)/include/signet
	@cp $(PUBLIC_HEADERS) $(BUILD)/include/signet/
	@scripts/headers.sh "$(CC)" "$(DEFS)" \
	    $(addprefix $(BUILD)/include/signet/,$(notdir $(PUBLIC_HEADERS)))
	@scripts/headers.sh "$(CC)" "$(INCS) $(PKG_CFLAGS) $(DEFS)" \
	    $(filter-out $(PUBLIC_HEADERS),$(HEADERS))

# make VERIFY_ONLY=1 into build-verify-only/, and its checks.
verify-only-test:
	@scripts/verify-only.sh "$(MAKE)" build-verify-only

# make install into a temporary DESTDIR, and a program built against it.
install-test: all
	@scripts/install-test.sh "$(MAKE)" $(BUILD)

FUZZ_HARNESSES := $(basename $(notdir $(wildcard pkg/*/*_fuzz.c)))
FUZZ_BUILD	:= build-fuzz
FUZZ_SECONDS	?= 60

fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang OPT="-O1 -g" \
	    SANITIZER=address,undefined \
	    CFLAGS="-fsanitize=fuzzer-no-link -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION" \
	    fuzz-bins

fuzz-bins: $(addprefix $(BUILD)/fuzz/,$(FUZZ_HARNESSES))

define fuzz_rule
$(BUILD)/fuzz/$(basename $(notdir $(1))): $(patsubst %.c,$(BUILD)/obj/%.o,$(1)) $(BUILD)/libsignet.a
	@mkdir -p $$(dir $$@)
	$$(CC) -fsanitize=fuzzer,$$(SANITIZER) -o $$@ $$< $(BUILD)/libsignet.a $$(PKG_LIBS)
endef
$(foreach f,$(wildcard pkg/*/*_fuzz.c),$(eval $(call fuzz_rule,$(f))))
-include $(patsubst %.c,$(BUILD)/obj/%.d,$(wildcard pkg/*/*_fuzz.c))

fuzz-replay: fuzz
	scripts/fuzz.sh replay $(FUZZ_BUILD)/fuzz testdata/fuzz

fuzz-run: fuzz
	scripts/fuzz.sh run $(FUZZ_BUILD)/fuzz testdata/fuzz $(FUZZ_SECONDS)

BENCH_BINS	:= $(addprefix $(BUILD)/bench/,$(basename $(notdir $(wildcard pkg/*/*_bench.c))))

define bench_rule
$(BUILD)/bench/$(basename $(notdir $(1))): $(patsubst %.c,$(BUILD)/obj/%.o,$(1)) $(BUILD)/libsignet.a
	@mkdir -p $$(dir $$@)
	$$(say) LD $$@
	$$(Q)$$(CC) $$(LDFLAGS_ALL) -o $$@ $$< $(BUILD)/libsignet.a $$(PKG_LIBS)
endef
$(foreach f,$(wildcard pkg/*/*_bench.c),$(eval $(call bench_rule,$(f))))
-include $(patsubst %.c,$(BUILD)/obj/%.d,$(wildcard pkg/*/*_bench.c))

bench: deps all $(BENCH_BINS) $(BUILD)/tools/mkfiles
	scripts/bench.sh $(BUILD)

demo: deps all
	scripts/demo.sh $(BUILD)/signet

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(INCLUDEDIR)/signet $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILD)/signet $(DESTDIR)$(BINDIR)/signet
	install -m 0644 $(BUILD)/libsignet.a $(DESTDIR)$(LIBDIR)/libsignet.a
	install -m 0755 $(BUILD)/libsignet.so \
	    $(DESTDIR)$(LIBDIR)/libsignet.so.$(SOVERSION)
	ln -sf libsignet.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libsignet.so
	install -m 0644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/signet/
	@{ echo "prefix=$(PREFIX)"; echo "libdir=$(LIBDIR)"; \
	   echo "includedir=$(INCLUDEDIR)"; echo; \
	   echo "Name: signet"; \
	   echo "Description: Sigstore signing and verification library"; \
	   echo "Version: $(VERSION)"; \
	   echo "Requires.private: $(PC_REQUIRES)"; \
	   echo "Cflags: -I\$${includedir}"; \
	   echo "Libs: -L\$${libdir} -lsignet"; } \
	    > $(DESTDIR)$(LIBDIR)/pkgconfig/signet.pc
	@echo "  wrote $(DESTDIR)$(LIBDIR)/pkgconfig/signet.pc (prefix=$(PREFIX))"
	install -m 0644 cmd/signet/signet.1 $(DESTDIR)$(MANDIR)/man1/signet.1
	@echo "signet: libcurl.so.4 (>= 7.85.0) and libfido2.so.1 are loaded" \
	    "with dlopen(), which dependency scanners cannot see:" \
	    "depend on the Debian packages libcurl4 and libfido2-1"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/signet $(DESTDIR)$(LIBDIR)/libsignet.a \
	    $(DESTDIR)$(LIBDIR)/libsignet.so* \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/signet.pc \
	    $(DESTDIR)$(MANDIR)/man1/signet.1
	rm -rf $(DESTDIR)$(INCLUDEDIR)/signet

# make format: clang-format-14 on the lines this branch changed since it
# left FORMAT_BASE (and the uncommitted ones), never the whole tree:
# .clang-format cannot express KNF's aligned declarations (CONTRIBUTING.md).
# On FORMAT_BASE itself it changes nothing.
FORMAT_BASE	?= main
format:
	@scripts/format.sh $(FORMAT_BASE)

# make format on a clean checkout leaves it clean (skipped outside a git
# work tree or with local changes).
format-check:
	@scripts/format.sh --check $(FORMAT_BASE)

clean:
	rm -rf build build-asan build-fuzz
