#!/usr/bin/env bash
# End-to-end: capsim export, report, compare and plot against the results
# database. tests/e2e/analysis_check.py re-reads every output with python3's
# strict CSV reader, JSON and XML parsers and recomputes each figure with SQL;
# the confidence interval is checked with an independent Student t value.
# TEST_SCOPE=quick (sanitizer builds) uses shorter runs and skips the
# million-row export.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
check="$PY $here/analysis_check.py"
scenario="$root/scenarios/openai-google-coreweave.ini"
scope=${TEST_SCOPE:-all}
until=2025-02-28; until_m=2025-01-20
[ "$scope" = quick ] && { until=2025-01-08; until_m=2025-01-04; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "e2e: analysis (export, report, compare, plot)"

cd "$root"
"$CAPSIM" run "$scenario" -o "$tmp/a.db" --until $until -q > /dev/null
expect_eq "short run: exit 0" 0 $?
for s in 1 2 3; do "$CAPSIM" run "$scenario" -o "$tmp/m.db" --until $until_m --seed $s -q > /dev/null; done
expect_eq "three replications" 3 "$(q "$tmp/m.db" "SELECT count(*) FROM run WHERE status='complete'")"
"$CAPSIM" run "$root/tests/fixtures/formula-names.ini" -o "$tmp/f.db" -q > /dev/null
expect_eq "formula-names run: exit 0" 0 $?

# --- command line
for c in export report compare plot; do
  "$CAPSIM" $c --help > "$tmp/help" 2>&1; expect_eq "$c --help: exit 0" 0 $?
  expect_eq "$c --help prints usage" 1 "$(grep -c "^usage: capsim $c" "$tmp/help")"
  "$CAPSIM" $c --no-such-option "$tmp/a.db" > /dev/null 2>&1; expect_eq "$c bad option: exit 2" 2 $?
  "$CAPSIM" $c "$scenario" "$scenario" > /dev/null 2>&1; expect_eq "$c on a non-database: exit 2" 2 $?
done
"$CAPSIM" report "$tmp/a.db" --run 99 > /dev/null 2>&1; expect_eq "report --run 99: exit 2" 2 $?
"$CAPSIM" report "$tmp/a.db" --format xml > /dev/null 2>&1; expect_eq "report --format xml: exit 2" 2 $?
"$CAPSIM" export "$tmp/a.db" --table nosuch > /dev/null 2>&1; expect_eq "export unknown table: exit 2" 2 $?
"$CAPSIM" export "$tmp/a.db" > /dev/null 2>&1; expect_eq "export of many files to stdout: exit 2" 2 $?
"$CAPSIM" export "$tmp/a.db" --table run --wide > /dev/null 2>&1; expect_eq "--wide on a non-tick table: exit 2" 2 $?
"$CAPSIM" export "$tmp/a.db" --table tick > "$tmp/tick.csv"; expect_eq "one table to stdout: exit 0" 0 $?
expect_eq "stdout export has every tick" "$(($(q "$tmp/a.db" "SELECT count(*) FROM tick") + 1))" \
  "$(wc -l < "$tmp/tick.csv" | tr -d ' ')"

# --- export: long, rolled up, wide
"$CAPSIM" export "$tmp/a.db" -o "$tmp/long" -q; expect_eq "export all: exit 0" 0 $?
$check long "$tmp/a.db" "$tmp/long"; expect_eq "long exports equal the tables row for row" 0 $?
for p in daily monthly; do
  "$CAPSIM" export "$tmp/a.db" --$p -o "$tmp/$p" -q; expect_eq "export --$p: exit 0" 0 $?
  $check rollup "$tmp/a.db" "$tmp/$p" $p; expect_eq "--$p equals SQL aggregates" 0 $?
  "$CAPSIM" export "$tmp/a.db" --$p --wide -o "$tmp/wide-$p" -q; expect_eq "export --wide --$p: exit 0" 0 $?
  $check wide "$tmp/a.db" "$tmp/wide-$p" $p; expect_eq "--wide --$p equals SQL aggregates" 0 $?
done
"$CAPSIM" export "$tmp/m.db" --wide -o "$tmp/wide-tick" -q; expect_eq "export --wide per tick, 3 runs: exit 0" 0 $?
$check wide "$tmp/m.db" "$tmp/wide-tick" tick; expect_eq "--wide per tick equals the stored values" 0 $?
"$CAPSIM" export "$tmp/m.db" --run 2 --table provider_tick -o "$tmp/p2.csv" -q
expect_eq "--run 2 exports run 2 only" "$(q "$tmp/m.db" "SELECT count(*) FROM provider_tick WHERE run_id=2")" \
  "$($PY -c "import csv,sys; r=list(csv.reader(open(sys.argv[1]))); print(sum(1 for x in r[1:] if x[0]=='2') if len(r)-1==sum(1 for x in r[1:] if x[0]=='2') else -1)" "$tmp/p2.csv")"

# --- spreadsheet safety: names beginning with = + - @
"$CAPSIM" export "$tmp/f.db" -o "$tmp/f" -q && "$CAPSIM" export "$tmp/f.db" --daily --wide -o "$tmp/fw" -q
expect_eq "formula-names exports: exit 0" 0 $?
"$CAPSIM" report "$tmp/f.db" --format csv > "$tmp/f-report.csv"
$check neutral "$tmp"/f/*.csv "$tmp"/fw/*.csv "$tmp/f-report.csv"; expect_eq "no formula can run; numbers stay numbers" 0 $?
$check long "$tmp/f.db" "$tmp/f"; expect_eq "neutralised exports still equal the tables" 0 $?
expect_eq "provider names neutralised" "'=cmd '+lab" "$($PY -c "import csv,sys; print(' '.join(r[2] for r in list(csv.reader(open(sys.argv[1])))[1:]))" "$tmp/f/provider.csv")"

# --- report
"$CAPSIM" report "$tmp/a.db" > "$tmp/report.txt"; expect_eq "report text: exit 0" 0 $?
expect_eq "report text has the finance table" 1 "$(grep -c '^Revenue, costs and margin per provider per year' "$tmp/report.txt")"
"$CAPSIM" report "$tmp/a.db" --format json > "$tmp/report.json"
$check report "$tmp/a.db" "$tmp/report.json"; expect_eq "report figures equal SQL aggregates" 0 $?
"$CAPSIM" report "$tmp/m.db" --format json > "$tmp/m.json"
# t(0.975) for df = 1 and 2: 12.706204736174707, 4.302652729911275 (tables of Student's t);
# a metric only some runs produce (a first shortfall) has fewer degrees of freedom
$check stats "$tmp/m.db" "$tmp/m.json" 12.706204736174707 4.302652729911275; expect_eq "replication statistics and 95% CI" 0 $?
"$CAPSIM" report "$tmp/m.db" --format csv > "$tmp/m.csv"; expect_eq "report csv: exit 0" 0 $?

# --- compare
"$CAPSIM" compare "$tmp/a.db" "$tmp/m.db" --format json > "$tmp/c.json"; expect_eq "compare: exit 0" 0 $?
$check compare "$tmp/a.db" "$tmp/m.db" "$tmp/c.json"; expect_eq "compare: values and differences" 0 $?

# --- plot
if command -v gnuplot > /dev/null; then
  "$CAPSIM" plot "$tmp/m.db" -o "$tmp/plots" > /dev/null 2>&1; expect_eq "plot: exit 0" 0 $?
  $check plots "$tmp/plots" 'workload-0-.*' dc-utilisation finance power fan-shortfall fan-power 'fan-shortfall-2-microsoft-copilot'
  expect_eq "charts valid, index.html links existing files" 0 $?
  "$CAPSIM" plot "$tmp/a.db" -o "$tmp/aplots" > /dev/null 2>&1; expect_eq "plot of one run: exit 0" 0 $?
  $check headline "$tmp/a.db" "$tmp/aplots"; expect_eq "index.html headline equals a recomputation, in order" 0 $?
  expect_eq "finance: a run ending inside a quarter hatches it, at its run rate (each provider's panel)" \
    "$(q "$tmp/a.db" "SELECT 2 * count(*) FROM provider WHERE run_id = 1")" \
    "$(grep -c -e '>revenue, partial quarter<' -e '>margin, partial quarter<' "$tmp/aplots/finance.svg")"
  # --report: the bytes capsim report prints, from the tables of the page
  "$CAPSIM" plot "$tmp/m.db" -o "$tmp/rplots" --report "$tmp/plot-report.txt" > /dev/null 2>&1
  expect_eq "plot --report: exit 0" 0 $?
  "$CAPSIM" report "$tmp/m.db" > "$tmp/m-report.txt"
  expect_eq "plot --report writes what report prints" "" "$(cmp "$tmp/plot-report.txt" "$tmp/m-report.txt" 2>&1)"
  expect_eq "plot --report: no part file left" "" "$(ls "$tmp" | grep 'plot-report.txt.part')"
  "$CAPSIM" plot "$tmp/m.db" --run 1 -o "$tmp/rplots" --report "$tmp/plot-report1.txt" > /dev/null 2>&1
  "$CAPSIM" report "$tmp/m.db" --run 1 > "$tmp/m-report1.txt"
  expect_eq "plot --run --report writes what report --run prints" "" "$(cmp "$tmp/plot-report1.txt" "$tmp/m-report1.txt" 2>&1)"
  "$CAPSIM" plot "$tmp/m.db" -o "$tmp/rplots" --report "$tmp/no-such-dir/r.txt" > /dev/null 2> "$tmp/err"
  expect_eq "plot --report to a folder that is not there: exit 1" 1 $?
  expect_eq "plot --report failure names the file" 1 "$(grep -c 'no-such-dir/r.txt' "$tmp/err")"
  # gnuplot fails, or is not there: no index.html and no report (they are
  # built while gnuplot draws, as parts), no part left
  mkdir -p "$tmp/badgp" "$tmp/nogp"
  printf '#!/bin/sh\nexit 3\n' > "$tmp/badgp/gnuplot"; chmod +x "$tmp/badgp/gnuplot"
  for dir in badgp nogp; do
    PATH="$tmp/$dir" "$CAPSIM" plot "$tmp/m.db" -o "$tmp/$dir/plots" --report "$tmp/$dir/r.txt" \
      > /dev/null 2> "$tmp/err"
    expect_eq "plot, gnuplot $dir: exit 1" 1 $?
    expect_eq "plot, gnuplot $dir: says so" 1 "$(grep -c -e 'gnuplot failed' -e 'gnuplot not found' "$tmp/err")"
    expect_eq "plot, gnuplot $dir: no index.html, no report, no part" "" \
      "$(ls "$tmp/$dir/plots/index.html" "$tmp/$dir/r.txt" 2>/dev/null; find "$tmp/$dir" -name '*.part')"
  done
  "$CAPSIM" plot "$tmp/f.db" -o "$tmp/fplots" > /dev/null 2>&1; expect_eq "plot formula names: exit 0" 0 $?
  $check plots "$tmp/fplots" 'workload-0-.*chat' dc-utilisation; expect_eq "formula-name charts" 0 $?
else
  expect_eq "gnuplot installed (make deps)" yes no
fi

# --- the spreadsheet row limit (a run with more than 1,048,575 dc_tick rows)
if [ "$scope" = all ]; then
  "$CAPSIM" run "$scenario" -o "$tmp/big.db" --until 2028-04-30 -q > /dev/null
  "$CAPSIM" export "$tmp/big.db" --table dc_tick -o "$tmp/big.csv" 2> "$tmp/big.err"
  expect_eq "over the row limit: exit 2" 2 $?
  expect_eq "over the row limit: nothing written" no "$([ -e "$tmp/big.csv" ] && echo yes || echo no)"
  expect_eq "the refusal advises --daily" 1 "$(grep -c -- '--daily' "$tmp/big.err")"
  "$CAPSIM" export "$tmp/big.db" --table dc_tick --daily -o "$tmp/big-daily.csv" -q
  expect_eq "rolled up instead: exit 0" 0 $?
  n=$("$CAPSIM" export "$tmp/big.db" --table dc_tick --force | wc -l | tr -d ' ')
  expect_eq "--force writes every row" "$(($(q "$tmp/big.db" "SELECT count(*) FROM dc_tick") + 1))" "$n"
fi
finish
