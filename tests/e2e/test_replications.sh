#!/usr/bin/env bash
# End-to-end: replications and the batch view of a database. Two
# configurations of the default scenario (two --set values), two seeds each,
# plus a repeated seed and a shorter period: `report` shows the groups and
# warns about the repeated seed, `compare --run-a/--run-b` compares exactly
# the two runs, `export --runs/--points` equal SQL over the database, `runs`
# lists every run, and `rerun` reproduces a run row for row. TEST_SCOPE=quick
# (sanitizer builds) reruns a shorter run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
check="$PY $here/analysis_check.py"
scenario="$root/scenarios/openai-google-coreweave.ini"
set_b="contract.cw-microsoft.gpus=100000"
until=2025-01-08
until_long=2025-03-31                        # the rerun check: three months of the default scenario
[ "${TEST_SCOPE:-all}" = quick ] && until_long=2025-01-20
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "e2e: replications (report groups, compare runs, export --runs/--points, runs, rerun)"

cd "$root"
db="$tmp/g.db"
for s in 1 2; do "$CAPSIM" run "$scenario" -o "$db" --until $until --seed $s -q > /dev/null; done
for s in 1 2; do "$CAPSIM" run "$scenario" -o "$db" --until $until --seed $s --set $set_b -q > /dev/null; done
"$CAPSIM" run "$scenario" -o "$db" --until $until --seed 1 -q > /dev/null           # run 5: run 1 again
"$CAPSIM" run "$scenario" -o "$db" --until 2025-01-04 --seed 3 -q > /dev/null       # run 6: shorter
expect_eq "six complete runs" 6 "$(q "$db" "SELECT count(*) FROM run WHERE status='complete'")"

# --- report: one group per configuration and period, the repeated seed counted once
"$CAPSIM" report "$db" --run 1 --format json > "$tmp/r.json" 2> "$tmp/r.err"
expect_eq "report: exit 0" 0 $?
$check groups "$db" "$tmp/r.json" 3 contract.cw-microsoft.gpus; expect_eq "three groups, each of equal parameters and period" 0 $?
expect_eq "warning names the repeated seed" 1 "$(grep -c 'warning: run 5 repeats run 1 .*seed 1' "$tmp/r.err")"
expect_eq "replications pool runs 1 and 2 only" "1 2" \
  "$($PY -c "import json,sys; t=[t for t in json.load(open(sys.argv[1]))['tables'] if t['name']=='replications'][0]; print(' '.join(str(r[0]) for r in t['rows']))" "$tmp/r.json")"
$check stats "$db" "$tmp/r.json" 12.706204736174707; expect_eq "group statistics over two seeds" 0 $?
"$CAPSIM" report "$db" --run 3 --format json > "$tmp/r3.json" 2> /dev/null
$check stats "$db" "$tmp/r3.json" 12.706204736174707; expect_eq "the other configuration's statistics" 0 $?
"$CAPSIM" report "$db" --run 1 > "$tmp/r.txt" 2> /dev/null
expect_eq "text report titles group 2 with its --set value" 1 \
  "$(grep -c '^Group 2 (runs 3,4; contract.cw-microsoft.gpus = 100000)' "$tmp/r.txt")"

# --- compare: exactly the runs given
"$CAPSIM" compare "$db" "$db" --run-a 1 --run-b 3 --format json > "$tmp/c.json"
expect_eq "compare two runs of one database: exit 0" 0 $?
$check compare_runs "$db" 1 3 "$tmp/c.json"; expect_eq "compare shows the runs' real differences" 0 $?
"$CAPSIM" compare "$db" "$db" > /dev/null 2> "$tmp/c.err"
expect_eq "compare without runs on several groups: exit 0" 0 $?
expect_eq "... and says it compares one run" 2 "$(grep -c 'groups of replications' "$tmp/c.err")"

# --- export --runs / --points: strict CSV, equal to SQL over the database
"$CAPSIM" export "$db" --runs -o "$tmp/runs.csv" -q; expect_eq "export --runs: exit 0" 0 $?
$check runs_csv "$db" "$tmp/runs.csv" '*'; expect_eq "--runs: one row per run, equal to the tables" 0 $?
"$CAPSIM" export "$db" --runs --metric 'revenue_usd.*' > "$tmp/runs-rev.csv"
$check runs_csv "$db" "$tmp/runs-rev.csv" 'revenue_usd.*'; expect_eq "--runs --metric GLOB picks the metrics" 0 $?
"$CAPSIM" export "$db" --points -o "$tmp/out" -q; expect_eq "export --points to a folder: exit 0" 0 $?
$check points_csv "$db" "$tmp/out/points.csv" '*' 12.706204736174707
expect_eq "--points: one row per group, statistics equal an independent computation" 0 $?
"$CAPSIM" export "$db" --points --metric 'margin_usd*' -o "$tmp/points-m.csv" -q
$check points_csv "$db" "$tmp/points-m.csv" 'margin_usd*' 12.706204736174707; expect_eq "--points --metric GLOB" 0 $?
"$CAPSIM" export "$db" --runs --metric 'no_such_metric*' > /dev/null 2> "$tmp/e.err"
expect_eq "a GLOB matching no metric: exit 2" 2 $?
expect_eq "... and says so" 1 "$(grep -c "no metric matches 'no_such_metric\*'" "$tmp/e.err")"
"$CAPSIM" export "$db" --runs --table run > /dev/null 2>&1; expect_eq "--runs with --table: exit 2" 2 $?
"$CAPSIM" export "$db" --points --daily > /dev/null 2>&1; expect_eq "--points with --daily: exit 2" 2 $?
"$CAPSIM" export "$db" --runs --points > /dev/null 2>&1; expect_eq "--runs with --points: exit 2" 2 $?

