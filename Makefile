# capsim — GNU make. `make deps` installs the Debian packages; `make`, `make run`,
# `make test`, `make bench`, `make clean`; `make SANITIZER=address,undefined`
# builds into build-san/ with sanitizers; `make WERROR=1` turns warnings into errors;
# `make MPI=1` builds with mpicc into build-mpi/ (capsim sweep --mpi);
# `make EVQ=heap4` builds with another event queue into build-evq-heap4/.

CC      ?= cc
PREFIX_BUILD := build
ifneq ($(SANITIZER),)
PREFIX_BUILD := build-san
SANFLAGS := -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
# MPI=1: `capsim sweep --mpi`, compiled with mpicc into build-mpi/.
ifeq ($(MPI),1)
PREFIX_BUILD := build-mpi
CC := mpicc
MPIFLAGS := -DCAPSIM_MPI
endif
# EVQ: the event queue implementation behind sim/engine/evq.h, one of
# sim/engine/evq_NAME.c: ladder (the default, a ladder queue), heap4 (a 4-ary
# heap) or heap2 (a binary heap). Any other than the default builds into its
# own directory (build-evq-heap4/, build-san-evq-heap2/, ...), so that the
# builds coexist; make test runs the unit tests under every one.
# sim/engine/evq_handles.c is not one: it is the handle pool they all share.
EVQ_DEFAULT := ladder
EVQ ?= $(EVQ_DEFAULT)
EVQ_SHARED := sim/engine/evq_handles.c
EVQ_ALL := $(patsubst sim/engine/evq_%.c,%,$(filter-out $(EVQ_SHARED),$(wildcard sim/engine/evq_*.c)))
ifeq ($(filter $(EVQ),$(EVQ_ALL)),)
$(error EVQ=$(EVQ): there is no sim/engine/evq_$(EVQ).c; choose one of: $(EVQ_ALL))
endif
# The build directory of base directory $(1) (build, build-san, build-mpi)
# with event queue $(2).
evq_dir = $(1)$(if $(filter $(2),$(EVQ_DEFAULT)),,-evq-$(2))
B := $(call evq_dir,$(PREFIX_BUILD),$(EVQ))

OPT     ?= -O2
# Warnings: the STYLE.md set, minus -Wsign-conversion (too noisy for size_t/int64 mixes).
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wconversion -Wno-sign-conversion
ifeq ($(WERROR),1)
WARN    += -Werror
endif
# -ffp-contract=off: no FMA contraction, so every x86-64 clone of the tick
# kernel rounds the same way and results do not depend on the CPU.
CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) -g -ffp-contract=off $(WARN) $(SANFLAGS) -MMD -MP $(MPIFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS) $(EXTRA_LDFLAGS)
LDLIBS  := -lgsl -lgslcblas -lsqlite3 -lcsv -linih -lm -lpthread

