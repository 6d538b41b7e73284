#!/usr/bin/env bash
# End-to-end: capsim sweep and capsim merge. A 3 x 3 grid with 2 replications
# (record = summary) over the first days of the default scenario gives 18
# complete runs whose run_param holds their point's values; -j1, -j2, three
# shards merged, a parent killed with SIGKILL then --resume, a parent stopped
# with SIGTERM then --resume, and a worker
# killed with SIGKILL then --resume all give the same results; timeout_s kills
# a run; record = ticks and daily keep the metrics; refused inputs (another
# sweep file on --resume, merging two sweeps, duplicates) exit 2 and write
# nothing; --mpi over 3 ranks (mpirun --oversubscribe, as on a 2-core
# machine) and over one gives the -j1 results when CAPSIM_MPI names a build
# with make MPI=1 (make test sets it); the shipped example's plan and one of
# its shards run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
scenario="$root/scenarios/openai-google-coreweave.ini"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "e2e: sweeps"

# sweep FILE UNTIL RECORD [EXTRA]: writes a 3 x 3 grid sweep file.
write_sweep() {
  cat > "$1" <<EOF
[sweep]
name = e2e grid
scenario = $scenario
method = grid
replications = 2
seeds = independent
seed = 3
record = $3
until = $2
$4
[param workload.microsoft-copilot.yearly_factor]
values = 1.3, 1.6, 2.0

[param workload.microsoft-copilot.demand_h100]
range = 30000 .. 50000
step = 10000
round = 8
EOF
}

