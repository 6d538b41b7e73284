# capsim — GNU make. `make deps` installs the Debian packages; `make`, `make run`,
# `make test`, `make bench`, `make clean`; `make SANITIZER=address,undefined`
# builds into build-san/ with sanitizers; `make WERROR=1` turns warnings into errors.

CC      ?= cc
PREFIX_BUILD := build
ifneq ($(SANITIZER),)
PREFIX_BUILD := build-san
SANFLAGS := -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
B := $(PREFIX_BUILD)

OPT     ?= -O2
# Warnings: the STYLE.md set, minus -Wsign-conversion (too noisy for size_t/int64 mixes).
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wconversion -Wno-sign-conversion
ifeq ($(WERROR),1)
WARN    += -Werror
endif
# -ffp-contract=off: no FMA contraction, so every x86-64 clone of the tick
# kernel rounds the same way and results do not depend on the CPU.
CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) -g -ffp-contract=off $(WARN) $(SANFLAGS) -MMD -MP $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS) $(EXTRA_LDFLAGS)
LDLIBS  := -lgsl -lgslcblas -lsqlite3 -lcsv -linih -lm -lpthread

ENGINE_SRC := $(wildcard sim/engine/*.c)
MODEL_SRC  := $(wildcard sim/model/*.c)
IO_SRC     := $(wildcard sim/io/*.c)
ANALYSIS_SRC := $(wildcard analysis/*.c)
CLI_SRC    := $(wildcard sim/cli/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
BENCH_SRC  := $(wildcard tests/bench/*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
LIB_ENGINE := $(B)/libcapsim_engine.a
LIB_MODEL  := $(B)/libcapsim_model.a
LIB_IO     := $(B)/libcapsim_io.a
LIB_ANALYSIS := $(B)/libcapsim_analysis.a
CAPSIM     := $(B)/capsim
UNIT_BIN   := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
BENCH_BIN  := $(B)/bench/capsim-bench

DEB_PACKAGES := libgsl-dev libsqlite3-dev libcsv-dev libinih-dev libcmocka-dev sqlite3 pkg-config \
                gnuplot-nox python3
SCENARIO ?= scenarios/openai-google-coreweave.ini
OUT      ?= out

.PHONY: all deps run test unit bench clean check-deps
all: $(CAPSIM)

# Installs whichever packages are missing (sudo when not root).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	else echo "make deps: all packages present"; fi

# Objects depend on a stamp of the compiler flags, so changing WERROR, OPT or
# SANITIZER rebuilds everything.
FLAGS_STAMP := $(B)/.flags
$(FLAGS_STAMP): FORCE
	@mkdir -p $(B); echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@
.PHONY: FORCE
FORCE:

$(B)/obj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB_ENGINE): $(call obj,$(ENGINE_SRC))
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^
$(LIB_MODEL): $(call obj,$(MODEL_SRC))
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^
$(LIB_IO): $(call obj,$(IO_SRC))
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^
$(LIB_ANALYSIS): $(call obj,$(ANALYSIS_SRC))
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^

LIBS_ALL := $(LIB_ANALYSIS) $(LIB_IO) $(LIB_MODEL) $(LIB_ENGINE)

$(CAPSIM): $(call obj,$(CLI_SRC)) $(LIBS_ALL)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Unit tests link against the layers they need; the archive pulls only the
# objects a test references.
$(B)/tests/test_%: $(B)/obj/tests/unit/test_%.o $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcmocka -o $@

# Layer-only builds for working on one layer while another is in progress.
engine: $(LIB_ENGINE)
model: $(LIB_MODEL)
io: $(LIB_IO)
analysis: $(LIB_ANALYSIS)

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(OUT)
	$(CAPSIM) run $(SCENARIO) -o $(OUT)/capsim.db --replace
	@# spreadsheets: every table, per-tick tables rolled up by day; wide files for charts
	$(CAPSIM) export $(OUT)/capsim.db --daily -o $(OUT)/csv -q
	$(CAPSIM) export $(OUT)/capsim.db --daily --wide -o $(OUT)/csv/wide -q
	$(CAPSIM) report $(OUT)/capsim.db > $(OUT)/report.txt
	$(CAPSIM) plot $(OUT)/capsim.db -o $(OUT)/plots
	@echo "Open $(OUT)/plots/index.html (charts and tables), $(OUT)/report.txt, $(OUT)/csv/*.csv"

unit: $(UNIT_BIN) $(CAPSIM)
test: deps
	@$(MAKE) --no-print-directory unit
	@B=$(B) bash tests/run.sh

$(BENCH_BIN): $(call obj,$(BENCH_SRC)) $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BIN) $(CAPSIM) OPT=-O2
	$(BENCH_BIN) $(SCENARIO)

clean:
	rm -rf build build-san

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