UTIL_SRC   := $(wildcard sim/util/*.c)
ENGINE_SRC := $(filter-out sim/engine/evq_%.c,$(wildcard sim/engine/*.c)) $(EVQ_SHARED) sim/engine/evq_$(EVQ).c
MODEL_SRC  := $(wildcard sim/model/*.c)
SCENARIO_SRC := $(wildcard sim/scenario/*.c)
STORE_SRC  := $(wildcard sim/store/*.c)
RUN_SRC    := $(wildcard sim/run/*.c)
SWEEP_SRC  := $(wildcard sim/sweep/*.c)
ANALYSIS_SRC := $(wildcard analysis/*.c)
CLI_SRC    := $(wildcard sim/cli/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
BENCH_SRC  := $(wildcard tests/bench/*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
LIB_UTIL   := $(B)/libcapsim_util.a
LIB_ENGINE := $(B)/libcapsim_engine.a
LIB_MODEL  := $(B)/libcapsim_model.a
LIB_SCENARIO := $(B)/libcapsim_scenario.a
LIB_STORE  := $(B)/libcapsim_store.a
LIB_RUN    := $(B)/libcapsim_run.a
LIB_SWEEP  := $(B)/libcapsim_sweep.a
LIB_ANALYSIS := $(B)/libcapsim_analysis.a
CAPSIM     := $(B)/capsim
UNIT_BIN   := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
BENCH_BIN  := $(B)/bench/capsim-bench

DEB_PACKAGES := libgsl-dev libsqlite3-dev libcsv-dev libinih-dev libcmocka-dev sqlite3 pkg-config \
                gnuplot-nox python3 libopenmpi-dev openmpi-bin
# SimPy (Debian's is SimPy 2.3) for make bench's comparison; optional.
DEB_OPTIONAL := python3-simpy
SCENARIO ?= scenarios/openai-google-coreweave.ini
OUT      ?= out

.PHONY: all deps run test unit bench clean check-deps fuzz fuzz-deps browser-deps
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
	@# Optional, for make bench's SimPy comparison: a failure here is not one of deps.
	@dpkg-query -W -f='$${Status}' $(DEB_OPTIONAL) 2>/dev/null | grep -q "install ok installed" || { \
	  echo "make deps: trying optional $(DEB_OPTIONAL)"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEB_OPTIONAL) >/dev/null 2>&1 \
	    || echo "make deps: $(DEB_OPTIONAL) not installed (make bench will skip SimPy)"; }

# Headless Chromium, for tests/e2e/test_browser.sh only (it opens index.html):
# not one of deps, so a build never waits for a browser (sudo when not root).
browser-deps:
	@command -v chromium > /dev/null 2>&1 || { \
	  echo "make browser-deps: installing chromium"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    $$SUDO apt-get install -y -qq --no-install-recommends chromium; }

# The headers of the core libraries, checked before the first compile so that a
# fresh machine gets "run make deps" instead of a compiler error.
DEP_HEADERS := gsl/gsl_cdf.h:libgsl-dev sqlite3.h:libsqlite3-dev csv.h:libcsv-dev ini.h:libinih-dev
check-deps:
	@missing=""; for hp in $(DEP_HEADERS); do \
	  h=$${hp%%:*}; p=$${hp#*:}; \
	  printf '#include <%s>\n' "$$h" | $(CC) -E -x c - >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "capsim needs$$missing to build: run 'make deps' (installs every package capsim uses, with sudo when not root)" >&2; \
	  exit 1; \
	fi

# Objects depend on a stamp of the compiler flags, so changing WERROR, OPT or
# SANITIZER rebuilds everything. Writing the stamp first checks the libraries.
FLAGS_STAMP := $(B)/.flags
$(FLAGS_STAMP): FORCE | check-deps
	@mkdir -p $(B); echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@
.PHONY: FORCE
FORCE:

$(B)/obj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# One archive per room of sim/ (and analysis/), listed from the top layer
# down so that each archive's references resolve in the ones after it.
define layer_lib
$(1): $$(call obj,$(2))
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^
endef
$(eval $(call layer_lib,$(LIB_UTIL),$(UTIL_SRC)))
$(eval $(call layer_lib,$(LIB_ENGINE),$(ENGINE_SRC)))
$(eval $(call layer_lib,$(LIB_MODEL),$(MODEL_SRC)))
$(eval $(call layer_lib,$(LIB_SCENARIO),$(SCENARIO_SRC)))
$(eval $(call layer_lib,$(LIB_STORE),$(STORE_SRC)))
$(eval $(call layer_lib,$(LIB_RUN),$(RUN_SRC)))
$(eval $(call layer_lib,$(LIB_SWEEP),$(SWEEP_SRC)))
$(eval $(call layer_lib,$(LIB_ANALYSIS),$(ANALYSIS_SRC)))

LIBS_ALL := $(LIB_ANALYSIS) $(LIB_SWEEP) $(LIB_RUN) $(LIB_STORE) $(LIB_SCENARIO) $(LIB_MODEL) $(LIB_ENGINE) $(LIB_UTIL)

$(CAPSIM): $(call obj,$(CLI_SRC)) $(LIBS_ALL)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Unit tests link against the layers they need; the archive pulls only the
# objects a test references. Every test also links the shared helpers,
# tests/unit/*.c that are not test_*.c (testlib).
TESTLIB_SRC := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
$(B)/tests/test_%: $(B)/obj/tests/unit/test_%.o $(call obj,$(TESTLIB_SRC)) $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcmocka -o $@

# Layer-only builds for working on one layer while another is in progress.
util: $(LIB_UTIL)
engine: $(LIB_ENGINE)
model: $(LIB_MODEL)
scenario: $(LIB_SCENARIO)
store: $(LIB_STORE)
analysis: $(LIB_ANALYSIS)
sweep: $(LIB_SWEEP)

# After the run, its two readers read the finished database independently,
# so they run side by side, RUN_JOBS at a time (the cores, at most 4), the
# longest (plot) first; make stops with an error when either fails: the
# spreadsheets (every table, the per-tick tables rolled up by day, and from
# the same pass the wide files for charts: export --wide-dir), and the
# charts, whose index.html shows the report's tables, with the text report
# written from the same tables (plot --report). `make run-outputs` runs them
# on an existing $(OUT)/capsim.db (make bench times it), `make run-plot` or
# `make run-export` one alone; `make run-report` writes the report alone.
RUN_STEPS := run-plot run-export
RUN_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 4 ] && n=4; echo $$n)
.PHONY: run-outputs $(RUN_STEPS) run-report
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(OUT)
	$(CAPSIM) run $(SCENARIO) -o $(OUT)/capsim.db --replace
	@$(MAKE) --no-print-directory run-outputs
	@echo "Open $(OUT)/plots/index.html (charts and tables), $(OUT)/report.txt, $(OUT)/csv/*.csv"

run-outputs:
	@$(MAKE) --no-print-directory -j$(RUN_JOBS) $(RUN_STEPS)

run-plot:
	$(CAPSIM) plot $(OUT)/capsim.db -o $(OUT)/plots --report $(OUT)/report.txt
run-export:
	$(CAPSIM) export $(OUT)/capsim.db --daily -o $(OUT)/csv --wide-dir $(OUT)/csv/wide -q
run-report:
	$(CAPSIM) report $(OUT)/capsim.db > $(OUT)/report.txt

unit: $(UNIT_BIN) $(CAPSIM)
# make test also builds build-mpi/ (MPI=1) and hands it to the suites as
# CAPSIM_MPI, so tests/e2e/test_sweep.sh checks --mpi under mpirun -np 3;
# not in sanitizer builds (OpenMPI's own leaks and races are not ours).
# It also builds the unit tests with every other event queue (EVQ_OTHER)
# and runs them in the same suite (UNIT_ALSO), so one run covers them all.
EVQ_OTHER := $(filter-out $(EVQ),$(EVQ_ALL))
UNIT_ALSO := $(foreach e,$(EVQ_OTHER),$(call evq_dir,$(PREFIX_BUILD),$(e)))
test: deps
	@$(MAKE) --no-print-directory unit
	@for e in $(EVQ_OTHER); do $(MAKE) --no-print-directory EVQ=$$e unit || exit 1; done
ifeq ($(SANITIZER)$(MPI),)
	@$(MAKE) --no-print-directory MPI=1 all
	@B=$(B) UNIT_ALSO="$(UNIT_ALSO)" CAPSIM_MPI=$(CURDIR)/$(call evq_dir,build-mpi,$(EVQ))/capsim bash tests/run.sh
else
	@B=$(B) UNIT_ALSO="$(UNIT_ALSO)" bash tests/run.sh
endif

# The benches print which event queue they measure.
$(call obj,$(BENCH_SRC)): CFLAGS += -DCAPSIM_EVQ_NAME='"$(EVQ)"'
$(BENCH_BIN): $(call obj,$(BENCH_SRC)) $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BIN) $(CAPSIM) OPT=-O2
	$(BENCH_BIN) $(SCENARIO)

clean:
	rm -rf build build-san build-fuzz build-mpi build-evq-* build-san-evq-* build-mpi-evq-*

# ---- fuzzing: `make fuzz` builds one libFuzzer harness per parser
# (tests/fuzz/fuzz_*.c) with clang and ASan+UBSan into build-fuzz/, then runs
# each for FUZZ_SECONDS on a fresh copy of its seed corpus (tests/fuzz/corpus/
# is never written); fuzz_scenario's is also seeded from tests/bad/*.ini and
# tests/fixtures/*.ini by tests/fuzz/seed-scenario.sh. Crashes land in
# build-fuzz/artifacts/; see tests/fuzz/README.md.
FUZZ_SECONDS ?= 30
FUZZ_B       := build-fuzz
FUZZ_CC      := clang
FUZZ_CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
                -fsanitize=fuzzer,address,undefined -MMD -MP
FUZZ_HARNESS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_HARNESS := $(filter-out fuzz_tmpfile,$(FUZZ_HARNESS))
FUZZ_LIB_SRC := $(SCENARIO_SRC) $(MODEL_SRC) $(ENGINE_SRC) $(UTIL_SRC) tests/fuzz/fuzz_tmpfile.c
FUZZ_LIB     := $(FUZZ_B)/libcapsim_fuzz.a
FUZZ_BIN     := $(addprefix $(FUZZ_B)/,$(FUZZ_HARNESS))

# clang and its libFuzzer runtime, on top of `make deps` (sudo when not root).
fuzz-deps: deps
	@missing=""; for p in clang libclang-rt-14-dev; do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make fuzz-deps: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(FUZZ_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(patsubst %.c,$(FUZZ_B)/obj/%.o,$(FUZZ_LIB_SRC))
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^

$(FUZZ_BIN): $(FUZZ_B)/%: $(FUZZ_B)/obj/tests/fuzz/%.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $^ $(LDLIBS) -o $@

# Runs every harness even after one fails, then fails if any did. UBSan
# findings are fatal (halt_on_error), so libFuzzer keeps them as crashes.
fuzz: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@mkdir -p $(FUZZ_B)/artifacts $(FUZZ_B)/logs; failed=""; \
	for h in $(FUZZ_HARNESS); do \
	  rm -rf $(FUZZ_B)/corpus/$$h; mkdir -p $(FUZZ_B)/corpus/$$h; \
	  cp tests/fuzz/corpus/$$h/* $(FUZZ_B)/corpus/$$h/ 2>/dev/null; \
	  if [ $$h = fuzz_scenario ]; then bash tests/fuzz/seed-scenario.sh $(FUZZ_B)/corpus/$$h; fi; \
	  log=$(FUZZ_B)/logs/$$h.log; \
	  if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(FUZZ_B)/$$h -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	       -artifact_prefix=$(FUZZ_B)/artifacts/$$h- $(FUZZ_B)/corpus/$$h >$$log 2>&1; then \
	    done_line=$$(grep -E '^#[0-9]+[[:space:]]+DONE' $$log | tail -1); \
	    execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
	    rate=$$(sed -n 's/^stat::average_exec_per_sec: *//p' $$log); \
	    cov=$$(echo "$$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p'); \
	    ft=$$(echo "$$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p'); \
	    corp=$$(echo "$$done_line" | sed -n 's/.* corp: \([^ ]*\).*/\1/p'); \
	    printf 'fuzz %-18s ok    %9s execs  %6s exec/s  cov: %-5s ft: %-6s corpus: %s\n' \
	      $$h "$$execs" "$$rate" "$$cov" "$$ft" "$$corp"; \
	  else \
	    failed="$$failed $$h"; \
	    printf 'fuzz %-18s FAIL  see %s; artifact: %s\n' $$h $$log \
	      "$$(grep -o 'Test unit written to [^ ]*' $$log | tail -1 | sed 's/Test unit written to //')"; \
	    grep -m1 -E 'ERROR: |runtime error|deadly signal|fuzz_[a-z]+: ' $$log | sed 's/^/    /'; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "make fuzz: failed:$$failed"; exit 1; fi

-include $(shell find $(FUZZ_B)/obj -name '*.d' 2>/dev/null)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