# --- runs: one line per run
"$CAPSIM" runs "$db" > "$tmp/runs.txt"; expect_eq "runs: exit 0" 0 $?
expect_eq "runs text: a title, a header and six runs" 8 "$(grep -c . "$tmp/runs.txt")"
"$CAPSIM" runs "$db" --format csv > "$tmp/runs-list.csv"
$check runs_list "$db" "$tmp/runs-list.csv"; expect_eq "runs csv equals the run table" 0 $?
"$CAPSIM" runs "$db" --format json | $PY -c "import json,sys; t=json.load(sys.stdin)['tables'][0]; sys.exit(0 if len(t['rows'])==6 else 1)"
expect_eq "runs json: six rows" 0 $?
"$CAPSIM" runs "$db" --format xml > /dev/null 2>&1; expect_eq "runs --format xml: exit 2" 2 $?
"$CAPSIM" runs "$scenario" > /dev/null 2>&1; expect_eq "runs on a non-database: exit 2" 2 $?

# --- rerun: from the stored scenario alone, identical rows
one="$tmp/one.db"
"$CAPSIM" run "$scenario" -o "$one" --until $until_long -q > /dev/null
"$CAPSIM" rerun "$one" --run 1 -o "$tmp/again.db" -q > /dev/null; expect_eq "rerun into a new file: exit 0" 0 $?
bash "$root/tests/tools/same-results.sh" "$one" "$tmp/again.db" > "$tmp/same.out"
expect_eq "rerun gives the same rows in every table (same-results.sh)" 0 $?
# the series file is stored with the run: a rerun does not need it where it was
cp -r "$root/scenarios" "$tmp/sc"
"$CAPSIM" run "$tmp/sc/openai-google-coreweave.ini" -o "$tmp/moved.db" --until 2025-01-10 -q > /dev/null
expect_eq "run_file holds the demand series as read" "$(wc -c < "$tmp/sc/series/openai-chatgpt.csv" | tr -d ' ')" \
  "$(q "$tmp/moved.db" "SELECT length(content) FROM run_file WHERE run_id = 1 AND path LIKE '%/openai-chatgpt.csv'")"
rm "$tmp/sc/series/openai-chatgpt.csv"
"$CAPSIM" rerun "$tmp/moved.db" --run 1 -o "$tmp/moved-again.db" -q > /dev/null
expect_eq "rerun with the series file gone: exit 0" 0 $?
bash "$root/tests/tools/same-results.sh" "$tmp/moved.db" "$tmp/moved-again.db" > "$tmp/same2.out"
expect_eq "... the same rows, run_file included" 0 $?
"$CAPSIM" run "$root/tests/fixtures/trace-replay.ini" -o "$tmp/trace.db" --until 2025-01-20 -q > /dev/null
"$CAPSIM" rerun "$tmp/trace.db" --run 1 -o "$tmp/trace-again.db" -q > /dev/null
bash "$root/tests/tools/same-results.sh" "$tmp/trace.db" "$tmp/trace-again.db" > "$tmp/same3.out"
expect_eq "rerun of a job-trace scenario: the same rows" 0 $?
"$CAPSIM" rerun "$db" --run 3 -q > /dev/null; expect_eq "rerun of a --set run into its own file: exit 0" 0 $?
same_run_rows() { # db table run_a run_b: rows of a that b lacks, of b that a lacks, count difference
  local cols; cols=$(q "$1" "SELECT group_concat('\"' || name || '\"') FROM pragma_table_info('$2') WHERE name != 'run_id'")
  q "$1" "SELECT (SELECT count(*) FROM (SELECT $cols FROM $2 WHERE run_id = $3 EXCEPT SELECT $cols FROM $2 WHERE run_id = $4))
               + (SELECT count(*) FROM (SELECT $cols FROM $2 WHERE run_id = $4 EXCEPT SELECT $cols FROM $2 WHERE run_id = $3))
               + abs((SELECT count(*) FROM $2 WHERE run_id = $3) - (SELECT count(*) FROM $2 WHERE run_id = $4))"
}
for t in tick dc_tick provider_tick contract_tick workload_tick run_metric event_log run_param \
         provider datacenter contract workload; do
  expect_eq "rerun of run 3 as run 7: $t rows equal" 0 "$(same_run_rows "$db" $t 3 7)"
done
expect_eq "rerun of run 3 as run 7: same scenario text, seed and ticks" 1 \
  "$(q "$db" "SELECT count(*) FROM run a JOIN run b ON b.id = 7 WHERE a.id = 3 AND a.scenario_text = b.scenario_text AND a.seed = b.seed AND a.ticks = b.ticks")"
"$CAPSIM" report "$db" --run 3 > /dev/null 2> "$tmp/r7.err"
expect_eq "the rerun is a repeated seed of run 3" 1 "$(grep -c 'warning: run 7 repeats run 3' "$tmp/r7.err")"
"$CAPSIM" rerun "$db" --run 99 -o "$tmp/x.db" > /dev/null 2> "$tmp/x.err"; expect_eq "rerun of an unknown run: exit 2" 2 $?
expect_eq "... nothing written" no "$([ -e "$tmp/x.db" ] && echo yes || echo no)"
"$CAPSIM" rerun "$db" > /dev/null 2>&1; expect_eq "rerun without --run: exit 2" 2 $?
for c in runs rerun; do
  "$CAPSIM" $c --help > "$tmp/help" 2>&1; expect_eq "$c --help: exit 0" 0 $?
  expect_eq "$c --help prints usage" 1 "$(grep -c "^usage: capsim $c" "$tmp/help")"
done
finish