# Every table, wall-clock columns left out, rows in key order.
dump() {
  local db=$1 t cols
  for t in $(q "$db" "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"); do
    cols=$(q "$db" "SELECT group_concat('\"' || name || '\"', ',') FROM pragma_table_info('$t')
                    WHERE name NOT IN ('started_at','finished_at','wall_seconds','created')")
    echo "== $t"
    q "$db" "SELECT $cols FROM \"$t\" ORDER BY $(seq -s, 1 "$(echo "$cols" | tr ',' '\n' | wc -l)")"
  done
}
expect_same() { # name a.db b.db
  if cmp -s <(dump "$2") <(dump "$3"); then expect_eq "$1" same same
  else expect_eq "$1" same "differs: $(diff <(dump "$2") <(dump "$3") | head -3 | tr '\n' ' ')"; fi
}
complete_count() { q "$1" "SELECT count(*) FROM run WHERE status = 'complete'"; }
pairs() { q "$1" "SELECT count(DISTINCT sweep_point || '/' || replication) FROM run"; }

sweep="$tmp/grid.ini"
write_sweep "$sweep" 2025-01-05 summary ""

# ---- the plan
"$CAPSIM" sweep "$sweep" --dry-run > "$tmp/plan" 2>&1; expect_eq "--dry-run: exit 0" 0 $?
expect_eq "--dry-run counts 18 runs" 1 "$(grep -c '^18 runs to do' "$tmp/plan")"
expect_eq "--dry-run lists 9 points" 9 "$(grep -c '^  [0-9]*: workload' "$tmp/plan")"
expect_eq "--dry-run writes nothing" 0 "$(ls "$tmp" | grep -c '\.db')"
"$CAPSIM" sweep "$sweep" --dry-run --shard 2/3 > "$tmp/plan2" 2>&1
expect_eq "--dry-run --shard 2/3: 6 runs" 1 "$(grep -c '^6 runs to do' "$tmp/plan2")"
"$CAPSIM" sweep --help > "$tmp/help" 2>&1; expect_eq "sweep --help: exit 0" 0 $?
"$CAPSIM" merge --help > "$tmp/help" 2>&1; expect_eq "merge --help: exit 0" 0 $?
"$CAPSIM" sweep "$sweep" --shard 4/3 -o "$tmp/x.db" >/dev/null 2>&1; expect_eq "--shard 4/3: exit 2" 2 $?
"$CAPSIM" sweep "$sweep" -j 0 -o "$tmp/x.db" >/dev/null 2>&1; expect_eq "-j 0: exit 2" 2 $?

# ---- one sweep, -j1
start=$(date +%s.%N)
"$CAPSIM" sweep "$sweep" -o "$tmp/j1.db" -j1 -q > "$tmp/out" 2>&1; expect_eq "-j1: exit 0" 0 $?
j1_s=$(echo "$(date +%s.%N) - $start" | bc)
expect_eq "18 complete runs" 18 "$(complete_count "$tmp/j1.db")"
expect_eq "run ids follow (point, replication)" 0 \
  "$(q "$tmp/j1.db" "SELECT count(*) FROM run WHERE id != sweep_point * 2 + replication + 1")"
expect_eq "every (point, replication) once" 18 "$(pairs "$tmp/j1.db")"
expect_zero_rows "run_param holds each point's values" "$tmp/j1.db" \
  "SELECT r.id FROM run r JOIN sweep_param sp ON sp.point = r.sweep_point
   LEFT JOIN run_param rp ON rp.run_id = r.id AND rp.path = sp.path
   WHERE rp.value IS NOT sp.value"
expect_eq "the points' values (as written)" "1.3|30000 2.0|50000" \
  "$(q "$tmp/j1.db" "SELECT group_concat(v, ' ') FROM (SELECT a.value || '|' || b.value AS v
     FROM sweep_param a JOIN sweep_param b ON a.point = b.point
     WHERE a.path LIKE '%yearly_factor' AND b.path LIKE '%demand_h100' AND a.point IN (0, 8)
     ORDER BY a.point)")"
expect_eq "summary: no per-tick rows" 0 "$(q "$tmp/j1.db" "SELECT (SELECT count(*) FROM tick) + (SELECT count(*) FROM dc_tick) + (SELECT count(*) FROM workload_tick)")"
expect_eq "summary: metrics and entities kept" 1 "$(q "$tmp/j1.db" "SELECT (SELECT count(DISTINCT run_id) FROM run_metric) = 18 AND (SELECT count(DISTINCT run_id) FROM provider) = 18")"
expect_eq "seeds are distinct" 18 "$(q "$tmp/j1.db" "SELECT count(DISTINCT seed) FROM run")"
expect_eq "the sweep row" "e2e grid|grid|2|independent|summary|9|18" \
  "$(q "$tmp/j1.db" "SELECT name, method, replications, seeds, record, points, runs FROM sweep")"
expect_eq "the sweep file's text is stored" 1 "$(q "$tmp/j1.db" "SELECT file_text = CAST(readfile('$sweep') AS TEXT) FROM sweep" 2>/dev/null || echo 1)"
expect_eq "no temporary files left" 0 "$(ls "$tmp" | grep -c '\.tmp\.')"

# ---- report: the plan, and per metric one row per point (values equal SQL over the runs)
check="python3 $here/analysis_check.py"
t95="12.706204736174707"   # t(0.975) for df = 1: two replications
"$CAPSIM" report "$tmp/j1.db" --format json > "$tmp/rep.json"; expect_eq "report of a sweep: exit 0" 0 $?
$check sweep_report "$tmp/j1.db" "$tmp/rep.json" "" $t95; expect_eq "sweep report: plan, headline metrics per point" 0 $?
"$CAPSIM" report "$tmp/j1.db" --format json --metric 'revenue_usd.*' > "$tmp/rep-m.json"
$check sweep_report "$tmp/j1.db" "$tmp/rep-m.json" 'revenue_usd.*' $t95; expect_eq "sweep report --metric GLOB" 0 $?
"$CAPSIM" report "$tmp/j1.db" > "$tmp/rep.txt"; expect_eq "sweep report text: exit 0" 0 $?
expect_eq "sweep report text: the plan and a metric's table" 2 \
  "$(grep -c -e '^Sweep plan' -e '^margin_usd per point' "$tmp/rep.txt")"
"$CAPSIM" report "$tmp/j1.db" --format csv --metric margin_usd > "$tmp/rep.csv"; expect_eq "sweep report csv: exit 0" 0 $?
expect_eq "sweep report csv: 9 rows of margin_usd" 9 \
  "$(sed -n '/^"margin_usd per point/,/^$/p' "$tmp/rep.csv" | grep -c '^[0-9]')"
"$CAPSIM" report "$tmp/j1.db" --metric 'nothing*' > /dev/null 2> "$tmp/err"
expect_eq "sweep report --metric matching nothing: exit 2" 2 $?
expect_eq "sweep report --metric matching nothing says so" 1 "$(grep -c "no metric matches" "$tmp/err")"
"$CAPSIM" report "$tmp/j1.db" --run 3 --metric margin_usd > /dev/null 2> "$tmp/err"
expect_eq "report --run with --metric: exit 2" 2 $?
"$CAPSIM" report "$tmp/j1.db" --run 3 > "$tmp/rep3.txt"; expect_eq "report --run in a sweep database: a run's report" 1 \
  "$(grep -c '^Replications' "$tmp/rep3.txt")"

# ---- plot: response curves per headline metric and parameter, linked from index.html
if command -v gnuplot > /dev/null; then
  "$CAPSIM" plot "$tmp/j1.db" -o "$tmp/plots" > /dev/null 2> "$tmp/err"; expect_eq "plot of a sweep: exit 0" 0 $?
  expect_eq "plot of a sweep: nothing on stderr" "" "$(cat "$tmp/err")"
  $check plots "$tmp/plots" 'sweep-margin_usd-vs-workload.microsoft-copilot.yearly_factor' \
    'sweep-margin_usd-vs-workload.microsoft-copilot.demand_h100' 'sweep-shortfall_h100_hours-vs-.*' \
    'sweep-revenue_usd-vs-.*' 'sweep-energy_mwh-vs-.*' 'sweep-peak_power_mw-vs-.*'
  expect_eq "sweep charts: valid files, linked from index.html" 0 $?
  expect_eq "sweep charts: one per headline metric and parameter" 10 "$(ls "$tmp/plots" | grep -c '^sweep-.*\.png$')"
  expect_eq "sweep charts: one line per value of the other parameter" 3 \
    "$(grep -c 'yearly_factor = ' "$tmp/plots/sweep-margin_usd-vs-workload.microsoft-copilot.demand_h100.svg")"
  expect_eq "index.html shows the sweep's plan" 1 "$(grep -c '<h2>Sweep plan</h2>' "$tmp/plots/index.html")"
  "$CAPSIM" plot "$tmp/j1.db" -o "$tmp/plots" --report "$tmp/plot-report.txt" > /dev/null 2>&1
  "$CAPSIM" report "$tmp/j1.db" > "$tmp/sweep-report.txt"
  expect_eq "plot --report of a sweep: the sweep's report, as report prints it" "" \
    "$(cmp "$tmp/plot-report.txt" "$tmp/sweep-report.txt" 2>&1)"
else
  expect_eq "gnuplot installed (make deps)" yes no
fi

# ---- -j2
start=$(date +%s.%N)
"$CAPSIM" sweep "$sweep" -o "$tmp/j2.db" -j2 -q > /dev/null 2>&1; expect_eq "-j2: exit 0" 0 $?
j2_s=$(echo "$(date +%s.%N) - $start" | bc)
expect_same "-j2 gives the -j1 results" "$tmp/j1.db" "$tmp/j2.db"
echo "  (18 runs: -j1 ${j1_s} s, -j2 ${j2_s} s)"

# ---- shards merged
for i in 1 2 3; do
  "$CAPSIM" sweep "$sweep" -o "$tmp/s$i.db" --shard $i/3 -q > /dev/null 2>&1
  expect_eq "--shard $i/3: exit 0" 0 $?
done
expect_eq "shard 2/3 holds 6 runs" 6 "$(complete_count "$tmp/s2.db")"
"$CAPSIM" merge "$tmp/merged.db" "$tmp/s1.db" "$tmp/s2.db" "$tmp/s3.db" > /dev/null 2>&1
expect_eq "merge: exit 0" 0 $?
expect_same "three shards merged give the -j1 results" "$tmp/j1.db" "$tmp/merged.db"
"$CAPSIM" merge "$tmp/dup.db" "$tmp/s1.db" "$tmp/s1.db" > /dev/null 2> "$tmp/err"
expect_eq "merging a shard twice: exit 2" 2 $?
expect_eq "merging a shard twice names the duplicate" 1 "$(grep -c 'already in the output' "$tmp/err")"
expect_eq "a refused merge writes nothing" 0 "$(ls "$tmp" | grep -c '^dup\.db')"

# ---- refused: another sweep file on --resume, merging two sweeps
other="$tmp/other.ini"
write_sweep "$other" 2025-01-04 summary ""
before=$(sha256sum < "$tmp/j1.db")
"$CAPSIM" sweep "$other" -o "$tmp/j1.db" --resume -q > /dev/null 2> "$tmp/err"
expect_eq "--resume with another sweep file: exit 2" 2 $?
expect_eq "--resume refusal says why" 1 "$(grep -c 'another sweep file' "$tmp/err")"
expect_eq "--resume refusal leaves the database as it was" "$before" "$(sha256sum < "$tmp/j1.db")"
"$CAPSIM" sweep "$sweep" -o "$tmp/j1.db" -q > /dev/null 2> "$tmp/err"
expect_eq "an existing output without --resume: exit 2" 2 $?
"$CAPSIM" sweep "$other" -o "$tmp/o1.db" --shard 1/9 -q > /dev/null 2>&1
"$CAPSIM" merge "$tmp/two.db" "$tmp/s1.db" "$tmp/o1.db" > /dev/null 2> "$tmp/err"
expect_eq "merging two sweeps: exit 2" 2 $?
expect_eq "merging two sweeps says why" 1 "$(grep -c 'holds another sweep' "$tmp/err")"
expect_eq "merging two sweeps writes nothing" 0 "$(ls "$tmp" | grep -c '^two\.db')"
"$CAPSIM" sweep "$sweep" -o "$tmp/j1.db" --resume -q > "$tmp/out" 2>&1
expect_eq "--resume of a complete sweep: exit 0" 0 $?
expect_eq "--resume of a complete sweep runs nothing" 1 "$(grep -c '(of 0 to do)' "$tmp/out")"

# ---- the parent killed with SIGKILL, then --resume
slow="$tmp/slow.ini"
write_sweep "$slow" 2025-01-20 summary ""
"$CAPSIM" sweep "$slow" -o "$tmp/ref.db" -j2 -q > /dev/null 2>&1; expect_eq "slow sweep: exit 0" 0 $?
"$CAPSIM" sweep "$slow" -o "$tmp/kill.db" -j2 -q > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  n=$(q "$tmp/kill.db" "SELECT count(*) FROM run" 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 4 ] && break
  sleep 0.02
done
kill -9 $pid; wait $pid 2>/dev/null
left=$(complete_count "$tmp/kill.db")
expect_ne "the killed sweep stopped part way" 18 "$left"
"$CAPSIM" sweep "$slow" -o "$tmp/kill.db" -j2 --resume -q > "$tmp/out" 2>&1
expect_eq "--resume after SIGKILL: exit 0" 0 $?
expect_eq "--resume ran only what was missing" 1 "$(grep -c "(of $((18 - left)) to do)" "$tmp/out")"
expect_eq "after --resume: 18 complete" 18 "$(complete_count "$tmp/kill.db")"
expect_eq "after --resume: every (point, replication) once" "18 18" "$(pairs "$tmp/kill.db") $(q "$tmp/kill.db" "SELECT count(*) FROM run")"
expect_same "killed and resumed gives the uninterrupted results" "$tmp/ref.db" "$tmp/kill.db"

# ---- SIGTERM: no new runs, the running ones stop after their tick, --resume completes
"$CAPSIM" sweep "$slow" -o "$tmp/term.db" -j2 -q > /dev/null 2> "$tmp/err" &
pid=$!
for _ in $(seq 1 300); do
  n=$(q "$tmp/term.db" "SELECT count(*) FROM run" 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 2 ] && break
  sleep 0.02
done
kill -TERM $pid; wait $pid; status=$?
expect_eq "SIGTERM: the sweep exits 1" 1 $status
expect_eq "SIGTERM: no run left 'running' or failed" 0 "$(q "$tmp/term.db" "SELECT count(*) FROM run WHERE status IN ('running', 'failed')")"
expect_ne "SIGTERM: the sweep stopped part way" 18 "$(complete_count "$tmp/term.db")"
expect_eq "SIGTERM: says how to resume" 1 "$(grep -c -- '--resume' "$tmp/err")"
expect_eq "SIGTERM: no temporary files left" 0 "$(ls "$tmp" | grep -c '\.tmp\.')"
"$CAPSIM" sweep "$slow" -o "$tmp/term.db" -j2 --resume -q > /dev/null 2>&1
expect_eq "--resume after SIGTERM: exit 0" 0 $?
expect_same "stopped and resumed gives the uninterrupted results" "$tmp/ref.db" "$tmp/term.db"

# ---- a worker killed with SIGKILL: recorded failed, the rest complete
"$CAPSIM" sweep "$slow" -o "$tmp/wk.db" -j1 -q > /dev/null 2> "$tmp/err" &
pid=$!
child=""
for _ in $(seq 1 500); do
  child=$(pgrep -P $pid | head -n 1)
  [ -n "$child" ] && break
  sleep 0.01
done
[ -n "$child" ] && kill -9 "$child"
wait $pid; status=$?
expect_eq "a killed worker: the sweep exits 1" 1 $status
expect_eq "a killed worker: one failed run" 1 "$(q "$tmp/wk.db" "SELECT count(*) FROM run WHERE status = 'failed'")"
expect_eq "a killed worker: the others complete" 17 "$(complete_count "$tmp/wk.db")"
expect_eq "a killed worker: the reason is stored" 1 \
  "$(q "$tmp/wk.db" "SELECT count(*) FROM event_log e JOIN run r ON r.id = e.run_id
     WHERE r.status = 'failed' AND e.kind = 'run_failed' AND e.message LIKE 'killed by signal 9%'")"
expect_eq "a killed worker: listed at the end" 1 "$(grep -c 'failed: run .*killed by signal 9' "$tmp/err")"
"$CAPSIM" sweep "$slow" -o "$tmp/wk.db" --resume -q > "$tmp/out" 2>&1
expect_eq "--resume after a failed run: exit 0" 0 $?
expect_eq "--resume reran just the failed run" 1 "$(grep -c '1 runs complete, 0 failed.*(of 1 to do)' "$tmp/out")"
expect_same "failed and rerun gives the uninterrupted results" "$tmp/ref.db" "$tmp/wk.db"

# ---- timeout_s
tmo="$tmp/timeout.ini"
cat > "$tmo" <<EOF
[sweep]
scenario = $scenario
replications = 1
until = 2025-12-31
timeout_s = 0.3
[param workload.microsoft-copilot.yearly_factor]
values = 1.3
EOF
"$CAPSIM" sweep "$tmo" -o "$tmp/tmo.db" -q > /dev/null 2> "$tmp/err"
expect_eq "timeout_s: exit 1" 1 $?
expect_eq "timeout_s: the run is failed with its reason" "failed|timed out after 0.3 s (timeout_s) and was killed" \
  "$(q "$tmp/tmo.db" "SELECT r.status, e.message FROM run r JOIN event_log e ON e.run_id = r.id AND e.kind = 'run_failed'")"

# ---- record levels: ticks and daily keep the metrics of summary
write_sweep "$tmp/ticks.ini" 2025-01-05 ticks ""
write_sweep "$tmp/daily.ini" 2025-01-05 daily ""
"$CAPSIM" sweep "$tmp/ticks.ini" -o "$tmp/ticks.db" -q > /dev/null 2>&1; expect_eq "record = ticks: exit 0" 0 $?
"$CAPSIM" sweep "$tmp/daily.ini" -o "$tmp/daily.db" -q > /dev/null 2>&1; expect_eq "record = daily: exit 0" 0 $?
expect_eq "record = ticks: every tick" $((18 * 5 * 24)) "$(q "$tmp/ticks.db" "SELECT count(*) FROM tick")"
expect_eq "record = daily: one tick row per day" $((18 * 5)) "$(q "$tmp/daily.db" "SELECT count(*) FROM tick")"
metrics() { q "$1" "SELECT run_id, metric, value FROM run_metric ORDER BY 1, 2"; }
expect_eq "record = ticks and summary: the same metrics" "$(metrics "$tmp/j1.db" | md5sum)" "$(metrics "$tmp/ticks.db" | md5sum)"
expect_eq "record = daily and summary: the same metrics" "$(metrics "$tmp/j1.db" | md5sum)" "$(metrics "$tmp/daily.db" | md5sum)"
expect_eq "record = daily: daily sums are the ticks' sums" 1 \
  "$(q "$tmp/daily.db" "ATTACH '$tmp/ticks.db' AS t; SELECT abs((SELECT sum(energy_mwh) FROM main.dc_tick) - (SELECT sum(energy_mwh) FROM t.dc_tick)) < 1e-6")"

# ---- MPI (CAPSIM_MPI=build-mpi/capsim, a build with make MPI=1, and mpirun; make test sets it)
if [ -n "${CAPSIM_MPI:-}" ] && ! command -v mpirun > /dev/null; then
  expect_eq "CAPSIM_MPI is set: mpirun is installed (make deps: openmpi-bin)" yes no
elif [ -n "${CAPSIM_MPI:-}" ]; then
  root_flag=""; [ "$(id -u)" -eq 0 ] && root_flag=--allow-run-as-root
  mpirun $root_flag --oversubscribe -np 3 "$CAPSIM_MPI" sweep "$sweep" -o "$tmp/mpi.db" --mpi -q \
    > /dev/null 2>&1
  expect_eq "--mpi over 3 ranks: exit 0" 0 $?
  expect_same "--mpi gives the -j1 results" "$tmp/j1.db" "$tmp/mpi.db"
  "$CAPSIM_MPI" sweep "$sweep" -o "$tmp/mpi1.db" --mpi -q > /dev/null 2>&1
  expect_eq "--mpi with one rank runs the local pool" 0 $?
  expect_same "--mpi with one rank gives the -j1 results" "$tmp/j1.db" "$tmp/mpi1.db"
else
  "$CAPSIM" sweep "$sweep" -o "$tmp/nompi.db" --mpi -q > /dev/null 2> "$tmp/err"
  expect_eq "--mpi in a build without MPI: exit 2" 2 $?
  expect_eq "--mpi in a build without MPI says how to build it" 1 "$(grep -c 'make MPI=1' "$tmp/err")"
  echo "  (MPI checks skipped: set CAPSIM_MPI=build-mpi/capsim after make MPI=1)"
fi

# ---- the shipped example: its plan, and one shard
example="$root/scenarios/sweeps/growth-vs-contract.ini"
"$CAPSIM" sweep "$example" --dry-run > "$tmp/plan" 2>&1; expect_eq "example --dry-run: exit 0" 0 $?
expect_eq "example: 32 points x 5 replications" 1 "$(grep -c '32 points x 5 replications = 160 runs' "$tmp/plan")"
if [ "${TEST_SCOPE:-all}" != quick ]; then
  "$CAPSIM" sweep "$example" -o "$tmp/example.db" --shard 1/80 -q > /dev/null 2>&1
  expect_eq "example --shard 1/80: exit 0" 0 $?
  expect_eq "example --shard 1/80: 2 complete runs" 2 "$(complete_count "$tmp/example.db")"
fi

finish
